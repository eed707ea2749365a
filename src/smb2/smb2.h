/*
 * A small, strict SMB2/3 client (MS-SMB2), enough to reach named pipes on
 * IPC$: negotiate (2.0.2 … 3.1.1), session setup through SPNEGO, signing,
 * encryption, tree connect, create/close, read/write/ioctl, logoff.
 * connect.c runs the connect sequence; one command per file (negotiate.c,
 * session_setup.c, …); the transport (transport.c) frames, signs,
 * encrypts, compounds and receives; message.c builds and parses messages.
 * Calls only go down: connect.c → commands → transport → message/crypto.
 * A connection is used by one thread at a time (the pool in
 * src/rpc/binding.c serialises); every wait has a deadline.
 */
#ifndef WTSNET_SMB2_SMB2_H
#define WTSNET_SMB2_SMB2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "common/cursor.h"
#include "common/errors.h"
#include "common/ntstatus.h"

/* MS-SMB2 2.2.1 */
#define SMB2_HDR_SIZE 64
#define SMB2_TRANSFORM_SIZE 52
#define SMB2_FLAGS_SERVER_TO_REDIR 0x00000001u
#define SMB2_FLAGS_ASYNC_COMMAND 0x00000002u
#define SMB2_FLAGS_RELATED_OPERATIONS 0x00000004u
#define SMB2_FLAGS_SIGNED 0x00000008u

enum smb2_command {
    SMB2_NEGOTIATE = 0,
    SMB2_SESSION_SETUP = 1,
    SMB2_LOGOFF = 2,
    SMB2_TREE_CONNECT = 3,
    SMB2_TREE_DISCONNECT = 4,
    SMB2_CREATE = 5,
    SMB2_CLOSE = 6,
    SMB2_READ = 8,
    SMB2_WRITE = 9,
    SMB2_IOCTL = 11,
};

#define SMB2_DIALECT_202 0x0202
#define SMB2_DIALECT_210 0x0210
#define SMB2_DIALECT_300 0x0300
#define SMB2_DIALECT_302 0x0302
#define SMB2_DIALECT_311 0x0311

#define SMB2_NEGOTIATE_SIGNING_ENABLED 0x0001
#define SMB2_NEGOTIATE_SIGNING_REQUIRED 0x0002
#define SMB2_GLOBAL_CAP_DFS 0x00000001u
#define SMB2_GLOBAL_CAP_LARGE_MTU 0x00000004u
#define SMB2_GLOBAL_CAP_ENCRYPTION 0x00000040u

#define SMB2_SESSION_FLAG_IS_GUEST 0x0001
#define SMB2_SESSION_FLAG_IS_NULL 0x0002
#define SMB2_SESSION_FLAG_ENCRYPT_DATA 0x0004
#define SMB2_SHAREFLAG_ENCRYPT_DATA 0x00008000u

/* 2.2.3.1.2 / 2.2.3.1.7 */
#define SMB2_ENCRYPTION_AES128_CCM 0x0001
#define SMB2_ENCRYPTION_AES128_GCM 0x0002
#define SMB2_ENCRYPTION_AES256_CCM 0x0003
#define SMB2_ENCRYPTION_AES256_GCM 0x0004
#define SMB2_SIGNING_HMAC_SHA256 0x0000
#define SMB2_SIGNING_AES_CMAC 0x0001
#define SMB2_SIGNING_AES_GMAC 0x0002

/* One response, copied out of its frame (body points into raw). */
struct smb2_msg {
    uint8_t *raw; /* the whole SMB2 message, header included (owned) */
    size_t raw_len;
    uint32_t status;
    uint16_t command;
    uint16_t credits;
    uint32_t flags;
    uint64_t message_id;
    uint64_t session_id;
    uint32_t tree_id;
    bool was_encrypted;
    struct cursor body; /* after the 64-byte header; offsets in it count from the header */
};
void smb2_msg_clear(struct smb2_msg *m);

/* One request to send (alone or in a compound chain). */
struct smb2_req {
    uint16_t command;
    uint32_t tree_id;
    bool related;      /* SMB2_FLAGS_RELATED_OPERATIONS: reuse the previous one's ids */
    uint16_t credit_charge;
    struct buf body;   /* the command's fixed part and buffer */
};
void smb2_req_init(struct smb2_req *r, uint16_t command, uint32_t tree_id);
void smb2_req_clear(struct smb2_req *r);

