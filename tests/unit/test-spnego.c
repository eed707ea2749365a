/* The SPNEGO initiator with more than one mechanism (RFC 4178, MS-SPNG):
 * the order it offers them in, the fall-back when the first cannot apply,
 * the server choosing the second, and a mechanism completed by the token of
 * the server's final answer (Kerberos' AP-REP). The mechanisms here are
 * test doubles: scripted, with no cryptography. */
#include <errno.h>
#include <string.h>

#include "auth/auth.h"
#include "tap.h"

/* A scripted mechanism: start fails with start_err (0 = fine); it needs
 * `legs` server tokens and completes on the last. */
struct script {
    int start_err;
    int legs;
    int fed;
    int started;
};
static struct script sa, sb;
static const uint8_t oid_a[] = {0x2a, 0x03, 0x01}, oid_b[] = {0x2a, 0x03, 0x02};

static int s_start(struct script *s, void **ret) {
    s->started++;
    if (s->start_err)
        return s->start_err;
    *ret = s;
    return 0;
}
static int a_start(const struct auth_identity *id, const char *t, void **ret) { (void) id, (void) t; return s_start(&sa, ret); }
static int b_start(const struct auth_identity *id, const char *t, void **ret) { (void) id, (void) t; return s_start(&sb, ret); }
static int s_step(void *state, const uint8_t *in, size_t len, struct buf *out) {
    struct script *s = state;

    if (in) {
        if (len != 1 || in[0] != 0x5a)
            return -EBADMSG;
        s->fed++;
    }
    if (s->fed == s->legs)
        return 0; /* complete; nothing more to say */
    buf_put_u8(out, s == &sa ? 0xaa : 0xbb);
    return 1;
}
static int s_key(void *state, const uint8_t **k, size_t *n) {
    static const uint8_t key[16] = {1};
    (void) state;
    *k = key, *n = 16;
    return 0;
}
static void s_free(void *state) { (void) state; }
static const struct auth_mech_ops mech_a = {"A", oid_a, sizeof(oid_a), a_start, s_step, s_key, NULL, s_free};
static const struct auth_mech_ops mech_b = {"B", oid_b, sizeof(oid_b), b_start, s_step, s_key, NULL, s_free};
static const struct auth_mech_ops *const both[] = {&mech_a, &mech_b};
static const struct auth_identity who = {.user = "u", .password = "p"};

static void reset(int a_err, int a_legs, int b_legs) {
    memset(&sa, 0, sizeof(sa)), memset(&sb, 0, sizeof(sb));
    sa.start_err = a_err, sa.legs = a_legs, sb.legs = b_legs;
}

static bool contains(const struct buf *b, const uint8_t *needle, size_t n) {
    for (size_t i = 0; i + n <= b->len; i++)
        if (memcmp(b->data + i, needle, n) == 0)
            return true;
    return false;
}

/* NegTokenResp { negState [0] state?, supportedMech [1] mech?, responseToken [2] 0x5a? } */
static size_t resp(uint8_t *out, int state, const uint8_t *mech, bool token) {
    uint8_t body[64];
    size_t n = 0, o = 0;

    if (state >= 0)
        body[n++] = 0xa0, body[n++] = 3, body[n++] = 0x0a, body[n++] = 1, body[n++] = (uint8_t) state;
    if (mech)
        body[n++] = 0xa1, body[n++] = 5, body[n++] = 0x06, body[n++] = 3, memcpy(body + n, mech, 3), n += 3;
    if (token)
        body[n++] = 0xa2, body[n++] = 3, body[n++] = 0x04, body[n++] = 1, body[n++] = 0x5a;
    out[o++] = 0xa1, out[o++] = (uint8_t) (n + 2), out[o++] = 0x30, out[o++] = (uint8_t) n;
    memcpy(out + o, body, n);
    return o + n;
}

static void first_mechanism_leads_with_both_offered(void) {
    struct auth_ctx *a = NULL;
    struct buf out;
    uint8_t list[] = {0x06, 3, 0x2a, 0x03, 0x01, 0x06, 3, 0x2a, 0x03, 0x02}, tok_a[] = {0x04, 1, 0xaa};

    reset(0, 1, 2);
    buf_init(&out);
    REQUIRE(auth_spnego_new(both, 2, &who, "h.example", &a) == 0);
    CHECK(auth_spnego_mech(a) == &mech_a);
    CHECK(auth_spnego_step(a, NULL, 0, &out) == 0);
    CHECK(contains(&out, list, sizeof(list))); /* A then B */
    CHECK(contains(&out, tok_a, sizeof(tok_a)));
    CHECK_EQ_I(sb.started, 0);
    buf_free(&out);
    auth_spnego_free(a);
}

static void a_mechanism_that_cannot_apply_gives_way(void) {
    struct auth_ctx *a = NULL;
    struct buf out;
    uint8_t only_b[] = {0x30, 5, 0x06, 3, 0x2a, 0x03, 0x02}, a_oid[] = {0x06, 3, 0x2a, 0x03, 0x01};

    for (int e = 0; e < 4; e++) {
        static const int gives_way[] = {-ENOKEY, -EKEYEXPIRED, -EDESTADDRREQ, -ENOLINK};

        reset(gives_way[e], 1, 2);
        buf_init(&out);
        REQUIRE(auth_spnego_new(both, 2, &who, "h.example", &a) == 0);
        CHECK(auth_spnego_mech(a) == &mech_b);
        CHECK(auth_spnego_step(a, NULL, 0, &out) == 0);
        CHECK(contains(&out, only_b, sizeof(only_b))); /* A is no longer offered */
        CHECK(!contains(&out, a_oid, sizeof(a_oid)));
        buf_free(&out);
        auth_spnego_free(a);
    }
}

