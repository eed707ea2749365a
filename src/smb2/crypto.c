/*
 * SMB2/3 message security (MS-SMB2 3.1.4): key derivation, signing with
 * HMAC-SHA256 / AES-CMAC / AES-GMAC, and the TRANSFORM_HEADER encryption
 * with AES-CCM / AES-GCM. Primitives come from src/common/crypto.c.
 */
#include <errno.h>
#include <string.h>

#include "common/crypto.h"
#include "smb2/conn.h"

void smb2_kdf(const uint8_t *key, size_t key_len, const char *label, size_t label_len, const uint8_t *ctx,
              size_t ctx_len, uint8_t *out, size_t out_len) {
    uint8_t i_be[4], l_be[4], zero = 0, block[32];

    /* SP800-108 counter mode, PRF = HMAC-SHA256, r = 32 (3.1.4.2). */
    put_be32(l_be, (uint32_t) (out_len * 8));
    for (uint32_t i = 1; out_len > 0; i++) {
        size_t n = out_len < 32 ? out_len : 32;
        struct iov_piece v[5] = {{i_be, 4}, {label, label_len}, {&zero, 1}, {ctx, ctx_len}, {l_be, 4}};

        put_be32(i_be, i);
        crypto_hmac_sha256(key, key_len, v, 5, block);
        memcpy(out, block, n);
        out += n, out_len -= n;
    }
    explicit_bzero(block, sizeof(block));
}

void smb2_preauth_update(uint8_t hash[64], const uint8_t *msg, size_t len) {
    struct iov_piece v[2] = {{hash, 64}, {msg, len}};
    uint8_t next[64];

    /* 3.2.5.2 / 3.2.5.3: H(i) = SHA-512(H(i-1) || message) */
    crypto_sha512(v, 2, next);
    memcpy(hash, next, 64);
}

/* Labels include their terminating NUL, as the spec's strings do. */
#define LABEL(s) s, sizeof(s)

void smb2_derive_keys(struct smb2_conn *c, const uint8_t *full_key, size_t full_len) {
    uint8_t key16[16] = {0};
    bool aes256 = c->cipher == SMB2_ENCRYPTION_AES256_CCM || c->cipher == SMB2_ENCRYPTION_AES256_GCM;

    /* Session.SessionKey: the first 16 bytes of the GSS key, zero-padded (3.2.5.3.1). */
    memcpy(key16, full_key, full_len < 16 ? full_len : 16);
    memcpy(c->session_key, key16, 16);
    c->cipher_key_len = aes256 ? 32 : 16;
    if (c->dialect < SMB2_DIALECT_300) {
        memcpy(c->signing_key, key16, 16);
    } else if (c->dialect < SMB2_DIALECT_311) {
        smb2_kdf(key16, 16, LABEL("SMB2AESCMAC"), (const uint8_t *) "SmbSign", 8, c->signing_key, 16);
        smb2_kdf(key16, 16, LABEL("SMB2AESCCM"), (const uint8_t *) "ServerIn ", 10, c->enc_key, 16);
        smb2_kdf(key16, 16, LABEL("SMB2AESCCM"), (const uint8_t *) "ServerOut", 10, c->dec_key, 16);
    } else {
        const uint8_t *ki = aes256 ? full_key : key16;
        size_t ki_len = aes256 ? full_len : 16;

        smb2_kdf(key16, 16, LABEL("SMBSigningKey"), c->session_preauth, 64, c->signing_key, 16);
        smb2_kdf(ki, ki_len, LABEL("SMBC2SCipherKey"), c->session_preauth, 64, c->enc_key, c->cipher_key_len);
        smb2_kdf(ki, ki_len, LABEL("SMBS2CCipherKey"), c->session_preauth, 64, c->dec_key, c->cipher_key_len);
    }
    explicit_bzero(key16, sizeof(key16));
}

static void compute_signature(const struct smb2_conn *c, const uint8_t *msg, size_t len, uint8_t out[16]) {
    struct iov_piece v = {msg, len};

    /* 3.1.4.1: the algorithm is HMAC-SHA256 before 3.0, else AES-CMAC unless 3.1.1 negotiated another. */
    if (c->signing_alg == SMB2_SIGNING_HMAC_SHA256) {
        uint8_t mac[32];

        crypto_hmac_sha256(c->signing_key, 16, &v, 1, mac);
        memcpy(out, mac, 16);
    } else if (c->signing_alg == SMB2_SIGNING_AES_GMAC) {
        /* 3.1.4.1: nonce = MessageId || role bit (server) | cancel bit. */
        uint8_t nonce[12];
        uint32_t flags = get_le32(msg + 16), extra = 0;

        memcpy(nonce, msg + 24, 8);
        if (flags & SMB2_FLAGS_SERVER_TO_REDIR)
            extra |= 1;
        if (get_le16(msg + 12) == 0x000C /* CANCEL */)
            extra |= 2;
        put_le32(nonce + 8, extra);
        crypto_aes128_gmac(c->signing_key, nonce, &v, 1, out);
    } else {
        crypto_aes128_cmac(c->signing_key, &v, 1, out);
    }
}

