/*
 * One SMB2 message (MS-SMB2 2.2.1): a request being built, an answer parsed
 * out of a received frame (the 64-byte header, compound chains checked to
 * move forward inside the frame), and what an answer's NTSTATUS means to a
 * caller that did not expect it. No I/O: the fuzz targets call the parsers
 * directly; transport.c sends and receives.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "smb2/smb2.h"

void smb2_msg_clear(struct smb2_msg *m) {
    if (!m)
        return;
    free(m->raw);
    memset(m, 0, sizeof(*m));
}

void smb2_req_init(struct smb2_req *r, uint16_t command, uint32_t tree_id) {
    memset(r, 0, sizeof(*r));
    r->command = command;
    r->tree_id = tree_id;
    r->credit_charge = 1;
    buf_init(&r->body);
}

void smb2_req_clear(struct smb2_req *r) {
    if (r)
        buf_free(&r->body);
}

int smb2_status_to_errno(uint32_t status) {
    switch (status) {
    case STATUS_SUCCESS:
        return 0;
    case STATUS_LOGON_FAILURE:
    case STATUS_NO_SUCH_USER:
    case STATUS_WRONG_PASSWORD:
    case STATUS_ACCOUNT_RESTRICTION:
    case STATUS_PASSWORD_EXPIRED:
    case STATUS_ACCOUNT_DISABLED:
    case STATUS_ACCOUNT_LOCKED_OUT:
    case STATUS_ACCOUNT_EXPIRED:
    case STATUS_PASSWORD_MUST_CHANGE:
    case STATUS_INVALID_LOGON_HOURS:
    case STATUS_INVALID_WORKSTATION:
        /* A refused logon; which refusal travels as data (the NTSTATUS,
         * smb2_connect()) to the API's table. */
        return -E_LOGON_FAILURE;
    case STATUS_ACCESS_DENIED:
        return -EACCES;
    case STATUS_BAD_NETWORK_NAME:
    case STATUS_OBJECT_NAME_NOT_FOUND:
        return -ENOENT;
    case STATUS_NOT_SUPPORTED:
        return -EOPNOTSUPP;
    case STATUS_INSUFFICIENT_RESOURCES:
        return -ENOMEM;
    case STATUS_PIPE_DISCONNECTED:
    case STATUS_PIPE_BROKEN:
    case STATUS_NETWORK_NAME_DELETED:
    case STATUS_USER_SESSION_DELETED:
    case STATUS_NETWORK_SESSION_EXPIRED:
        return -ECONNRESET;
    case STATUS_INVALID_PARAMETER:
        return -EINVAL;
    default:
        return -EPROTO;
    }
}

int smb2_parse_header(const uint8_t *p, size_t len, struct smb2_msg *m) {
    struct cursor c;
    uint8_t proto[4];
    uint16_t size, charge, cmd, credits;
    uint32_t status, flags, next, reserved, tid;
    uint64_t mid, sid;
    int r;

    cur_init(&c, p, len);
    if ((r = cur_get_bytes(&c, proto, 4)) < 0 || (r = cur_get_u16(&c, &size)) < 0 ||
        (r = cur_get_u16(&c, &charge)) < 0 || (r = cur_get_u32(&c, &status)) < 0 ||
        (r = cur_get_u16(&c, &cmd)) < 0 || (r = cur_get_u16(&c, &credits)) < 0 ||
        (r = cur_get_u32(&c, &flags)) < 0 || (r = cur_get_u32(&c, &next)) < 0 || (r = cur_get_u64(&c, &mid)) < 0 ||
        (r = cur_get_u32(&c, &reserved)) < 0 || (r = cur_get_u32(&c, &tid)) < 0 || (r = cur_get_u64(&c, &sid)) < 0)
        return r;
    if (memcmp(proto, "\xfeSMB", 4) != 0 || size != SMB2_HDR_SIZE || !(flags & SMB2_FLAGS_SERVER_TO_REDIR))
        return -EBADMSG;
    m->status = status;
    m->command = cmd;
    m->credits = credits;
    m->flags = flags;
    m->message_id = mid;
    m->session_id = sid;
    m->tree_id = (flags & SMB2_FLAGS_ASYNC_COMMAND) ? 0 : tid;
    (void) reserved, (void) charge;
    return 0;
}

int smb2_parse_frame(const uint8_t *frame, size_t len, struct smb2_msg *out, size_t max, size_t *ret_n) {
    size_t off = 0, n = 0;
    int r;

    for (;;) {
        struct smb2_msg m = {0};
        uint32_t next;
        size_t mlen;

        if (len - off < SMB2_HDR_SIZE)
            goto bad;
        if ((r = smb2_parse_header(frame + off, len - off, &m)) < 0)
            goto fail;
        next = get_le32(frame + off + 20);
        if (next == 0)
            mlen = len - off;
        else if (next < SMB2_HDR_SIZE || (next & 7) || next > len - off)
            goto bad; /* a chain must move forward, aligned, inside the frame */
        else
            mlen = next;
        if (n == max)
            goto bad;
        m.raw = malloc(mlen);
        if (!m.raw) {
            r = -ENOMEM;
            goto fail;
        }
        memcpy(m.raw, frame + off, mlen);
        m.raw_len = mlen;
        cur_init(&m.body, m.raw, mlen);
        cur_seek(&m.body, SMB2_HDR_SIZE);
        out[n++] = m;
        if (next == 0)
            break;
        off += next;
    }
    *ret_n = n;
    return 0;
bad:
    r = -EBADMSG;
fail:
    for (size_t i = 0; i < n; i++)
        smb2_msg_clear(&out[i]);
    return r;
}
