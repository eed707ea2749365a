/*
 * Downgrade protection (issue 10, item 4): NetServerGetInfo through
 * tests/integration/tamper-relay.py (a test double that alters the NEGOTIATE
 * exchange) to a real smbd. tests/suites/47-downgrade.sh runs this once per
 * (server configuration, relay mode) and says what must happen:
 *   EXPECT=ok      the call succeeds; EXPECT_DIALECT (hex) was negotiated and
 *                  EXPECT_VALIDATED (0/1) says whether FSCTL_VALIDATE_NEGOTIATE_INFO
 *                  was exchanged and checked;
 *   EXPECT=denied  the call fails with ERROR_ACCESS_DENIED, docs/netapi.md's
 *                  error for a tampered negotiation, and so does a second try
 *                  (no quiet fallback to what the relay wanted).
 * Credentials come from $WTSNET_CREDENTIALS_FILE.
 */
#include <lm.h>

#include <stdio.h>

#include "rpc/binding.h"
#include "smb2/conn.h" /* reads what was negotiated */
#include "samba-util.h"
#include "tap.h"

static const char *server(void) {
    return env_or("WTSNET_TEST_SERVER", "127.0.0.1:14481");
}

static bool expect_ok(void) {
    return strcmp(env_or("EXPECT", "?"), "ok") == 0;
}

static void server_get_info_gives_the_expected_answer(void) {
    SERVER_INFO_101 *i = NULL;
    double t0 = now_s();
    NET_API_STATUS st = NetServerGetInfo(wide(server()), 101, (LPBYTE *) &i);

    if (expect_ok()) {
        CHECK_EQ_U(st, NERR_Success);
        CHECK(i != NULL && i->sv101_name && i->sv101_name[0]);
    } else {
        CHECK_EQ_U(st, ERROR_ACCESS_DENIED);
        CHECK(i == NULL); /* untouched on failure */
    }
    /* A refusal is immediate, never a wait for the timeout (WTSNET_TIMEOUT). */
    CHECK(now_s() - t0 < 15.0);
    if (i)
        NetApiBufferFree(i);
}

static void a_retry_fails_alike_or_the_connection_is_what_was_negotiated(void) {
    struct server_addr a;
    struct smb_session *s = NULL;
    struct smb2_conn *c;
    int r;

    if (!expect_ok()) {
        SERVER_INFO_101 *i = NULL;

        /* Trying again meets the same relay on a new connection: it fails
         * the same way, never by falling back to what the relay wanted. */
        CHECK_EQ_U(NetServerGetInfo(wide(server()), 101, (LPBYTE *) &i), ERROR_ACCESS_DENIED);
        CHECK(i == NULL);
        return;
    }
    REQUIRE(server_addr_parse(server(), &a) == 0);
    r = binding_acquire(&a, NULL, &s, NULL);
    REQUIRE(r == 0);
    c = binding_conn(s);
    CHECK(!binding_is_fresh(s)); /* the connection the call above used */
    CHECK_EQ_U(c->dialect, strtoul(env_or("EXPECT_DIALECT", "0"), NULL, 16));
    CHECK(c->signing);
    CHECK_EQ_U(c->negotiate_validated, atoi(env_or("EXPECT_VALIDATED", "0")) != 0);
    binding_release(s);
}

TAP_MAIN(CASE(server_get_info_gives_the_expected_answer), CASE(a_retry_fails_alike_or_the_connection_is_what_was_negotiated))
