/* Where a server name leads (src/api/target.h): the one resolver behind
 * WTSOpenServer, the Net* functions, WNet and the CLI's --server, and the
 * one host-name validator under it (src/common/hostname.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/target.h"
#include "common/hostname.h"
#include "common/parse_int.h"
#include "tap.h"

struct wts_case {
    const char *name;
    int result;              /* 0 or the negative errno */
    enum server_dest dest;
    const char *ssh;         /* SERVER_DEST_SSH: the canonical destination */
    const char *host;        /* the name results report (NULL: not checked) */
};

static void wts_names_lead_where_the_docs_say(void) {
    static const struct wts_case cases[] = {
        {"localhost", 0, SERVER_DEST_THIS_HOST, NULL, NULL},
        {"LocalHost", 0, SERVER_DEST_THIS_HOST, NULL, NULL},
        {".", 0, SERVER_DEST_THIS_HOST, NULL, NULL},
        {"", 0, SERVER_DEST_THIS_HOST, NULL, NULL},
        {"\\\\localhost", 0, SERVER_DEST_THIS_HOST, NULL, NULL},
        {"fileserver", 0, SERVER_DEST_AUTO, "ssh://fileserver", "fileserver"},
        {"\\\\fileserver", 0, SERVER_DEST_AUTO, "ssh://fileserver", "fileserver"},
        {"192.0.2.7", 0, SERVER_DEST_AUTO, "ssh://192.0.2.7", "192.0.2.7"},
        {"fe80::1", 0, SERVER_DEST_AUTO, "ssh://[fe80::1]", "fe80::1"},
        {"[::1]", 0, SERVER_DEST_AUTO, "ssh://[::1]", "::1"},
        {"ssh://admin@node7:2401", 0, SERVER_DEST_SSH, "ssh://admin@node7:2401", "node7"},
        {"SSH://localhost", 0, SERVER_DEST_SSH, "ssh://localhost", "localhost"}, /* ssh:// is never this host */
        {"\\\\", -EINVAL, 0, NULL, NULL},
        {"-oProxyCommand=x", -EINVAL, 0, NULL, NULL},
        {"two words", -EINVAL, 0, NULL, NULL},
        {"host:22", -EINVAL, 0, NULL, NULL}, /* a port only in ssh:// */
        {"ssh://-x", -EINVAL, 0, NULL, NULL},
        {"ssh://host:0", -EINVAL, 0, NULL, NULL},
        {"ssh://a b", -EINVAL, 0, NULL, NULL},
        /* rdsh://: a Windows RD Session Host, the SMB name grammar (port: SMB's) */
        {"rdsh://winhost", 0, SERVER_DEST_RDSH, NULL, "winhost"},
        {"RDSH://127.0.0.1:14540", 0, SERVER_DEST_RDSH, NULL, "127.0.0.1"},
        {"rdsh://localhost", 0, SERVER_DEST_RDSH, NULL, "localhost"}, /* never this host */
        {"rdsh://[::1]:445", 0, SERVER_DEST_RDSH, NULL, "::1"},
        {"rdsh://", -EINVAL, 0, NULL, NULL},
        {"rdsh://user@winhost", -EINVAL, 0, NULL, NULL},
        {"rdsh://win host", -EINVAL, 0, NULL, NULL},
        {"rdsh://-oX", -EINVAL, 0, NULL, NULL},
        {"rdsh://winhost:0", -EINVAL, 0, NULL, NULL},
        {"rdsh://\\\\winhost", -EINVAL, 0, NULL, NULL},
    };
    char long_name[300];

    unsetenv("WTSNET_REMOTE");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct wts_case *c = &cases[i];
        struct server_target t = {.dest = 99};
        int r = server_resolve(SERVER_FOR_WTS, c->name, &t);

        if (r != c->result) {
            TAP_FAIL("%s: %d, expected %d", c->name, r, c->result);
            continue;
        }
        if (r < 0) {
            CHECK(t.dest == (enum server_dest) 99); /* untouched on failure */
            continue;
        }
        CHECK(t.dest == c->dest);
        if (c->ssh)
            CHECK_STREQ(t.ssh, c->ssh);
        if (c->host)
            CHECK_STREQ(t.host, c->host);
    }
    memset(long_name, 'a', 256);
    long_name[256] = '\0';
    {
        struct server_target t;

        CHECK_EQ_I(server_resolve(SERVER_FOR_WTS, long_name, &t), -ENAMETOOLONG);
    }
}

