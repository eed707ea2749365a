/*
 * Connection-oriented DCE/RPC client (C706 ch. 12, MS-RPCE 2.2.2) over a
 * named pipe: bind and alter context, requests and responses fragmented
 * both ways within the negotiated sizes, faults and bind_nak as data.
 * Authenticated binds (MS-RPCE 3.3.1.5): NTLMSSP (bind, bind_ack, auth3) or
 * SPNEGO (bind, bind_ack, alter_context…) at the connect, integrity or
 * privacy level; then every request fragment is signed or sealed and every
 * reply fragment checked before a byte of its stub is used.
 */
#ifndef WTSNET_RPC_DCERPC_H
#define WTSNET_RPC_DCERPC_H

#include <stdint.h>

#include "auth/auth.h"
#include "rpc/np.h"

/* An interface or transfer syntax: UUID in wire order, then its version. */
struct rpc_syntax {
    uint8_t uuid[16];
    uint16_t major, minor;
};

#define RPC_PTYPE_REQUEST 0
#define RPC_PTYPE_RESPONSE 2
#define RPC_PTYPE_FAULT 3
#define RPC_PTYPE_BIND 11
#define RPC_PTYPE_BIND_ACK 12
#define RPC_PTYPE_BIND_NAK 13
#define RPC_PTYPE_ALTER_CONTEXT 14
#define RPC_PTYPE_ALTER_CONTEXT_RESP 15
#define RPC_PTYPE_AUTH3 16
#define RPC_PFC_FIRST_FRAG 0x01
#define RPC_PFC_LAST_FRAG 0x02
/* MS-RPCE 2.2.2.3: in bind, bind_ack, alter_context(_resp) only */
#define RPC_PFC_SUPPORT_HEADER_SIGN 0x04
/* C706 12.6.3.1, MS-RPCE 3.3.1.5.8: concurrent multiplexing (bind, bind_ack) */
#define RPC_PFC_CONC_MPX 0x10

/* MS-RPCE 2.2.1.1.7 security providers, 2.2.1.1.8 levels */
#define RPC_C_AUTHN_NONE 0
#define RPC_C_AUTHN_GSS_NEGOTIATE 9
#define RPC_C_AUTHN_WINNT 10
#define RPC_C_AUTHN_LEVEL_NONE 1
#define RPC_C_AUTHN_LEVEL_CONNECT 2
#define RPC_C_AUTHN_LEVEL_PKT_INTEGRITY 5
#define RPC_C_AUTHN_LEVEL_PKT_PRIVACY 6

/* C706 appendix E / MS-RPCE 3.1.1.5.5 statuses we synthesise */
#define NCA_S_UNK_IF 0x1c010003u
#define NCA_S_PROTO_ERROR 0x1c01000bu

struct rpc_client {
    struct np_pipe pipe;
    uint16_t max_xmit, max_recv;
    uint32_t assoc_group;
    uint32_t next_call_id;
    uint16_t context_id;
    bool bound;
    /* When a call returns -EREMOTEIO: the fault status (or NCA_S_* for a
     * refused bind). src/api/win32_error.c maps it. */
    uint32_t fault;
    /* ---- authentication (rpc_bind_np_auth); auth_type 0: none ---- */
    uint8_t auth_type, auth_level;
    uint32_t auth_context_id;
    bool hdr_sign;                     /* PFC_SUPPORT_HEADER_SIGN agreed in the bind */
    struct rpc_syntax iface;           /* for the verification trailer */
    const struct auth_mech_ops *mech;  /* RPC_C_AUTHN_WINNT */
    void *mech_state;
    struct auth_ctx *spnego;           /* RPC_C_AUTHN_GSS_NEGOTIATE */
    uint16_t offer_frag;               /* what the bind offered both ways */
    bool want_multiplex, multiplex;    /* PFC_CONC_MPX asked for, and agreed (rpc_call_many) */
};

/* How to authenticate a bind. */
struct rpc_auth_opts {
    uint8_t type;  /* RPC_C_AUTHN_WINNT or RPC_C_AUTHN_GSS_NEGOTIATE */
    uint8_t level; /* RPC_C_AUTHN_LEVEL_CONNECT, _PKT_INTEGRITY or _PKT_PRIVACY */
    const struct auth_identity *id;
    const char *target_host;
    /* GSS_NEGOTIATE: the mechanisms SPNEGO offers, preferred first; NULL = NTLMSSP */
    const struct auth_mech_ops *const *mechs;
    size_t n_mechs;
    uint16_t max_frag; /* the fragment size we offer; 0 = the default (tests make it small) */
    bool multiplex;    /* ask for concurrent multiplexing (PFC_CONC_MPX) */
};

