/* DCE/RPC replies on an authenticated binding (MS-RPCE 2.2.2.11, 3.3.1.5.2):
 * a response fragment signed or sealed as a server does it (NTLMSSP with the
 * MS-NLMP 4.2.4 example's keys, server-to-client direction, header signing)
 * is opened, and every way of spoiling one is refused as tampered before its
 * stub is used; then the binding is closed. */
#include <errno.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/ntlm.h"
#include "common/crypto.h"
#include "common/errors.h"
#include "rpc/dcerpc.h"
#include "tap.h"

static size_t unhex(const char *h, uint8_t *out) {
    size_t n = 0;

    for (; h[0] && h[1]; h += 2)
        sscanf(h, "%2hhx", &out[n++]);
    return n;
}

/* MS-NLMP 4.2.4.3's CHALLENGE_MESSAGE (KEY_EXCH, SIGN, SEAL, ESS). */
static const char challenge_hex[] =
    "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef"
    "00000000000000002400240044000000060070170000000f5300650072007600"
    "6500720002000c0044006f006d00610069006e0001000c005300650072007600"
    "6500720000000000";

#define CTX_ID 0x11223344u

static struct rpc_client rc;

static void bind_example(uint8_t level) {
    uint8_t chal[200];
    size_t chal_len = unhex(challenge_hex, chal);
    struct ntlm_client_inputs in = {.now = 0, .workstation = "COMPUTER"};
    struct auth_identity id = {.user = "User", .domain = "Domain", .password = "Password"};
    struct buf out;

    memset(&rc, 0, sizeof(rc));
    memset(in.client_challenge, 0xaa, 8);
    memset(in.exported_session_key, 0x55, 16);
    rc.auth_type = RPC_C_AUTHN_WINNT;
    rc.auth_level = level;
    rc.auth_context_id = CTX_ID;
    rc.hdr_sign = true;
    rc.bound = true;
    rc.mech = &auth_mech_ntlmssp;
    buf_init(&out);
    REQUIRE(auth_mech_ntlmssp.start(&id, "Server", &rc.mech_state) == 0);
    ntlm_client_set_inputs(rc.mech_state, &in);
    REQUIRE(auth_mech_ntlmssp.step(rc.mech_state, NULL, 0, &out) == 1);
    buf_free(&out);
    REQUIRE(auth_mech_ntlmssp.step(rc.mech_state, chal, chal_len, &out) == 0);
    buf_free(&out);
}

/* The server side: its keys and RC4 stream, as the published primitives make them. */
static struct {
    uint8_t sign[16], seal[16];
    struct crypto_rc4 rc4;
} srv;

static void server_start(void) {
    uint8_t esk[16];

    memset(esk, 0x55, 16);
    ntlm_server_keys(esk, srv.sign, srv.seal);
    crypto_rc4_init(&srv.rc4, srv.seal, 16);
}

static const uint8_t stub[20] = "NetrSessionEnum-stub";

