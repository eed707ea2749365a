/*
 * SMB2 over direct TCP (MS-SMB2 2.1): framing, compounding (3.2.4.1.4),
 * message ids and credits (3.2.4.1.3, 3.2.5.1.4), signing and encryption
 * of what we send, and a receive state machine (NBSS header → frame →
 * transform → messages) whose every wait has a deadline; the 3.1.1
 * pre-auth integrity hashes, which need the bytes as they went on the wire.
 * Dialling is here (smb2_dial); the sequence after it is connect.c's, and
 * parsing a received frame is message.c's.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/crypto.h"
#include "common/deadline.h"
#include "common/resolve.h"
#include "smb2/conn.h"

/* The largest frame accepted: the NBSS limit (2.1) is 2^24-1. */
#define SMB2_MAX_FRAME (16u * 1024 * 1024)
#define CREDITS_WANTED 64
/* Interim responses a request may receive (3.3.4.2: a server going async
 * sends one); more is a protocol error. See transact(). */
#define SMB2_MAX_INTERIMS 1

/* Waits for events on fd until deadline (absolute, deadline_now_ms() terms);
 * EINTR restarts with the time left, never with the whole timeout again. */
static int wait_fd(int fd, short events, int64_t deadline) {
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events};
        int left = deadline_left_ms(deadline);
        int k;

        if (left <= 0)
            return -ETIMEDOUT;
        k = poll(&p, 1, left > 60000 ? 60000 : left);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (k > 0)
            return 0;
    }
}

int smb2_dial(const char *host, uint16_t port, int timeout_ms, struct smb2_conn **ret) {
    struct addrinfo *ai = NULL;
    struct smb2_conn *c;
    int64_t deadline;
    int r, one = 1;

    c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->fd = -1;
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 20000;
    c->credits = 1;
    buf_init(&c->server_gss);
    snprintf(c->server, sizeof(c->server), "%s", host);
    if ((r = crypto_random(c->client_guid, 16)) < 0 || (r = crypto_random(c->nonce_salt, 8)) < 0)
        goto fail;
    /* The call's deadline (common/deadline.h): resolution counts against it. */
    deadline = deadline_for(c->timeout_ms);
    if ((r = resolve_with_deadline(host, port, SOCK_STREAM, deadline, &ai)) < 0) {
        ai = NULL;
        goto fail;
    }
    r = -ENETUNREACH;
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        int err = 0;
        socklen_t elen = sizeof(err);

        if (fd < 0)
            continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 && errno != EINPROGRESS) {
            close(fd);
            continue;
        }
        if (wait_fd(fd, POLLOUT, deadline) < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
            close(fd);
            continue; /* refused, unreachable or silent: try the next address */
        }
        c->fd = fd;
        break;
    }
    freeaddrinfo(ai);
    ai = NULL;
    if (c->fd < 0)
        goto fail; /* -ENETUNREACH: ERROR_BAD_NETPATH at the API (also a silent address) */
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    *ret = c;
    return 0;
fail:
    if (ai)
        freeaddrinfo(ai);
    smb2_conn_free(c);
    return r;
}

void smb2_conn_free(struct smb2_conn *c) {
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    free(c->rx.frame);
    buf_free(&c->server_gss);
    explicit_bzero(c, sizeof(*c));
    free(c);
}

static int send_all(struct smb2_conn *c, const uint8_t *p, size_t n, int64_t deadline) {
    while (n > 0) {
        ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        int r;

        if (k < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return errno == EPIPE ? -ECONNRESET : -errno;
            if ((r = wait_fd(c->fd, POLLOUT, deadline)) < 0)
                return r;
            continue;
        }
        p += k, n -= (size_t) k;
    }
    return 0;
}

