/*
 * The xrdp layer's session changes (docs/providers.md, "Session events"):
 * the inner provider's records, plus REMOTE_CONNECT / REMOTE_DISCONNECT when
 * an RDP session's client attaches (first connection or reconnection) or
 * goes (the client closed, the network dropped, WTSDisconnectSession).
 *
 * xrdp announces neither (no D-Bus signal, nothing to PAM). What the kernel
 * does announce, to root, through the proc connector: each client
 * connection is served by a child the xrdp daemon forks, which exits when
 * the client goes. A socket filter passes only the forks and exits of the
 * daemon's children (the host's other processes never wake us), and only
 * while xrdp runs. Such a fork or exit, or a LOGON/LOGOFF, triggers a check
 * of every RDP session's display socket (xrdp_display_client_state: is a
 * client attached) against what was last seen. The attach itself follows the
 * fork once the user has logged in, so after a fork (or a LOGON) the check is
 * repeated at CHECK_AFTER_FORK_MS (0.5 to 8 s) until it sees the change.
 * Without the proc connector (not root) the check runs every POLL_USEC (2 s)
 * once xrdp runs: the documented fallback.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>

#include "session/audit.h"
#include "session/proc.h"
#include "session/session_events.h"
#include "session/xrdp.h"

#define POLL_USEC (UINT64_C(2000) * 1000)
#define SETTLE_USEC (UINT64_C(100) * 1000)
static const unsigned CHECK_AFTER_FORK_MS[] = {500, 1000, 2000, 4000, 8000};
#define N_FORK_CHECKS (sizeof(CHECK_AFTER_FORK_MS) / sizeof(CHECK_AFTER_FORK_MS[0]))

struct rdp_state {
    uint32_t id;
    bool attached;
};

struct xrdp_sub {
    struct session_subscription base;
    struct session_provider *inner;
    struct session_subscription *inner_sub;
    int nl_fd, timer_fd, epoll_fd;
    pid_t daemon; /* the xrdp daemon nl_fd's filter passes the children of */
    bool polling;
    unsigned fork_checks_left; /* checks still due after the daemon's last fork */
    uint64_t next_fork_check;  /* CLOCK_MONOTONIC µs of the next one */
    struct rdp_state *rdp;
    size_t n_rdp;
    struct session_event_queue queue;
};