struct smb2_options {
    int timeout_ms;          /* every wait: connect, send, receive */
    uint16_t max_dialect;    /* 0 = 3.1.1 */
    uint16_t min_dialect;    /* 0 = 2.0.2 */
};

struct smb2_file_id {
    uint8_t id[16];
};

/* One connection and its one session. Opaque above src/smb2/: the state
 * (negotiated dialect, keys, credits, the receive machine) is the
 * transport's, defined in src/smb2/conn.h; rpc/ reads what it needs
 * through the accessors below. */
struct smb2_conn;

/* The connect sequence (connect.c): TCP (nonblocking, with deadline) to host
 * (a name or address; port in host order), NEGOTIATE, then SESSION_SETUP as
 * id (NULL or no user: anonymous). server_name is the name as it goes into
 * tree connect paths (\\server_name\share). -ENETUNREACH when nothing
 * answers. When the server refuses the session, the NTSTATUS it said is
 * *ret_status (may be NULL; 0 otherwise): data for the API's one table
 * (src/api/win32_error.c), beside the errno (-EKEYREJECTED for a refused
 * logon). Tree connects (and secure dialect validation with them) follow
 * per share: smb2_tree_connect(). */
int smb2_connect(const char *host, uint16_t port, const char *server_name, const struct smb2_options *opt,
                 const struct auth_identity *id, struct smb2_conn **ret, uint32_t *ret_status);
void smb2_conn_free(struct smb2_conn *c);

/* What rpc/ may know of a connection. */
int smb2_conn_timeout_ms(const struct smb2_conn *c); /* every wait's bound (WTSNET_TIMEOUT) */
unsigned smb2_conn_round_trips(const struct smb2_conn *c); /* request batches that waited for an answer */
bool smb2_conn_is_broken(const struct smb2_conn *c);
/* A null session (no key): nobody named and no Kerberos ticket of the caller's. */
bool smb2_conn_is_anonymous(const struct smb2_conn *c);
/* Nothing more may be sent on it: only smb2_conn_free() is left. */
void smb2_conn_mark_broken(struct smb2_conn *c);
/* Not broken, and the server has not closed it while it sat idle. */
bool smb2_conn_alive(struct smb2_conn *c);
/* The local address of the connection, as the server sees its client:
 * 0, or a negative errno. */
int smb2_conn_local_address(const struct smb2_conn *c, char *buf, size_t size);

/* Sends n requests as one compound chain and waits for all n answers.
 * rsps[i] is filled for each; a transport, signing or framing problem is a
 * negative errno and marks the connection broken. NTSTATUS is data. */
int smb2_transact(struct smb2_conn *c, struct smb2_req *reqs, size_t n, struct smb2_msg *rsps);

/* One built request whose answer carries nothing but its status (CLOSE,
 * LOGOFF, TREE_DISCONNECT): sends it, maps the status, and clears q. */
int smb2_transact_status(struct smb2_conn *c, struct smb2_req *q);

/* The same with one frame per request, all sent before any answer is read:
 * for requests a server will not take in one compound (Samba refuses
 * pending operations such as pipe READs anywhere but last in a chain).
 * n ≤ SMB2_MAX_PIPELINE, and no more than the credits the server granted
 * (smb2_conn_credits; -EAGAIN, nothing sent, when it has not). */
#define SMB2_MAX_PIPELINE 256u
int smb2_pipeline(struct smb2_conn *c, struct smb2_req *reqs, size_t n, struct smb2_msg *rsps);
/* Credits the server has granted and we have not spent (3.2.4.1.3). */
unsigned smb2_conn_credits(const struct smb2_conn *c);

/* Maps an NTSTATUS the caller did not expect to a negative errno. */
int smb2_status_to_errno(uint32_t status);

/* ---- commands (one file each) ---- */
/* Secure dialect negotiation (MS-SMB2 3.2.5.5, 3.2.5.14.12): whether the
 * next tree connect must carry an FSCTL_VALIDATE_NEGOTIATE_INFO, the
 * request (related to a TREE_CONNECT before it in the same chain), and the
 * check of its answer: 0, or -E_TAMPERED (connection marked broken). */