/* The receive state machine: NBSS header (4 bytes), then the frame it announces. */
static int recv_frame(struct smb2_conn *c, int64_t deadline, uint8_t **ret, size_t *ret_len) {
    for (;;) {
        uint8_t *dst;
        size_t want;
        ssize_t k;
        int r;

        if (c->rx.state == 0) {
            dst = c->rx.nbss + c->rx.got;
            want = 4 - c->rx.got;
        } else {
            dst = c->rx.frame + c->rx.got;
            want = c->rx.need - c->rx.got;
        }
        k = recv(c->fd, dst, want, MSG_DONTWAIT);
        if (k == 0)
            return -ECONNRESET; /* the server closed the connection */
        if (k < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return -errno;
            if ((r = wait_fd(c->fd, POLLIN, deadline)) < 0)
                return r;
            continue;
        }
        c->rx.got += (size_t) k;
        if (c->rx.state == 0 && c->rx.got == 4) {
            size_t len = (size_t) c->rx.nbss[1] << 16 | (size_t) c->rx.nbss[2] << 8 | c->rx.nbss[3];

            if (c->rx.nbss[0] != 0 || len < SMB2_HDR_SIZE || len > SMB2_MAX_FRAME)
                return -EBADMSG;
            c->rx.frame = malloc(len);
            if (!c->rx.frame)
                return -ENOMEM;
            c->rx.need = len;
            c->rx.got = 0;
            c->rx.state = 1;
        } else if (c->rx.state == 1 && c->rx.got == c->rx.need) {
            *ret = c->rx.frame;
            *ret_len = c->rx.need;
            c->rx.frame = NULL;
            c->rx.state = 0;
            c->rx.got = c->rx.need = 0;
            return 0;
        }
    }
}

/* What a server may send unsigned on a signed session (3.2.5.1.3): two
 * session-level errors, and an interim response -- which is one only with
 * the async flag; an unsigned final answer saying STATUS_PENDING is forged. */
static bool unsigned_allowed(const struct smb2_msg *m) {
    return m->status == STATUS_USER_SESSION_DELETED || m->status == STATUS_NETWORK_SESSION_EXPIRED ||
           (m->status == STATUS_PENDING && (m->flags & SMB2_FLAGS_ASYNC_COMMAND));
}

static int build_chain(struct smb2_conn *c, struct smb2_req *reqs, size_t n, struct buf *f, uint64_t *mids,
                       size_t *ret_start) {
    size_t start, prev = 0;
    uint32_t charge_total = 0;

    buf_put_zero(f, 4); /* NBSS */
    if (c->encrypting)
        buf_put_zero(f, SMB2_TRANSFORM_SIZE);
    start = f->len;
    for (size_t i = 0; i < n; i++) {
        struct smb2_req *q = &reqs[i];
        uint16_t charge = c->dialect >= SMB2_DIALECT_210 ? q->credit_charge : 0;
        size_t h;
        uint32_t flags = 0;

        charge_total += q->credit_charge ? q->credit_charge : 1;
        if (i > 0) {
            buf_align(f, start, 8);
            buf_set_u32(f, prev + 20, (uint32_t) (f->len - prev)); /* NextCommand */
        }
        h = f->len;
        if (q->related && i > 0)
            flags |= SMB2_FLAGS_RELATED_OPERATIONS;
        mids[i] = c->next_message_id;
        c->next_message_id += q->credit_charge ? q->credit_charge : 1;
        buf_put_bytes(f, "\xfeSMB", 4);
        buf_put_u16(f, SMB2_HDR_SIZE);
        buf_put_u16(f, charge);
        buf_put_u32(f, 0); /* ChannelSequence/Reserved */
        buf_put_u16(f, q->command);
        buf_put_u16(f, CREDITS_WANTED);
        buf_put_u32(f, flags);
        buf_put_u32(f, 0); /* NextCommand, set when the next one is added */
        buf_put_u64(f, mids[i]);
        buf_put_u32(f, 0xFEFF); /* Reserved (ProcessId) */
        buf_put_u32(f, q->tree_id);
        buf_put_u64(f, c->session_id);
        buf_put_zero(f, 16);
        buf_put_bytes(f, q->body.data, q->body.len);
        prev = h;
    }
    if (charge_total > c->credits)
        return -EPROTO; /* the server granted too few credits for this chain */
    c->credits -= charge_total;
    *ret_start = start;
    return buf_error(f);
}

void smb2_transport_start_signing(struct smb2_conn *c, const uint8_t *session_key, size_t key_len) {
    smb2_derive_keys(c, session_key, key_len);
    c->signing = true;
}

void smb2_transport_start_encrypting(struct smb2_conn *c) {
    c->encrypting = true;
}

/* MS-SMB2 3.2.4.2.2.2, 3.2.5.2, 3.2.4.2.3, 3.2.5.3: the 3.1.1 pre-auth
 * integrity hashes run over the NEGOTIATE and SESSION_SETUP messages exactly
 * as they went on the wire (and came back), so the transport, which alone
 * sees those bytes, keeps them. The connection's hash restarts with each
 * NEGOTIATE request and takes its answer (its dialect is not known yet:
 * for another dialect the hash is simply never used); the session's starts
 * from it with the first SESSION_SETUP and takes every request and every
 * answer but the final one. */
