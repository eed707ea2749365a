/*
 * Socket tables through NETLINK_SOCK_DIAG: one dump request, then reply
 * datagrams of netlink messages until NLMSG_DONE (netlink(7), sock_diag(7)).
 * Each message is checked against the bytes that remain before it is read;
 * attributes likewise. Nothing here needs privileges: the tables are those
 * of the caller's network namespace, as `ss` shows them.
 */
#include "session/sockdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/cursor.h"

/* A dump larger than this is not a host we can reason about: give up. */
#define SOCKDIAG_MAX_ITEMS 1000000u

void unix_table_free(struct unix_table *t) {
    if (!t)
        return;
    free(t->items);
    *t = (struct unix_table){0};
}

void tcp_table_free(struct tcp_table *t) {
    if (!t)
        return;
    free(t->items);
    *t = (struct tcp_table){0};
}

/* Appends one item of size bytes to a growing table. */
static int append(void **items, size_t *allocated, size_t *count, const void *item, size_t size) {
    if (*count == *allocated) {
        size_t n;
        void *p;

        if (*count >= SOCKDIAG_MAX_ITEMS)
            return -E2BIG;
        n = *allocated ? *allocated * 2 : 64;
        p = realloc(*items, n * size);
        if (!p)
            return -ENOMEM;
        *items = p;
        *allocated = n;
    }
    memcpy((uint8_t *) *items + *count * size, item, size);
    ++*count;
    return 0;
}

/*
 * The next netlink TLV at c, messages and attributes alike (netlink(7)): a
 * header of hdr_size bytes whose first field, len_size bytes (4 for
 * nlmsghdr, 2 for rtattr), is the length of header and payload; the next
 * TLV starts at a multiple of 4 (the last need not be padded). Fills hdr and
 * the payload; 1 when c is used up, -EBADMSG when the TLV overruns it.
 */
static int next_tlv(struct cursor *c, void *hdr, size_t hdr_size, size_t len_size, struct cursor *ret_payload) {
    size_t tlv_len, step;

    if (cur_left(c) == 0)
        return 1;
    if (cur_left(c) < hdr_size)
        return -EBADMSG;
    memcpy(hdr, cur_ptr(c), hdr_size);
    if (len_size == sizeof(uint32_t)) {
        uint32_t l;

        memcpy(&l, hdr, sizeof(l));
        tlv_len = l;
    } else {
        uint16_t l;

        memcpy(&l, hdr, sizeof(l));
        tlv_len = l;
    }
    if (tlv_len < hdr_size || tlv_len > cur_left(c))
        return -EBADMSG;
    cur_init(ret_payload, cur_ptr(c) + NLMSG_ALIGN(hdr_size), tlv_len - NLMSG_ALIGN(hdr_size));
    step = NLMSG_ALIGN(tlv_len);
    return cur_skip(c, step < cur_left(c) ? step : cur_left(c));
}

/*
 * Walks the netlink messages of one datagram, calling each(payload, len, ctx)
 * for every message of type `type`. 1 on NLMSG_DONE, 0 when more follow.
 */
static int walk_messages(const uint8_t *buf, size_t len, uint16_t type,
                         int (*each)(const uint8_t *, size_t, void *), void *ctx) {
    struct cursor c;

    cur_init(&c, buf, len);
    for (;;) {
        struct nlmsghdr h;
        struct cursor payload;
        int r = next_tlv(&c, &h, sizeof(h), sizeof(h.nlmsg_len), &payload);

        if (r != 0)
            return r < 0 ? r : 0;
        if (h.nlmsg_type == NLMSG_DONE)
            return 1;
        if (h.nlmsg_type == NLMSG_ERROR) {
            struct nlmsgerr e;

            if (cur_get_bytes(&payload, &e, sizeof(e)) < 0)
                return -EBADMSG;
            return e.error < 0 && e.error > -4096 ? e.error : -EIO;
        }
        if (h.nlmsg_type == type) {
            r = each(cur_ptr(&payload), cur_left(&payload), ctx);
            if (r < 0)
                return r;
        }
    }
}

