/* The hash and HMAC wrappers of src/common/crypto.c against the published
 * vectors: RFC 1320 (MD4), RFC 1321 (MD5), FIPS 180-2 (SHA-512), RFC 2202
 * (HMAC-MD5) and RFC 4231 (HMAC-SHA256), whole and in pieces, short keys and
 * keys longer than a block (hashed first). One generic function serves every
 * hash, so each hash is checked on its own. */
#include <string.h>

#include "common/crypto.h"
#include "tap.h"

static void unhex(const char *h, uint8_t *out) {
    for (size_t i = 0; h[2 * i]; i++)
        sscanf(h + 2 * i, "%2hhx", &out[i]);
}

static bool digest_is(const uint8_t *got, const char *hex) {
    uint8_t want[64];

    unhex(hex, want);
    return memcmp(got, want, strlen(hex) / 2) == 0;
}

static const char long_key_text[] = "Test Using Larger Than Block-Size Key - Hash Key First";

static void md4_matches_rfc1320(void) {
    uint8_t out[16];

    crypto_md4("abc", 3, out);
    CHECK(digest_is(out, "a448017aaf21d8525fc10ae87aa6729d"));
    crypto_md4("", 0, out);
    CHECK(digest_is(out, "31d6cfe0d16ae931b73c59d7e0c089c0"));
}

static void md5_matches_rfc1321_whole_and_in_pieces(void) {
    struct iov_piece whole[] = {{"abc", 3}}, pieces[] = {{"a", 1}, {"", 0}, {"bc", 2}};
    uint8_t out[16];

    crypto_md5(whole, 1, out);
    CHECK(digest_is(out, "900150983cd24fb0d6963f7d28e17f72"));
    crypto_md5(pieces, 3, out);
    CHECK(digest_is(out, "900150983cd24fb0d6963f7d28e17f72"));
}

static void sha512_matches_fips180_whole_and_in_pieces(void) {
    static const char abc[] = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
    struct iov_piece whole[] = {{"abc", 3}}, pieces[] = {{"ab", 2}, {"c", 1}};
    uint8_t out[64];

    crypto_sha512(whole, 1, out);
    CHECK(digest_is(out, abc));
    crypto_sha512(pieces, 2, out);
    CHECK(digest_is(out, abc));
}

static void hmac_md5_matches_rfc2202(void) {
    uint8_t key[80], out[16];
    struct iov_piece hi[] = {{"Hi ", 3}, {"There", 5}}, text[] = {{long_key_text, strlen(long_key_text)}};

    memset(key, 0x0b, 16);
    crypto_hmac_md5(key, 16, hi, 2, out);
    CHECK(digest_is(out, "9294727a3638bb1c13f48ef8158bfc9d"));
    memset(key, 0xaa, 80);
    crypto_hmac_md5(key, 80, text, 1, out);
    CHECK(digest_is(out, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"));
}

static void hmac_sha256_matches_rfc4231(void) {
    uint8_t key[131], out[32];
    struct iov_piece hi[] = {{"Hi There", 8}}, text[] = {{long_key_text, 20}, {long_key_text + 20, strlen(long_key_text) - 20}};

    memset(key, 0x0b, 20);
    crypto_hmac_sha256(key, 20, hi, 1, out);
    CHECK(digest_is(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
    memset(key, 0xaa, 131);
    crypto_hmac_sha256(key, 131, text, 2, out);
    CHECK(digest_is(out, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
}

TAP_MAIN(CASE(md4_matches_rfc1320), CASE(md5_matches_rfc1321_whole_and_in_pieces),
         CASE(sha512_matches_fips180_whole_and_in_pieces), CASE(hmac_md5_matches_rfc2202),
         CASE(hmac_sha256_matches_rfc4231))
