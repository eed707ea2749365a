/*
 * The two parsers the xrdp code reads outside input with: sock_diag reply
 * datagrams (byte-exact fixtures built here, as the kernel lays them out)
 * and xorgxrdp's log lines.
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "session/provider.h"
#include "session/sockdiag.h"
#include "session/xrdp.h"
#include "tap.h"

struct fixture {
    uint8_t buf[512];
    size_t len;
};

static void put(struct fixture *f, const void *p, size_t n) {
    memcpy(f->buf + f->len, p, n);
    f->len += n;
}

static void pad(struct fixture *f) {
    while (f->len % 4)
        f->buf[f->len++] = 0;
}

/* One SOCK_DIAG_BY_FAMILY message for a unix socket with a name and a peer. */
static void unix_message(struct fixture *f, uint32_t inode, uint8_t state, const char *name, uint32_t peer) {
    size_t start = f->len, name_len = strlen(name);
    struct nlmsghdr h = {.nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_MULTI};
    struct unix_diag_msg m = {.udiag_family = AF_UNIX, .udiag_type = SOCK_STREAM, .udiag_state = state,
                              .udiag_ino = inode};
    struct rtattr a;

    put(f, &h, sizeof(h));
    put(f, &m, sizeof(m));
    a = (struct rtattr){.rta_len = (unsigned short) RTA_LENGTH(name_len), .rta_type = UNIX_DIAG_NAME};
    put(f, &a, sizeof(a));
    put(f, name, name_len);
    pad(f);
    a = (struct rtattr){.rta_len = RTA_LENGTH(4), .rta_type = UNIX_DIAG_PEER};
    put(f, &a, sizeof(a));
    put(f, &peer, 4);
    h.nlmsg_len = (uint32_t) (f->len - start);
    memcpy(f->buf + start, &h, sizeof(h));
}

static void done_message(struct fixture *f) {
    struct nlmsghdr h = {.nlmsg_len = NLMSG_LENGTH(4), .nlmsg_type = NLMSG_DONE};
    int zero = 0;

    put(f, &h, sizeof(h));
    put(f, &zero, 4);
}

static void unix_reply_gives_inode_state_name_and_peer(void) {
    struct fixture f = {0};
    struct unix_table t = {0};

    unix_message(&f, 95852, SOCKDIAG_ESTABLISHED, "/run/xrdp/sockdir/xrdp_display_10", 95688);
    unix_message(&f, 95842, SOCKDIAG_LISTEN, "/run/xrdp/sockdir/xrdp_display_10", 0);
    done_message(&f);
    CHECK_EQ_I(sockdiag_parse_unix(f.buf, f.len, &t), 1);
    REQUIRE(t.count == 2);
    CHECK_EQ_U(t.items[0].inode, 95852);
    CHECK_EQ_U(t.items[0].peer, 95688);
    CHECK_EQ_U(t.items[0].state, SOCKDIAG_ESTABLISHED);
    CHECK_STREQ(t.items[0].path, "/run/xrdp/sockdir/xrdp_display_10");
    CHECK_EQ_U(t.items[1].state, SOCKDIAG_LISTEN);
    CHECK_EQ_U(t.items[1].peer, 0);
    unix_table_free(&t);
}

static void abstract_unix_names_start_with_at(void) {
    struct fixture f = {0};
    struct unix_table t = {0};

    /* An abstract name starts with a NUL byte. */
    {
        static const char name[] = "\0/tmp/.X11-unix/X10";
        struct nlmsghdr h = {.nlmsg_type = SOCK_DIAG_BY_FAMILY};
        struct unix_diag_msg m = {.udiag_family = AF_UNIX, .udiag_state = SOCKDIAG_LISTEN, .udiag_ino = 7};
        struct rtattr a = {.rta_len = (unsigned short) RTA_LENGTH(sizeof(name) - 1), .rta_type = UNIX_DIAG_NAME};

        put(&f, &h, sizeof(h));
        put(&f, &m, sizeof(m));
        put(&f, &a, sizeof(a));
        put(&f, name, sizeof(name) - 1);
        pad(&f);
        h.nlmsg_len = (uint32_t) f.len;
        memcpy(f.buf, &h, sizeof(h));
    }
    CHECK_EQ_I(sockdiag_parse_unix(f.buf, f.len, &t), 0); /* no NLMSG_DONE yet: more datagrams follow */
    REQUIRE(t.count == 1);
    CHECK_STREQ(t.items[0].path, "@/tmp/.X11-unix/X10");
    unix_table_free(&t);
}

static void truncated_unix_reply_is_rejected_at_every_length(void) {
    struct fixture f = {0};

    unix_message(&f, 1, SOCKDIAG_ESTABLISHED, "/x", 2);
    for (size_t len = 1; len < f.len; len++) {
        struct unix_table t = {0};
        int r = sockdiag_parse_unix(f.buf, len, &t);

        if (r != -EBADMSG)
            TAP_FAIL("length %zu: %d", len, r);
        unix_table_free(&t);
    }
}

