/* Secure dialect negotiation offline (MS-SMB2 2.2.31.4, 2.2.32.6, 3.2.5.14.12):
 * what our FSCTL_VALIDATE_NEGOTIATE_INFO says, which answers pass, and that
 * a dialect we did not offer is refused. tests/suites/47-downgrade.sh does
 * the same against a real smbd behind a tampering relay. */
#include <string.h>

#include "smb2/conn.h" /* builds connections by hand */
#include "tap.h"

static const uint8_t server_guid[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static void conn_init(struct smb2_conn *c, uint16_t dialect) {
    memset(c, 0, sizeof(*c));
    c->dialect = dialect;
    c->server_caps = 0x45;
    c->server_security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED;
    memcpy(c->server_guid, server_guid, 16);
    c->client_caps = SMB2_GLOBAL_CAP_ENCRYPTION | SMB2_GLOBAL_CAP_LARGE_MTU;
    c->client_security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED | SMB2_NEGOTIATE_SIGNING_REQUIRED;
    memset(c->client_guid, 0xcc, 16);
    c->n_offered = 3;
    c->offered[0] = SMB2_DIALECT_210, c->offered[1] = SMB2_DIALECT_300, c->offered[2] = SMB2_DIALECT_311;
    c->signing = true;
}

/* An IOCTL response (2.2.32) carrying the 24-byte VALIDATE_NEGOTIATE_INFO
 * response (2.2.32.6), parsed as the transport hands it over. */
static void answer(struct smb2_msg *m, uint32_t status, uint32_t flags, uint32_t caps, const uint8_t guid[16],
                   uint16_t mode, uint16_t dialect, size_t out_len) {
    struct buf b;
    size_t n = 0;

    buf_init(&b);
    buf_put_bytes(&b, "\xfeSMB", 4);
    buf_put_u16(&b, 64);
    buf_put_u16(&b, 1);
    buf_put_u32(&b, status);
    buf_put_u16(&b, SMB2_IOCTL);
    buf_put_u16(&b, 1);
    buf_put_u32(&b, SMB2_FLAGS_SERVER_TO_REDIR | flags);
    buf_put_u32(&b, 0);
    buf_put_u64(&b, 3);
    buf_put_u32(&b, 0);
    buf_put_u32(&b, 1);
    buf_put_u64(&b, 0x1122);
    buf_put_zero(&b, 16);
    if (status == STATUS_SUCCESS) {
        buf_put_u16(&b, 49);
        buf_put_u16(&b, 0);
        buf_put_u32(&b, FSCTL_VALIDATE_NEGOTIATE_INFO);
        buf_put_zero(&b, 16);
        buf_put_u32(&b, 112);
        buf_put_u32(&b, 0);
        buf_put_u32(&b, 112);
        buf_put_u32(&b, (uint32_t) out_len);
        buf_put_u32(&b, 0);
        buf_put_u32(&b, 0);
        buf_put_u32(&b, caps);
        buf_put_bytes(&b, guid, 16);
        buf_put_u16(&b, mode);
        buf_put_u16(&b, dialect);
        buf_put_zero(&b, out_len > 24 ? out_len - 24 : 0);
    } else {
        buf_put_u16(&b, 9); /* SMB2 ERROR response (2.2.2) */
        buf_put_zero(&b, 7);
    }
    REQUIRE(buf_error(&b) == 0);
    REQUIRE(smb2_parse_frame(b.data, b.len, m, 1, &n) == 0 && n == 1);
    buf_free(&b);
}

static int check(uint16_t dialect, uint32_t status, uint32_t flags, uint32_t caps, const uint8_t guid[16],
                 uint16_t mode, uint16_t answer_dialect, size_t out_len, bool *ret_broken) {
    struct smb2_conn c;
    struct smb2_msg m = {0};
    int r;

    conn_init(&c, dialect);
    answer(&m, status, flags, caps, guid, mode, answer_dialect, out_len);
    r = smb2_validate_negotiate_finish(&c, &m);
    *ret_broken = c.broken;
    CHECK(c.negotiate_validated == (r == 0));
    smb2_msg_clear(&m);
    return r;
}

static void the_request_repeats_our_negotiate(void) {
    struct smb2_conn c;
    struct smb2_req q;
    const uint8_t *in;

    conn_init(&c, SMB2_DIALECT_300);
    smb2_validate_negotiate_encode(&c, &q);
    REQUIRE(buf_error(&q.body) == 0 && q.body.len == 56 + 24 + 6);
    CHECK(q.command == SMB2_IOCTL && q.related);
    CHECK(get_le32(q.body.data + 4) == FSCTL_VALIDATE_NEGOTIATE_INFO);
    CHECK(get_le32(q.body.data + 44) == 24);     /* MaxOutputResponse: the 2.2.32.6 size */
    CHECK(get_le32(q.body.data + 48) == 1);      /* SMB2_0_IOCTL_IS_FSCTL */
    in = q.body.data + 56;
    CHECK(get_le32(in) == c.client_caps);
    CHECK(memcmp(in + 4, c.client_guid, 16) == 0);
    CHECK(get_le16(in + 20) == c.client_security_mode);
    CHECK(get_le16(in + 22) == 3);
    CHECK(get_le16(in + 24) == SMB2_DIALECT_210 && get_le16(in + 26) == SMB2_DIALECT_300 &&
          get_le16(in + 28) == SMB2_DIALECT_311);
    smb2_req_clear(&q);
}

static void only_a_signed_exact_echo_passes(void) {
    uint8_t other[16];
    bool broken;

    memcpy(other, server_guid, 16);
    other[15] ^= 1;
    CHECK(check(SMB2_DIALECT_300, 0, SMB2_FLAGS_SIGNED, 0x45, server_guid, 1, 0x300, 24, &broken) == 0 && !broken);
    /* unsigned (3.2.5.14.12: terminate) */
    CHECK(check(SMB2_DIALECT_300, 0, 0, 0x45, server_guid, 1, 0x300, 24, &broken) == -E_TAMPERED && broken);
    /* each field altered */
    CHECK(check(SMB2_DIALECT_300, 0, SMB2_FLAGS_SIGNED, 0x05, server_guid, 1, 0x300, 24, &broken) == -E_TAMPERED);
    CHECK(check(SMB2_DIALECT_300, 0, SMB2_FLAGS_SIGNED, 0x45, other, 1, 0x300, 24, &broken) == -E_TAMPERED);
    CHECK(check(SMB2_DIALECT_300, 0, SMB2_FLAGS_SIGNED, 0x45, server_guid, 3, 0x300, 24, &broken) == -E_TAMPERED);
    CHECK(check(SMB2_DIALECT_300, 0, SMB2_FLAGS_SIGNED, 0x45, server_guid, 1, 0x302, 24, &broken) == -E_TAMPERED);
    /* a short or long answer */
    CHECK(check(SMB2_DIALECT_300, 0, SMB2_FLAGS_SIGNED, 0x45, server_guid, 1, 0x300, 25, &broken) == -E_TAMPERED);
    CHECK(broken);
}

static void refusals_pass_only_below_3_0(void) {
    bool broken;

    /* The server's "that is not what I negotiated" */
    CHECK(check(SMB2_DIALECT_300, STATUS_ACCESS_DENIED, SMB2_FLAGS_SIGNED, 0, NULL, 0, 0, 0, &broken) ==
          -E_TAMPERED);
    CHECK(check(SMB2_DIALECT_210, STATUS_ACCESS_DENIED, SMB2_FLAGS_SIGNED, 0, NULL, 0, 0, 0, &broken) ==
          -E_TAMPERED);
    /* A 3.0 server must implement the FSCTL; a 2.x-only one may not know it. */
    CHECK(check(SMB2_DIALECT_300, STATUS_NOT_SUPPORTED, SMB2_FLAGS_SIGNED, 0, NULL, 0, 0, 0, &broken) ==
          -E_TAMPERED);
    CHECK(check(SMB2_DIALECT_210, STATUS_FILE_CLOSED, SMB2_FLAGS_SIGNED, 0, NULL, 0, 0, 0, &broken) == 0);
    CHECK(!broken);
    CHECK(check(SMB2_DIALECT_202, STATUS_NOT_SUPPORTED, SMB2_FLAGS_SIGNED, 0, NULL, 0, 0, 0, &broken) == 0);
    /* ... but signed */
    CHECK(check(SMB2_DIALECT_210, STATUS_FILE_CLOSED, 0, 0, NULL, 0, 0, 0, &broken) == -E_TAMPERED);
}

static void validation_is_due_where_the_spec_and_a_stripped_list_say(void) {
    struct smb2_conn c;

    conn_init(&c, SMB2_DIALECT_300);
    CHECK(smb2_needs_validation(&c));
    c.dialect = SMB2_DIALECT_302;
    CHECK(smb2_needs_validation(&c));
    c.dialect = SMB2_DIALECT_311; /* pre-auth integrity instead */
    CHECK(!smb2_needs_validation(&c));
    c.dialect = SMB2_DIALECT_210; /* we offered 3.x: a stripped list lands here */
    CHECK(smb2_needs_validation(&c));
    c.n_offered = 1;              /* we offered 2.1 alone: nothing to protect */
    CHECK(!smb2_needs_validation(&c));
    conn_init(&c, SMB2_DIALECT_300);
    c.anonymous = true, c.signing = false; /* nothing a null session says is signed */
    CHECK(!smb2_needs_validation(&c));
    conn_init(&c, SMB2_DIALECT_300);
    c.negotiate_validated = true; /* once per connection */
    CHECK(!smb2_needs_validation(&c));
}

static void a_dialect_we_did_not_offer_is_refused(void) {
    struct smb2_conn c;
    struct smb2_msg m = {0};
    struct buf b;
    size_t n = 0;

    /* A NEGOTIATE response (2.2.4) choosing 2.0.2 when we offered 2.1-3.1.1. */
    buf_init(&b);
    buf_put_bytes(&b, "\xfeSMB", 4);
    buf_put_u16(&b, 64);
    buf_put_zero(&b, 6);
    buf_put_u16(&b, SMB2_NEGOTIATE);
    buf_put_u16(&b, 1);
    buf_put_u32(&b, SMB2_FLAGS_SERVER_TO_REDIR);
    buf_put_zero(&b, 64 - 20);
    buf_put_u16(&b, 65);
    buf_put_u16(&b, SMB2_NEGOTIATE_SIGNING_ENABLED);
    buf_put_u16(&b, SMB2_DIALECT_202);
    buf_put_u16(&b, 0);
    buf_put_bytes(&b, server_guid, 16);
    buf_put_u32(&b, 0);
    buf_put_u32(&b, 65536), buf_put_u32(&b, 65536), buf_put_u32(&b, 65536);
    buf_put_zero(&b, 16);
    buf_put_u16(&b, 0), buf_put_u16(&b, 0), buf_put_u32(&b, 0);
    buf_put_zero(&b, 8);
    REQUIRE(buf_error(&b) == 0 && smb2_parse_frame(b.data, b.len, &m, 1, &n) == 0);
    conn_init(&c, 0);
    buf_init(&c.server_gss);
    CHECK(smb2_negotiate_decode(&c, &m) == -EPROTO);
    c.n_offered = 4, c.offered[3] = SMB2_DIALECT_202;
    CHECK(smb2_negotiate_decode(&c, &m) == 0);
    CHECK(c.dialect == SMB2_DIALECT_202 && memcmp(c.server_guid, server_guid, 16) == 0);
    buf_free(&c.server_gss);
    smb2_msg_clear(&m);
    buf_free(&b);
}

TAP_MAIN(CASE(the_request_repeats_our_negotiate), CASE(only_a_signed_exact_echo_passes),
         CASE(refusals_pass_only_below_3_0), CASE(validation_is_due_where_the_spec_and_a_stripped_list_say),
         CASE(a_dialect_we_did_not_offer_is_refused))