static void preauth_sent(struct smb2_conn *c, uint16_t command, const uint8_t *msg, size_t len) {
    if (command == SMB2_NEGOTIATE) {
        memset(c->preauth, 0, sizeof(c->preauth));
        smb2_preauth_update(c->preauth, msg, len);
    } else if (command == SMB2_SESSION_SETUP && c->dialect == SMB2_DIALECT_311) {
        if (c->session_id == 0) /* the first round: no session yet */
            memcpy(c->session_preauth, c->preauth, sizeof(c->preauth));
        smb2_preauth_update(c->session_preauth, msg, len);
    }
}

static void preauth_received(struct smb2_conn *c, const struct smb2_msg *m) {
    if (m->command == SMB2_NEGOTIATE)
        smb2_preauth_update(c->preauth, m->raw, m->raw_len);
    else if (m->command == SMB2_SESSION_SETUP && c->dialect == SMB2_DIALECT_311 &&
             m->status == STATUS_MORE_PROCESSING_REQUIRED)
        smb2_preauth_update(c->session_preauth, m->raw, m->raw_len);
}

/* Frames, signs, encrypts and sends reqs[0..n) as one compound chain. */
static int send_chain(struct smb2_conn *c, struct smb2_req *reqs, size_t n, uint64_t *mids, int64_t deadline) {
    struct buf f;
    size_t start, off;
    int r;

    buf_init(&f);
    if ((r = build_chain(c, reqs, n, &f, mids, &start)) < 0)
        goto out;
    /* Sign each message over its own bytes, padding included (3.2.4.1.1). */
    off = start;
    for (size_t i = 0; i < n; i++) {
        uint32_t next = get_le32(f.data + off + 20);
        size_t mlen = next ? next : f.len - off;

        if (c->signing && !c->encrypting && c->session_id && reqs[i].command != SMB2_SESSION_SETUP)
            smb2_sign(c, f.data + off, mlen);
        off += mlen;
    }
    if (n == 1)
        preauth_sent(c, reqs[0].command, f.data + start, f.len - start);
    if (c->encrypting && (r = smb2_encrypt(c, f.data + 4, f.len - 4)) < 0)
        goto out;
    if (f.len - 4 > SMB2_MAX_FRAME) {
        r = -EMSGSIZE;
        goto out;
    }
    f.data[0] = 0;
    f.data[1] = (uint8_t) ((f.len - 4) >> 16);
    f.data[2] = (uint8_t) ((f.len - 4) >> 8);
    f.data[3] = (uint8_t) (f.len - 4);
    r = send_all(c, f.data, f.len, deadline);
out:
    buf_free(&f);
    return r;
}

/* Commands a server may answer with an interim response (3.3.4.2 lets any
 * request go async; these are the ones we send that may block on a server:
 * pipe reads and writes, transceive, an open behind an oplock break). */
static bool may_go_async(uint16_t command) {
    return command == SMB2_CREATE || command == SMB2_READ || command == SMB2_WRITE || command == SMB2_IOCTL;
}

/* Sends, then waits for the n answers: compound (one chain) or pipelined
 * (one frame per request, all sent before any answer is read).
 * The wait ends at the call's deadline (common/deadline.h), or after the
 * connection's timeout when no call scope is open: never later. */
