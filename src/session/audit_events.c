/*
 * Audit sessions' changes as a subscription (session_events.h).
 *
 * The kernel says nothing when an audit session begins or ends unless
 * auditing is enabled (AUDIT_LOGIN records on the AUDIT_NLGRP_READLOG
 * multicast need audit_enabled=1 and CAP_AUDIT_READ, and auditing is off on
 * most hosts that have no logind). What it always says, to root
 * (CAP_NET_ADMIN), is when processes start and end: the proc connector
 * (linux/cn_proc.h). So:
 *   a process forks or execs into an audit session no one reported yet
 *     → LOGON at once (one read of /proc/PID/sessionid);
 *   a whole process exits while sessions are known → one scan of /proc,
 *     at most every EXIT_SETTLE_USEC (exits come in bursts), and every known
 *     session without a live process → LOGOFF; the scan also reports any
 *     session it finds that was missed (→ LOGON).
 * Without the proc connector (not root, or a kernel without
 * CONFIG_PROC_EVENTS) the only way left is to look: the same scan every
 * POLL_USEC (2 s), documented as the fallback (docs/providers.md).
 * Lock and connect changes have no kernel source: none are reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>


#include "session/audit.h"
#include "session/proc.h"
#include "session/session_events.h"

#define EXIT_SETTLE_USEC (UINT64_C(100) * 1000)
#define POLL_USEC (UINT64_C(2000) * 1000)

struct audit_sub {
    struct session_subscription base;
    struct session_provider *p;
    int proc_fd, nl_fd, timer_fd, epoll_fd;
    bool global_pids; /* the connector's pids are ours (proc_pids_are_global) */
    bool timer_armed; /* a settle scan is due (with the connector) */
    uint32_t *known;  /* the sessions reported as there */
    size_t n_known;
    struct session_event_queue queue;
};

static bool is_known(const struct audit_sub *s, uint32_t id) {
    for (size_t i = 0; i < s->n_known; i++)
        if (s->known[i] == id)
            return true;
    return false;
}

static int add_known(struct audit_sub *s, uint32_t id) {
    uint32_t *k = realloc(s->known, (s->n_known + 1) * sizeof(*k));

    if (!k)
        return -ENOMEM;
    s->known = k;
    s->known[s->n_known++] = id;
    return 0;
}

static void report(struct audit_sub *s, uint32_t code, uint32_t id) {
    char key[16];

    snprintf(key, sizeof(key), "%u", (unsigned) id);
    session_event_queue_push(&s->queue, code, id, key);
}

/* The scan: the sessions there now, against those reported. */
static int rescan(struct audit_sub *s, bool report_changes) {
    struct session_list l;
    uint32_t *now;
    size_t n = 0;
    int r = s->p->ops->list(s->p, &l);

    if (r < 0)
        return r;
    now = calloc(l.count ? l.count : 1, sizeof(*now));
    if (!now) {
        session_list_free(&l);
        return -ENOMEM;
    }
    for (size_t i = 0; i < l.count; i++)
        if (l.items[i].id != SESSION_ID_SERVICES && l.items[i].kind != SESSION_KIND_LISTENER)
            now[n++] = l.items[i].id;
    session_list_free(&l);
    for (size_t i = 0; report_changes && i < s->n_known; i++) {
        bool there = false;
        for (size_t j = 0; j < n && !there; j++)
            there = now[j] == s->known[i];
        if (!there)
            report(s, SESSION_EVENT_LOGOFF, s->known[i]);
    }
    for (size_t j = 0; report_changes && j < n; j++)
        if (!is_known(s, now[j]))
            report(s, SESSION_EVENT_LOGON, now[j]);
    free(s->known);
    s->known = now;
    s->n_known = n;
    return 0;
}

static int arm(struct audit_sub *s, uint64_t usec, bool periodic) {
    struct itimerspec its = {
        .it_value = {.tv_sec = (time_t) (usec / 1000000), .tv_nsec = (long) (usec % 1000000) * 1000},
    };

    if (periodic)
        its.it_interval = its.it_value;
    return timerfd_settime(s->timer_fd, 0, &its, NULL) < 0 ? -errno : 0;
}

