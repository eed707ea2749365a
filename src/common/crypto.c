#include "common/crypto.h"

#include <errno.h>
#include <nettle/aes.h>
#include <nettle/arcfour.h>
#include <nettle/ccm.h>
#include <nettle/cmac.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/memops.h>
#include <nettle/nettle-meta.h>
#include <nettle/sha2.h>
#include <string.h>
#include <sys/random.h>

/* A context for any hash this file names (nettle's generic interface,
 * struct nettle_hash, takes the context as a bare pointer). */
union hash_ctx {
    struct md4_ctx md4;
    struct md5_ctx md5;
    struct sha256_ctx sha256;
    struct sha512_ctx sha512;
};

/* One hash over the pieces of a message, whichever hash h is. */
static void hash_pieces(const struct nettle_hash *h, const struct iov_piece *v, size_t n, uint8_t *out) {
    union hash_ctx c;

    h->init(&c);
    for (size_t i = 0; i < n; i++)
        h->update(&c, v[i].n, v[i].p);
    h->digest(&c, h->digest_size, out);
}

/* HMAC (RFC 2104) over the pieces of a message: the same construction for
 * every hash, so one function with the hash as a parameter. */
static void hmac_pieces(const struct nettle_hash *h, const uint8_t *key, size_t key_len, const struct iov_piece *v,
                        size_t n, uint8_t *out) {
    union hash_ctx outer, inner, state;

    hmac_set_key(&outer, &inner, &state, h, key_len, key);
    for (size_t i = 0; i < n; i++)
        hmac_update(&state, h, v[i].n, v[i].p);
    hmac_digest(&outer, &inner, &state, h, h->digest_size, out);
}

void crypto_md4(const void *data, size_t len, uint8_t out[16]) {
    hash_pieces(&nettle_md4, &(struct iov_piece){data, len}, 1, out);
}

void crypto_md5(const struct iov_piece *v, size_t n, uint8_t out[16]) {
    hash_pieces(&nettle_md5, v, n, out);
}

void crypto_hmac_md5(const uint8_t *key, size_t key_len, const struct iov_piece *v, size_t n, uint8_t out[16]) {
    hmac_pieces(&nettle_md5, key, key_len, v, n, out);
}

void crypto_hmac_sha256(const uint8_t *key, size_t key_len, const struct iov_piece *v, size_t n, uint8_t out[32]) {
    hmac_pieces(&nettle_sha256, key, key_len, v, n, out);
}

void crypto_sha512(const struct iov_piece *v, size_t n, uint8_t out[64]) {
    hash_pieces(&nettle_sha512, v, n, out);
}

void crypto_aes128_cmac(const uint8_t key[16], const struct iov_piece *v, size_t n, uint8_t out[16]) {
    struct cmac_aes128_ctx c;

    cmac_aes128_set_key(&c, key);
    for (size_t i = 0; i < n; i++)
        cmac_aes128_update(&c, v[i].n, v[i].p);
    cmac_aes128_digest(&c, 16, out);
}

_Static_assert(sizeof(struct arcfour_ctx) <= sizeof(((struct crypto_rc4 *) 0)->state), "rc4 state");

void crypto_rc4_init(struct crypto_rc4 *s, const uint8_t *key, size_t key_len) {
    arcfour_set_key((struct arcfour_ctx *) s->state, key_len, key);
}

void crypto_rc4(struct crypto_rc4 *s, uint8_t *data, size_t len) {
    arcfour_crypt((struct arcfour_ctx *) s->state, len, data, data);
}

/* One pass of AES-CCM (11-byte nonce) or AES-GCM (12-byte nonce) over data,
 * in place, in either direction; the tag it computes goes to tag. nettle's
 * encrypt and decrypt functions of a mode share one signature. */
