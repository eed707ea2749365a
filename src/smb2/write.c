/* SMB2 WRITE (MS-SMB2 2.2.21, 2.2.22): one message into a pipe. */
#include <errno.h>

#include "smb2/conn.h"

void smb2_write_encode(struct smb2_req *q, const struct smb2_file_id *fid, const uint8_t *data, size_t len) {
    struct buf *b = &q->body;

    buf_put_u16(b, 49);
    buf_put_u16(b, SMB2_HDR_SIZE + 48);
    buf_put_u32(b, (uint32_t) len);
    buf_put_u64(b, 0); /* Offset: pipes ignore it */
    buf_put_bytes(b, fid->id, 16);
    buf_put_u32(b, 0); /* Channel */
    buf_put_u32(b, 0); /* RemainingBytes */
    buf_put_u16(b, 0);
    buf_put_u16(b, 0);
    buf_put_u32(b, 0); /* Flags */
    buf_put_bytes(b, data, len);
    /* 3.2.4.1.5: one credit per 64 KiB. */
    q->credit_charge = (uint16_t) (len ? 1 + (len - 1) / 65536 : 1);
}

int smb2_write_decode(const struct smb2_msg *m, uint32_t *ret_count) {
    struct cursor b = m->body;
    uint16_t size;
    int r;

    if ((r = cur_get_u16(&b, &size)) < 0 || (r = cur_skip(&b, 2)) < 0 || (r = cur_get_u32(&b, ret_count)) < 0)
        return r;
    return size == 17 ? 0 : -EBADMSG;
}

int smb2_write(struct smb2_conn *c, uint32_t tree_id, const struct smb2_file_id *fid, const uint8_t *data,
               size_t len) {
    struct smb2_req q;
    struct smb2_msg m = {0};
    uint32_t count;
    int r;

    if (len > c->max_write)
        return -EMSGSIZE;
    smb2_req_init(&q, SMB2_WRITE, tree_id);
    smb2_write_encode(&q, fid, data, len);
    if ((r = buf_error(&q.body)) < 0 || (r = smb2_transact(c, &q, 1, &m)) < 0)
        goto out;
    if (m.status != STATUS_SUCCESS)
        r = smb2_status_to_errno(m.status);
    else if ((r = smb2_write_decode(&m, &count)) >= 0 && count != len)
        r = -EIO; /* a pipe takes a message whole or not at all */
out:
    smb2_req_clear(&q);
    smb2_msg_clear(&m);
    return r;
}