static uint64_t mono_usec(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static void arm_at(struct xrdp_sub *s, uint64_t usec_from_now) {
    struct itimerspec its = {0}, cur;

    if (s->polling)
        return; /* the periodic timer checks anyway */
    /* Keep an earlier deadline already set. */
    if (timerfd_gettime(s->timer_fd, &cur) == 0 && (cur.it_value.tv_sec || cur.it_value.tv_nsec) &&
        (uint64_t) cur.it_value.tv_sec * 1000000 + (uint64_t) cur.it_value.tv_nsec / 1000 <= usec_from_now)
        return;
    its.it_value.tv_sec = (time_t) (usec_from_now / 1000000);
    its.it_value.tv_nsec = (long) (usec_from_now % 1000000) * 1000;
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
        its.it_value.tv_nsec = 1;
    timerfd_settime(s->timer_fd, 0, &its, NULL);
}

static void start_fork_checks(struct xrdp_sub *s) {
    s->fork_checks_left = N_FORK_CHECKS;
    s->next_fork_check = mono_usec() + CHECK_AFTER_FORK_MS[0] * UINT64_C(1000);
    arm_at(s, CHECK_AFTER_FORK_MS[0] * UINT64_C(1000));
}

/* Every RDP session's client, against the last look: changes become records. */
static int check(struct xrdp_sub *s, bool report) {
    struct session_list l;
    struct rdp_state *now;
    size_t n = 0;
    int r = s->inner->ops->list(s->inner, &l);

    if (r < 0)
        return r;
    now = calloc(l.count ? l.count : 1, sizeof(*now));
    if (!now) {
        session_list_free(&l);
        return -ENOMEM;
    }
    for (size_t i = 0; i < l.count; i++) {
        struct xrdp_client c = {0};
        long display;

        if (l.items[i].kind != SESSION_KIND_RDP || (display = session_display_number(l.items[i].display)) < 0)
            continue;
        now[n].id = l.items[i].id;
        now[n].attached = xrdp_display_client_state(display, false, &c) >= 0 && c.connected;
        for (size_t j = 0; report && j < s->n_rdp; j++)
            if (s->rdp[j].id == now[n].id && s->rdp[j].attached != now[n].attached)
                session_event_queue_push(&s->queue,
                                         now[n].attached ? SESSION_EVENT_REMOTE_CONNECT
                                                         : SESSION_EVENT_REMOTE_DISCONNECT,
                                         now[n].id, l.items[i].key);
        /* A session new since the last look whose client is there: its first connection. */
        bool seen = false;
        for (size_t j = 0; j < s->n_rdp; j++)
            seen |= s->rdp[j].id == now[n].id;
        if (report && !seen && now[n].attached)
            session_event_queue_push(&s->queue, SESSION_EVENT_REMOTE_CONNECT, now[n].id, l.items[i].key);
        n++;
    }
    session_list_free(&l);
    free(s->rdp);
    s->rdp = now;
    s->n_rdp = n;
    return 0;
}

/*
 * Only the xrdp daemon's children reach us: a classic BPF filter on the
 * socket passes a fork whose parent is the daemon and an exit whose parent is
 * the daemon (exit events carry the parent since Linux 4.18), and drops every
 * other process event of the host before it wakes anyone. Offsets: nlmsghdr
 * (16) + cn_msg (20) = 36: what; then cpu, timestamp (12); fork:
 * parent_pid 52, parent_tgid 56; exit: pid 52, tgid 56, code 60, signal 64,
 * parent_pid 68, parent_tgid 72. BPF loads words big-endian: the constants
 * are compared as ntohl of the host-order values.
 */
static int open_filtered_connector(pid_t daemon, int *ret_fd) {
    /* Without the daemon's pid (see pids_are_global): forks and exits of anyone. */
    struct sock_filter any[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 36),                        /* 0: what */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(0x00000001u), 1, 0), /* 1: fork → 3 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(0x80000000u), 0, 1), /* 2: exit → 3, else 4 */
        BPF_STMT(BPF_RET | BPF_K, 0xffff),                             /* 3: pass */
        BPF_STMT(BPF_RET | BPF_K, 0),                                  /* 4: drop */
    };
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 36),                                 /* 0: what */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(0x00000001u), 0, 2),          /* 1: PROC_EVENT_FORK? */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 56),                                 /* 2: its parent_tgid */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl((uint32_t) daemon), 3, 4),    /* 3: → 7 or 8 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(0x80000000u), 0, 3),          /* 4: PROC_EVENT_EXIT? */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 72),                                 /* 5: its parent_tgid */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl((uint32_t) daemon), 0, 1),    /* 6: → 7 or 8 */
        BPF_STMT(BPF_RET | BPF_K, 0xffff),                                      /* 7: pass */
        BPF_STMT(BPF_RET | BPF_K, 0),                                           /* 8: drop */
    };
    struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};

    if (daemon == 0)
        prog = (struct sock_fprog){.len = sizeof(any) / sizeof(any[0]), .filter = any};

    return proc_connector_open(&prog, ret_fd);
}

/*
 * The proc connector names processes by their pids in the initial PID
 * namespace; xrdp's pid file, read in ours, is only the same number there
 * (proc_pids_are_global). Elsewhere (a container, the test namespace) the
 * filter cannot name the daemon: it passes every fork and exit, and the
 * looks they trigger are rate-limited instead (one per SETTLE_USEC; after a
 * fork, the series of CHECK_AFTER_FORK_MS, not restarted while it runs).
 */
static void close_connector(struct xrdp_sub *s) {
    if (s->nl_fd < 0)
        return;
    epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, s->nl_fd, NULL);
    close(s->nl_fd);
    s->nl_fd = -1;
    s->daemon = 0;
}

/* Listens, filtered to the children of daemon. */
static int listen_proc_connector(struct xrdp_sub *s, pid_t daemon) {
    int r = open_filtered_connector(daemon == 1 ? 0 : daemon, &s->nl_fd);

    if (r >= 0 && (r = session_events_watch_fd(s->epoll_fd, s->nl_fd)) < 0) {
        close(s->nl_fd);
        s->nl_fd = -1;
    }
    if (r >= 0)
        s->daemon = daemon;
    return r;
}

/*
 * The connector is open exactly while xrdp runs, filtered to its daemon's
 * children: a host without xrdp pays nothing. xrdp starting later is noticed
 * at its first session's LOGON (the inner provider's record); then the looks
 * after it catch the client's attach. Without the right to listen (not
 * root): the periodic look.
 */
static void update_connector(struct xrdp_sub *s) {
    struct itimerspec its = {.it_value = {.tv_sec = POLL_USEC / 1000000}, .it_interval = {.tv_sec = POLL_USEC / 1000000}};
    pid_t daemon = 0;

    if (s->polling)
        return;
    if (xrdp_daemon(&daemon) < 0) {
        close_connector(s);
        return;
    }
    if (!proc_pids_are_global())
        daemon = 1; /* (stands for "any": the filter then names no pid; see attach_filter) */
    if (s->nl_fd >= 0 && s->daemon == daemon)
        return;
    close_connector(s);
    if (listen_proc_connector(s, daemon) == -EPERM || s->nl_fd < 0) {
        s->polling = true;
        timerfd_settime(s->timer_fd, 0, &its, NULL);
    }
}

