/* SMB2 LOGOFF (MS-SMB2 2.2.7, 2.2.8). */
#include <errno.h>

#include "smb2/smb2.h"

int smb2_logoff(struct smb2_conn *c) {
    struct smb2_req q;

    smb2_req_init(&q, SMB2_LOGOFF, 0);
    buf_put_u16(&q.body, 4);
    buf_put_u16(&q.body, 0);
    return smb2_transact_status(c, &q);
}