/* A response PDU carrying stub, protected at rc's level with sequence seq. */
static void server_response(struct buf *b, uint32_t seq, uint32_t call_id) {
    uint8_t plain[128];
    size_t trailer;

    buf_init(b);
    buf_put_bytes(b, "\x05\x00\x02\x03\x10\x00\x00\x00", 8);
    buf_put_u16(b, 0);
    buf_put_u16(b, 16);
    buf_put_u32(b, call_id);
    buf_put_u32(b, sizeof(stub));
    buf_put_u16(b, 0);
    buf_put_u8(b, 0);
    buf_put_u8(b, 0);
    buf_put_bytes(b, stub, sizeof(stub));
    buf_put_zero(b, 12); /* to 16 */
    trailer = b->len;
    buf_put_u8(b, RPC_C_AUTHN_WINNT);
    buf_put_u8(b, rc.auth_level);
    buf_put_u8(b, 12);
    buf_put_u8(b, 0);
    buf_put_u32(b, CTX_ID);
    buf_put_zero(b, 16);
    buf_set_u16(b, 8, (uint16_t) b->len);
    REQUIRE(buf_error(b) == 0 && trailer + 8 <= sizeof(plain));
    memcpy(plain, b->data, trailer + 8);
    if (rc.auth_level == RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
        crypto_rc4(&srv.rc4, b->data + 24, trailer - 24);
    ntlm_mac(srv.sign, &srv.rc4, seq, plain, trailer + 8, b->data + trailer + 8);
}

static void good_replies_open_in_place(uint8_t level) {
    struct buf b;

    bind_example(level);
    server_start();
    for (uint32_t seq = 0; seq < 3; seq++) {
        server_response(&b, seq, 7 + seq);
        REQUIRE(rpc_check_reply(&rc, &b) == 0);
        CHECK_EQ_U(b.len, 24 + sizeof(stub)); /* trailer, value and padding gone */
        CHECK_EQ_U(get_le16(b.data + 8), b.len);
        CHECK_EQ_U(get_le16(b.data + 10), 0);
        CHECK(memcmp(b.data + 24, stub, sizeof(stub)) == 0);
        buf_free(&b);
    }
    rpc_client_close(&rc);
}

static void sealed_replies_open(void) {
    good_replies_open_in_place(RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
}

static void signed_replies_open(void) {
    good_replies_open_in_place(RPC_C_AUTHN_LEVEL_PKT_INTEGRITY);
}

/* One spoiled reply: refused as tampered, and the binding is closed. */
static void refused(uint8_t level, void (*spoil)(struct buf *b), uint32_t seq) {
    struct buf b;

    bind_example(level);
    server_start();
    server_response(&b, seq, 9);
    spoil(&b);
    CHECK_EQ_I(rpc_check_reply(&rc, &b), -E_TAMPERED);
    CHECK(!rc.bound && rc.mech_state == NULL);
    buf_free(&b);
    rpc_client_close(&rc);
}

static void nothing(struct buf *b) {
    (void) b;
}
static void flip_stub(struct buf *b) {
    b->data[30] ^= 0x20;
}
static void flip_header(struct buf *b) {
    b->data[12] ^= 1; /* call_id: only header signing covers it */
}
static void flip_alloc_hint(struct buf *b) {
    b->data[16] ^= 1;
}
static void flip_signature(struct buf *b) {
    b->data[b->len - 5] ^= 1;
}
static void other_context(struct buf *b) {
    b->data[b->len - 16 - 4] ^= 1;
}
static void pad_beyond_body(struct buf *b) {
    b->data[b->len - 16 - 6] = 200;
}
static void pad_of_16(struct buf *b) {
    b->data[b->len - 16 - 6] = 16;
}
static void truncated_value(struct buf *b) {
    /* one byte of the signature lost, lengths adjusted to match */
    b->len--;
    buf_set_u16(b, 8, (uint16_t) b->len);
    buf_set_u16(b, 10, 15);
}
static void auth_len_beyond_pdu(struct buf *b) {
    buf_set_u16(b, 10, (uint16_t) (b->len - 20));
}
static void no_trailer(struct buf *b) {
    b->len = 24 + sizeof(stub);
    buf_set_u16(b, 8, (uint16_t) b->len);
    buf_set_u16(b, 10, 0);
}
static void wrong_level(struct buf *b) {
    b->data[b->len - 16 - 7] = RPC_C_AUTHN_LEVEL_CONNECT;
}

static void spoiled_replies_are_refused(void) {
    static const struct {
        const char *what;
        void (*fn)(struct buf *);
    } cases[] = {
        {"a flipped stub byte", flip_stub},        {"a flipped call_id", flip_header},
        {"a flipped alloc_hint", flip_alloc_hint}, {"a flipped signature byte", flip_signature},
        {"another context id", other_context},     {"padding beyond the body", pad_beyond_body},
        {"padding of 16", pad_of_16},              {"a truncated auth_value", truncated_value},
        {"auth_length beyond the PDU", auth_len_beyond_pdu}, {"no trailer at all", no_trailer},
        {"another level in the trailer", wrong_level},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (uint8_t level = RPC_C_AUTHN_LEVEL_PKT_INTEGRITY; level <= RPC_C_AUTHN_LEVEL_PKT_PRIVACY; level++) {
            tap_diag("%s, level %u", cases[i].what, level);
            refused(level, cases[i].fn, 0);
        }
}

/* A reply under another sequence number (replayed, or one dropped) fails. */
static void wrong_sequence_is_refused(void) {
    refused(RPC_C_AUTHN_LEVEL_PKT_PRIVACY, nothing, 1);
    refused(RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, nothing, 1);
}

/* A fault may come bare: a server refusing a call before its security
 * context is set up has nothing to sign it with; its status is data. */
static void bare_fault_passes(void) {
    struct buf b;

    bind_example(RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
    buf_init(&b);
    buf_put_bytes(&b, "\x05\x00\x03\x03\x10\x00\x00\x00\x20\x00\x00\x00\x09\x00\x00\x00", 16);
    buf_put_zero(&b, 8);
    buf_put_u32(&b, 0x721);
    buf_put_zero(&b, 4);
    REQUIRE(buf_error(&b) == 0);
    CHECK_EQ_I(rpc_check_reply(&rc, &b), 0);
    CHECK(rc.bound);
    buf_free(&b);
    rpc_client_close(&rc);
}

/* The trailer parser on its own: where it is, and what does not fit. */
static void sec_trailer_parses_and_bounds(void) {
    struct buf b;
    struct rpc_sec_trailer t;

    bind_example(RPC_C_AUTHN_LEVEL_PKT_INTEGRITY);
    server_start();
    server_response(&b, 0, 9);
    REQUIRE(rpc_parse_sec_trailer(b.data, b.len, 24, &t) == 0);
    CHECK_EQ_U(t.type, RPC_C_AUTHN_WINNT);
    CHECK_EQ_U(t.level, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY);
    CHECK_EQ_U(t.pad_len, 12);
    CHECK_EQ_U(t.context_id, CTX_ID);
    CHECK_EQ_U(t.offset, 24 + 32);
    CHECK_EQ_U(t.value_len, 16);
    /* the padding may not reach into the fixed fields */
    CHECK(rpc_parse_sec_trailer(b.data, b.len, 24 + 32 - 11, &t) == -EBADMSG);
    /* a body start past the trailer */
    CHECK(rpc_parse_sec_trailer(b.data, b.len, b.len, &t) == -EBADMSG);
    buf_free(&b);
    rpc_client_close(&rc);
}

/* A bind_ack carrying the server's token: the token is found whole after the
 * result list; the same ack without a trailer is refused (the bind needs one),
 * and an alter_context_resp may come bare when allowed. */
static void bind_ack_with_auth_yields_the_token(void) {
    static const uint8_t ndr20[20] = {0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8,
                                      0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x00, 0x00};
    uint8_t chal[200];
    size_t chal_len = unhex(challenge_hex, chal);
    struct rpc_sec_trailer t;
    struct buf b;
    uint16_t x, r;
    uint32_t assoc, fault = 0;
    bool has = false;

    buf_init(&b);
    buf_put_bytes(&b, "\x05\x00\x0c\x07\x10\x00\x00\x00", 8);
    buf_put_u16(&b, 0);
    buf_put_u16(&b, (uint16_t) chal_len);
    buf_put_u32(&b, 1);
    buf_put_u16(&b, 4280);
    buf_put_u16(&b, 4280);
    buf_put_u32(&b, 0x1234);
    buf_put_u16(&b, 13);
    buf_put_bytes(&b, "\\PIPE\\srvsvc", 13);
    buf_put_zero(&b, 1); /* to 4 */
    buf_put_u32(&b, 1);   /* one result: accepted */
    buf_put_u32(&b, 0);
    buf_put_bytes(&b, ndr20, 20);
    buf_put_bytes(&b, "\x0a\x06\x00\x00", 4);
    buf_put_u32(&b, CTX_ID);
    buf_put_bytes(&b, chal, chal_len);
    buf_set_u16(&b, 8, (uint16_t) b.len);
    REQUIRE(buf_error(&b) == 0);
    REQUIRE(rpc_parse_bind_reply_auth(b.data, b.len, &x, &r, &assoc, &fault, false, &t, &has) == 0);
    CHECK(has);
    CHECK_EQ_U(x, 4280);
    CHECK_EQ_U(assoc, 0x1234);
    CHECK_EQ_U(t.context_id, CTX_ID);
    CHECK(t.value_len == chal_len && memcmp(t.value, chal, chal_len) == 0);
    /* the token's length running past the PDU */
    buf_set_u16(&b, 10, (uint16_t) (chal_len + 60));
    CHECK(rpc_parse_bind_reply_auth(b.data, b.len, &x, &r, &assoc, &fault, false, &t, &has) == -EBADMSG);
    /* no trailer: refused for a bind, allowed when the caller says it may be bare */
    b.len = b.len - chal_len - 8;
    buf_set_u16(&b, 8, (uint16_t) b.len);
    buf_set_u16(&b, 10, 0);
    CHECK(rpc_parse_bind_reply_auth(b.data, b.len, &x, &r, &assoc, &fault, false, &t, &has) == -EBADMSG);
    CHECK(rpc_parse_bind_reply_auth(b.data, b.len, &x, &r, &assoc, &fault, true, &t, &has) == 0 && !has);
    buf_free(&b);
}

TAP_MAIN(CASE(sealed_replies_open), CASE(signed_replies_open), CASE(spoiled_replies_are_refused),
         CASE(wrong_sequence_is_refused), CASE(bare_fault_passes), CASE(sec_trailer_parses_and_bounds),
         CASE(bind_ack_with_auth_yields_the_token))
