/*
 * Authentication for SMB2 session setup and DCE/RPC binds: SPNEGO (RFC 4178)
 * around one or more mechanisms. A mechanism is a vtable, so Kerberos through
 * GSSAPI can be added next to NTLMSSP without touching SMB2, DCE/RPC or SPNEGO.
 */
#ifndef WTSNET_AUTH_AUTH_H
#define WTSNET_AUTH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cursor.h"

/* Who we authenticate as. user NULL or "" = anonymous (a null session). */
struct auth_identity {
    char *user;
    char *domain;
    char *password;
};

int auth_identity_copy(const struct auth_identity *src, struct auth_identity *dst);
/* Wipes the password and frees the strings (NULL-tolerant). */
void auth_identity_clear(struct auth_identity *id);
bool auth_identity_is_anonymous(const struct auth_identity *id);

/* One piece of a protected message. sign_only: covered by the signature,
 * never encrypted (DCE/RPC header signing: the PDU header and sec_trailer). */
struct auth_iov {
    uint8_t *data;
    size_t len;
    bool sign_only;
};

/* One GSS-style mechanism. step() returns 1 while it expects another token,
 * 0 once its last token is in out, negative errno on failure. */
struct auth_mech_ops {
    const char *name;
    const uint8_t *oid; /* DER contents of the OID (no tag, no length) */
    size_t oid_len;
    int (*start)(const struct auth_identity *id, const char *target_host, void **ret_state);
    int (*step)(void *state, const uint8_t *in, size_t in_len, struct buf *out);
    /* The session key once complete; -ENOKEY when there is none (anonymous). */
    int (*session_key)(void *state, const uint8_t **ret_key, size_t *ret_len);
    /* GSS_GetMIC over msg, for SPNEGO's mechListMIC; NULL if unsupported. */
    int (*get_mic)(void *state, const uint8_t *msg, size_t len, struct buf *out);
    void (*free)(void *state);
    /* ---- per-message protection for DCE/RPC (MS-RPCE 2.2.2.11, 3.3.1.5.2),
     * mirroring gss_get_mic_iov/gss_wrap_iov in DCE style. Optional (NULL: the
     * mechanism cannot protect messages); only valid once step() returned 0.
     * The signature covers every iov in order, as plaintext; seal encrypts,
     * in place, those that are not sign_only. Each call consumes one sequence
     * number of its direction (protect: ours, unprotect: the peer's). ---- */
    /* Bytes of the auth_value (signature) the mechanism needs. */
    size_t (*sig_len)(void *state);
    /* seal=false: sign only. sig receives sig_len() bytes. */
    int (*protect)(void *state, bool seal, struct auth_iov *iov, size_t n, uint8_t *sig);
    /* Decrypts (sealed) and checks: -EBADMSG on a bad signature or sequence
     * number, after which the state refuses every further call. */
    int (*unprotect)(void *state, bool sealed, struct auth_iov *iov, size_t n, const uint8_t *sig, size_t sig_len);
};

extern const struct auth_mech_ops auth_mech_ntlmssp;

struct auth_ctx;

/* A SPNEGO initiator over the given mechanisms (most preferred first). */
int auth_spnego_new(const struct auth_mech_ops *const *mechs, size_t n_mechs, const struct auth_identity *id,
                    const char *target_host, struct auth_ctx **ret);
/* Feeds the server's token (NULL/0 for the first call) and produces ours.
 * 0 or a negative errno; whether the mechanism is done is kept inside, and
 * auth_spnego_finish() refuses to finish before it is. */
int auth_spnego_step(struct auth_ctx *a, const uint8_t *in, size_t in_len, struct buf *out);
/* Checks the server's last token (accept-completed). */
int auth_spnego_finish(struct auth_ctx *a, const uint8_t *in, size_t in_len);
int auth_spnego_session_key(struct auth_ctx *a, const uint8_t **ret_key, size_t *ret_len);
void auth_spnego_free(struct auth_ctx *a);
/* The negotiated mechanism's per-message protection (auth_mech_ops above),
 * forwarded: -EOPNOTSUPP when it has none, -ENOKEY before completion. */
size_t auth_spnego_sig_len(struct auth_ctx *a);
int auth_spnego_protect(struct auth_ctx *a, bool seal, struct auth_iov *iov, size_t n, uint8_t *sig);
int auth_spnego_unprotect(struct auth_ctx *a, bool sealed, struct auth_iov *iov, size_t n, const uint8_t *sig,
                          size_t sig_len);

/* Parses a NegTokenResp (tests, fuzzing): negState (-1 when absent) and the
 * responseToken (NULL when absent), pointing into in. */
int spnego_parse_resp(const uint8_t *in, size_t len, int *ret_state, const uint8_t **ret_token,
                      size_t *ret_token_len);

/* DER helpers shared by SPNEGO and its fuzz target. */
int der_get_tlv(struct cursor *c, uint8_t tag, struct cursor *ret_value);

#endif
