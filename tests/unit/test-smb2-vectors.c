/*
 * SMB2/3 message security against published known answers, never against
 * our own output (issue 10, item 6). Every vector names its source:
 *  - RFC 4231 (HMAC-SHA256) and RFC 4493 (AES-CMAC), test cases 1-4;
 *  - "The Galois/Counter Mode of Operation (GCM)", McGrew & Viega, test
 *    cases 1, 4 and 16 (transcribed from nettle's testsuite/gcm-test.c);
 *  - Microsoft's Open Specifications blog posts, whose SMB captures and keys
 *    we transcribed from the Pike SMB2 test suite (pike/test/crypto vectors):
 *      "Encryption in SMB 3.0: A protocol perspective" (2012-10-05),
 *      "SMB 3.1.1 Encryption in Windows 10" (2015-09-09),
 *      "SMB 3.1.1 Pre-authentication integrity in Windows 10" (2015-08-11).
 * What could not be found published: an SMB2 message signed with AES-CMAC or
 * AES-GMAC by a known key (the GMAC check below is the GCM spec's empty
 * case), so smb2_sign() is checked against a Windows capture for HMAC-SHA256
 * only.
 */
#include <string.h>

#include "common/crypto.h"
#include "smb2/conn.h" /* builds connections by hand */
#include "tap.h"

/* Hex to bytes (spaces ignored); returns the byte count. */
static size_t unhex(const char *h, uint8_t *out, size_t max) {
    size_t n = 0;

    while (*h && n < max) {
        unsigned v;

        if (*h == ' ') {
            h++;
            continue;
        }
        if (!h[1] || sscanf(h, "%2x", &v) != 1)
            break;
        out[n++] = (uint8_t) v;
        h += 2;
    }
    return n;
}

#define HEXEQ(got, len, hex)                                                      \
    do {                                                                          \
        uint8_t want_[1024];                                                      \
        size_t wn_ = unhex(hex, want_, sizeof(want_));                            \
        CHECK(wn_ == (size_t) (len) && memcmp((got), want_, wn_) == 0);           \
    } while (0)

