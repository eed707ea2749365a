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

    smb2_req_init(&q, SMB2_CLOSE, tree_id);
    smb2_close_encode(&q, fid);
    return smb2_transact_status(c, &q);
}
