/*
 * ncacn_np: a DCE/RPC connection over an SMB2 named pipe (MS-RPCE 2.1.1.2).
 * Each DCE/RPC fragment travels as one pipe message; FSCTL_PIPE_TRANSCEIVE
 * writes one and reads the answer in a single round trip.
 */
#ifndef WTSNET_RPC_NP_H
#define WTSNET_RPC_NP_H

#include "smb2/smb2.h"

struct np_pipe {
    struct smb2_conn *conn; /* borrowed */
    uint32_t tree_id;
    struct smb2_file_id fid;
    bool open;
    uint16_t max_recv; /* the largest fragment we accept (bind) */
};

/* Opens \PIPE\name and transceives the first fragment in the same round
 * trip (CREATE + related IOCTL, one compound; led by TREE_CONNECT IPC$ when
 * *tree_id is 0, which then receives the new tree's id). out gets one whole PDU. */
int np_open_transceive(struct np_pipe *p, struct smb2_conn *c, uint32_t *tree_id, const char *name,
                       const uint8_t *in, size_t in_len, struct buf *out);
int np_transceive(struct np_pipe *p, const uint8_t *in, size_t in_len, struct buf *out);
int np_write(struct np_pipe *p, const uint8_t *in, size_t in_len);
/* Reads one whole PDU (as announced by its frag_length) into out. */
int np_read_pdu(struct np_pipe *p, struct buf *out);
/* nw messages written, then nr PDUs read, all in one round trip (pipelined
 * WRITEs and READs, nw + nr ≤ SMB2_MAX_PIPELINE and within the credits the
 * server granted): the fragments of an answer that must follow, or calls on
 * a connection that multiplexes them. Only when at least nr PDUs are sure
 * to come, or a READ would wait. out[0..nr) get the PDUs in the order the
 * server sent them. */
int np_write_read(struct np_pipe *p, const struct buf *in, size_t nw, size_t nr, struct buf *out);
void np_close(struct np_pipe *p);

#endif
