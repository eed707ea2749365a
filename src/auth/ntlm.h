/*
 * NTLMSSP client, NTLMv2 only (MS-NLMP). The pure functions are exposed
 * for the unit tests, which check them against MS-NLMP 4.2.4's published
 * values.
 */
#ifndef WTSNET_AUTH_NTLM_H
#define WTSNET_AUTH_NTLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cursor.h"

/* MS-NLMP 2.2.2.5 */
#define NTLMSSP_NEGOTIATE_UNICODE 0x00000001u
#define NTLMSSP_REQUEST_TARGET 0x00000004u
#define NTLMSSP_NEGOTIATE_SIGN 0x00000010u
#define NTLMSSP_NEGOTIATE_SEAL 0x00000020u
#define NTLMSSP_NEGOTIATE_NTLM 0x00000200u
#define NTLMSSP_ANONYMOUS 0x00000800u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN 0x00008000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO 0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION 0x02000000u
#define NTLMSSP_NEGOTIATE_128 0x20000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH 0x40000000u
#define NTLMSSP_NEGOTIATE_56 0x80000000u

/* MS-NLMP 2.2.2.1 AV_PAIR ids */
#define MSV_AV_EOL 0
#define MSV_AV_NB_COMPUTER_NAME 1
#define MSV_AV_FLAGS 6
#define MSV_AV_TIMESTAMP 7
#define MSV_AV_FLAG_MIC_PRESENT 0x2u

struct ntlm_challenge {
    uint32_t flags;
    uint8_t server_challenge[8];
    const uint8_t *target_info; /* points into the parsed message */
    size_t target_info_len;
    bool has_timestamp;
    uint64_t timestamp;
};

/* MS-NLMP 2.2.1.2: parses a CHALLENGE_MESSAGE (pointers stay in msg). */
int ntlm_parse_challenge(const uint8_t *msg, size_t len, struct ntlm_challenge *ret);

/* MS-NLMP 3.3.2 NTOWFv2 (= LMOWFv2): HMAC_MD5(MD4(UTF-16(password)), UTF-16(UPPER(user) + domain)). */
int ntlm_ntowfv2(const char *user, const char *domain, const char *password, uint8_t ret[16]);

/* MS-NLMP 3.3.2: the NTLMv2 response (NTProofStr + temp) into nt, the LMv2
 * response into lm[24] and the SessionBaseKey. target_info is the AV_PAIR
 * list to echo (already carrying our MsvAvFlags if a MIC is sent). */
int ntlm_v2_response(const uint8_t key[16], const uint8_t server_challenge[8], const uint8_t client_challenge[8],
                     uint64_t timestamp, const uint8_t *target_info, size_t target_info_len, struct buf *nt,
                     uint8_t lm[24], uint8_t session_base_key[16]);

/* Copies the AV_PAIR list, adding MsvAvFlags.MIC_PRESENT (MS-NLMP 3.1.5.1.2). */
int ntlm_target_info_with_mic_flag(const uint8_t *ti, size_t len, struct buf *out);

/* MS-NLMP 3.1.5.1.2: the AUTHENTICATE_MESSAGE MIC over the three messages
 * (auth's own MIC field, bytes 72-87, counts as zero whatever it holds). */
void ntlm_auth_mic(const uint8_t session_key[16], const uint8_t *neg, size_t neg_len, const uint8_t *chal,
                   size_t chal_len, const uint8_t *auth, size_t auth_len, uint8_t ret[16]);

/* MS-NLMP 3.4.5.2/3.4.5.3: the client's signing key and RC4 sealing key
 * from the exported session key (128-bit, extended session security). */
void ntlm_client_keys(const uint8_t session_key[16], uint8_t ret_sign_key[16], uint8_t ret_seal_key[16]);
/* The server-to-client pair (what a client checks and unseals with). */
void ntlm_server_keys(const uint8_t session_key[16], uint8_t ret_sign_key[16], uint8_t ret_seal_key[16]);

/* MS-NLMP 3.4.4.2: the 16-byte signature of msg under seq_num; seal is the
 * RC4 handle (advanced by 8 bytes) when keys were exchanged, else NULL. */
struct crypto_rc4;
void ntlm_mac(const uint8_t sign_key[16], struct crypto_rc4 *seal, uint32_t seq_num, const uint8_t *msg, size_t len,
              uint8_t ret[16]);

/* What a client needs that is normally random or the clock: fixed in tests. */
struct ntlm_client_inputs {
    uint8_t client_challenge[8];
    uint8_t exported_session_key[16];
    uint64_t now; /* FILETIME, used when the server sends no MsvAvTimestamp */
    const char *workstation;
};

/* Before the first step: ask for neither signing nor sealing (a DCE/RPC bind
 * at RPC_C_AUTHN_LEVEL_CONNECT, where a server that sees SIGN negotiated
 * would owe verifiers the level does not carry: Samba then faults). */
void ntlm_client_connect_only(void *state);

/* Test hook: replaces the random inputs of an auth_mech_ntlmssp state with fixed ones. */
void ntlm_client_set_inputs(void *state, const struct ntlm_client_inputs *in);

#endif
