/*
 * Logging off a kernel audit session without races.
 *
 * A pid is only a name, and names are recycled: between reading
 * /proc/PID/sessionid and kill(PID) the member may exit and an unrelated
 * process may get its pid. So every member is pinned with pidfd_open(2),
 * and only then checked: the process the pidfd refers to is still running
 * (poll on the pidfd is not readable) *after* its sessionid and stat were
 * read, so those reads were of that very process. Signals then go through
 * pidfd_send_signal(2), which reaches the pinned process or nobody.
 *
 * A session grows only by fork() from a live member, so passes over /proc
 * with SIGTERM (each process once), a grace period, then SIGKILL, repeated
 * until passes find no member, end even a session that forks all the time:
 * a process with SIGKILL pending never returns to user space to fork again.
 *
 * When may a pass conclude "no member"? Listing /proc is not atomic, and a
 * session may be one process that forks its successor and exits, thousands
 * of times a second: by the time the listing gets to a member it may be
 * gone, its child born at a pid the listing has passed (pids are handed
 * out in order, but wrap at pid_max; and a fork makes its child visible
 * only at its very end, maybe after a later pid). So after the listing a
 * pass keeps listing the pids handed out since it began (the pid
 * namespace's ns_last_pid says which; without it, those near the top),
 * until none new has come for QUIET_USEC, far longer than the end of a
 * fork takes. Every process born during the pass is then looked at, and a
 * member alive at the end was seen alive: a pass that finds no live member
 * proves the session empty, and nothing can join an empty session. Two
 * such passes in a row are required all the same, against a pid counter
 * that wraps all the way round during one pass.
 *
 * Once the workspace exists nothing here allocates, locks or uses stdio:
 * only system calls and the allocation-free parsers, so the same code runs
 * in the detached reaper that finishes an asynchronous logoff (audit_reaper.c).
 */
#include "session/audit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/wintime.h"

/* Small getdents batches: the newest pids are listed just before they are
 * looked at, which matters for a session that forks and exits at speed
 * (the listing is a snapshot, see above). */
#define DENTS_SIZE 2048
#define PINS_CAP 256    /* pidfds waited on at once; more are found again by the next pass */
#define TERMED_CAP 8192 /* processes remembered as having had SIGTERM; a power of two */
/* Looking for late arrivals after a listing: until nothing new has come for
 * QUIET_USEC, for LATE_MAX_USEC at most, and LATE_CAP / 2 new processes at
 * most (else the pass proves nothing). */
#define LATE_CAP 4096
#define QUIET_USEC 1000
#define LATE_MAX_USEC (200 * 1000)

