/* SMB2 framing, signing and encryption, offline: what the transport does to
 * every message, and what a hostile frame can do to it (nothing). */
#include <string.h>

#include "smb2/conn.h" /* builds connections by hand */
#include "tap.h"

static void put_header(struct buf *b, uint16_t cmd, uint32_t flags, uint32_t next, uint64_t mid) {
    buf_put_bytes(b, "\xfeSMB", 4);
    buf_put_u16(b, 64);
    buf_put_u16(b, 1);
    buf_put_u32(b, 0);
    buf_put_u16(b, cmd);
    buf_put_u16(b, 1);
    buf_put_u32(b, flags);
    buf_put_u32(b, next);
    buf_put_u64(b, mid);
    buf_put_u32(b, 0);
    buf_put_u32(b, 7);
    buf_put_u64(b, 0x1122);
    buf_put_zero(b, 16);
}

static void a_compound_frame_splits_into_its_messages(void) {
    struct buf b;
    struct smb2_msg m[4];
    size_t n = 0;

    buf_init(&b);
    put_header(&b, SMB2_CREATE, SMB2_FLAGS_SERVER_TO_REDIR, 72, 5);
    buf_put_zero(&b, 8);
    put_header(&b, SMB2_IOCTL, SMB2_FLAGS_SERVER_TO_REDIR, 0, 6);
    buf_put_zero(&b, 3);
    REQUIRE(smb2_parse_frame(b.data, b.len, m, 4, &n) == 0);
    REQUIRE(n == 2);
    CHECK(m[0].command == SMB2_CREATE && m[0].message_id == 5 && m[0].raw_len == 72);
    CHECK(m[1].command == SMB2_IOCTL && m[1].message_id == 6 && m[1].raw_len == 67);
    CHECK(m[1].tree_id == 7 && m[1].session_id == 0x1122);
    CHECK(cur_left(&m[1].body) == 3);
    smb2_msg_clear(&m[0]);
    smb2_msg_clear(&m[1]);
    buf_free(&b);
}

static void bad_next_command_offsets_are_rejected(void) {
    static const uint32_t bad[] = {8, 63, 68, 4096};
    struct smb2_msg m[4];
    size_t n;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct buf b;

        buf_init(&b);
        put_header(&b, SMB2_READ, SMB2_FLAGS_SERVER_TO_REDIR, bad[i], 1);
        buf_put_zero(&b, 80);
        CHECK(smb2_parse_frame(b.data, b.len, m, 4, &n) < 0);
        buf_free(&b);
    }
}

static void a_request_or_foreign_protocol_is_not_a_response(void) {
    struct buf b;
    struct smb2_msg m[1];
    size_t n;

    buf_init(&b);
    put_header(&b, SMB2_READ, 0, 0, 1); /* no SERVER_TO_REDIR */
    CHECK(smb2_parse_frame(b.data, b.len, m, 1, &n) < 0);
    b.data[16] = SMB2_FLAGS_SERVER_TO_REDIR;
    b.data[0] = 0xff; /* SMB1 */
    CHECK(smb2_parse_frame(b.data, b.len, m, 1, &n) < 0);
    buf_free(&b);
}

static void truncated_frames_never_parse(void) {
    struct buf b;
    struct smb2_msg m[1];
    size_t n;

    buf_init(&b);
    put_header(&b, SMB2_READ, SMB2_FLAGS_SERVER_TO_REDIR, 0, 1);
    for (size_t len = 0; len < 64; len++)
        CHECK(smb2_parse_frame(b.data, len, m, 1, &n) < 0);
    buf_free(&b);
}

static struct smb2_conn *fake_conn(uint16_t dialect, uint16_t cipher, uint16_t sign_alg) {
    static struct smb2_conn c;
    uint8_t key[16];

    memset(&c, 0, sizeof(c));
    c.dialect = dialect;
    c.cipher = cipher;
    c.signing_alg = sign_alg;
    c.session_id = 0x1122;
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t) i;
    smb2_derive_keys(&c, key, 16);
    /* a client reading its own output uses the same key both ways here */
    memcpy(c.dec_key, c.enc_key, sizeof(c.enc_key));
    return &c;
}