static void this_host_is_named_as_this_host(void) {
    struct server_target t;
    char host[256];

    REQUIRE(server_resolve(SERVER_FOR_WTS, NULL, &t) == 0);
    CHECK(t.dest == SERVER_DEST_THIS_HOST);
    server_this_host_name(host, sizeof(host));
    CHECK_STREQ(t.host, host);
    REQUIRE(server_resolve(SERVER_FOR_WTS, host, &t) == 0); /* our own name, as given by gethostname */
    CHECK(t.dest == SERVER_DEST_THIS_HOST);
}

static void remote_off_turns_plain_names_off_not_local(void) {
    struct server_target t;

    setenv("WTSNET_REMOTE", "none", 1);
    REQUIRE(server_resolve(SERVER_FOR_WTS, "fileserver", &t) == 0);
    CHECK(t.dest == SERVER_DEST_OFF);
    CHECK_STREQ(t.host, "fileserver");
    REQUIRE(server_resolve(SERVER_FOR_WTS, "ssh://fileserver", &t) == 0);
    CHECK(t.dest == SERVER_DEST_SSH); /* an explicit ssh:// still is */
    REQUIRE(server_resolve(SERVER_FOR_WTS, "localhost", &t) == 0);
    CHECK(t.dest == SERVER_DEST_THIS_HOST);
    REQUIRE(server_resolve(SERVER_FOR_WTS, "rdsh://fileserver", &t) == 0);
    CHECK(t.dest == SERVER_DEST_RDSH); /* so is an explicit rdsh:// */
    setenv("WTSNET_REMOTE", "ssh", 1);
    REQUIRE(server_resolve(SERVER_FOR_WTS, "fileserver", &t) == 0);
    CHECK(t.dest == SERVER_DEST_SSH);
    unsetenv("WTSNET_REMOTE");
}

/* WTSNET_REMOTE: auto (the default) probes at the first call; ssh and rdsh force one. */
static void remote_setting_chooses_for_plain_names(void) {
    struct server_target t;

    unsetenv("WTSNET_REMOTE");
    REQUIRE(server_resolve(SERVER_FOR_WTS, "\\\\winhost", &t) == 0);
    CHECK(t.dest == SERVER_DEST_AUTO);
    CHECK_STREQ(t.ssh, "ssh://winhost"); /* the fallback, decided now */
    CHECK_STREQ(t.smb.host, "winhost");
    CHECK_EQ_U(t.smb.port, 445);
    setenv("WTSNET_REMOTE", "auto", 1);
    REQUIRE(server_resolve(SERVER_FOR_WTS, "winhost", &t) == 0);
    CHECK(t.dest == SERVER_DEST_AUTO);
    setenv("WTSNET_REMOTE", "rdsh", 1);
    REQUIRE(server_resolve(SERVER_FOR_WTS, "winhost", &t) == 0);
    CHECK(t.dest == SERVER_DEST_RDSH);
    CHECK_STREQ(t.smb.host, "winhost");
    REQUIRE(server_resolve(SERVER_FOR_WTS, "ssh://winhost", &t) == 0);
    CHECK(t.dest == SERVER_DEST_SSH); /* explicit forms win over the setting */
    REQUIRE(server_resolve(SERVER_FOR_WTS, ".", &t) == 0);
    CHECK(t.dest == SERVER_DEST_THIS_HOST);
    unsetenv("WTSNET_REMOTE");
}

static void netapi_names_lead_to_smb_servers(void) {
    struct server_target t;

    unsetenv("WTSNET_SMB_PORT");
    REQUIRE(server_resolve(SERVER_FOR_NETAPI, NULL, &t) == 0);
    CHECK(t.dest == SERVER_DEST_SMB && t.smb.local && t.smb.port == 445);
    REQUIRE(server_resolve(SERVER_FOR_NETAPI, "localhost", &t) == 0);
    CHECK(t.dest == SERVER_DEST_SMB && !t.smb.local); /* the SMB server named localhost */
    REQUIRE(server_resolve(SERVER_FOR_NETAPI, "\\\\files:14450", &t) == 0);
    CHECK_STREQ(t.host, "files");
    CHECK(t.smb.port == 14450);
    CHECK_EQ_I(server_resolve(SERVER_FOR_NETAPI, "ssh://files", &t), -EADDRNOTAVAIL);
    CHECK_EQ_I(server_resolve(SERVER_FOR_NETAPI, "1.2.3", &t), -EADDRNOTAVAIL);
    setenv("WTSNET_SMB_PORT", "44x", 1);
    CHECK_EQ_I(server_resolve(SERVER_FOR_NETAPI, NULL, &t), -EINVAL); /* never the default port instead */
    unsetenv("WTSNET_SMB_PORT");
}

