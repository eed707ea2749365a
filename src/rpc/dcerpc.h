/*
 * Connection-oriented DCE/RPC client (C706 ch. 12, MS-RPCE 2.2.2) over a
 * named pipe: bind and alter context, requests and responses fragmented
 * both ways within the negotiated sizes, faults and bind_nak as data.
 */
#ifndef WTSNET_RPC_DCERPC_H
#define WTSNET_RPC_DCERPC_H

#include <stdint.h>

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
#define RPC_PFC_FIRST_FRAG 0x01
#define RPC_PFC_LAST_FRAG 0x02

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
};

/* Opens the pipe and binds iface on it, in one round trip (see np_open_transceive
 * for *tree_id 0: the IPC$ tree connect joins that round trip). */
int rpc_bind_np(struct rpc_client *rc, struct smb2_conn *c, uint32_t *tree_id, const char *pipe,
                const struct rpc_syntax *iface);
/* One request; out gets the reassembled response stub. */
int rpc_call(struct rpc_client *rc, uint16_t opnum, const uint8_t *stub, size_t stub_len, struct buf *out);
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
int rpc_parse_response_frag(const uint8_t *p, size_t len, uint32_t call_id, bool first, struct buf *out,
                            bool *ret_last, uint32_t *ret_fault);

#endif