static void drain_connector(struct xrdp_sub *s) {
    char buf[512];
    struct audit_proc_event ev;
    ssize_t n;

    while ((n = recv(s->nl_fd, buf, sizeof(buf), 0)) != 0) {
        if (n < 0) {
            if (errno == ENOBUFS) { /* lost some: look once */
                arm_at(s, SETTLE_USEC);
                continue;
            }
            if (errno == EINTR)
                continue;
            return;
        }
        if (audit_parse_proc_event(buf, (size_t) n, &ev) < 0)
            continue;
        if (ev.kind == AUDIT_PROC_NEW && !(s->daemon == 1 && s->fork_checks_left))
            start_fork_checks(s); /* the daemon forked: a new client connection */
        else if (ev.kind == AUDIT_PROC_EXIT)
            arm_at(s, SETTLE_USEC); /* a child of the daemon ended: a client went */
    }
}

static int sub_fd(struct session_subscription *base) {
    return ((struct xrdp_sub *) base)->epoll_fd;
}

static int sub_read(struct session_subscription *base, struct session_event *ret) {
    struct xrdp_sub *s = (struct xrdp_sub *) base;
    struct session_event ev;
    uint64_t expirations;
    int r;

    if (session_event_queue_pop(&s->queue, ret))
        return 1;
    /* The inner provider's records pass through; an RDP session's logon or
     * logoff is also a moment to look at the clients. */
    r = s->inner_sub->ops->read(s->inner_sub, &ev);
    if (r < 0)
        return r;
    if (r > 0) {
        if (ev.code == SESSION_EVENT_LOGON) {
            update_connector(s); /* xrdp may have started since */
            start_fork_checks(s);
        } else if (ev.code == SESSION_EVENT_LOGOFF)
            arm_at(s, SETTLE_USEC);
        *ret = ev;
        return 1;
    }
    if (s->nl_fd >= 0)
        drain_connector(s);
    if (read(s->timer_fd, &expirations, sizeof(expirations)) == (ssize_t) sizeof(expirations)) {
        size_t before = s->queue.count;

        r = check(s, true);
        if (r < 0)
            return r;
        if (s->fork_checks_left) {
            uint64_t now = mono_usec();

            if (s->queue.count > before || now >= s->next_fork_check) {
                unsigned done = (unsigned) N_FORK_CHECKS - s->fork_checks_left + 1;

                s->fork_checks_left = s->queue.count > before ? 0 : s->fork_checks_left - 1;
                if (s->fork_checks_left) {
                    uint64_t wait = (CHECK_AFTER_FORK_MS[done] - CHECK_AFTER_FORK_MS[done - 1]) * UINT64_C(1000);
                    s->next_fork_check = now + wait;
                    arm_at(s, wait);
                }
            } else
                arm_at(s, s->next_fork_check - now);
        }
    }
    return session_event_queue_pop(&s->queue, ret) ? 1 : 0;
}

static void sub_close(struct session_subscription *base) {
    struct xrdp_sub *s = (struct xrdp_sub *) base;

    if (s->inner_sub)
        s->inner_sub->ops->close(s->inner_sub);
    if (s->nl_fd >= 0)
        close(s->nl_fd);
    if (s->timer_fd >= 0)
        close(s->timer_fd);
    if (s->epoll_fd >= 0)
        close(s->epoll_fd);
    free(s->rdp);
    free(s);
}

static const struct session_subscription_ops xrdp_sub_ops = {
    .fd = sub_fd,
    .read = sub_read,
    .close = sub_close,
};

int xrdp_subscribe(struct session_provider *inner, struct session_subscription **ret) {
    struct xrdp_sub *s;
    int r;

    if (!inner->ops->subscribe)
        return -EOPNOTSUPP;
    s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->base.ops = &xrdp_sub_ops;
    s->inner = inner;
    s->nl_fd = -1;
    s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    r = s->timer_fd < 0 || s->epoll_fd < 0 ? -errno : 0;
    if (r >= 0)
        r = inner->ops->subscribe(inner, &s->inner_sub);
    if (r >= 0) {
        update_connector(s);
        r = check(s, false);
    }
    if (r >= 0)
        r = session_events_watch_fd(s->epoll_fd, s->inner_sub->ops->fd(s->inner_sub));
    if (r >= 0)
        r = session_events_watch_fd(s->epoll_fd, s->timer_fd);
    if (r < 0) {
        sub_close(&s->base);
        return r;
    }
    *ret = &s->base;
    return 0;
}
