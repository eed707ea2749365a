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
 * A session grows only by fork() from a member, so passes over /proc with
 * SIGTERM (each process once), a grace period, then SIGKILL, repeated until
 * two passes in a row find no member, end even a session that forks all
 * the time: a process with SIGKILL pending never returns to user space to
 * fork again. Two empty passes, because a pid wrap during one pass could
 * hide a fresh child behind the directory cursor.
 *
 * Once the workspace exists nothing here allocates, locks or uses stdio:
 * only system calls and the allocation-free parsers, so the same code runs
 * in the forked reaper that finishes an asynchronous logoff (audit.c).
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
#include <unistd.h>

#include "common/wintime.h"

#define DENTS_SIZE 32768
#define PINS_CAP 256    /* pidfds waited on at once; more are found again by the next pass */
#define TERMED_CAP 8192 /* processes remembered as having had SIGTERM; a power of two */

static int pidfd_open_(pid_t pid) {
    return (int) syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_send_signal_(int fd, int sig) {
    return (int) syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
}

/* "<pid>/<leaf>" without snprintf (not async-signal-safe). */
static void pid_path(char *buf, size_t size, pid_t pid, const char *leaf) {
    char digits[12];
    size_t n = 0, at = 0;
    uint32_t v = (uint32_t) pid;

    do {
        digits[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v && n < sizeof(digits));
    while (n > 0 && at + 1 < size)
        buf[at++] = digits[--n];
    if (at + 1 < size)
        buf[at++] = '/';
    for (; *leaf && at + 1 < size; leaf++)
        buf[at++] = *leaf;
    buf[at] = '\0';
}

ssize_t audit_proc_read(int proc_fd, pid_t pid, const char *leaf, char *buf, size_t size) {
    char path[64];
    ssize_t n;
    int fd;

    pid_path(path, sizeof(path), pid, leaf);
    fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    do
        n = read(fd, buf, size);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        n = -errno;
    close(fd);
    return n;
}

int audit_proc_read_u32(int proc_fd, pid_t pid, const char *leaf, uint32_t *ret) {
    char buf[16];
    ssize_t n = audit_proc_read(proc_fd, pid, leaf, buf, sizeof(buf));

    if (n < 0)
        return (int) n;
    return audit_parse_u32(buf, (size_t) n, ret);
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

int audit_proc_each(int proc_fd, char *dents, size_t dents_size, int (*fn)(pid_t pid, void *userdata),
                    void *userdata) {
    if (lseek(proc_fd, 0, SEEK_SET) < 0)
        return -errno;
    for (;;) {
        ssize_t n = getdents64(proc_fd, dents, dents_size);

        if (n < 0)
            return -errno;
        if (n == 0)
            return 0;
        for (ssize_t at = 0; at < n;) {
            struct dirent64 *d = (struct dirent64 *) (dents + at);
            pid_t pid;
            int r;

            if (d->d_reclen == 0 || d->d_reclen > n - at)
                return -EIO;
            at += d->d_reclen;
            if (pid_from_name(d->d_name, &pid) < 0)
                continue;
            r = fn(pid, userdata);
            if (r != 0)
                return r < 0 ? r : 0;
        }
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

/* Calls fn for every process in /proc but the spared, until fn returns
 * non-zero. /proc lists thread-group leaders only: one entry a process. */
static int for_each_pid(struct audit_kill *k, int (*fn)(struct audit_kill *, pid_t, void *), void *userdata) {
    struct each_member e = {k, fn, userdata};

    return audit_proc_each(k->proc_fd, k->dents, k->dents_size, each_unspared, &e);
}

struct scan_out {
    pid_t *pids;
    size_t cap, n;
};

static int scan_one(struct audit_kill *k, pid_t pid, void *userdata) {
    struct scan_out *o = userdata;
    uint32_t sid;

    if (audit_proc_read_u32(k->proc_fd, pid, "sessionid", &sid) < 0 || sid != k->sid)
        return 0;
    o->pids[o->n++] = pid;
    return o->n == o->cap ? 1 : 0;
}

int audit_kill_scan(struct audit_kill *k, pid_t *pids, size_t cap, size_t *ret_n) {
    struct scan_out o = {pids, cap, 0};
    int r;

    if (cap == 0)
        return -EINVAL;
    r = for_each_pid(k, scan_one, &o);
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
    struct audit_proc_stat st;
    char buf[1024];
    uint32_t sid;
    ssize_t n;
    int fd;

    fd = pidfd_open_(pid);
    if (fd < 0)
        return errno == ESRCH ? 0 : -errno;
    /* Read after pinning; the liveness check after the reads proves they
     * were of the pinned process (a pid is not reused before its process
     * is reaped, and a process that has exited is readable on its pidfd). */
    if (audit_proc_read_u32(k->proc_fd, pid, "sessionid", &sid) < 0 || sid != k->sid)
        goto not_member;
    n = audit_proc_read(k->proc_fd, pid, "stat", buf, sizeof(buf));
    if (n < 0 || audit_parse_stat(buf, (size_t) n, &st) < 0)
        goto not_member;
    if (has_exited(fd))
        goto not_member;
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

/* Open addressing on (pid, start time): each process gets SIGTERM once,
 * since some programs read a second SIGTERM as "quit now, skip cleanup". */
static bool termed_test_and_set(struct audit_kill *k, pid_t pid, uint64_t start) {
    size_t mask = k->termed_cap - 1;
    size_t i = ((size_t) (uint32_t) pid * 2654435761u) & mask;

    for (size_t probes = 0; probes < k->termed_cap; probes++, i = (i + 1) & mask) {
        struct audit_ident *e = &k->termed[i];

        if (e->pid == pid && e->start_ticks == start)
            return true;
        if (e->pid == 0) {
            *e = (struct audit_ident){pid, start};
            return false;
        }
    }
    return false; /* full: signal again rather than miss a process */
}

static int pass_one(struct audit_kill *k, pid_t pid, void *userdata) {
    int sig = *(const int *) userdata;
    uint64_t start = 0;
    uint32_t sid;
    int fd = -1, r;

    if (audit_proc_read_u32(k->proc_fd, pid, "sessionid", &sid) < 0 || sid != k->sid)
        return 0;
    r = audit_kill_pin(k, pid, &fd, &start);
    if (r == -EMFILE || r == -ENFILE) {
        k->unpinned++; /* a member we could not pin, so not signal: not "none left" */
        return 0;
    }
    if (r <= 0)
        return r < 0 ? r : 0;
    k->found++;
    if (sig != 0 && !(sig == SIGTERM && termed_test_and_set(k, pid, start))) {
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
    return for_each_pid(k, pass_one, &sig);
}

int audit_kill_owner(struct audit_kill *k, uint32_t *ret_uid) {
    for (size_t i = 0; i < k->pins_n; i++) {
        uint32_t uid;

        if (audit_proc_read_u32(k->proc_fd, k->pins[i].pid, "loginuid", &uid) < 0 || has_exited(k->pins[i].fd))
            continue;
        *ret_uid = uid;
        return 0;
    }
    return -ESRCH;
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