static void a_definite_refusal_is_the_answer(void) {
    struct auth_ctx *a = NULL;

    reset(-EKEYREJECTED, 1, 2); /* a wrong password: no NTLM retry behind it */
    CHECK_EQ_I(auth_spnego_new(both, 2, &who, "h.example", &a), -EKEYREJECTED);
    CHECK_EQ_I(sb.started, 0);
    reset(-ETIME, 1, 2);
    CHECK_EQ_I(auth_spnego_new(both, 2, &who, "h.example", &a), -ETIME);
    reset(-ENOKEY, 1, 2); /* the last one cannot apply either: its error */
    CHECK_EQ_I(auth_spnego_new(both + 1, 1, &who, "h.example", &a), 0);
    auth_spnego_free(a);
    sb.start_err = -ENOKEY;
    CHECK_EQ_I(auth_spnego_new(both, 2, &who, "h.example", &a), -ENOKEY);
}

static void the_server_may_choose_the_second(void) {
    struct auth_ctx *a = NULL;
    struct buf out;
    uint8_t in[64], tok_b[] = {0x04, 1, 0xbb};
    size_t n;

    reset(0, 1, 1);
    buf_init(&out);
    REQUIRE(auth_spnego_new(both, 2, &who, "h.example", &a) == 0);
    REQUIRE(auth_spnego_step(a, NULL, 0, &out) == 0);
    buf_free(&out);
    n = resp(in, 1, oid_b, false); /* accept-incomplete, B, no token */
    CHECK_EQ_I(auth_spnego_step(a, in, n, &out), 0);
    CHECK(auth_spnego_mech(a) == &mech_b);
    CHECK(contains(&out, tok_b, sizeof(tok_b)));
    buf_free(&out);
    n = resp(in, 1, NULL, true); /* B's challenge */
    CHECK_EQ_I(auth_spnego_step(a, in, n, &out), 0);
    buf_free(&out);
    n = resp(in, 0, NULL, false);
    CHECK_EQ_I(auth_spnego_finish(a, in, n), 0);
    auth_spnego_free(a);
}

static void a_mechanism_we_did_not_offer_is_refused(void) {
    struct auth_ctx *a = NULL;
    struct buf out;
    uint8_t in[64], other[] = {0x2a, 0x03, 0x09};
    size_t n;

    reset(0, 1, 1);
    buf_init(&out);
    REQUIRE(auth_spnego_new(both, 2, &who, "h.example", &a) == 0);
    REQUIRE(auth_spnego_step(a, NULL, 0, &out) == 0);
    n = resp(in, 1, other, false);
    CHECK_EQ_I(auth_spnego_step(a, in, n, &out), -EPROTO);
    buf_free(&out);
    auth_spnego_free(a);
    /* nor after it gave way: B alone was offered, A may not come back */
    reset(-ENOKEY, 1, 2);
    buf_init(&out);
    REQUIRE(auth_spnego_new(both, 2, &who, "h.example", &a) == 0);
    REQUIRE(auth_spnego_step(a, NULL, 0, &out) == 0);
    n = resp(in, 1, oid_a, false);
    CHECK_EQ_I(auth_spnego_step(a, in, n, &out), -EPROTO);
    buf_free(&out);
    auth_spnego_free(a);
}

static void the_final_answer_completes_a_mutual_mechanism(void) {
    struct auth_ctx *a = NULL;
    struct buf out;
    uint8_t in[64];
    size_t n;
    const uint8_t *k;
    size_t kl;

    reset(0, 1, 1); /* A needs the server's one token (an AP-REP) */
    buf_init(&out);
    REQUIRE(auth_spnego_new(both, 2, &who, "h.example", &a) == 0);
    REQUIRE(auth_spnego_step(a, NULL, 0, &out) == 0);
    buf_free(&out);
    n = resp(in, 0, oid_a, false); /* accept-completed without the token: not proven */
    CHECK_EQ_I(auth_spnego_finish(a, in, n), -EPROTO);
    CHECK_EQ_I(auth_spnego_finish(a, NULL, 0), -EPROTO);
    n = resp(in, 0, oid_a, true);
    CHECK_EQ_I(auth_spnego_finish(a, in, n), 0);
    CHECK_EQ_I(sa.fed, 1);
    CHECK_EQ_I(auth_spnego_session_key(a, &k, &kl), 0);
    auth_spnego_free(a);
}

static void addresses_have_no_kerberos_target(void) {
    CHECK(auth_krb5_target_is_address("127.0.0.60"));
    CHECK(auth_krb5_target_is_address("::1"));
    CHECK(auth_krb5_target_is_address("fe80--1s2.ipv6-literal.net"));
    CHECK(auth_krb5_target_is_address(""));
    CHECK(!auth_krb5_target_is_address("dc1.wtslab.test"));
    CHECK(!auth_krb5_target_is_address("files"));
}

TAP_MAIN(CASE(first_mechanism_leads_with_both_offered), CASE(a_mechanism_that_cannot_apply_gives_way),
         CASE(a_definite_refusal_is_the_answer), CASE(the_server_may_choose_the_second),
         CASE(a_mechanism_we_did_not_offer_is_refused), CASE(the_final_answer_completes_a_mutual_mechanism),
         CASE(addresses_have_no_kerberos_target))
