/* SMB2 READ (MS-SMB2 2.2.19, 2.2.20): the next part of a pipe message. */
#include <errno.h>

#include "smb2/conn.h"

void smb2_read_encode(struct smb2_req *q, const struct smb2_file_id *fid, uint32_t max) {
    struct buf *b = &q->body;

    buf_put_u16(b, 49);
    buf_put_u8(b, 0x50); /* Padding: where we like the data (after the header and fixed part) */
    buf_put_u8(b, 0);
    buf_put_u32(b, max);
    buf_put_u64(b, 0);
    buf_put_bytes(b, fid->id, 16);
    buf_put_u32(b, 0); /* MinimumCount */
    buf_put_u32(b, 0); /* Channel */
    buf_put_u32(b, 0); /* RemainingBytes */
    buf_put_u16(b, 0);
    buf_put_u16(b, 0);
    buf_put_u8(b, 0); /* Buffer: one byte (2.2.19) */
    q->credit_charge = (uint16_t) (max ? 1 + (max - 1) / 65536 : 1);
}

int smb2_read_decode(const struct smb2_msg *m, struct buf *out, bool *ret_more) {
    struct cursor b = m->body, all, data;
    uint16_t size;
    uint8_t off;
    uint32_t len;
    int r;

    if (m->status != STATUS_SUCCESS && m->status != STATUS_BUFFER_OVERFLOW)
        return smb2_status_to_errno(m->status);
    cur_init(&all, m->raw, m->raw_len);
    if ((r = cur_get_u16(&b, &size)) < 0 || (r = cur_get_u8(&b, &off)) < 0 || (r = cur_skip(&b, 1)) < 0 ||
        (r = cur_get_u32(&b, &len)) < 0)
        return r;
    if (size != 17)
        return -EBADMSG;
    if (len > 0 && (r = cur_slice(&all, off, len, &data)) < 0)
        return r;
    if (len > 0)
        buf_put_bytes(out, data.base, len);
    *ret_more = m->status == STATUS_BUFFER_OVERFLOW;
    return buf_error(out);
}

int smb2_read(struct smb2_conn *c, uint32_t tree_id, const struct smb2_file_id *fid, uint32_t max, struct buf *out,
              bool *ret_more) {
    struct smb2_req q;
    struct smb2_msg m = {0};
    int r;

    if (max > c->max_read)
        max = c->max_read;
    smb2_req_init(&q, SMB2_READ, tree_id);
    smb2_read_encode(&q, fid, max);
    if ((r = buf_error(&q.body)) >= 0 && (r = smb2_transact(c, &q, 1, &m)) >= 0)
        r = smb2_read_decode(&m, out, ret_more);
    smb2_req_clear(&q);
    smb2_msg_clear(&m);
    return r;
}
