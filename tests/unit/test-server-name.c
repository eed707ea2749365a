/* Server names as the Net* functions take them (docs/api.md "Server names"). */
#include <stdlib.h>
#include <string.h>

#include "common/errors.h"
#include "rpc/binding.h"
#include "tap.h"

static void null_and_empty_mean_this_host(void) {
    struct server_addr a;

    unsetenv(SMB_LOCAL_PORT_ENV);
    REQUIRE(server_addr_parse(NULL, &a) == 0);
    CHECK(a.local && a.port == 445);
    CHECK_STREQ(a.host, "127.0.0.1");
    REQUIRE(server_addr_parse("", &a) == 0);
    CHECK(a.local);
    setenv(SMB_LOCAL_PORT_ENV, "14450", 1);
    REQUIRE(server_addr_parse(NULL, &a) == 0);
    CHECK(a.port == 14450);
    unsetenv(SMB_LOCAL_PORT_ENV);
}

static void unc_prefix_is_optional(void) {
    struct server_addr a, b;

    REQUIRE(server_addr_parse("\\\\Files.Example.org", &a) == 0);
    REQUIRE(server_addr_parse("files.example.org", &b) == 0);
    CHECK_STREQ(a.host, "Files.Example.org");
    CHECK_STREQ(a.key, b.key); /* one pool entry whatever the spelling */
    CHECK(a.port == 445 && !a.local);
}

static void ports_are_an_extension_after_a_colon(void) {
    struct server_addr a;

    REQUIRE(server_addr_parse("\\\\127.0.0.1:14450", &a) == 0);
    CHECK_STREQ(a.host, "127.0.0.1");
    CHECK(a.port == 14450);
    REQUIRE(server_addr_parse("[::1]:14451", &a) == 0);
    CHECK_STREQ(a.host, "::1");
    CHECK(a.port == 14451);
    CHECK_EQ_I(server_addr_parse("host:0", &a), -EADDRNOTAVAIL);
    CHECK_EQ_I(server_addr_parse("host:65536", &a), -EADDRNOTAVAIL);
    CHECK_EQ_I(server_addr_parse("host:12a", &a), -EADDRNOTAVAIL);
}

static void ipv6_literal_net_names_become_addresses(void) {
    struct server_addr a;

    REQUIRE(server_addr_parse("\\\\fe80--1s4.ipv6-literal.net", &a) == 0);
    CHECK_STREQ(a.host, "fe80::1%4");
    REQUIRE(server_addr_parse("--1.IPV6-LITERAL.NET", &a) == 0);
    CHECK_STREQ(a.host, "::1");
    CHECK_STREQ(a.unc, "--1.ipv6-literal.net");
    REQUIRE(server_addr_parse("::1", &a) == 0);
    CHECK_STREQ(a.unc, "--1.ipv6-literal.net");
    CHECK_EQ_I(server_addr_parse("zz--1.ipv6-literal.net", &a), -EADDRNOTAVAIL);
}

static void garbage_is_refused_before_any_lookup(void) {
    static char long_name[401];
    static const char *bad[] = {"\\server", "\\\\", "\\\\a\\b", "a b", "-opt", "host..x", "1.2.3",
                                "[::1", "[zz]", "bad!name", "ab\xc3\xa9", "bad name with spaces", "host\nname",
                                " ", "\\\\ ", ":445", "\\\\:445", "ssh://host", "-oProxyCommand=x", long_name};

    struct server_addr a;

    memset(long_name, 'a', sizeof(long_name) - 1);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (server_addr_parse(bad[i], &a) != -EADDRNOTAVAIL)
            TAP_FAIL("accepted %s", bad[i]);
}

TAP_MAIN(CASE(null_and_empty_mean_this_host), CASE(unc_prefix_is_optional), CASE(ports_are_an_extension_after_a_colon),
         CASE(ipv6_literal_net_names_become_addresses), CASE(garbage_is_refused_before_any_lookup))