static void aead_run(enum crypto_aead alg, const uint8_t *key, size_t key_len, const uint8_t *nonce,
                     const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len, bool encrypt, uint8_t tag[16]) {
    union {
        struct ccm_aes128_ctx ccm128;
        struct ccm_aes256_ctx ccm256;
        struct gcm_aes128_ctx gcm128;
        struct gcm_aes256_ctx gcm256;
    } c;

    if (alg == CRYPTO_AES_CCM && key_len == 16) {
        ccm_aes128_set_key(&c.ccm128, key);
        ccm_aes128_set_nonce(&c.ccm128, 11, nonce, aad_len, len, 16);
        ccm_aes128_update(&c.ccm128, aad_len, aad);
        (encrypt ? ccm_aes128_encrypt : ccm_aes128_decrypt)(&c.ccm128, len, data, data);
        ccm_aes128_digest(&c.ccm128, 16, tag);
    } else if (alg == CRYPTO_AES_CCM) {
        ccm_aes256_set_key(&c.ccm256, key);
        ccm_aes256_set_nonce(&c.ccm256, 11, nonce, aad_len, len, 16);
        ccm_aes256_update(&c.ccm256, aad_len, aad);
        (encrypt ? ccm_aes256_encrypt : ccm_aes256_decrypt)(&c.ccm256, len, data, data);
        ccm_aes256_digest(&c.ccm256, 16, tag);
    } else if (key_len == 16) {
        gcm_aes128_set_key(&c.gcm128, key);
        gcm_aes128_set_iv(&c.gcm128, 12, nonce);
        gcm_aes128_update(&c.gcm128, aad_len, aad);
        (encrypt ? gcm_aes128_encrypt : gcm_aes128_decrypt)(&c.gcm128, len, data, data);
        gcm_aes128_digest(&c.gcm128, 16, tag);
    } else {
        gcm_aes256_set_key(&c.gcm256, key);
        gcm_aes256_set_iv(&c.gcm256, 12, nonce);
        gcm_aes256_update(&c.gcm256, aad_len, aad);
        (encrypt ? gcm_aes256_encrypt : gcm_aes256_decrypt)(&c.gcm256, len, data, data);
        gcm_aes256_digest(&c.gcm256, 16, tag);
    }
    explicit_bzero(&c, sizeof(c)); /* the expanded key */
}

void crypto_aead_encrypt(enum crypto_aead alg, const uint8_t *key, size_t key_len, const uint8_t *nonce,
                         const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len, uint8_t tag[16]) {
    aead_run(alg, key, key_len, nonce, aad, aad_len, data, len, true, tag);
}

int crypto_aead_decrypt(enum crypto_aead alg, const uint8_t *key, size_t key_len, const uint8_t *nonce,
                        const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len, const uint8_t tag[16]) {
    uint8_t want[16];

    aead_run(alg, key, key_len, nonce, aad, aad_len, data, len, false, want);
    if (!crypto_equal(want, tag, 16)) {
        memset(data, 0, len); /* never hand out unauthenticated plaintext */
        return -EBADMSG;
    }
    return 0;
}

void crypto_aes128_gmac(const uint8_t key[16], const uint8_t nonce[12], const struct iov_piece *v, size_t n,
                        uint8_t out[16]) {
    struct gcm_aes128_ctx c;

    gcm_aes128_set_key(&c, key);
    gcm_aes128_set_iv(&c, 12, nonce);
    /* nettle takes AAD in several calls only when all but the last are whole
     * 16-byte blocks: callers pass pieces that satisfy this (or one piece). */
    for (size_t i = 0; i < n; i++)
        gcm_aes128_update(&c, v[i].n, v[i].p);
    gcm_aes128_digest(&c, 16, out);
}

bool crypto_equal(const void *a, const void *b, size_t n) {
    return memeql_sec(a, b, n) != 0;
}

int crypto_random(void *buf, size_t n) {
    uint8_t *p = buf;

    while (n > 0) {
        ssize_t k = getrandom(p, n, 0);

        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += k, n -= (size_t) k;
    }
    return 0;
}
