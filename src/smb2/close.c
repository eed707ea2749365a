/* SMB2 CLOSE (MS-SMB2 2.2.15, 2.2.16). */
#include <errno.h>

#include "smb2/smb2.h"

void smb2_close_encode(struct smb2_req *q, const struct smb2_file_id *fid) {
    buf_put_u16(&q->body, 24);
    buf_put_u16(&q->body, 0); /* Flags: no attributes wanted */
    buf_put_u32(&q->body, 0);
    buf_put_bytes(&q->body, fid->id, 16);
}

int smb2_close(struct smb2_conn *c, uint32_t tree_id, const struct smb2_file_id *fid) {
    struct smb2_req q;
    struct smb2_msg m = {0};
    int r;

    smb2_req_init(&q, SMB2_CLOSE, tree_id);
    smb2_close_encode(&q, fid);
    r = buf_error(&q.body);
    if (r >= 0)
        r = smb2_transact(c, &q, 1, &m);
    if (r >= 0)
        r = smb2_status_to_errno(m.status);
    smb2_req_clear(&q);
    smb2_msg_clear(&m);
    return r;
}