bool smb2_needs_validation(const struct smb2_conn *c);
void smb2_validate_negotiate_encode(struct smb2_conn *c, struct smb2_req *q);
int smb2_validate_negotiate_finish(struct smb2_conn *c, const struct smb2_msg *m);
int smb2_logoff(struct smb2_conn *c);
int smb2_tree_connect(struct smb2_conn *c, const char *share, uint32_t *ret_tree_id);
int smb2_tree_connect_decode(const struct smb2_msg *m, uint32_t *ret_share_flags);
/* The two halves of smb2_tree_connect(), for compounding (initialises q). */
int smb2_tree_connect_encode(struct smb2_conn *c, struct smb2_req *q, const char *share);
int smb2_tree_connect_finish(struct smb2_conn *c, const struct smb2_msg *m, uint32_t *ret_tree_id);
int smb2_tree_disconnect(struct smb2_conn *c, uint32_t tree_id);

#define SMB2_PIPE_ACCESS 0x0012019Fu /* read/write data, EA, attributes, READ_CONTROL, SYNCHRONIZE */
void smb2_create_encode(struct smb2_req *r, const char *name_utf8, uint32_t access);
int smb2_create_decode(const struct smb2_msg *m, struct smb2_file_id *ret);
void smb2_close_encode(struct smb2_req *r, const struct smb2_file_id *fid);
int smb2_close(struct smb2_conn *c, uint32_t tree_id, const struct smb2_file_id *fid);

void smb2_write_encode(struct smb2_req *r, const struct smb2_file_id *fid, const uint8_t *data, size_t len);
int smb2_write_decode(const struct smb2_msg *m, uint32_t *ret_count);
int smb2_write(struct smb2_conn *c, uint32_t tree_id, const struct smb2_file_id *fid, const uint8_t *data,
               size_t len);
void smb2_read_encode(struct smb2_req *r, const struct smb2_file_id *fid, uint32_t max);
/* Appends the data read to out; *ret_more = STATUS_BUFFER_OVERFLOW (message continues). */
int smb2_read_decode(const struct smb2_msg *m, struct buf *out, bool *ret_more);
int smb2_read(struct smb2_conn *c, uint32_t tree_id, const struct smb2_file_id *fid, uint32_t max, struct buf *out,
              bool *ret_more);

#define FSCTL_PIPE_TRANSCEIVE 0x0011C017u
#define FSCTL_VALIDATE_NEGOTIATE_INFO 0x00140204u
void smb2_ioctl_encode(struct smb2_req *r, uint32_t ctl, const struct smb2_file_id *fid, const uint8_t *in,
                       size_t in_len, uint32_t max_out);
int smb2_ioctl_decode(const struct smb2_msg *m, struct buf *out, bool *ret_more);

/* ---- crypto.c ---- */
/* SP800-108 counter-mode KDF with HMAC-SHA256 (MS-SMB2 3.1.4.2). */
void smb2_kdf(const uint8_t *key, size_t key_len, const char *label, size_t label_len, const uint8_t *ctx,
              size_t ctx_len, uint8_t *out, size_t out_len);
void smb2_preauth_update(uint8_t hash[64], const uint8_t *msg, size_t len);
/* Derives signing/encryption keys from the session key (3.2.5.3.1). */
void smb2_derive_keys(struct smb2_conn *c, const uint8_t *session_key, size_t key_len);
/* Signs msg[0..len) in place (the header's signature field). */
void smb2_sign(const struct smb2_conn *c, uint8_t *msg, size_t len);
int smb2_verify(const struct smb2_conn *c, uint8_t *msg, size_t len);
/* Wraps frame[SMB2_TRANSFORM_SIZE..) (plaintext already there) in a TRANSFORM_HEADER. */
int smb2_encrypt(struct smb2_conn *c, uint8_t *frame, size_t len);
/* Decrypts in place; the plaintext starts at frame + SMB2_TRANSFORM_SIZE. */
int smb2_decrypt(const struct smb2_conn *c, uint8_t *frame, size_t len, size_t *ret_plain_len);

/* ---- parsing entry points shared with the fuzz targets ---- */
/* Splits a received (decrypted) frame into messages, checking each header. */
int smb2_parse_frame(const uint8_t *frame, size_t len, struct smb2_msg *out, size_t max, size_t *ret_n);
int smb2_parse_header(const uint8_t *p, size_t len, struct smb2_msg *m);

#endif