static void wnet_takes_ipc_shares_only(void) {
    struct server_target t;

    REQUIRE(server_resolve_ipc("\\\\srv\\IPC$", &t) == 0);
    CHECK(t.dest == SERVER_DEST_SMB);
    CHECK_STREQ(t.smb.host, "srv");
    REQUIRE(server_resolve_ipc("\\\\[::1]:14450\\ipc$", &t) == 0);
    CHECK_STREQ(t.smb.host, "::1");
    CHECK_EQ_I(server_resolve_ipc("\\\\srv\\C$", &t), -ENXIO);
    CHECK_EQ_I(server_resolve_ipc("\\\\srv", &t), -ENXIO);
    CHECK_EQ_I(server_resolve_ipc("srv\\IPC$", &t), -EADDRNOTAVAIL);
    CHECK_EQ_I(server_resolve_ipc("\\\\\\IPC$", &t), -EADDRNOTAVAIL);
    CHECK_EQ_I(server_resolve_ipc("\\\\a b\\IPC$", &t), -EADDRNOTAVAIL);
}

static bool valid(const char *s, unsigned flags) {
    return hostname_is_valid(s, strlen(s), flags);
}

static void one_host_name_validator(void) {
    char label64[70], long_name[260];

    CHECK(valid("files.example.org", HOSTNAME_LABELS | HOSTNAME_ALNUM_FIRST));
    CHECK(valid("host.", HOSTNAME_LABELS)); /* the root label */
    CHECK(valid("_ldap", HOSTNAME_LABELS));
    CHECK(!valid("_ldap", HOSTNAME_ALNUM_FIRST));
    CHECK(valid("a..b", 0) && !valid("a..b", HOSTNAME_LABELS));
    CHECK(!valid("-x", 0) && !valid(".x", 0) && !valid("", 0));
    CHECK(!valid("a b", 0) && !valid("a/b", 0) && !valid("a%b", 0) && !valid("é", 0));
    memset(label64, 'a', 64);
    label64[64] = '\0';
    CHECK(valid(label64, 0) && !valid(label64, HOSTNAME_LABELS));
    label64[63] = '\0';
    CHECK(valid(label64, HOSTNAME_LABELS));
    memset(long_name, 'a', 253);
    for (size_t i = 60; i < 253; i += 60)
        long_name[i] = '.';
    long_name[253] = '\0';
    CHECK(valid(long_name, HOSTNAME_LABELS));
    long_name[253] = 'a';
    long_name[254] = '\0';
    CHECK(!valid(long_name, 0));

    CHECK(hostname_is_ipv6("fe80::1", 7) && hostname_is_ipv6("::ffff:192.0.2.7", 16));
    CHECK(!hostname_is_ipv6("fe80::1%4", 9) && !hostname_is_ipv6("[::1]", 5) && !hostname_is_ipv6("192.0.2.7", 9));
    CHECK(hostname_is_ipv6("::1x", 3) && !hostname_is_ipv6("", 0)); /* len bytes only */
}

static void one_port_reader(void) {
    uint16_t p = 7;

    CHECK(hostname_parse_port("445", 3, 0, &p) == 0 && p == 445);
    CHECK(hostname_parse_port("65535", 5, 0, &p) == 0 && p == 65535);
    CHECK(hostname_parse_port("0445", 4, PARSE_INT_LEADING_ZEROS, &p) == 0 && p == 445);
    p = 7;
    CHECK(hostname_parse_port("0445", 4, 0, &p) < 0);
    CHECK(hostname_parse_port("0", 1, PARSE_INT_LEADING_ZEROS, &p) < 0);
    CHECK(hostname_parse_port("65536", 5, 0, &p) < 0);
    CHECK(hostname_parse_port("000445", 6, PARSE_INT_LEADING_ZEROS, &p) < 0);
    CHECK(hostname_parse_port("", 0, 0, &p) < 0);
    CHECK(hostname_parse_port("+22", 3, 0, &p) < 0);
    CHECK(hostname_parse_port("22 ", 3, 0, &p) < 0);
    CHECK_EQ_U(p, 7); /* untouched on failure */
}

TAP_MAIN(CASE(wts_names_lead_where_the_docs_say), CASE(this_host_is_named_as_this_host),
         CASE(remote_off_turns_plain_names_off_not_local), CASE(remote_setting_chooses_for_plain_names), CASE(netapi_names_lead_to_smb_servers),
         CASE(wnet_takes_ipc_shares_only), CASE(one_host_name_validator), CASE(one_port_reader))