static int pidfd_open_(pid_t pid) {
    return (int) syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_send_signal_(int fd, int sig) {
    return (int) syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
}

int audit_kill_init(struct audit_kill *k, uint32_t sid, pid_t spare) {
    *k = (struct audit_kill){.sid = sid, .spare = {spare, 0}, .proc_fd = -1};
    k->proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (k->proc_fd < 0)
        return -errno;
    k->dents_size = DENTS_SIZE;
    k->dents = malloc(k->dents_size);
    k->pins_cap = PINS_CAP;
    k->pins = calloc(k->pins_cap, sizeof(*k->pins));
    k->pollfds = calloc(k->pins_cap, sizeof(*k->pollfds));
    k->termed_cap = TERMED_CAP;
    k->termed = calloc(k->termed_cap, sizeof(*k->termed));
    if (!k->dents || !k->pins || !k->pollfds || !k->termed) {
        audit_kill_done(k);
        return -ENOMEM;
    }
    return 0;
}

void audit_kill_unpin(struct audit_kill *k) {
    for (size_t i = 0; i < k->pins_n; i++)
        close(k->pins[i].fd);
    k->pins_n = 0;
}

void audit_kill_done(struct audit_kill *k) {
    if (!k)
        return;
    if (k->pins)
        audit_kill_unpin(k);
    if (k->proc_fd >= 0)
        close(k->proc_fd);
    free(k->dents);
    free(k->pins);
    free(k->pollfds);
    free(k->termed);
    *k = (struct audit_kill){.proc_fd = -1};
}

static bool is_spared(const struct audit_kill *k, pid_t pid) {
    return pid == k->spare[0] || pid == k->spare[1];
}

static int pid_from_name(const char *name, pid_t *ret) {
    uint32_t v;

    if (name[0] < '1' || name[0] > '9' || audit_parse_u32(name, strnlen(name, 12), &v) < 0 || v > INT32_MAX)
        return -EINVAL;
    *ret = (pid_t) v;
    return 0;
}

static int read_last_pid(int proc_fd, uint32_t *ret) {
    char buf[16];
    ssize_t n = read_small_file_at(proc_fd, "sys/kernel/ns_last_pid", 0, buf, sizeof(buf));

    return n > 0 ? audit_parse_u32(buf, (size_t) n, ret) : n < 0 ? (int) n : -EIO;
}

/* The pids a look for late arrivals considers, (from, to] with wrap, and
 * the ones it has handled already (open addressing, 0 = free). */
struct late {
    uint32_t from, to;
    pid_t seen[LATE_CAP];
    size_t seen_n;
    bool any;
};

static bool late_in_range(const struct late *l, pid_t pid) {
    uint32_t p = (uint32_t) pid;

    if (l->from <= l->to)
        return p > l->from && p <= l->to;
    return p > l->from || p <= l->to; /* the pid counter wrapped */
}

/* 1 when pid was new to the set (now added), 0 when seen, -ENOSPC when full. */
static int late_add(struct late *l, pid_t pid) {
    size_t i = ((size_t) (uint32_t) pid * 2654435761u) % LATE_CAP;

    for (size_t probes = 0; probes < LATE_CAP; probes++, i = (i + 1) % LATE_CAP) {
        if (l->seen[i] == pid)
            return 0;
        if (l->seen[i] == 0) {
            if (l->seen_n + 1 >= LATE_CAP / 2)
                return -ENOSPC;
            l->seen[i] = pid;
            l->seen_n++;
            return 1;
        }
    }
    return -ENOSPC;
}

/* One listing of /proc. Without late, every entry goes to fn; with it,
 * only those in its range not handled yet. *ret_top: the highest pid. */
static int list_all(int proc_fd, char *dents, size_t dents_size, struct late *l, pid_t *ret_top,
                    int (*fn)(pid_t pid, void *userdata), void *userdata) {
    if (lseek(proc_fd, 0, SEEK_SET) < 0)
        return -errno;
    for (;;) {
        ssize_t n = getdents64(proc_fd, dents, dents_size);

        if (n < 0)
            return -errno;
        if (n == 0)
            return 0;
        for (ssize_t at = 0; at < n;) {
            const struct dirent64 *d = (const struct dirent64 *) (dents + at);
            pid_t pid;
            int r;

            if (d->d_reclen < offsetof(struct dirent64, d_name) + 1 || d->d_reclen > n - at)
                return -EIO;
            at += d->d_reclen;
            if (pid_from_name(d->d_name, &pid) < 0)
                continue;
            if (pid > *ret_top)
                *ret_top = pid;
            if (l) {
                if (!late_in_range(l, pid))
                    continue;
                r = late_add(l, pid);
                if (r < 0)
                    return r;
                if (r == 0)
                    continue;
                l->any = true;
            }
            r = fn(pid, userdata);
            if (r != 0)
                return r;
        }
    }
}

int audit_proc_each(int proc_fd, char *dents, size_t dents_size, int (*fn)(pid_t pid, void *userdata),
                    bool (*again)(void *userdata), void *userdata) {
    struct timespec pause = {0, 100 * 1000};
    struct late late;
    uint32_t last_pid = 0;
    bool by_last_pid;
    uint64_t began, quiet_since;
    pid_t top = 0;
    int r;

    by_last_pid = again && read_last_pid(proc_fd, &last_pid) == 0;
    r = list_all(proc_fd, dents, dents_size, NULL, &top, fn, userdata);
    if (r != 0 || !again)
        return r < 0 ? r : 0;

    /* Then the late arrivals (see the top of this file): the pids handed
     * out since the listing began, per the namespace's last pid; without
     * that counter, those near the top of the listing. */
    late.seen_n = 0;
    memset(late.seen, 0, sizeof(late.seen));
    late.from = by_last_pid ? last_pid : (top > LATE_CAP / 4 ? (uint32_t) top - LATE_CAP / 4 : 0);
    late.to = UINT32_MAX;
    began = quiet_since = now_monotonic_usec();
    for (;;) {
        uint64_t now = now_monotonic_usec();

        if (!again(userdata) || now - quiet_since >= QUIET_USEC)
            return 0;
        if (now - began >= LATE_MAX_USEC)
            return -EAGAIN; /* new processes kept coming: nothing proven */
        nanosleep(&pause, NULL);
        if (by_last_pid && read_last_pid(proc_fd, &late.to) < 0)
            return -EAGAIN;
        late.any = false;
        r = list_all(proc_fd, dents, dents_size, &late, &top, fn, userdata);
        if (r == -ENOSPC)
            return -EAGAIN; /* too many new processes to tell them apart */
        if (r != 0)
            return r < 0 ? r : 0;
        if (late.any)
            quiet_since = now_monotonic_usec();
    }
}

struct each_member {
    struct audit_kill *k;
    int (*fn)(struct audit_kill *, pid_t, void *);
    void *userdata;
};

static int each_unspared(pid_t pid, void *userdata) {
    struct each_member *e = userdata;

    return is_spared(e->k, pid) ? 0 : e->fn(e->k, pid, e->userdata);
}

static bool none_found_yet(void *userdata) {
    const struct each_member *e = userdata;

    return e->k->found == 0;
}

/* Calls fn for every process in /proc but the spared, until fn returns
 * non-zero; then, as long as no live member was found, for pids created
 * since, until there are none (that proves a pass empty). /proc lists
 * thread-group leaders only: one entry a process. */
static int for_each_pid(struct audit_kill *k, int (*fn)(struct audit_kill *, pid_t, void *), void *userdata,
                        bool exact) {
    struct each_member e = {k, fn, userdata};
    int r = audit_proc_each(k->proc_fd, k->dents, k->dents_size, each_unspared, exact ? none_found_yet : NULL, &e);

    if (r == -EAGAIN) {
        k->unpinned++; /* not proven empty; the next pass tries again */
        r = 0;
    }
    return r;
}

struct scan_out {
    pid_t *pids;
    size_t cap, n;
};

static int scan_one(struct audit_kill *k, pid_t pid, void *userdata) {
    struct scan_out *o = userdata;
    uint32_t sid;

    if (proc_read_u32(k->proc_fd, pid, "sessionid", &sid) < 0 || sid != k->sid)
        return 0;
    o->pids[o->n++] = pid;
    return o->n == o->cap ? 1 : 0;
}

int audit_kill_scan(struct audit_kill *k, pid_t *pids, size_t cap, size_t *ret_n) {
    struct scan_out o = {pids, cap, 0};
    int r;

    if (cap == 0)
        return -EINVAL;
    r = for_each_pid(k, scan_one, &o, false);
    if (r < 0)
        return r;
    *ret_n = o.n;
    return 0;
}

static bool has_exited(int pidfd) {
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    int r;

    do
        r = poll(&p, 1, 0);
    while (r < 0 && errno == EINTR);
    return r != 0; /* readable: the process has exited; an error: treat as gone */
}

int audit_kill_pin(struct audit_kill *k, pid_t pid, int *ret_fd, uint64_t *ret_start_ticks) {
    struct proc_stat st;
    char buf[1024];
    uint32_t sid, owner = 0;
    ssize_t n;
    int fd;

    fd = pidfd_open_(pid);
    if (fd < 0)
        return errno == ESRCH ? 0 : -errno;
    /* Read after pinning; the liveness check after the reads proves they
     * were of the pinned process (a pid is not reused before its process
     * is reaped, and a process that has exited is readable on its pidfd). */
    if (proc_read_u32(k->proc_fd, pid, "sessionid", &sid) < 0 || sid != k->sid)
        goto not_member;
    n = proc_read(k->proc_fd, pid, "stat", buf, sizeof(buf));
    if (n < 0 || proc_parse_stat(buf, (size_t) n, &st) < 0)
        goto not_member;
    if (!k->owner_known && proc_read_u32(k->proc_fd, pid, "loginuid", &owner) < 0)
        goto not_member;
    if (has_exited(fd))
        goto not_member;
    if (!k->owner_known) {
        k->owner = owner; /* read while it ran: it is this member's */
        k->owner_known = true;
    }
    *ret_fd = fd;
    if (ret_start_ticks)
        *ret_start_ticks = st.start_ticks;
    return 1;
not_member:
    close(fd);
    return 0;
}

int audit_kill_signal(int pidfd, int sig) {
    if (pidfd_send_signal_(pidfd, sig) == 0)
        return 1;
    if (errno == ESRCH)
        return 0;
    return -errno;
}

/* Open addressing on (pid, start time). 1 when it was there already, 0 when
 * added, -ENOSPC when the table is full. */
static int ident_test_and_set(struct audit_ident *table, size_t cap, pid_t pid, uint64_t start) {
    size_t mask = cap - 1;
    size_t i = ((size_t) (uint32_t) pid * 2654435761u) & mask;

    for (size_t probes = 0; probes < cap; probes++, i = (i + 1) & mask) {
        struct audit_ident *e = &table[i];

        if (e->pid == pid && e->start_ticks == start)
            return 1;
        if (e->pid == 0) {
            *e = (struct audit_ident){pid, start};
            return 0;
        }
    }
    return -ENOSPC;
}

static int pass_one(struct audit_kill *k, pid_t pid, void *userdata) {
    int sig = *(const int *) userdata;
    uint64_t start = 0;
    uint32_t sid;
    int fd = -1, r;

    if (proc_read_u32(k->proc_fd, pid, "sessionid", &sid) < 0 || sid != k->sid)
        return 0;
    r = audit_kill_pin(k, pid, &fd, &start);
    if (r == -EMFILE || r == -ENFILE) {
        k->unpinned++; /* a member we could not pin, so not signal: not "none left" */
        return 0;
    }
    if (r <= 0)
        return r; /* gone, foreign, or an error */
    k->found++;
    /* SIGTERM once per process: some programs read a second one as "quit
     * now, skip the cleanup". A full table means signalling again. */
    if (sig != 0 && !(sig == SIGTERM && ident_test_and_set(k->termed, k->termed_cap, pid, start) == 1)) {
        r = audit_kill_signal(fd, sig);
        if (r == 0) { /* exited since it was pinned */
            k->found--;
            close(fd);
            return 0;
        }
        if (r == -EPERM)
            k->refused++;
        else if (r < 0) {
            close(fd);
            return r;
        } else
            k->signalled++;
    }
    if (k->pins_n < k->pins_cap)
        k->pins[k->pins_n++] = (struct audit_pin){pid, fd};
    else
        close(fd);
    return 0;
}

int audit_kill_pass(struct audit_kill *k, int sig) {
    audit_kill_unpin(k);
    k->found = k->refused = k->signalled = k->unpinned = 0;
    return for_each_pid(k, pass_one, &sig, true);
}

int audit_kill_owner(struct audit_kill *k, uint32_t *ret_uid) {
    if (!k->owner_known)
        return -ESRCH;
    *ret_uid = k->owner;
    return 0;
}

int audit_kill_wait(struct audit_kill *k, uint64_t until_usec) {
    while (k->pins_n > 0) {
        uint64_t now = now_monotonic_usec(), left_ms;
        int r;

        if (now >= until_usec)
            return 0;
        left_ms = (until_usec - now + 999) / 1000;
        for (size_t i = 0; i < k->pins_n; i++)
            k->pollfds[i] = (struct pollfd){.fd = k->pins[i].fd, .events = POLLIN};
        r = poll(k->pollfds, k->pins_n, left_ms > INT32_MAX ? INT32_MAX : (int) left_ms);
        if (r < 0 && errno == EINTR)
            continue; /* a signal to the caller does not end the wait */
        if (r < 0)
            return -errno;
        /* Drop the exited from the end so indices stay valid. */
        for (size_t i = k->pins_n; i > 0; i--)
            if (k->pollfds[i - 1].revents) {
                close(k->pins[i - 1].fd);
                k->pins[i - 1] = k->pins[--k->pins_n];
            }
    }
    return 0;
}

int audit_kill_finish(struct audit_kill *k, uint64_t start_usec, const struct logoff_policy *policy) {
    uint64_t grace_at = start_usec + policy->grace_usec;
    uint64_t deadline_at = start_usec + policy->deadline_usec;
    int empty_passes = 0;

    for (;;) {
        uint64_t now = now_monotonic_usec();
        int r;

        r = audit_kill_wait(k, now < grace_at ? grace_at : deadline_at);
        if (r < 0)
            return r;
        now = now_monotonic_usec();
        r = audit_kill_pass(k, now >= grace_at ? SIGKILL : SIGTERM);
        if (r < 0)
            return r;
        if (k->found == 0 && k->unpinned == 0) {
            if (++empty_passes == 2)
                return 0;
            continue;
        }
        empty_passes = 0;
        if (now >= deadline_at)
            return k->found > 0 && k->refused == k->found ? -EACCES : -ETIMEDOUT;
    }
}