/* Subscribes to the proc connector: 0, or why not (the fallback then polls). */
static int listen_proc_connector(struct audit_sub *s) {
    return proc_connector_open(NULL, &s->nl_fd);
}

/* What the connector said since the last read. */
static void drain_connector(struct audit_sub *s) {
    char buf[512];
    struct audit_proc_event ev;
    uint32_t sid;
    ssize_t n;

    while ((n = recv(s->nl_fd, buf, sizeof(buf), 0)) != 0) {
        if (n < 0) {
            if (errno == ENOBUFS && !s->timer_armed && arm(s, EXIT_SETTLE_USEC, false) >= 0)
                s->timer_armed = true; /* events were lost: a scan puts it right */
            if (errno == ENOBUFS || errno == EINTR)
                continue;
            return; /* EAGAIN: nothing more */
        }
        if (audit_parse_proc_event(buf, (size_t) n, &ev) < 0)
            continue;
        if (ev.kind == AUDIT_PROC_NEW && !s->global_pids) {
            /* In a PID namespace the event's pid is not ours to read: the scan finds the logon. */
            if (!s->timer_armed && arm(s, EXIT_SETTLE_USEC, false) >= 0)
                s->timer_armed = true;
        } else if (ev.kind == AUDIT_PROC_NEW && proc_read_u32(s->proc_fd, ev.pid, "sessionid", &sid) >= 0 &&
                   audit_id_is_addressable(sid) && !is_known(s, sid) && add_known(s, sid) >= 0)
            report(s, SESSION_EVENT_LOGON, sid);
        else if (ev.kind == AUDIT_PROC_EXIT && s->n_known && !s->timer_armed && arm(s, EXIT_SETTLE_USEC, false) >= 0)
            s->timer_armed = true;
    }
}

static int sub_fd(struct session_subscription *base) {
    return ((struct audit_sub *) base)->epoll_fd;
}

static int sub_read(struct session_subscription *base, struct session_event *ret) {
    struct audit_sub *s = (struct audit_sub *) base;
    uint64_t expirations;
    int r;

    if (session_event_queue_pop(&s->queue, ret))
        return 1;
    if (s->nl_fd >= 0)
        drain_connector(s);
    if (read(s->timer_fd, &expirations, sizeof(expirations)) == (ssize_t) sizeof(expirations)) {
        s->timer_armed = false;
        r = rescan(s, true);
        if (r < 0)
            return r;
    }
    return session_event_queue_pop(&s->queue, ret) ? 1 : 0;
}

static void sub_close(struct session_subscription *base) {
    struct audit_sub *s = (struct audit_sub *) base;

    if (s->nl_fd >= 0)
        close(s->nl_fd);
    if (s->timer_fd >= 0)
        close(s->timer_fd);
    if (s->epoll_fd >= 0)
        close(s->epoll_fd);
    if (s->proc_fd >= 0)
        close(s->proc_fd);
    free(s->known);
    free(s);
}

static const struct session_subscription_ops audit_sub_ops = {
    .fd = sub_fd,
    .read = sub_read,
    .close = sub_close,
};

int audit_subscribe(struct session_provider *p, struct session_subscription **ret) {
    struct audit_sub *s = calloc(1, sizeof(*s));
    int r;

    if (!s)
        return -ENOMEM;
    s->base.ops = &audit_sub_ops;
    s->p = p;
    s->nl_fd = -1;
    s->global_pids = proc_pids_are_global();
    s->proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    r = s->proc_fd < 0 || s->timer_fd < 0 || s->epoll_fd < 0 ? -errno : 0;
    /* Listening first, then the scan: a session that begins in between is
     * found by one or the other, and reported once. */
    if (r >= 0 && listen_proc_connector(s) < 0)
        r = arm(s, POLL_USEC, true); /* the fallback: look every POLL_USEC */
    if (r >= 0)
        r = rescan(s, false);
    if (r >= 0)
        r = session_events_watch_fd(s->epoll_fd, s->timer_fd);
    if (r >= 0 && s->nl_fd >= 0)
        r = session_events_watch_fd(s->epoll_fd, s->nl_fd);
    if (r < 0) {
        sub_close(&s->base);
        return r;
    }
    *ret = &s->base;
    return 0;
}
