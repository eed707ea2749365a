#include "rpc/np.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One credit's worth (64 KiB) per transceive or read: a bound fragment fits whole. */
#define NP_MAX_OUT 65536

static const struct smb2_file_id related_fid = {
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

/* A PDU's length is in its common header (C706 12.6.1): bytes 8-9. */
static int pdu_len(const struct buf *b, size_t *ret) {
    if (b->len < 16)
        return -EAGAIN;
    *ret = get_le16(b->data + 8);
    if (*ret < 16)
        return -EBADMSG;
    return 0;
}

/* After a transceive or read said STATUS_BUFFER_OVERFLOW, reads the rest of that message. */
static int read_rest(struct np_pipe *p, struct buf *out, bool more) {
    int r;

    while (more) {
        size_t before = out->len;

        if (out->len > 16u * 1024 * 1024)
            return -EMSGSIZE;
        if ((r = smb2_read(p->conn, p->tree_id, &p->fid, NP_MAX_OUT, out, &more)) < 0)
            return r;
        if (more && out->len == before)
            return -EPROTO; /* "more follows" with nothing read: it would never end */
    }
    return 0;
}

int np_open_transceive(struct np_pipe *p, struct smb2_conn *c, uint32_t *tree_id, const char *name,
                       const uint8_t *in, size_t in_len, struct buf *out) {
    struct smb2_req q[3];
    struct smb2_msg m[3];
    size_t n = 0, first;
    bool more = false;
    int r;

    memset(p, 0, sizeof(*p));
    memset(q, 0, sizeof(q));
    p->conn = c;
    /* A negotiate still to be validated (3.0/3.0.2) is validated with the
     * tree connect, alone, before any pipe is opened (smb2_tree_connect()). */
    if (*tree_id == 0 && smb2_needs_validation(c) && (r = smb2_tree_connect(c, "IPC$", tree_id)) < 0)
        return r;
    /* Without a tree yet, TREE_CONNECT IPC$ leads the chain and the rest are
     * related to it: tree, pipe and first fragment in one round trip. */
    if (*tree_id == 0) {
        if ((r = smb2_tree_connect_encode(c, &q[n++], "IPC$")) < 0)
            goto out;
    }
    first = n;
    smb2_req_init(&q[n], SMB2_CREATE, *tree_id ? *tree_id : 0xFFFFFFFFu);
    q[n].related = n > 0;
    smb2_create_encode(&q[n++], name, SMB2_PIPE_ACCESS);
    smb2_req_init(&q[n], SMB2_IOCTL, *tree_id ? *tree_id : 0xFFFFFFFFu);
    q[n].related = true; /* 3.2.4.1.4: uses the FileId the CREATE produces */
    smb2_ioctl_encode(&q[n++], FSCTL_PIPE_TRANSCEIVE, &related_fid, in, in_len, NP_MAX_OUT);
    for (size_t i = 0; i < n; i++)
        if ((r = buf_error(&q[i].body)) < 0)
            goto out;
    if ((r = smb2_transact(c, q, n, m)) < 0)
        goto out_q;
    if (first == 1 && (r = smb2_tree_connect_finish(c, &m[0], tree_id)) < 0)
        goto out_m;
    p->tree_id = *tree_id;
    if (m[first].status != STATUS_SUCCESS) {
        r = smb2_status_to_errno(m[first].status);
        goto out_m;
    }
    if ((r = smb2_create_decode(&m[first], &p->fid)) < 0)
        goto out_m;
    p->open = true;
    if ((r = smb2_ioctl_decode(&m[first + 1], out, &more)) < 0 || (r = read_rest(p, out, more)) < 0)
        goto out_m;
    r = 0;
out_m:
    for (size_t i = 0; i < n; i++)
        smb2_msg_clear(&m[i]);
out_q:
out:
    for (size_t i = 0; i < n; i++)
        smb2_req_clear(&q[i]);
    return r;
}

int np_transceive(struct np_pipe *p, const uint8_t *in, size_t in_len, struct buf *out) {
    struct smb2_req q;
    struct smb2_msg m = {0};
    bool more = false;
    int r;

    smb2_req_init(&q, SMB2_IOCTL, p->tree_id);
    smb2_ioctl_encode(&q, FSCTL_PIPE_TRANSCEIVE, &p->fid, in, in_len, NP_MAX_OUT);
    if ((r = buf_error(&q.body)) >= 0 && (r = smb2_transact(p->conn, &q, 1, &m)) >= 0 &&
        (r = smb2_ioctl_decode(&m, out, &more)) >= 0)
        r = read_rest(p, out, more);
    smb2_req_clear(&q);
    smb2_msg_clear(&m);
    return r;
}

int np_write(struct np_pipe *p, const uint8_t *in, size_t in_len) {
    return smb2_write(p->conn, p->tree_id, &p->fid, in, in_len);
}

int np_read_pdu(struct np_pipe *p, struct buf *out) {
    size_t start = out->len, want = 0;
    int r;

    for (;;) {
        struct buf part;
        bool more = false;

        buf_init(&part);
        if ((r = smb2_read(p->conn, p->tree_id, &p->fid, NP_MAX_OUT, &part, &more)) >= 0 &&
            (r = read_rest(p, &part, more)) >= 0) {
            buf_put_bytes(out, part.data, part.len);
            r = buf_error(out);
        }
        if (r >= 0 && part.len == 0)
            r = -EPROTO; /* a message pipe never answers a read with nothing */
        buf_free(&part);
        if (r < 0)
            return r;
        {
            struct buf view = {.data = out->data + start, .len = out->len - start};

            if (pdu_len(&view, &want) == 0 && out->len - start >= want)
                return 0;
        }
    }
}

int np_write_read(struct np_pipe *p, const struct buf *in, size_t nw, size_t nr, struct buf *out) {
    struct smb2_req *q;
    struct smb2_msg *m;
    size_t n = nw + nr;
    int r = 0;

    if (n == 0 || n > SMB2_MAX_PIPELINE)
        return -EINVAL;
    q = calloc(n, sizeof(*q));
    m = calloc(n, sizeof(*m));
    if (!q || !m) {
        free(q), free(m);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        smb2_req_init(&q[i], i < nw ? SMB2_WRITE : SMB2_READ, p->tree_id);
        if (i < nw)
            smb2_write_encode(&q[i], &p->fid, in[i].data, in[i].len);
        else
            smb2_read_encode(&q[i], &p->fid, NP_MAX_OUT);
        if (r >= 0)
            r = buf_error(&q[i].body);
    }
    if (r >= 0 && (r = smb2_pipeline(p->conn, q, n, m)) >= 0) {
        for (size_t i = 0; i < n; i++) {
            uint32_t count;
            bool more = false;

            if (r >= 0 && i < nw && m[i].status != STATUS_SUCCESS)
                r = smb2_status_to_errno(m[i].status);
            else if (r >= 0 && i < nw && (r = smb2_write_decode(&m[i], &count)) >= 0 && count != in[i].len)
                r = -EPROTO; /* a message pipe takes a message whole */
            else if (r >= 0 && i >= nw && (r = smb2_read_decode(&m[i], &out[i - nw], &more)) >= 0 && more)
                r = -EMSGSIZE; /* a fragment larger than one read: never with 64 KiB reads */
            smb2_msg_clear(&m[i]);
        }
    }
    for (size_t i = 0; i < n; i++)
        smb2_req_clear(&q[i]);
    free(q), free(m);
    return r;
}

void np_close(struct np_pipe *p) {
    if (!p || !p->open)
        return;
    if (!smb2_conn_is_broken(p->conn))
        (void) smb2_close(p->conn, p->tree_id, &p->fid);
    p->open = false;
}
