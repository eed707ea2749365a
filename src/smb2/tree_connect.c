/* SMB2 TREE_CONNECT and TREE_DISCONNECT (MS-SMB2 2.2.9-2.2.12). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/utf16.h"
#include "smb2/conn.h"

int smb2_tree_connect_decode(const struct smb2_msg *m, uint32_t *ret_share_flags) {
    struct cursor b = m->body;
    uint16_t size;
    uint8_t type;
    uint32_t flags;
    int r;

    if ((r = cur_get_u16(&b, &size)) < 0 || (r = cur_get_u8(&b, &type)) < 0 || (r = cur_skip(&b, 1)) < 0 ||
        (r = cur_get_u32(&b, &flags)) < 0)
        return r;
    if (size != 16)
        return -EBADMSG;
    *ret_share_flags = flags;
    return 0;
}

int smb2_tree_connect_encode(struct smb2_conn *c, struct smb2_req *q, const char *share) {
    char path[340];
    size_t units;
    int r;

    /* The server part of the path is what we dialled: its name, not a lookup. */
    if (snprintf(path, sizeof(path), "\\\\%s\\%s", c->server, share) >= (int) sizeof(path))
        return -ENAMETOOLONG;
    smb2_req_init(q, SMB2_TREE_CONNECT, 0);
    buf_put_u16(&q->body, 9);
    buf_put_u16(&q->body, 0);
    buf_put_u16(&q->body, SMB2_HDR_SIZE + 8);
    buf_put_u16(&q->body, 0);
    if ((r = utf16_put_utf8(&q->body, path, &units)) < 0)
        return r;
    buf_set_u16(&q->body, 6, (uint16_t) (units * 2));
    return buf_error(&q->body);
}

int smb2_tree_connect_finish(struct smb2_conn *c, const struct smb2_msg *m, uint32_t *ret_tree_id) {
    uint32_t share_flags;
    int r;

    if (m->status != STATUS_SUCCESS)
        return m->status == STATUS_BAD_NETWORK_NAME ? -ENXIO : smb2_status_to_errno(m->status);
    if ((r = smb2_tree_connect_decode(m, &share_flags)) < 0)
        return r;
    if ((share_flags & SMB2_SHAREFLAG_ENCRYPT_DATA) && !c->encrypting) {
        /* 3.2.5.5: a share that requires encryption makes us encrypt from now on. */
        if (c->dialect < SMB2_DIALECT_300 || c->cipher == 0 || c->anonymous)
            return -EACCES;
        smb2_transport_start_encrypting(c);
    }
    *ret_tree_id = m->tree_id;
    return 0;
}

/* With secure dialect negotiation due (smb2_needs_validation()), the
 * FSCTL_VALIDATE_NEGOTIATE_INFO rides in the same chain, related to the
 * TREE_CONNECT (3.2.5.5), and nothing else is sent before it is checked. */
int smb2_tree_connect(struct smb2_conn *c, const char *share, uint32_t *ret_tree_id) {
    struct smb2_req q[2];
    struct smb2_msg m[2] = {{0}};
    bool validate = smb2_needs_validation(c);
    size_t n = validate ? 2 : 1;
    uint32_t tid = 0;
    int r;

    memset(q, 0, sizeof(q));
    if ((r = smb2_tree_connect_encode(c, &q[0], share)) < 0)
        goto out;
    if (validate) {
        smb2_validate_negotiate_encode(c, &q[1]);
        if ((r = buf_error(&q[1].body)) < 0)
            goto out;
    }
    if ((r = smb2_transact(c, q, n, m)) < 0) {
        /* 3.3.5.15.12: a server that finds our VALIDATE_NEGOTIATE_INFO does
         * not match what it was sent drops the connection; a bad signature
         * here is a forged answer. Both are the tampering we look for. */
        if (validate && (r == -ECONNRESET || r == -EBADMSG))
            r = -E_TAMPERED;
        goto out;
    }
    if ((r = smb2_tree_connect_finish(c, &m[0], &tid)) < 0)
        goto out;
    if (validate && (r = smb2_validate_negotiate_finish(c, &m[1])) < 0)
        goto out;
    *ret_tree_id = tid;
out:
    for (size_t i = 0; i < 2; i++) {
        smb2_req_clear(&q[i]);
        smb2_msg_clear(&m[i]);
    }
    return r;
}

int smb2_tree_disconnect(struct smb2_conn *c, uint32_t tree_id) {
    struct smb2_req q;

    smb2_req_init(&q, SMB2_TREE_DISCONNECT, tree_id);
    buf_put_u16(&q.body, 4);
    buf_put_u16(&q.body, 0);
    return smb2_transact_status(c, &q);
}
