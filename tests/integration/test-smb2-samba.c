/*
 * NetrServerGetInfo through our SMB2 stack against one smbd configuration
 * (dialect pinned, signing or encryption required), checked field by field
 * against `rpcclient -c srvinfo` on the same server, with what was
 * negotiated checked on our side and on the server's (smbstatus).
 */
#include <lm.h>
#include <winnetwk.h>

#include <stdio.h>

#include "rpc/binding.h"
#include "smb2/conn.h" /* reads what was negotiated */
#include "rpc/srvs_client.h"
#include "samba-util.h"
#include "tap.h"

static const char *server(void) {
    return env_or("WTSNET_TEST_SERVER", "127.0.0.1:14450");
}

static void wnet_add_connection_authenticates(void) {
    wchar_t remote[300];
    NETRESOURCEW nr = {.dwType = RESOURCETYPE_ANY, .lpRemoteName = remote};

    swprintf(remote, 300, L"\\\\%s\\IPC$", server());
    CHECK_EQ_U(WNetAddConnection2W(&nr, wide(env_or("WTSNET_TEST_ADMIN_PW", "")),
                                   wide(env_or("WTSNET_TEST_ADMIN", "")), 0),
               NO_ERROR);
    CHECK_EQ_U(GetLastError(), NO_ERROR);
}

static void server_info_101_matches_rpcclient(void) {
    SERVER_INFO_101 *i = NULL;
    char name[256], comment[256], line1[512], version[32];
    const char *want_line1 = env_or("EXPECT_LINE1", "?");
    size_t cl;

    REQUIRE(NetServerGetInfo(wide(server()), 101, (LPBYTE *) &i) == NERR_Success);
    REQUIRE(i != NULL);
    snprintf(name, sizeof(name), "%ls", i->sv101_name);
    snprintf(comment, sizeof(comment), "%ls", i->sv101_comment);
    snprintf(version, sizeof(version), "%u.%u", i->sv101_version_major, i->sv101_version_minor);
    /* rpcclient prints: NAME  type-letters  COMMENT / platform_id / os version / server type */
    snprintf(line1, sizeof(line1), "%s", want_line1);
    CHECK(strncmp(line1, name, strlen(name)) == 0 && line1[strlen(name)] == ' ');
    cl = strlen(comment);
    CHECK(cl > 0 && strlen(line1) > cl && strcmp(line1 + strlen(line1) - cl, comment) == 0 &&
          line1[strlen(line1) - cl - 1] == ' ');
    CHECK_EQ_U(i->sv101_platform_id, strtoul(env_or("EXPECT_PLATFORM", "0"), NULL, 10));
    CHECK_STREQ(version, env_or("EXPECT_VERSION", "?"));
    CHECK_EQ_U(i->sv101_type, strtoul(env_or("EXPECT_TYPE", "0"), NULL, 16));
    NetApiBufferFree(i);
}

static void server_info_100_is_the_head_of_101(void) {
    SERVER_INFO_100 *a = NULL;
    SERVER_INFO_101 *b = NULL;

    REQUIRE(NetServerGetInfo(wide(server()), 100, (LPBYTE *) &a) == NERR_Success);
    REQUIRE(NetServerGetInfo(wide(server()), 101, (LPBYTE *) &b) == NERR_Success);
    CHECK_EQ_U(a->sv100_platform_id, b->sv101_platform_id);
    CHECK_WCSEQ(a->sv100_name, b->sv101_name);
    NetApiBufferFree(a);
    NetApiBufferFree(b);
}

static unsigned dialect_of(const char *s) {
    static const struct {
        const char *name;
        unsigned d;
    } t[] = {{"SMB2_02", 0x202}, {"SMB2_10", 0x210}, {"SMB3_00", 0x300}, {"SMB3_02", 0x302}, {"SMB3_11", 0x311}};

    for (size_t i = 0; i < 5; i++)
        if (strcmp(s, t[i].name) == 0)
            return t[i].d;
    return 0;
}

static void negotiated_what_the_server_was_pinned_to(void) {
    struct server_addr a;
    struct smb_session *s;
    struct smb2_conn *c;
    const char *want = env_or("EXPECT_DIALECT", "?");
    bool want_enc = atoi(env_or("EXPECT_ENCRYPTED", "0")) != 0;
    char *js, needle[128];

    REQUIRE(server_addr_parse(server(), &a) == 0);
    REQUIRE(binding_acquire(&a, NULL, &s, NULL) == 0); /* the pooled connection the calls used */
    c = binding_conn(s);
    CHECK(!binding_is_fresh(s));
    CHECK_EQ_U(c->dialect, dialect_of(want));
    CHECK(c->signing);
    CHECK(c->encrypting == want_enc);
    binding_release(s);
    /* The server's view. */
    js = smbstatus_json();
    REQUIRE(js != NULL);
    snprintf(needle, sizeof(needle), "\"session_dialect\": \"%s\"", want);
    CHECK(strstr(js, needle) != NULL);
    if (want_enc) {
        snprintf(needle, sizeof(needle), "\"encryption\": {\"cipher\": \"%s\", \"degree\": \"full\"}",
                 env_or("EXPECT_CIPHER", "?"));
        CHECK(strstr(js, needle) != NULL);
    } else {
        snprintf(needle, sizeof(needle), "\"signing\": {\"cipher\": \"%s\", \"degree\": \"full\"}",
                 env_or("EXPECT_SIGNING", "?"));
        CHECK(strstr(js, needle) != NULL);
    }
    if (!strstr(js, needle))
        tap_diag("smbstatus: %s", js);
    free(js);
}

static void a_reused_connection_costs_one_round_trip(void) {
    SERVER_INFO_101 *i = NULL;

    REQUIRE(NetServerGetInfo(wide(server()), 101, (LPBYTE *) &i) == NERR_Success);
    CHECK_EQ_U(srvs_client_last_round_trips(), 1);
    NetApiBufferFree(i);
}

static void a_fresh_connection_costs_five_round_trips(void) {
    SERVER_INFO_101 *i = NULL;

    binding_drop_all(); /* the WNet credentials stay; the connection goes */
    REQUIRE(NetServerGetInfo(wide(server()), 101, (LPBYTE *) &i) == NERR_Success);
    /* negotiate, 2 × session setup, tree connect+create+bind (one compound),
     * request; below 3.1.1 the tree connect goes first with its
     * FSCTL_VALIDATE_NEGOTIATE_INFO (one round trip more, src/smb2/negotiate.c) */
    CHECK_EQ_U(srvs_client_last_round_trips(), dialect_of(env_or("EXPECT_DIALECT", "?")) == 0x311 ? 5 : 6);
    NetApiBufferFree(i);
}

static void wnet_cancel_forgets_the_server(void) {
    wchar_t remote[300];

    swprintf(remote, 300, L"\\\\%s\\IPC$", server());
    CHECK_EQ_U(WNetCancelConnection2W(remote, 0, TRUE), NO_ERROR);
    CHECK_EQ_U(WNetCancelConnection2W(remote, 0, TRUE), ERROR_NOT_CONNECTED);
}

TAP_MAIN(CASE(wnet_add_connection_authenticates), CASE(server_info_101_matches_rpcclient),
         CASE(server_info_100_is_the_head_of_101), CASE(negotiated_what_the_server_was_pinned_to),
         CASE(a_reused_connection_costs_one_round_trip), CASE(a_fresh_connection_costs_five_round_trips),
         CASE(wnet_cancel_forgets_the_server))
