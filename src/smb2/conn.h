/*
 * The state of one SMB2 connection, private to src/smb2/ (and to unit tests
 * that build one by hand): rpc/ and everything above see struct smb2_conn
 * only through smb2.h. The transport (transport.c) owns the framing,
 * sequencing, signing, encryption and the 3.1.1 pre-auth integrity hashes:
 * it hashes each NEGOTIATE and SESSION_SETUP exactly as it sent and received
 * them, so the commands never need the bytes on the wire.
 */
#ifndef WTSNET_SMB2_CONN_H
#define WTSNET_SMB2_CONN_H

#include "smb2/smb2.h"

struct smb2_conn {
    int fd;
    int timeout_ms;
    bool broken; /* transport failed: only smb2_conn_free() is left */
    char server[300]; /* the name as it goes into the tree connect path */

    /* what our NEGOTIATE request said, for FSCTL_VALIDATE_NEGOTIATE_INFO (2.2.31.4) */
    uint16_t client_security_mode;
    uint32_t client_caps;
    uint16_t offered[5];
    uint16_t n_offered;
    bool negotiate_validated;

    /* negotiate (3.2.5.2) */
    uint16_t dialect;
    uint8_t server_guid[16];
    uint16_t server_security_mode;
    uint32_t server_caps;
    uint32_t max_transact, max_read, max_write;
    uint8_t client_guid[16];
    uint16_t cipher;      /* 0: none negotiated */
    uint16_t signing_alg;
    uint8_t preauth[64];  /* connection PreauthIntegrityHashValue (3.1.1): the transport's */
    struct buf server_gss;

    /* sequencing and credits (3.2.4.1.3, 3.2.5.1.4) */
    uint64_t next_message_id;
    uint32_t credits;

    /* the session (one per connection here) */
    uint64_t session_id;
    uint16_t session_flags;
    bool signing;     /* sign requests, require signed responses */
    bool encrypting;  /* send and expect TRANSFORM_HEADER messages */
    bool anonymous;
    uint8_t session_key[16];
    uint8_t signing_key[16];
    uint8_t enc_key[32], dec_key[32];
    size_t cipher_key_len;
    uint8_t session_preauth[64]; /* the transport's: every SESSION_SETUP but the last answer */
    uint64_t nonce_seq;
    uint8_t nonce_salt[8];

    /* receive state machine (transport.c) */
    struct {
        int state; /* 0: NBSS header, 1: body */
        uint8_t nbss[4];
        size_t got, need;
        uint8_t *frame;
    } rx;

    unsigned round_trips; /* request batches that waited for an answer */
    uint32_t logon_status; /* the NTSTATUS a SESSION_SETUP was refused with, or 0 */
};

/* transport.c: a TCP connection to host:port within timeout_ms, nothing sent yet. */
int smb2_dial(const char *host, uint16_t port, int timeout_ms, struct smb2_conn **ret);

/* transport.c: from now on every request is signed and every answer must
 * be (keys derived from the session key, 3.2.5.3.1) ... */
void smb2_transport_start_signing(struct smb2_conn *c, const uint8_t *session_key, size_t key_len);
/* ... or everything travels in TRANSFORM_HEADERs (3.2.5.3.1, 3.2.5.5). */
void smb2_transport_start_encrypting(struct smb2_conn *c);

/* The connect sequence's steps (connect.c runs them in order). */
int smb2_negotiate(struct smb2_conn *c, const struct smb2_options *opt, bool want_signing);
int smb2_negotiate_decode(struct smb2_conn *c, const struct smb2_msg *m);
/* On a refusal, c->logon_status is the server's NTSTATUS. */
int smb2_session_setup(struct smb2_conn *c, const struct auth_identity *id);

#endif