static int transact(struct smb2_conn *c, struct smb2_req *reqs, size_t n, struct smb2_msg *rsps, bool pipelined) {
    uint64_t mids_small[8], *mids = mids_small;
    unsigned interims_small[8] = {0}, *interims = interims_small;
    size_t got = 0;
    int64_t deadline;
    uint8_t *frame = NULL;
    int r;

    if (c->broken)
        return -ENOTCONN;
    if (n == 0 || n > (pipelined ? SMB2_MAX_PIPELINE : 8))
        return -EINVAL;
    /* Every request of a pipeline costs a credit: a server that granted too
     * few is told so before anything is sent (not half way, which would
     * leave the connection out of step). */
    if (pipelined) {
        uint32_t charge = 0;

        for (size_t i = 0; i < n; i++)
            charge += reqs[i].credit_charge ? reqs[i].credit_charge : 1;
        if (charge > c->credits)
            return -EAGAIN;
    }
    if (n > 8) {
        mids = calloc(n, sizeof(*mids));
        interims = calloc(n, sizeof(*interims));
        if (!mids || !interims) {
            free(mids), free(interims);
            return -ENOMEM;
        }
    }
    memset(rsps, 0, n * sizeof(*rsps));
    deadline = deadline_for(c->timeout_ms);
    if (pipelined) {
        for (size_t i = 0; i < n; i++)
            if ((r = send_chain(c, &reqs[i], 1, &mids[i], deadline)) < 0)
                goto fail;
    } else if ((r = send_chain(c, reqs, n, mids, deadline)) < 0)
        goto fail;
    c->round_trips++;

    while (got < n) {
        struct smb2_msg ms[8];
        size_t len = 0, plain_len = 0, k = 0;
        const uint8_t *plain;
        bool encrypted;

        if ((r = recv_frame(c, deadline, &frame, &len)) < 0)
            goto fail;
        encrypted = len >= 4 && memcmp(frame, "\xfdSMB", 4) == 0;
        if (encrypted) {
            if ((r = smb2_decrypt(c, frame, len, &plain_len)) < 0)
                goto fail;
            plain = frame + SMB2_TRANSFORM_SIZE;
        } else {
            if (c->encrypting) {
                r = -EBADMSG; /* 3.2.5.1.1: everything must come encrypted now */
                goto fail;
            }
            plain = frame, plain_len = len;
        }
        if ((r = smb2_parse_frame(plain, plain_len, ms, 8, &k)) < 0)
            goto fail;
        free(frame);
        frame = NULL;
        for (size_t j = 0; j < k; j++) {
            struct smb2_msg *m = &ms[j];
            size_t i;

            m->was_encrypted = encrypted;
            if (m->message_id == UINT64_MAX) { /* an oplock break: never asked for, ignored */
                smb2_msg_clear(m);
                continue;
            }
            for (i = 0; i < n && mids[i] != m->message_id; i++)
                ;
            if (i == n || rsps[i].raw) {
                r = -EBADMSG;
                goto fail_ms;
            }
            c->credits += m->credits;
            if (c->credits > 8192)
                c->credits = 8192;
            if (c->signing && !encrypted && m->command != SMB2_SESSION_SETUP) {
                if (m->flags & SMB2_FLAGS_SIGNED) {
                    if ((r = smb2_verify(c, m->raw, m->raw_len)) < 0)
                        goto fail_ms;
                } else if (!unsigned_allowed(m)) {
                    r = -EBADMSG;
                    goto fail_ms;
                }
            }
            if (m->status == STATUS_PENDING && (m->flags & SMB2_FLAGS_ASYNC_COMMAND)) {
                /* Interim response (3.2.5.1.5): valid only for this request's
                 * MessageId (matched above), for its command, for a command
                 * that can go async, and once. It extends nothing: the
                 * deadline stays where the call put it (it may come unsigned,
                 * 3.2.5.1.3, so it must not buy a server time). */
                if (m->command != reqs[i].command || !may_go_async(m->command) ||
                    ++interims[i] > SMB2_MAX_INTERIMS) {
                    r = -EBADMSG;
                    goto fail_ms;
                }
                smb2_msg_clear(m);
                continue;
            }
            if (m->command != reqs[i].command) {
                r = -EBADMSG;
                goto fail_ms;
            }
            preauth_received(c, m);
            rsps[i] = *m;
            memset(m, 0, sizeof(*m));
            got++;
            continue;
        fail_ms:
            for (size_t x = j; x < k; x++)
                smb2_msg_clear(&ms[x]);
            goto fail;
        }
    }
    r = 0;
    goto out;
fail:
    free(frame);
    for (size_t i = 0; i < n; i++)
        smb2_msg_clear(&rsps[i]);
    c->broken = true;
out:
    if (mids != mids_small)
        free(mids), free(interims);
    return r;
}

int smb2_transact(struct smb2_conn *c, struct smb2_req *reqs, size_t n, struct smb2_msg *rsps) {
    return transact(c, reqs, n, rsps, false);
}

int smb2_transact_status(struct smb2_conn *c, struct smb2_req *q) {
    struct smb2_msg m = {0};
    int r = buf_error(&q->body);

    if (r >= 0)
        r = smb2_transact(c, q, 1, &m);
    if (r >= 0)
        r = smb2_status_to_errno(m.status);
    smb2_req_clear(q);
    smb2_msg_clear(&m);
    return r;
}

int smb2_pipeline(struct smb2_conn *c, struct smb2_req *reqs, size_t n, struct smb2_msg *rsps) {
    return transact(c, reqs, n, rsps, true);
}

unsigned smb2_conn_credits(const struct smb2_conn *c) {
    return c->credits;
}
