/* SMB2 LOGOFF (MS-SMB2 2.2.7, 2.2.8). */
#include <errno.h>

#include "smb2/smb2.h"

int smb2_logoff(struct smb2_conn *c) {
    struct smb2_req q;
    struct smb2_msg m = {0};
    int r;

    smb2_req_init(&q, SMB2_LOGOFF, 0);
    buf_put_u16(&q.body, 4);
    buf_put_u16(&q.body, 0);
    r = buf_error(&q.body);
    if (r >= 0)
        r = smb2_transact(c, &q, 1, &m);
    if (r >= 0)
        r = smb2_status_to_errno(m.status);
    smb2_req_clear(&q);
    smb2_msg_clear(&m);
    return r;
}