static void signatures_verify_and_detect_tampering(void) {
    static const struct {
        uint16_t dialect, alg;
    } v[] = {{SMB2_DIALECT_210, SMB2_SIGNING_HMAC_SHA256},
             {SMB2_DIALECT_300, SMB2_SIGNING_AES_CMAC},
             {SMB2_DIALECT_311, SMB2_SIGNING_AES_GMAC},
             {SMB2_DIALECT_311, SMB2_SIGNING_HMAC_SHA256}};

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        struct smb2_conn *c = fake_conn(v[i].dialect, 0, v[i].alg);
        struct buf b;

        buf_init(&b);
        put_header(&b, SMB2_READ, SMB2_FLAGS_SERVER_TO_REDIR, 0, 9);
        buf_put_bytes(&b, "payload", 7);
        smb2_sign(c, b.data, b.len);
        CHECK(smb2_verify(c, b.data, b.len) == 0);
        b.data[b.len - 1] ^= 1;
        CHECK(smb2_verify(c, b.data, b.len) < 0);
        buf_free(&b);
    }
}

static void encryption_round_trips_and_detects_tampering(void) {
    static const uint16_t ciphers[] = {SMB2_ENCRYPTION_AES128_CCM, SMB2_ENCRYPTION_AES128_GCM,
                                       SMB2_ENCRYPTION_AES256_CCM, SMB2_ENCRYPTION_AES256_GCM};

    for (size_t i = 0; i < 4; i++) {
        struct smb2_conn *c = fake_conn(SMB2_DIALECT_311, ciphers[i], SMB2_SIGNING_AES_CMAC);
        struct buf b;
        size_t plain_len = 0;

        buf_init(&b);
        buf_put_zero(&b, SMB2_TRANSFORM_SIZE);
        put_header(&b, SMB2_READ, SMB2_FLAGS_SERVER_TO_REDIR, 0, 9);
        buf_put_bytes(&b, "secret", 6);
        REQUIRE(smb2_encrypt(c, b.data, b.len) == 0);
        CHECK(memmem(b.data, b.len, "secret", 6) == NULL);
        {
            struct buf t;

            buf_init(&t);
            buf_put_bytes(&t, b.data, b.len);
            t.data[t.len - 1] ^= 1;
            CHECK(smb2_decrypt(c, t.data, t.len, &plain_len) < 0);
            buf_free(&t);
        }
        REQUIRE(smb2_decrypt(c, b.data, b.len, &plain_len) == 0);
        CHECK(plain_len == 64 + 6 && memcmp(b.data + SMB2_TRANSFORM_SIZE + 64, "secret", 6) == 0);
        buf_free(&b);
    }
}

static void kdf_depends_on_label_context_and_length(void) {
    uint8_t k[16] = {1}, a[32], b[32], c16[16];

    smb2_kdf(k, 16, "L1", 3, (const uint8_t *) "ctx", 3, a, 32);
    smb2_kdf(k, 16, "L2", 3, (const uint8_t *) "ctx", 3, b, 32);
    CHECK(memcmp(a, b, 32) != 0);
    smb2_kdf(k, 16, "L1", 3, (const uint8_t *) "cty", 3, b, 32);
    CHECK(memcmp(a, b, 32) != 0);
    /* L is part of the input: a 128-bit key is not the first half of a 256-bit one */
    smb2_kdf(k, 16, "L1", 3, (const uint8_t *) "ctx", 3, c16, 16);
    CHECK(memcmp(a, c16, 16) != 0);
}

TAP_MAIN(CASE(a_compound_frame_splits_into_its_messages), CASE(bad_next_command_offsets_are_rejected),
         CASE(a_request_or_foreign_protocol_is_not_a_response), CASE(truncated_frames_never_parse),
         CASE(signatures_verify_and_detect_tampering), CASE(encryption_round_trips_and_detects_tampering),
         CASE(kdf_depends_on_label_context_and_length))