static void hmac_sha256_matches_rfc4231(void) {
    uint8_t key[20], out[32];
    struct iov_piece v;

    /* RFC 4231 4.2, test case 1 */
    memset(key, 0x0b, 20);
    v = (struct iov_piece){"Hi There", 8};
    crypto_hmac_sha256(key, 20, &v, 1, out);
    HEXEQ(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    /* RFC 4231 4.3, test case 2 */
    v = (struct iov_piece){"what do ya want for nothing?", 28};
    crypto_hmac_sha256((const uint8_t *) "Jefe", 4, &v, 1, out);
    HEXEQ(out, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void aes_cmac_matches_rfc4493(void) {
    static const struct {
        size_t len;
        const char *mac;
    } ex[] = {{0, "bb1d6929e95937287fa37d129b756746"}, /* RFC 4493 4, examples 1-4 */
              {16, "070a16b46b4d4144f79bdd9dd04a287c"},
              {40, "dfa66747de9ae63030ca32611497c827"},
              {64, "51f0bebf7e3b9d92fc49741779363cfe"}};
    uint8_t key[16], msg[64], out[16];

    unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
    unhex("6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
          "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710",
          msg, 64);
    for (size_t i = 0; i < 4; i++) {
        struct iov_piece v = {msg, ex[i].len};

        crypto_aes128_cmac(key, &v, 1, out);
        HEXEQ(out, 16, ex[i].mac);
    }
}

static void aes_gcm_and_gmac_match_the_gcm_spec(void) {
    static const char plain[] = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                                "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
    uint8_t key[32], iv[12], aad[20], data[60], tag[16], zero[16] = {0};
    size_t n;

    unhex("cafebabefacedbaddecaf888", iv, 12);
    unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, 20);
    /* Test case 4: AES-128 */
    unhex("feffe9928665731c6d6a8f9467308308", key, 16);
    n = unhex(plain, data, sizeof(data));
    REQUIRE(n == 60);
    crypto_aead_encrypt(CRYPTO_AES_GCM, key, 16, iv, aad, 20, data, n, tag);
    HEXEQ(data, 60, "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                    "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091");
    HEXEQ(tag, 16, "5bc94fbc3221a5db94fae95ae7121a47");
    CHECK(crypto_aead_decrypt(CRYPTO_AES_GCM, key, 16, iv, aad, 20, data, n, tag) == 0);
    HEXEQ(data, 60, plain);
    /* Test case 16: AES-256 */
    unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", key, 32);
    crypto_aead_encrypt(CRYPTO_AES_GCM, key, 32, iv, aad, 20, data, n, tag);
    HEXEQ(data, 60, "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662");
    HEXEQ(tag, 16, "76fc6ece0f4e1768cddf8853bb2d551b");
    data[0] ^= 1;
    CHECK(crypto_aead_decrypt(CRYPTO_AES_GCM, key, 32, iv, aad, 20, data, n, tag) < 0);
    /* Test case 1: zero key and IV, nothing to authenticate: GMAC's tag */
    memset(iv, 0, 12);
    crypto_aes128_gmac(zero, iv, NULL, 0, tag);
    HEXEQ(tag, 16, "58e2fccefa7e3061367f1d57a4e7455a");
}

/* "SMB 3.1.1 Pre-authentication integrity in Windows 10": the NEGOTIATE and
 * SESSION_SETUP messages of one Windows 10 connection, the hash after each,
 * and the signing key from Session.SessionKey. */
static const char pa_neg_req[] =
    "FE534D4240000100000000000000800000000000000000000100000000000000FFFE000000000000"
    "00000000000000000000000000000000000000000000000024000500000000003F000000ECD86F32"
    "6276024F9F7752B89BB33F3A70000000020000000202100200030203110300000100260000000000"
    "010020000100FA49E6578F1F3A9F4CD3E9CC14A67AA884B3D05844E0E5A118225C15887F32FF0000"
    "0200060000000000020002000100";
static const char pa_neg_rsp[] =
    "FE534D4240000100000000000000010001000000000000000100000000000000FFFE000000000000"
    "000000000000000000000000000000000000000000000000410001001103020039CBCAF329714942"
    "BDCE5D60F09AB3FB2F000000000080000000800000008000D8DAE5ADCBAED00109094AB095AED001"
    "80004001C00100006082013C06062B0601050502A08201303082012CA01A3018060A2B0601040182"
    "3702021E060A2B06010401823702020AA282010C048201084E45474F455854530100000000000000"
    "60000000700000007C7CC0FD06D6362D02DDE1CF343BFE292900F49750B4AA97934D9C4296B26E51"
    "FD370471B235E15A50DAE15BD5489C87000000000000000060000000010000000000000000000000"
    "5C33530DEAF90D4DB2EC4AE3786EC3084E45474F4558545303000000010000004000000098000000"
    "7C7CC0FD06D6362D02DDE1CF343BFE295C33530DEAF90D4DB2EC4AE3786EC3084000000058000000"
    "3056A05430523027802530233121301F06035504031318546F6B656E205369676E696E6720507562"
    "6C6963204B65793027802530233121301F06035504031318546F6B656E205369676E696E67205075"
    "626C6963204B6579010026000000000001002000010060A3C3B95C3C7CCD51EC536648D9B3AC74C4"
    "83CA5B65385A251117BEB30712E50000020004000000000001000200";
static const char pa_ss_req1[] =
    "FE534D4240000100000000000100800000000000000000000200000000000000FFFE000000000000"
    "00000000000000000000000000000000000000000000000019000001010000000000000058004A00"
    "0000000000000000604806062B0601050502A03E303CA00E300C060A2B06010401823702020AA22A"
    "04284E544C4D5353500001000000978208E200000000000000000000000000000000060380250000"
    "000F";
static const char pa_ss_rsp1[] =
    "FE534D4240000100160000C00100010001000000000000000200000000000000FFFE000000000000"
    "190000000010000000000000000000000000000000000000090000004800B300A181B03081ADA003"
    "0A0101A10C060A2B06010401823702020AA281970481944E544C4D53535000020000000C000C0038"
    "00000015828AE20D1D8BA31179D008000000000000000050005000440000000A0092270000000F53"
    "005500540033003100310002000C0053005500540033003100310001000C00530055005400330031"
    "00310004000C0053005500540033003100310003000C0053005500540033003100310007000800A1"
    "A1F5ADCBAED00100000000";
static const char pa_ss_req2[] =
    "FE534D4240000100000000000100800000000000000000000300000000000000FFFE000000000000"
    "1900000000100000000000000000000000000000000000001900000101000000000000005800CF01"
    "0000000000000000A18201CB308201C7A0030A0101A28201AA048201A64E544C4D53535000030000"
    "001800180090000000EE00EE00A80000000C000C00580000001A001A0064000000120012007E0000"
    "001000100096010000158288E2060380250000000FECAC77A5F385A8BF9C38C706EEEDDCD3530055"
    "005400330031003100610064006D0069006E006900730074007200610074006F0072004400520049"
    "0056004500520033003100310000000000000000000000000000000000000000000000000063078E"
    "B639FE03E20A231C3AE3BF23080101000000000000A1A1F5ADCBAED001BC4AD05F223CC90F000000"
    "0002000C0053005500540033003100310001000C0053005500540033003100310004000C00530055"
    "00540033003100310003000C0053005500540033003100310007000800A1A1F5ADCBAED001060004"
    "00020000000800300030000000000000000000000000300000B61FEFCAA857EA57BF1EDCEBF8974B"
    "8E0EBA5A6DFD9D07A31D11B548F8C9D0CC0A00100000000000000000000000000000000000090016"
    "0063006900660073002F005300550054003300310031000000000000000000000000003B9BDFF38F"
    "5EE8F9663F11A0F4C03A78A31204100100000063775A9A5FD97F0600000000";

static void preauth_hash_and_signing_key_match_the_3_1_1_blog(void) {
    static const char *const msgs[] = {pa_neg_req, pa_neg_rsp, pa_ss_req1, pa_ss_rsp1, pa_ss_req2};
    static const char *const hashes[] = {
        "DD94EFC5321BB618A2E208BA8920D2F422992526947A409B5037DE1E0FE8C7362B8C47122594CDE0"
        "CE26AA9DFC8BCDBDE0621957672623351A7540F1E54A0426",
        "324BFA92A4F3A190E466EBEA08D9C110DC88BFED758D9846ECC6F541CC1D02AE3C94A79F36011E99"
        "7E13F841B91B50957AD07B19C8E2539C0B23FDAE09D2C513",
        "AC0B0F2B9986257700365E416D142A6EDC96DF03594A19E52A15F6BD0D041CD5D432F8ED42C55E33"
        "197A50C9EC00F1462B50C592211B1471A04B56088FDFD5F9",
        "2729E3440DFDDD839E37193F6E8F20C20CEFB3469E453A70CD980EEC06B8835740A7376008563336"
        "4C8989895ECE81BF102DEEB14D4B7D48AFA76901A7A38387",
        "0DD13628CC3ED218EF9DF9772D436D0887AB9814BFAE63A80AA845F36909DB7928622DDDAD522D97"
        "51640A459762C5A9D6BB084CBB3CE6BDADEF5D5BCE3C6C01"};
    static struct smb2_conn c;
    uint8_t h[64] = {0}, m[1024], key[16];

    /* H(i) = SHA-512(H(i-1) || message), starting from 64 zero bytes. */
    for (size_t i = 0; i < 5; i++) {
        size_t n = unhex(msgs[i], m, sizeof(m));

        smb2_preauth_update(h, m, n);
        HEXEQ(h, 64, hashes[i]);
    }
    /* The SP800-108 KDF (3.1.4.2) over that hash: SigningKey. */
    memset(&c, 0, sizeof(c));
    c.dialect = SMB2_DIALECT_311;
    c.cipher = SMB2_ENCRYPTION_AES128_CCM;
    memcpy(c.session_preauth, h, 64);
    unhex("270E1BA896585EEB7AF3472D3B4C75A7", key, 16);
    smb2_derive_keys(&c, key, 16);
    HEXEQ(c.signing_key, 16, "73FE7A9A77BEF0BDE49C650D8CCB5F76");
}

/* "Encryption in SMB 3.0: A protocol perspective": keys from the session key,
 * a WRITE encrypted by the client (nonce with its padding as sent, so the AAD
 * is the transform header's bytes 20-51 as published) and a response the
 * server encrypted. */
static void smb300_keys_and_aes128_ccm_match_the_3_0_blog(void) {
    static const char plain[] =
        "FE534D4240000100000000000900400008000000000000000400000000000000"
        "FFFE0000010000001100001400E4080000000000000000000000000000000000"
        "3100700017000000000000000000000015010000390000020100000039020000"
        "00000000000000007000000000000000536D623320656E6372797074696F6E20"
        "74657374696E67";
    static const char transformed[] =
        "FD534D4281A286535415445DAE393921E44FA42E66E69A111892584FB5ED524A"
        "744DA3EE87000000000001001100001400E4080025C8FEE16605A437832D1CD5"
        "2DA9F4645333482A175FE5384563F45FCDAFAEF38BC62BA4D5C62897996625A4"
        "4C29BE5658DE2E6117585779E7B59FFD971278D08580D7FA899E410E910EABF5"
        "AA1DB43050B33B49182637759AC15D84BFCDF5B6B238993C0F4CF4D6012023F6"
        "C627297075D84B7803912D0A9639634453595EF3E33FFE4E7AC2AB";
    static const char from_server[] =
        "FD534D42A6015530A18F6D9AFFE22AFAE8E66484860000000000000011000014"
        "00E4080050000000000001001100001400E40800DBF46435C5F14169293CE079"
        "E344479BF670227E49873F458672C3098DAC467DD5809F369D67409166515787"
        "1483E01F7BECD02064EAC3E235F913668BBC2F097980D4B378F1993EFF6E60D1"
        "77309E5B";
    static struct smb2_conn c;
    uint8_t key[16], t[512], data[256], tag[16];
    size_t tn, pn, plain_len = 0;

    memset(&c, 0, sizeof(c));
    c.dialect = SMB2_DIALECT_300;
    c.cipher = SMB2_ENCRYPTION_AES128_CCM;
    c.session_id = 0x8E40014000011ull;
    unhex("B4546771B515F766A86735532DD6C4F0", key, 16);
    smb2_derive_keys(&c, key, 16);
    HEXEQ(c.enc_key, 16, "261B72350558F2E9DCF613070383EDBF");
    HEXEQ(c.dec_key, 16, "8FE2B57EC34D2DB5B1A9727F526BBDB5");

    /* The client's WRITE: AES-128-CCM, 11-byte nonce, 16-byte tag. */
    tn = unhex(transformed, t, sizeof(t));
    pn = unhex(plain, data, sizeof(data));
    REQUIRE(tn == SMB2_TRANSFORM_SIZE + pn);
    crypto_aead_encrypt(CRYPTO_AES_CCM, c.enc_key, 16, t + 20, t + 20, 32, data, pn, tag);
    CHECK(memcmp(data, t + SMB2_TRANSFORM_SIZE, pn) == 0);
    CHECK(memcmp(tag, t + 4, 16) == 0);

    /* The server's answer, through smb2_decrypt() as the transport receives it. */
    tn = unhex(from_server, t, sizeof(t));
    REQUIRE(smb2_decrypt(&c, t, tn, &plain_len) == 0);
    HEXEQ(t + SMB2_TRANSFORM_SIZE, plain_len,
          "FE534D4240000100000000000900210009000000000000000400000000000000"
          "FFFE0000010000001100001400E4080000000000000000000000000000000000"
          "11000000170000000000000000000000");
    /* One flipped bit anywhere fails the tag. */
    tn = unhex(from_server, t, sizeof(t));
    t[tn - 1] ^= 0x80;
    CHECK(smb2_decrypt(&c, t, tn, &plain_len) < 0);
}

/* "SMB 3.1.1 Encryption in Windows 10": AES-128-GCM keys from the session key
 * and pre-auth hash, a client WRITE and a server response. */
static void smb311_keys_and_aes128_gcm_match_the_3_1_1_blog(void) {
    static const char plain[] =
        "FE534D4240000100000000000900010008000000000000000500000000000000FFFE000001000000"
        "25000000001000000000000000000000000000000000000031007000170000000000000000000000"
        "0600000004000000010000000400000000000000000000007000000000000000536D623320656E63"
        "72797074696F6E2074657374696E67";
    static const char transformed[] =
        "FD534D42BD73D97D2BC9001BCAFAC0FDFF5FEEBCC7D6822D269CAF48904C664C0000000087000000"
        "0000010025000000001000006ECDD2A7AFC7B47763057A041B8FD4DAFFE990B70C9E09D36C084E02"
        "D14EF247F8BDE38ACF6256F8B1D3B56F77FBDEB312FEA5E92CBCC1ED8FB2EBBFAA75E49A4A394BB4"
        "4576545567C24D4C014D47C9FBDFDAFD2C4F9B72F8D256452620A299F48E29E53D6B61D1C13A19E9"
        "1AF013F00D17E3ABC2FC3D36C8C1B6B93973253852DBD442E46EE8";
    static const char from_server[] =
        "FD534D42ACBE1CB7ED343ADF1725EF144D90D4B0E06831DD2E8EB7B4000000000000000050000000"
        "00000100250000000010000026BBBF949983A6C1C796559D0F2C510CB651D1F7B6AC8DED32A2A0B8"
        "F2D793A815C6F6B848D69767A215841A42D400AE6DDB5F0B44173A014973321FDD7950DA6179159B"
        "82E03C9E18A050FF0EA1C967";
    static struct smb2_conn c;
    uint8_t key[16], t[512], data[256], tag[16];
    size_t tn, pn, plain_len = 0;

    memset(&c, 0, sizeof(c));
    c.dialect = SMB2_DIALECT_311;
    c.cipher = SMB2_ENCRYPTION_AES128_GCM;
    c.session_id = 0x100000000025ull;
    unhex("B23F3CBFD69487D9832B79B1594A367CDD950909B774C3A4C412B4FCEA9EDDDBA7DB256BA2EA30E9"
          "77F11F9B113247578E0E915C6D2A513B8F2FCA5707DC8770",
          c.session_preauth, 64);
    unhex("419FDDF34C1E001909D362AE7FB6AF79", key, 16);
    smb2_derive_keys(&c, key, 16);
    HEXEQ(c.enc_key, 16, "A2F5E80E5D59103034F32E52F698E5EC");
    HEXEQ(c.dec_key, 16, "748C50868C90F302962A5C35F5F9A8BF");

    tn = unhex(transformed, t, sizeof(t));
    pn = unhex(plain, data, sizeof(data));
    REQUIRE(tn == SMB2_TRANSFORM_SIZE + pn);
    crypto_aead_encrypt(CRYPTO_AES_GCM, c.enc_key, 16, t + 20, t + 20, 32, data, pn, tag);
    CHECK(memcmp(data, t + SMB2_TRANSFORM_SIZE, pn) == 0);
    CHECK(memcmp(tag, t + 4, 16) == 0);

    tn = unhex(from_server, t, sizeof(t));
    REQUIRE(smb2_decrypt(&c, t, tn, &plain_len) == 0);
    HEXEQ(t + SMB2_TRANSFORM_SIZE, plain_len,
          "FE534D4240000100000000000900010001000000000000000500000000000000FFFE000001000000"
          "25000000001000000000000000000000000000000000000011000000170000000000000000000000");
    tn = unhex(from_server, t, sizeof(t));
    t[30] ^= 1; /* in the nonce, which is authenticated data */
    CHECK(smb2_decrypt(&c, t, tn, &plain_len) < 0);
}

/* HMAC-SHA256 signing (3.1.4.1, dialects 2.x) of an IOCTL response Windows
 * signed, as captured in SMBLibrary's SMB2SigningTests (Test1): the key is the
 * session key, the signature is the one carried in the message. Third-party
 * capture, not a Microsoft publication: noted as such. */
static void hmac_sha256_signing_matches_a_windows_capture(void) {
    static struct smb2_conn c;
    uint8_t key[16], m[128], sig[16];
    size_t n;

    memset(&c, 0, sizeof(c));
    c.dialect = SMB2_DIALECT_210;
    c.signing_alg = SMB2_SIGNING_HMAC_SHA256;
    unhex("D38354CC374339F0524F789146789921", key, 16);
    smb2_derive_keys(&c, key, 16);
    n = unhex("fe534d4240000100280100c00b000700090000000000000004000000000000"
              "00fffe0000010000000100000000040000fbd284340324c62fbebb65dd1051f3ae"
              "0900000000000000ff",
              m, sizeof(m));
    REQUIRE(n == 73);
    memcpy(sig, m + 48, 16);
    CHECK(smb2_verify(&c, m, n) == 0);
    smb2_sign(&c, m, n);
    CHECK(memcmp(m + 48, sig, 16) == 0);
    m[72] ^= 1;
    CHECK(smb2_verify(&c, m, n) < 0);
}

TAP_MAIN(CASE(hmac_sha256_matches_rfc4231), CASE(aes_cmac_matches_rfc4493), CASE(aes_gcm_and_gmac_match_the_gcm_spec),
         CASE(preauth_hash_and_signing_key_match_the_3_1_1_blog),
         CASE(smb300_keys_and_aes128_ccm_match_the_3_0_blog),
         CASE(smb311_keys_and_aes128_gcm_match_the_3_1_1_blog),
         CASE(hmac_sha256_signing_matches_a_windows_capture))