static void attribute_longer_than_its_message_is_rejected(void) {
    struct fixture f = {0};
    struct unix_table t = {0};
    struct rtattr a;

    unix_message(&f, 1, SOCKDIAG_ESTABLISHED, "/x", 2);
    /* The peer attribute claims 64 bytes where 8 remain. */
    memcpy(&a, f.buf + f.len - 8, sizeof(a));
    a.rta_len = 64;
    memcpy(f.buf + f.len - 8, &a, sizeof(a));
    CHECK_EQ_I(sockdiag_parse_unix(f.buf, f.len, &t), -EBADMSG);
    unix_table_free(&t);
}

static void kernel_error_is_returned(void) {
    struct fixture f = {0};
    struct nlmsghdr h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct nlmsgerr)), .nlmsg_type = NLMSG_ERROR};
    struct nlmsgerr e = {.error = -EPERM};
    struct tcp_table t = {0};

    put(&f, &h, sizeof(h));
    put(&f, &e, sizeof(e));
    CHECK_EQ_I(sockdiag_parse_tcp(f.buf, f.len, &t), -EPERM);
    tcp_table_free(&t);
}

static void tcp_reply_gives_addresses_ports_and_inode(void) {
    struct fixture f = {0};
    struct tcp_table t = {0};
    struct nlmsghdr h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct inet_diag_msg)), .nlmsg_type = SOCK_DIAG_BY_FAMILY};
    struct inet_diag_msg m = {.idiag_family = AF_INET, .idiag_state = SOCKDIAG_ESTABLISHED,
                              .id = {.idiag_sport = htons(3389), .idiag_dport = htons(37720)},
                              .idiag_uid = 103, .idiag_inode = 4242};
    const uint8_t local[4] = {127, 0, 0, 1}, remote[4] = {127, 0, 0, 2};

    memcpy(m.id.idiag_src, local, 4);
    memcpy(m.id.idiag_dst, remote, 4);
    put(&f, &h, sizeof(h));
    put(&f, &m, sizeof(m));
    done_message(&f);
    CHECK_EQ_I(sockdiag_parse_tcp(f.buf, f.len, &t), 1);
    REQUIRE(t.count == 1);
    CHECK_EQ_U(t.items[0].local_port, 3389);
    CHECK_EQ_U(t.items[0].remote_port, 37720);
    CHECK(memcmp(t.items[0].remote, remote, 4) == 0);
    CHECK_EQ_U(t.items[0].inode, 4242);
    CHECK_EQ_U(t.items[0].uid, 103);
    tcp_table_free(&t);
}

static void live_dump_of_this_host_succeeds(void) {
    struct unix_table u = {0};
    struct tcp_table t = {0};

    /* Any Linux host has unix sockets (this process's stdio may be some). */
    CHECK_EQ_I(sockdiag_unix(&u), 0);
    CHECK_EQ_I(sockdiag_tcp(UINT32_MAX, &t), 0);
    unix_table_free(&u);
    tcp_table_free(&t);
}

static void last_screen_size_line_wins(void) {
    static const char log[] =
        "[  1356.620] rdpClientConProcessScreenSizeMsg: set width 1024 height 768 bpp 32\n"
        "[  1356.797]   got client info bytes 7072\n"
        "[  1400.001] rdpClientConProcessScreenSizeMsg: set width 800 height 600 bpp 16\n"
        "[  1400.002] rdpClientConProcessScreenSizeMsg: RRScreenSizeSet ok=[1]\n";
    struct session_client_display d = {0};

    CHECK_EQ_I(xrdp_parse_screen_size(log, sizeof(log) - 1, &d), 0);
    CHECK_EQ_U(d.width, 800);
    CHECK_EQ_U(d.height, 600);
    CHECK_EQ_U(d.bpp, 16);
}

static void malformed_or_cut_screen_size_lines_are_ignored(void) {
    static const char *const logs[] = {
        "rdpClientConProcessScreenSizeMsg: set width 1024 height 768 bpp",
        "rdpClientConProcessScreenSizeMsg: set width 1024 height 768 bpp 33",
        "rdpClientConProcessScreenSizeMsg: set width 1024 height x bpp 32",
        "rdpClientConProcessScreenSizeMsg: set width 12345678 height 768 bpp 32",
        "rdpClientConProcessScreenSizeMsg: set width 0 height 768 bpp 32",
        "rdpClientConProcessScreenSizeMsg: set width 1024",
        "",
    };
    struct session_client_display d = {7, 7, 7};

    for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++)
        if (xrdp_parse_screen_size(logs[i], strlen(logs[i]), &d) != -ENOENT)
            TAP_FAIL("accepted: %s", logs[i]);
    CHECK_EQ_U(d.width, 7); /* untouched */
}

TAP_MAIN(CASE(unix_reply_gives_inode_state_name_and_peer), CASE(abstract_unix_names_start_with_at),
         CASE(truncated_unix_reply_is_rejected_at_every_length), CASE(attribute_longer_than_its_message_is_rejected),
         CASE(kernel_error_is_returned), CASE(tcp_reply_gives_addresses_ports_and_inode),
         CASE(live_dump_of_this_host_succeeds), CASE(last_screen_size_line_wins),
         CASE(malformed_or_cut_screen_size_lines_are_ignored))