void smb2_sign(const struct smb2_conn *c, uint8_t *msg, size_t len) {
    uint8_t sig[16];

    put_le32(msg + 16, get_le32(msg + 16) | SMB2_FLAGS_SIGNED);
    memset(msg + 48, 0, 16);
    compute_signature(c, msg, len, sig);
    memcpy(msg + 48, sig, 16);
}

int smb2_verify(const struct smb2_conn *c, uint8_t *msg, size_t len) {
    uint8_t got[16], want[16];

    if (len < SMB2_HDR_SIZE || !(get_le32(msg + 16) & SMB2_FLAGS_SIGNED))
        return -EBADMSG;
    memcpy(got, msg + 48, 16);
    memset(msg + 48, 0, 16);
    compute_signature(c, msg, len, want);
    memcpy(msg + 48, got, 16);
    return crypto_equal(got, want, 16) ? 0 : -EBADMSG;
}

static enum crypto_aead aead_of(const struct smb2_conn *c, size_t *ret_nonce_len) {
    bool gcm = c->cipher == SMB2_ENCRYPTION_AES128_GCM || c->cipher == SMB2_ENCRYPTION_AES256_GCM;

    *ret_nonce_len = gcm ? 12 : 11;
    return gcm ? CRYPTO_AES_GCM : CRYPTO_AES_CCM;
}

int smb2_encrypt(struct smb2_conn *c, uint8_t *frame, size_t len) {
    size_t nonce_len;
    enum crypto_aead alg = aead_of(c, &nonce_len);
    uint8_t *nonce = frame + 20;

    if (len < SMB2_TRANSFORM_SIZE + SMB2_HDR_SIZE || len - SMB2_TRANSFORM_SIZE > UINT32_MAX)
        return -EINVAL;
    /* 2.2.41: a nonce is never reused under one key: a counter plus a random salt. */
    memset(frame, 0, SMB2_TRANSFORM_SIZE);
    memcpy(frame, "\xfdSMB", 4);
    put_le64(nonce, ++c->nonce_seq);
    memcpy(nonce + 8, c->nonce_salt, nonce_len - 8);
    put_le32(frame + 36, (uint32_t) (len - SMB2_TRANSFORM_SIZE));
    put_le16(frame + 42, 0x0001); /* Flags: Encrypted (EncryptionAlgorithm AES-128-CCM in 3.0) */
    put_le64(frame + 44, c->session_id);
    crypto_aead_encrypt(alg, c->enc_key, c->cipher_key_len, nonce, frame + 20, 32, frame + SMB2_TRANSFORM_SIZE,
                        len - SMB2_TRANSFORM_SIZE, frame + 4);
    return 0;
}

int smb2_decrypt(const struct smb2_conn *c, uint8_t *frame, size_t len, size_t *ret_plain_len) {
    size_t nonce_len;
    enum crypto_aead alg = aead_of(c, &nonce_len);
    uint8_t tag[16];
    int r;

    if (len < SMB2_TRANSFORM_SIZE || memcmp(frame, "\xfdSMB", 4) != 0)
        return -EBADMSG;
    if (c->cipher == 0 || c->session_id == 0)
        return -EBADMSG; /* nothing negotiated to decrypt with */
    if (get_le32(frame + 36) != len - SMB2_TRANSFORM_SIZE || get_le16(frame + 42) != 0x0001 ||
        get_le64(frame + 44) != c->session_id)
        return -EBADMSG;
    memcpy(tag, frame + 4, 16);
    r = crypto_aead_decrypt(alg, c->dec_key, c->cipher_key_len, frame + 20, frame + 20, 32,
                            frame + SMB2_TRANSFORM_SIZE, len - SMB2_TRANSFORM_SIZE, tag);
    if (r < 0)
        return r;
    *ret_plain_len = len - SMB2_TRANSFORM_SIZE;
    return 0;
}