/* unix_diag_msg, then rtattrs: UNIX_DIAG_NAME (bytes), UNIX_DIAG_PEER (u32). */
static int each_unix(const uint8_t *p, size_t len, void *ctx) {
    struct unix_table *t = ctx;
    struct unix_diag_msg m;
    struct unix_socket s = {0};
    struct cursor c, attr;
    struct rtattr a;
    int r;

    if (len < sizeof(m))
        return -EBADMSG;
    memcpy(&m, p, sizeof(m));
    s.inode = m.udiag_ino;
    s.state = m.udiag_state;
    cur_init(&c, p, len);
    if (cur_skip(&c, NLMSG_ALIGN(sizeof(m))) < 0)
        return -EBADMSG;
    while ((r = next_tlv(&c, &a, sizeof(a), sizeof(a.rta_len), &attr)) == 0) {
        const uint8_t *payload = cur_ptr(&attr);
        size_t plen = cur_left(&attr);

        if (a.rta_type == UNIX_DIAG_NAME && plen > 0) {
            size_t n = plen < sizeof(s.path) - 1 ? plen : sizeof(s.path) - 1;

            memcpy(s.path, payload, n);
            s.path[n] = '\0';
            if (s.path[0] == '\0' && n > 0)
                s.path[0] = '@'; /* an abstract name, as ss shows it */
            s.path[strnlen(s.path, n)] = '\0';
        } else if (a.rta_type == UNIX_DIAG_PEER && plen >= sizeof(uint32_t))
            memcpy(&s.peer, payload, sizeof(uint32_t));
    }
    if (r < 0)
        return r;
    return append((void **) &t->items, &t->allocated, &t->count, &s, sizeof(s));
}

static int each_tcp(const uint8_t *p, size_t len, void *ctx) {
    struct tcp_table *t = ctx;
    struct inet_diag_msg m;
    struct tcp_socket s = {0};

    if (len < sizeof(m))
        return -EBADMSG;
    memcpy(&m, p, sizeof(m));
    if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6)
        return -EBADMSG;
    s.inode = m.idiag_inode;
    s.uid = m.idiag_uid;
    s.state = m.idiag_state;
    s.family = m.idiag_family;
    memcpy(s.local, m.id.idiag_src, 16);
    memcpy(s.remote, m.id.idiag_dst, 16);
    s.local_port = ntohs(m.id.idiag_sport);
    s.remote_port = ntohs(m.id.idiag_dport);
    return append((void **) &t->items, &t->allocated, &t->count, &s, sizeof(s));
}

int sockdiag_parse_unix(const uint8_t *buf, size_t len, struct unix_table *t) {
    return walk_messages(buf, len, SOCK_DIAG_BY_FAMILY, each_unix, t);
}

int sockdiag_parse_tcp(const uint8_t *buf, size_t len, struct tcp_table *t) {
    return walk_messages(buf, len, SOCK_DIAG_BY_FAMILY, each_tcp, t);
}

/* Sends one dump request and feeds every reply datagram to parse. */
static int dump(const void *req, size_t req_len, int (*parse)(const uint8_t *, size_t, void *), void *table) {
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    uint8_t *buf;
    size_t size = 32768;
    int fd, r;

    fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return -errno;
    buf = malloc(size);
    if (!buf) {
        close(fd);
        return -ENOMEM;
    }
    if (sendto(fd, req, req_len, 0, (struct sockaddr *) &kernel, sizeof(kernel)) < 0) {
        r = -errno;
        goto out;
    }
    for (;;) {
        ssize_t n = recv(fd, buf, size, 0);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            r = -errno;
            goto out;
        }
        if (n == 0) {
            r = -EBADMSG;
            goto out;
        }
        r = parse(buf, (size_t) n, table);
        if (r != 0)
            break;
    }
    r = r < 0 ? r : 0;
out:
    free(buf);
    close(fd);
    return r;
}

static int parse_unix_cb(const uint8_t *buf, size_t len, void *t) {
    return sockdiag_parse_unix(buf, len, t);
}

static int parse_tcp_cb(const uint8_t *buf, size_t len, void *t) {
    return sockdiag_parse_tcp(buf, len, t);
}

int sockdiag_unix(struct unix_table *ret) {
    struct {
        struct nlmsghdr h;
        struct unix_diag_req r;
    } req = {
        .h = {.nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
        .r = {.sdiag_family = AF_UNIX, .udiag_states = UINT32_MAX, .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER},
    };
    struct unix_table t = {0};
    int r = dump(&req, sizeof(req), parse_unix_cb, &t);

    if (r < 0) {
        unix_table_free(&t);
        return r;
    }
    *ret = t;
    return 0;
}

int sockdiag_tcp(uint32_t state_mask, struct tcp_table *ret) {
    static const uint8_t families[] = {AF_INET, AF_INET6};
    struct tcp_table t = {0};
    int r = 0;

    for (size_t i = 0; i < sizeof(families) && r >= 0; i++) {
        struct {
            struct nlmsghdr h;
            struct inet_diag_req_v2 r;
        } req = {
            .h = {.nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
            .r = {.sdiag_family = families[i], .sdiag_protocol = IPPROTO_TCP, .idiag_states = state_mask},
        };

        r = dump(&req, sizeof(req), parse_tcp_cb, &t);
        if (r == -ENOENT && families[i] == AF_INET6)
            r = 0; /* no IPv6 on this host */
    }
    if (r < 0) {
        tcp_table_free(&t);
        return r;
    }
    *ret = t;
    return 0;
}
