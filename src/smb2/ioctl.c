/* SMB2 IOCTL (MS-SMB2 2.2.31, 2.2.32), used for FSCTL_PIPE_TRANSCEIVE:
 * one message written and the answer read in a single round trip. */
#include <errno.h>

#include "smb2/smb2.h"

void smb2_ioctl_encode(struct smb2_req *q, uint32_t ctl, const struct smb2_file_id *fid, const uint8_t *in,
                       size_t in_len, uint32_t max_out) {
    struct buf *b = &q->body;
    size_t big = in_len > max_out ? in_len : max_out;

    buf_put_u16(b, 57);
    buf_put_u16(b, 0);
    buf_put_u32(b, ctl);
    buf_put_bytes(b, fid->id, 16);
    buf_put_u32(b, SMB2_HDR_SIZE + 56); /* InputOffset */
    buf_put_u32(b, (uint32_t) in_len);
    buf_put_u32(b, 0); /* MaxInputResponse */
    buf_put_u32(b, 0); /* OutputOffset */
    buf_put_u32(b, 0); /* OutputCount */
    buf_put_u32(b, max_out);
    buf_put_u32(b, 0x00000001); /* SMB2_0_IOCTL_IS_FSCTL */
    buf_put_u32(b, 0);
    buf_put_bytes(b, in, in_len);
    q->credit_charge = (uint16_t) (big ? 1 + (big - 1) / 65536 : 1);
}

int smb2_ioctl_decode(const struct smb2_msg *m, struct buf *out, bool *ret_more) {
    struct cursor b = m->body, all, data;
    uint16_t size;
    uint32_t out_off, out_len;
    int r;

    if (m->status != STATUS_SUCCESS && m->status != STATUS_BUFFER_OVERFLOW)
        return smb2_status_to_errno(m->status);
    cur_init(&all, m->raw, m->raw_len);
    if ((r = cur_get_u16(&b, &size)) < 0 || (r = cur_skip(&b, 2 + 4 + 16 + 8)) < 0 ||
        (r = cur_get_u32(&b, &out_off)) < 0 || (r = cur_get_u32(&b, &out_len)) < 0)
        return r;
    if (size != 49)
        return -EBADMSG;
    if (out_len > 0) {
        if ((r = cur_slice(&all, out_off, out_len, &data)) < 0)
            return r;
        buf_put_bytes(out, data.base, out_len);
    }
    *ret_more = m->status == STATUS_BUFFER_OVERFLOW;
    return buf_error(out);
}
