/*
 * The cryptography wtsnet's wire stack needs, from nettle (docs/crypto.md
 * says why nettle). Nothing here is hand-written crypto: these are thin,
 * typed wrappers so that only this file includes nettle.
 */
#ifndef WTSNET_COMMON_CRYPTO_H
#define WTSNET_COMMON_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One (pointer, length) piece of a message hashed in several parts. */
struct iov_piece {
    const void *p;
    size_t n;
};

void crypto_md4(const void *data, size_t len, uint8_t out[16]);
void crypto_md5(const struct iov_piece *v, size_t n, uint8_t out[16]);
void crypto_hmac_md5(const uint8_t *key, size_t key_len, const struct iov_piece *v, size_t n, uint8_t out[16]);
void crypto_hmac_sha256(const uint8_t *key, size_t key_len, const struct iov_piece *v, size_t n, uint8_t out[32]);
void crypto_sha512(const struct iov_piece *v, size_t n, uint8_t out[64]);
void crypto_aes128_cmac(const uint8_t key[16], const struct iov_piece *v, size_t n, uint8_t out[16]);

/* RC4, kept as a stream (NTLMSSP sealing keeps one state per direction). */
struct crypto_rc4 {
    uint8_t state[260] __attribute__((aligned(8)));
};
void crypto_rc4_init(struct crypto_rc4 *s, const uint8_t *key, size_t key_len);
void crypto_rc4(struct crypto_rc4 *s, uint8_t *data, size_t len);

/* AEAD for SMB3 encryption: key_len 16 or 32; tag 16 bytes.
 * ccm: nonce 11 bytes; gcm: nonce 12 bytes. In place. Decrypt returns
 * 0, or -EBADMSG when the tag does not match. */
enum crypto_aead { CRYPTO_AES_CCM, CRYPTO_AES_GCM };
void crypto_aead_encrypt(enum crypto_aead alg, const uint8_t *key, size_t key_len, const uint8_t *nonce,
                         const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len, uint8_t tag[16]);
int crypto_aead_decrypt(enum crypto_aead alg, const uint8_t *key, size_t key_len, const uint8_t *nonce,
                        const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len, const uint8_t tag[16]);
/* AES-128-GMAC: GCM with everything as additional data and no plaintext. */
void crypto_aes128_gmac(const uint8_t key[16], const uint8_t nonce[12], const struct iov_piece *v, size_t n,
                        uint8_t out[16]);

/* Constant-time equality. */
bool crypto_equal(const void *a, const void *b, size_t n);
/* Fills buf from the kernel's CSPRNG. Returns 0 or a negative errno. */
int crypto_random(void *buf, size_t n);

#endif