/* Opens the pipe and binds iface on it, in one round trip (see np_open_transceive
 * for *tree_id 0: the IPC$ tree connect joins that round trip). */
int rpc_bind_np(struct rpc_client *rc, struct smb2_conn *c, uint32_t *tree_id, const char *pipe,
                const struct rpc_syntax *iface);
/* The same with authentication (auth NULL or level NONE: as rpc_bind_np).
 * A bind the server refuses is -EREMOTEIO with ->fault; a failed logon
 * usually shows on the first call (auth3 has no answer) as a fault
 * (nca_s_fault_access_denied 5) or a broken pipe. */
int rpc_bind_np_auth(struct rpc_client *rc, struct smb2_conn *c, uint32_t *tree_id, const char *pipe,
                     const struct rpc_syntax *iface, const struct rpc_auth_opts *auth);
/* One request; out gets the reassembled response stub. */
int rpc_call(struct rpc_client *rc, uint16_t opnum, const uint8_t *stub, size_t stub_len, struct buf *out);

/* One call of a batch: the request, and its own outcome (0, -EREMOTEIO
 * with fault, or another errno for its reply alone). out is the caller's
 * (initialised, freed by the caller). */
struct rpc_batch_call {
    uint16_t opnum;
    const uint8_t *stub;
    size_t stub_len;
    struct buf out;
    int result;
    uint32_t fault;
};
/*
 * n calls at once. On a connection whose bind agreed concurrent
 * multiplexing (MS-RPCE 3.3.1.5.8), every request is written before any
 * answer is read — pipelined SMB2 WRITEs and READs, as many per round trip
 * as the server's credits allow — and the answers are matched to their calls
 * by call_id, in whatever order the server sends them. Elsewhere (or for a
 * request that needs more than one fragment), one call after the other.
 * Returns < 0 when the connection failed (no call's outcome is then
 * known); otherwise each call's result says how it went. Bounded by the
 * calling thread's deadline, as every wait below it.
 */
int rpc_call_many(struct rpc_client *rc, struct rpc_batch_call *calls, size_t n);
void rpc_client_close(struct rpc_client *rc);

/* ---- parsers, shared with the fuzz targets ---- */
struct rpc_hdr {
    uint8_t ptype, flags;
    uint16_t frag_len, auth_len;
    uint32_t call_id;
};
int rpc_parse_hdr(const uint8_t *p, size_t len, struct rpc_hdr *ret);
/* bind_ack / alter_context_resp / bind_nak: 0 when our context was accepted,
 * -EREMOTEIO with *ret_fault otherwise. */
int rpc_parse_bind_reply(const uint8_t *p, size_t len, uint16_t *ret_max_xmit, uint16_t *ret_max_recv,
                         uint32_t *ret_assoc, uint32_t *ret_fault);
/* One response/fault fragment: appends its stub to out; *ret_last when it ends the call. */
/* MS-RPCE 2.2.2.11: the sec_trailer and auth_value at the end of a PDU whose
 * header says auth_len; body_start is where the PDU's own fields end (the
 * auth padding may not reach into them). Pointers stay in p. */
struct rpc_sec_trailer {
    uint8_t type, level, pad_len;
    uint32_t context_id;
    size_t offset;         /* of the sec_trailer */
    const uint8_t *value;  /* auth_value: a token, or a signature */
    size_t value_len;
};
int rpc_parse_sec_trailer(const uint8_t *p, size_t len, size_t body_start, struct rpc_sec_trailer *ret);
/* A bind_ack or alter_context_resp of an authenticated bind: as
 * rpc_parse_bind_reply, and its trailer, which it must have unless
 * may_be_bare (a last alter_context_resp may carry no token). */
int rpc_parse_bind_reply_auth(const uint8_t *p, size_t len, uint16_t *ret_max_xmit, uint16_t *ret_max_recv,
                              uint32_t *ret_assoc, uint32_t *ret_fault, bool may_be_bare,
                              struct rpc_sec_trailer *ret_trailer, bool *ret_has_trailer);
/* One reply fragment of an authenticated binding, checked and unsealed in
 * place and cut back to a bare PDU (trailer, signature, padding gone,
 * auth_length 0), before anything reads its stub. A reply that fails its
 * protection is -E_TAMPERED and closes the binding. No-op without auth. */
int rpc_check_reply(struct rpc_client *rc, struct buf *frag);
int rpc_parse_response_frag(const uint8_t *p, size_t len, uint32_t call_id, bool first, struct buf *out,
                            bool *ret_last, uint32_t *ret_fault);

#endif
