/* NTLMv2 against MS-NLMP 4.2.4 (the published example: User/Domain/Password,
 * ServerChallenge 0123456789abcdef, ClientChallenge aa…, Time 0,
 * RandomSessionKey 55…), plus hostile CHALLENGE_MESSAGEs and SPNEGO. */
#include <errno.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/ntlm.h"
#include "common/crypto.h"
#include "tap.h"

static size_t unhex(const char *h, uint8_t *out) {
    size_t n = 0;

    for (; h[0] && h[1]; h += 2) {
        while (*h == ' ')
            h++;
        if (!h[0] || !h[1])
            break;
        sscanf(h, "%2hhx", &out[n++]);
    }
    return n;
}

/* MS-NLMP 4.2.4.3: the CHALLENGE_MESSAGE of the example. */
static const char challenge_hex[] =
    "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef"
    "00000000000000002400240044000000060070170000000f5300650072007600"
    "6500720002000c0044006f006d00610069006e0001000c005300650072007600"
    "6500720000000000";
/* Its AV pairs (MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server", EOL). */
static const char target_info_hex[] =
    "02000c0044006f006d00610069006e0001000c00530065007200760065007200"
    "00000000";

static const uint8_t server_chal[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
static const uint8_t client_chal[8] = {0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa};

static void ntowfv2_matches_msnlmp_4_2_4_1_1(void) {
    uint8_t got[16], want[16];

    REQUIRE(ntlm_ntowfv2("User", "Domain", "Password", got) == 0);
    unhex("0c868a403bfd7a93a3001ef22ef02e3f", want);
    CHECK(memcmp(got, want, 16) == 0);
}

static void ntowfv2_upper_cases_the_user_only(void) {
    uint8_t a[16], b[16];

    REQUIRE(ntlm_ntowfv2("user", "Domain", "Password", a) == 0);
    REQUIRE(ntlm_ntowfv2("USER", "Domain", "Password", b) == 0);
    CHECK(memcmp(a, b, 16) == 0);
    REQUIRE(ntlm_ntowfv2("User", "DOMAIN", "Password", b) == 0);
    CHECK(memcmp(a, b, 16) != 0);
}

static void v2_response_matches_msnlmp_4_2_4_2(void) {
    uint8_t key[16], lm[24], base[16], ti[64], want[64];
    size_t ti_len = unhex(target_info_hex, ti);
    struct buf nt;

    buf_init(&nt);
    REQUIRE(ntlm_ntowfv2("User", "Domain", "Password", key) == 0);
    REQUIRE(ntlm_v2_response(key, server_chal, client_chal, 0, ti, ti_len, &nt, lm, base) == 0);
    /* 4.2.4.2.1 LMv2 response */
    unhex("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa", want);
    CHECK(memcmp(lm, want, 24) == 0);
    /* 4.2.4.2.2 NTProofStr, then temp = 0101 Z6 Time ClientChallenge Z4 AvPairs Z4 */
    unhex("68cd0ab851e51c96aabc927bebef6a1c", want);
    REQUIRE(nt.len == 16 + 28 + ti_len + 4);
    CHECK(memcmp(nt.data, want, 16) == 0);
    CHECK(nt.data[16] == 1 && nt.data[17] == 1);
    CHECK(memcmp(nt.data + 32, client_chal, 8) == 0);
    CHECK(memcmp(nt.data + 44, ti, ti_len) == 0);
    /* 4.2.4.1.2 SessionBaseKey */
    unhex("8de40ccadbc14a82f15cb0ad0de95ca3", want);
    CHECK(memcmp(base, want, 16) == 0);
    buf_free(&nt);
}

static void authenticate_message_matches_msnlmp_4_2_4_3(void) {
    uint8_t chal[200], want[64];
    size_t chal_len = unhex(challenge_hex, chal);
    struct ntlm_client_inputs in = {.now = 0, .workstation = "COMPUTER"};
    struct auth_identity id = {.user = "User", .domain = "Domain", .password = "Password"};
    struct buf out;
    void *st = NULL;
    const uint8_t *key;
    size_t key_len;
    uint32_t off;

    memcpy(in.client_challenge, client_chal, 8);
    memset(in.exported_session_key, 0x55, 16);
    buf_init(&out);
    REQUIRE(auth_mech_ntlmssp.start(&id, "Server", &st) == 0);
    ntlm_client_set_inputs(st, &in);
    REQUIRE(auth_mech_ntlmssp.step(st, NULL, 0, &out) == 1);
    CHECK(out.len == 40 && memcmp(out.data, "NTLMSSP\0\1\0\0\0", 12) == 0);
    buf_free(&out);
    REQUIRE(auth_mech_ntlmssp.step(st, chal, chal_len, &out) == 0);
    REQUIRE(out.len > 88);
    CHECK(get_le32(out.data + 8) == 3);
    /* LmChallengeResponse (no MsvAvTimestamp in this challenge: LMv2 is sent) */
    unhex("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa", want);
    off = get_le32(out.data + 16);
    REQUIRE(get_le16(out.data + 12) == 24 && off + 24 <= out.len);
    CHECK(memcmp(out.data + off, want, 24) == 0);
    /* NtChallengeResponse starts with NTProofStr */
    unhex("68cd0ab851e51c96aabc927bebef6a1c", want);
    off = get_le32(out.data + 24);
    REQUIRE(off + 16 <= out.len);
    CHECK(memcmp(out.data + off, want, 16) == 0);
    /* 4.2.4.2.3 EncryptedRandomSessionKey */
    unhex("c5dad2544fc9799094ce1ce90bc9d03e", want);
    off = get_le32(out.data + 56);
    REQUIRE(get_le16(out.data + 52) == 16 && off + 16 <= out.len);
    CHECK(memcmp(out.data + off, want, 16) == 0);
    /* User name "User" in UTF-16 */
    off = get_le32(out.data + 40);
    REQUIRE(get_le16(out.data + 36) == 8 && off + 8 <= out.len);
    CHECK(memcmp(out.data + off, "U\0s\0e\0r\0", 8) == 0);
    /* ExportedSessionKey = the RandomSessionKey (KEY_EXCH negotiated) */
    REQUIRE(auth_mech_ntlmssp.session_key(st, &key, &key_len) == 0);
    CHECK(key_len == 16 && key[0] == 0x55 && key[15] == 0x55);
    buf_free(&out);
    auth_mech_ntlmssp.free(st);
}

static void mic_is_sent_when_the_server_gives_a_timestamp(void) {
    /* The example challenge with MsvAvTimestamp added before EOL. */
    uint8_t chal[256];
    size_t n = unhex(challenge_hex, chal);
    struct ntlm_challenge ch;
    struct auth_identity id = {.user = "User", .domain = "Domain", .password = "Password"};
    struct buf out, ti;
    void *st = NULL;
    uint32_t nt_off;
    uint8_t zero[16] = {0};

    /* grow the target info by a 12-byte MsvAvTimestamp pair */
    memmove(chal + n - 4 + 12, chal + n - 4, 4);
    put_le16(chal + n - 4, 7);
    put_le16(chal + n - 2, 8);
    put_le64(chal + n, 0x01d0000000000000ull);
    n += 12;
    put_le16(chal + 40, 0x24 + 12);
    put_le16(chal + 42, 0x24 + 12);
    REQUIRE(ntlm_parse_challenge(chal, n, &ch) == 0);
    CHECK(ch.has_timestamp && ch.timestamp == 0x01d0000000000000ull);

    buf_init(&out);
    buf_init(&ti);
    REQUIRE(auth_mech_ntlmssp.start(&id, "Server", &st) == 0);
    REQUIRE(auth_mech_ntlmssp.step(st, NULL, 0, &out) == 1);
    buf_free(&out);
    REQUIRE(auth_mech_ntlmssp.step(st, chal, n, &out) == 0);
    CHECK(memcmp(out.data + 72, zero, 16) != 0);                      /* a MIC */
    CHECK(memcmp(out.data + get_le32(out.data + 16), zero, 16) == 0); /* LM = Z(24) */
    /* the echoed AV pairs carry MsvAvFlags = MIC present */
    REQUIRE(ntlm_target_info_with_mic_flag(ch.target_info, ch.target_info_len, &ti) == 0);
    nt_off = get_le32(out.data + 24);
    REQUIRE(get_le16(out.data + 20) == 16 + 28 + ti.len + 4);
    CHECK(memcmp(out.data + nt_off + 44, ti.data, ti.len) == 0);
    buf_free(&out);
    buf_free(&ti);
    auth_mech_ntlmssp.free(st);
}

/* MS-NLMP 4.2.4.4 (GSS_WrapEx, NTLMv2 with extended session security and key
 * exchange): from RandomSessionKey 55…55 the client SigningKey and SealingKey,
 * then "Plaintext" (UTF-16LE) sealed by the RC4 handle and its signature made
 * with the same handle afterwards. */
static void signing_and_sealing_match_msnlmp_4_2_4_4(void) {
    uint8_t esk[16], sign[16], seal[16], msg[18], sealed[18], sig[16], want[32];
    struct crypto_rc4 rc4;

    memset(esk, 0x55, 16);
    ntlm_client_keys(esk, sign, seal);
    unhex("4788dc861b4782f35d43fd98fe1a2d39", want);
    CHECK(memcmp(sign, want, 16) == 0);
    unhex("59f600973cc4960a25480a7c196e4c58", want);
    CHECK(memcmp(seal, want, 16) == 0);
    REQUIRE(unhex("50006c00610069006e007400650078007400", msg) == 18);
    crypto_rc4_init(&rc4, seal, 16);
    memcpy(sealed, msg, 18);
    crypto_rc4(&rc4, sealed, 18);
    unhex("54e50165bf1936dc996020c1811b0f06fb5f", want);
    CHECK(memcmp(sealed, want, 18) == 0);
    ntlm_mac(sign, &rc4, 0, msg, 18, sig);
    unhex("010000007fb38ec5c55d497600000000", want);
    CHECK(memcmp(sig, want, 16) == 0);
}

/* The NTLM messages inside the SESSION_SETUPs of Microsoft's blog post "SMB
 * 3.1.1 Pre-authentication integrity in Windows 10" (2015-08-11; transcribed
 * from the Pike test suite), with its Session.SessionKey, which is NTLM's
 * ExportedSessionKey. MS-NLMP's own examples carry no MIC (no MsvAvTimestamp),
 * so these Windows 10 messages are the published MIC: the AUTHENTICATE
 * MESSAGE's MIC at offset 72, and the SPNEGO mechListMIC over the MechTypeList
 * (just NTLMSSP) with sequence number 0. */
static const char blog_negotiate[] = "4E544C4D5353500001000000978208E200000000000000000000000000000000060380250000000F";
static const char blog_challenge[] =
    "4E544C4D53535000020000000C000C003800000015828AE20D1D8BA31179D008000000000000000050005000440000000A0092270000000F"
    "53005500540033003100310002000C0053005500540033003100310001000C0053005500540033003100310004000C0053005500540033"
    "003100310003000C0053005500540033003100310007000800A1A1F5ADCBAED00100000000";
static const char blog_authenticate[] =
    "4E544C4D53535000030000001800180090000000EE00EE00A80000000C000C00580000001A001A0064000000120012007E00000010001000"
    "96010000158288E2060380250000000FECAC77A5F385A8BF9C38C706EEEDDCD3530055005400330031003100610064006D0069006E006900"
    "730074007200610074006F007200440052004900560045005200330031003100000000000000000000000000000000000000000000000000"
    "63078EB639FE03E20A231C3AE3BF23080101000000000000A1A1F5ADCBAED001BC4AD05F223CC90F0000000002000C005300550054003300"
    "3100310001000C0053005500540033003100310004000C0053005500540033003100310003000C0053005500540033003100310007000800"
    "A1A1F5ADCBAED00106000400020000000800300030000000000000000000000000300000B61FEFCAA857EA57BF1EDCEBF8974B8E0EBA5A6D"
    "FD9D07A31D11B548F8C9D0CC0A001000000000000000000000000000000000000900160063006900660073002F0053005500540033003100"
    "31000000000000000000000000003B9BDFF38F5EE8F9663F11A0F4C03A78";

static void mic_and_mech_list_mic_match_a_published_windows_exchange(void) {
    uint8_t key[16], neg[64], chal[200], auth[512], mic[16], sign[16], seal[16], sig[16], want[16];
    size_t nn = unhex(blog_negotiate, neg), cn = unhex(blog_challenge, chal), an = unhex(blog_authenticate, auth);
    static const uint8_t mech_types[] = {0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04,
                                         0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
    struct crypto_rc4 rc4;
    struct auth_identity id = {.user = "User", .domain = "Domain", .password = "Password"};
    struct auth_ctx *a = NULL;
    struct buf tok;

    REQUIRE(nn == 40 && cn == 148 && an == 422);
    unhex("270E1BA896585EEB7AF3472D3B4C75A7", key);
    ntlm_auth_mic(key, neg, nn, chal, cn, auth, an, mic); /* its own MIC field counts as zero */
    CHECK(memcmp(mic, auth + 72, 16) == 0);
    auth[200] ^= 1;
    ntlm_auth_mic(key, neg, nn, chal, cn, auth, an, mic);
    CHECK(memcmp(mic, auth + 72, 16) != 0);

    ntlm_client_keys(key, sign, seal);
    crypto_rc4_init(&rc4, seal, 16);
    ntlm_mac(sign, &rc4, 0, mech_types, sizeof(mech_types), sig);
    unhex("0100000063775A9A5FD97F0600000000", want);
    CHECK(memcmp(sig, want, 16) == 0);
    /* and our SPNEGO offers exactly that MechTypeList, so it MICs the same bytes */
    buf_init(&tok);
    REQUIRE(auth_spnego_new((const struct auth_mech_ops *const[]){&auth_mech_ntlmssp}, 1, &id, "Server", &a) == 0);
    REQUIRE(auth_spnego_step(a, NULL, 0, &tok) >= 0);
    CHECK(memmem(tok.data, tok.len, mech_types, sizeof(mech_types)) != NULL);
    buf_free(&tok);
    auth_spnego_free(a);
}

static void challenge_truncated_anywhere_is_rejected(void) {
    uint8_t chal[200];
    size_t n = unhex(challenge_hex, chal);
    struct ntlm_challenge ch;

    for (size_t len = 0; len < n; len++)
        if (ntlm_parse_challenge(chal, len, &ch) == 0) {
            TAP_FAIL("accepted a challenge cut at %zu of %zu bytes", len, n);
            return;
        }
    CHECK(ntlm_parse_challenge(chal, n, &ch) == 0);
}

static void challenge_target_info_outside_message_is_rejected(void) {
    uint8_t chal[200];
    size_t n = unhex(challenge_hex, chal);
    struct ntlm_challenge ch;

    put_le32(chal + 44, 0xfffffff0u);
    CHECK(ntlm_parse_challenge(chal, n, &ch) < 0);
}

static void challenge_av_pair_overrunning_its_list_is_rejected(void) {
    uint8_t chal[200];
    size_t n = unhex(challenge_hex, chal);
    struct ntlm_challenge ch;

    put_le16(chal + 0x44 + 2, 0x0100); /* first AV pair claims 256 bytes */
    CHECK(ntlm_parse_challenge(chal, n, &ch) < 0);
}

static void challenge_of_wrong_type_is_rejected(void) {
    uint8_t chal[200];
    size_t n = unhex(challenge_hex, chal);
    struct ntlm_challenge ch;

    chal[8] = 3;
    CHECK(ntlm_parse_challenge(chal, n, &ch) < 0);
}

static void spnego_resp_yields_state_and_token(void) {
    /* a1 { 30 { a0 { 0a 01 01 } a2 { 04 03 'abc' } } } */
    static const uint8_t t[] = {0xa1, 0x0e, 0x30, 0x0c, 0xa0, 0x03, 0x0a, 0x01, 0x01,
                                0xa2, 0x05, 0x04, 0x03, 'a',  'b',  'c'};
    const uint8_t *tok;
    size_t tok_len;
    int state;

    REQUIRE(spnego_parse_resp(t, sizeof(t), &state, &tok, &tok_len) == 0);
    CHECK(state == 1);
    CHECK(tok_len == 3 && memcmp(tok, "abc", 3) == 0);
    for (size_t len = 0; len < sizeof(t); len++)
        CHECK(spnego_parse_resp(t, len, &state, &tok, &tok_len) < 0);
}

static void spnego_length_beyond_input_is_rejected(void) {
    static const uint8_t t[] = {0xa1, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x00};
    const uint8_t *tok;
    size_t tok_len;
    int state;

    CHECK(spnego_parse_resp(t, sizeof(t), &state, &tok, &tok_len) < 0);
}

/* The example's mechanism, run to completion with its fixed inputs
 * (RandomSessionKey 55…55 = ExportedSessionKey, KEY_EXCH, SIGN and SEAL). */
static void *example_mech(void) {
    uint8_t chal[200];
    size_t chal_len = unhex(challenge_hex, chal);
    struct ntlm_client_inputs in = {.now = 0, .workstation = "COMPUTER"};
    struct auth_identity id = {.user = "User", .domain = "Domain", .password = "Password"};
    struct buf out;
    void *st = NULL;

    memcpy(in.client_challenge, client_chal, 8);
    memset(in.exported_session_key, 0x55, 16);
    buf_init(&out);
    if (auth_mech_ntlmssp.start(&id, "Server", &st) < 0)
        return NULL;
    ntlm_client_set_inputs(st, &in);
    if (auth_mech_ntlmssp.step(st, NULL, 0, &out) != 1 || (buf_free(&out), 0) ||
        auth_mech_ntlmssp.step(st, chal, chal_len, &out) != 0) {
        buf_free(&out);
        auth_mech_ntlmssp.free(st);
        return NULL;
    }
    buf_free(&out);
    return st;
}

/* MS-NLMP 4.2.4.4 through the mechanism's protect op (what DCE/RPC calls):
 * "Plaintext" sealed in place and its signature, byte for byte; then the
 * same message signed only, under sequence number 1, which must differ. */
static void protect_op_matches_msnlmp_4_2_4_4(void) {
    uint8_t msg[18], sig[16], want[18];
    struct auth_iov iov = {msg, 18, false};
    void *st = example_mech();

    REQUIRE(st);
    CHECK(auth_mech_ntlmssp.sig_len(st) == 16);
    REQUIRE(unhex("50006c00610069006e007400650078007400", msg) == 18);
    REQUIRE(auth_mech_ntlmssp.protect(st, true, &iov, 1, sig) == 0);
    unhex("54e50165bf1936dc996020c1811b0f06fb5f", want);
    CHECK(memcmp(msg, want, 18) == 0);
    unhex("010000007fb38ec5c55d497600000000", want);
    CHECK(memcmp(sig, want, 16) == 0);
    /* a sign_only piece is covered but never encrypted */
    unhex("50006c00610069006e007400650078007400", msg);
    iov.sign_only = true;
    REQUIRE(auth_mech_ntlmssp.protect(st, true, &iov, 1, sig) == 0);
    unhex("50006c00610069006e007400650078007400", want);
    CHECK(memcmp(msg, want, 18) == 0);
    CHECK(get_le32(sig) == 1 && get_le32(sig + 12) == 1); /* Version, SeqNum 1 */
    auth_mech_ntlmssp.free(st);
}

/* What the server would send: sealed with the server-to-client keys
 * (MS-NLMP 3.4.5.2/3.4.5.3 with the "server-to-client" constants), by
 * the published primitives, split across three pieces. */
static void server_message(struct crypto_rc4 *rc4, const uint8_t sign[16], uint32_t seq, uint8_t *hdr,
                           uint8_t *body, size_t body_len, uint8_t sig[16]) {
    uint8_t whole[64];

    memcpy(whole, hdr, 8);
    memcpy(whole + 8, body, body_len);
    crypto_rc4(rc4, body, body_len);
    ntlm_mac(sign, rc4, seq, whole, 8 + body_len, sig);
}

static void unprotect_op_checks_signature_sequence_and_length(void) {
    uint8_t esk[16], sign[16], seal[16], hdr[8] = "HEADER!", body[18], sig[16], plain[18];
    struct crypto_rc4 rc4;
    struct auth_iov iov[2] = {{hdr, 8, true}, {body, 18, false}};
    void *st = example_mech();

    REQUIRE(st);
    memset(esk, 0x55, 16);
    ntlm_server_keys(esk, sign, seal);
    crypto_rc4_init(&rc4, seal, 16);
    REQUIRE(unhex("50006c00610069006e007400650078007400", plain) == 18);

    /* sequence 0, intact: opened, in place */
    memcpy(body, plain, 18);
    server_message(&rc4, sign, 0, hdr, body, 18, sig);
    CHECK(memcmp(body, plain, 18) != 0);
    REQUIRE(auth_mech_ntlmssp.unprotect(st, true, iov, 2, sig, 16) == 0);
    CHECK(memcmp(body, plain, 18) == 0);
    /* sequence 1, intact */
    memcpy(body, plain, 18);
    server_message(&rc4, sign, 1, hdr, body, 18, sig);
    REQUIRE(auth_mech_ntlmssp.unprotect(st, true, iov, 2, sig, 16) == 0);
    CHECK(memcmp(body, plain, 18) == 0);
    /* a truncated signature is refused */
    memcpy(body, plain, 18);
    server_message(&rc4, sign, 2, hdr, body, 18, sig);
    CHECK(auth_mech_ntlmssp.unprotect(st, true, iov, 2, sig, 15) == -EBADMSG);
    /* and after a failure nothing more is accepted, even a good message */
    CHECK(auth_mech_ntlmssp.unprotect(st, true, iov, 2, sig, 16) == -EBADMSG);
    auth_mech_ntlmssp.free(st);

    /* one altered header byte (sign_only, never encrypted) fails the check */
    st = example_mech();
    REQUIRE(st);
    crypto_rc4_init(&rc4, seal, 16);
    memcpy(body, plain, 18);
    server_message(&rc4, sign, 0, hdr, body, 18, sig);
    hdr[0] ^= 1;
    CHECK(auth_mech_ntlmssp.unprotect(st, true, iov, 2, sig, 16) == -EBADMSG);
    hdr[0] ^= 1;
    auth_mech_ntlmssp.free(st);

    /* a message under the wrong sequence number (a replay of 0 as 1) fails */
    st = example_mech();
    REQUIRE(st);
    crypto_rc4_init(&rc4, seal, 16);
    memcpy(body, plain, 18);
    server_message(&rc4, sign, 1, hdr, body, 18, sig);
    CHECK(auth_mech_ntlmssp.unprotect(st, true, iov, 2, sig, 16) == -EBADMSG);
    auth_mech_ntlmssp.free(st);

    /* signing only: the body travels as is, and a flipped body bit is caught */
    st = example_mech();
    REQUIRE(st);
    crypto_rc4_init(&rc4, seal, 16);
    memcpy(body, plain, 18);
    {
        uint8_t whole[26];

        memcpy(whole, hdr, 8);
        memcpy(whole + 8, body, 18);
        ntlm_mac(sign, &rc4, 0, whole, 26, sig);
    }
    body[17] ^= 0x80;
    CHECK(auth_mech_ntlmssp.unprotect(st, false, iov, 2, sig, 16) == -EBADMSG);
    auth_mech_ntlmssp.free(st);
}

/* Before the exchange is complete there is no key to protect with. */
static void protect_before_completion_is_refused(void) {
    struct auth_identity id = {.user = "User", .domain = "Domain", .password = "Password"};
    uint8_t data[4] = {0}, sig[16];
    struct auth_iov iov = {data, 4, false};
    void *st = NULL;

    REQUIRE(auth_mech_ntlmssp.start(&id, "Server", &st) == 0);
    CHECK(auth_mech_ntlmssp.protect(st, false, &iov, 1, sig) == -ENOKEY);
    CHECK(auth_mech_ntlmssp.unprotect(st, false, &iov, 1, sig, 16) == -ENOKEY);
    auth_mech_ntlmssp.free(st);
}

/* The server-to-client keys from the published ExportedSessionKey are not
 * the client-to-server ones (the constants differ): a reflected message of
 * our own must not pass as the server's. */
static void reflected_client_message_is_refused(void) {
    uint8_t msg[18], sig[16];
    struct auth_iov iov = {msg, 18, false};
    void *st = example_mech();

    REQUIRE(st);
    REQUIRE(unhex("50006c00610069006e007400650078007400", msg) == 18);
    REQUIRE(auth_mech_ntlmssp.protect(st, true, &iov, 1, sig) == 0);
    CHECK(auth_mech_ntlmssp.unprotect(st, true, &iov, 1, sig, 16) == -EBADMSG);
    auth_mech_ntlmssp.free(st);
}

/* A connect-level DCE/RPC bind asks for neither signing nor sealing, and
 * cannot protect messages afterwards; the exchange itself is unchanged. */
static void connect_only_asks_for_no_signing(void) {
    uint8_t chal[200];
    size_t chal_len = unhex(challenge_hex, chal);
    struct auth_identity id = {.user = "User", .domain = "Domain", .password = "Password"};
    uint8_t data[4] = {0}, sig[16];
    struct auth_iov iov = {data, 4, false};
    struct buf out;
    void *st = NULL;

    buf_init(&out);
    REQUIRE(auth_mech_ntlmssp.start(&id, "Server", &st) == 0);
    ntlm_client_connect_only(st);
    REQUIRE(auth_mech_ntlmssp.step(st, NULL, 0, &out) == 1);
    REQUIRE(out.len >= 16);
    CHECK((get_le32(out.data + 12) & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL)) == 0);
    CHECK(get_le32(out.data + 12) & NTLMSSP_NEGOTIATE_KEY_EXCH);
    buf_free(&out);
    REQUIRE(auth_mech_ntlmssp.step(st, chal, chal_len, &out) == 0);
    REQUIRE(out.len >= 64);
    CHECK((get_le32(out.data + 60) & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL)) == 0);
    CHECK(auth_mech_ntlmssp.protect(st, false, &iov, 1, sig) == -ENOKEY);
    buf_free(&out);
    auth_mech_ntlmssp.free(st);
}

TAP_MAIN(CASE(ntowfv2_matches_msnlmp_4_2_4_1_1), CASE(ntowfv2_upper_cases_the_user_only),
         CASE(v2_response_matches_msnlmp_4_2_4_2), CASE(authenticate_message_matches_msnlmp_4_2_4_3),
         CASE(mic_is_sent_when_the_server_gives_a_timestamp), CASE(challenge_truncated_anywhere_is_rejected),
         CASE(challenge_target_info_outside_message_is_rejected),
         CASE(challenge_av_pair_overrunning_its_list_is_rejected), CASE(challenge_of_wrong_type_is_rejected),
         CASE(spnego_resp_yields_state_and_token), CASE(spnego_length_beyond_input_is_rejected),
         CASE(signing_and_sealing_match_msnlmp_4_2_4_4), CASE(mic_and_mech_list_mic_match_a_published_windows_exchange),
         CASE(protect_op_matches_msnlmp_4_2_4_4), CASE(unprotect_op_checks_signature_sequence_and_length),
         CASE(protect_before_completion_is_refused), CASE(reflected_client_message_is_refused),
         CASE(connect_only_asks_for_no_signing))
