/*
 * The processes of this host, read from /proc for the local providers
 * (logind, audit): which session each is in comes from the provider's own
 * pid_session op, so a process is in the same session here as in every
 * other answer of that provider. Input from /proc is hostile (a process
 * names itself): it goes through proc_parse_stat and proc_parse_status_peaks.
 * Also the idle time of a session of this host (its terminal's access time).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/errors.h"
#include "session/proc.h"
#include "session/provider.h"

void session_process_list_free(struct session_process_list *l) {
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

int session_process_list_add(struct session_process_list *l, const struct session_process *pr) {
    struct session_process *grown;

    /* Grows by doubling: the count is a power of two whenever it is full. */
    if ((l->count & (l->count - 1)) == 0) {
        size_t n = l->count ? l->count * 2 : 64;

        grown = realloc(l->items, n * sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        l->items = grown;
    }
    l->items[l->count++] = *pr;
    return 0;
}

static int fd_walk_count(int dirfd, const char *name, const char *target, void *userdata) {
    (void) dirfd, (void) name, (void) target;
    (*(uint32_t *) userdata)++;
    return 0;
}

/* The counters of one process; false when it is gone (or unreadable). */
static bool read_process(int proc_fd, pid_t pid, struct session_process *ret) {
    struct proc_stat st;
    struct proc_status_peaks pk = {0};
    char buf[2048];
    ssize_t n;
    long page = sysconf(_SC_PAGESIZE), hz = sysconf(_SC_CLK_TCK);

    if (proc_read_stat(proc_fd, pid, &st) < 0)
        return false;
    n = proc_read(proc_fd, pid, "status", buf, sizeof(buf));
    if (n > 0)
        (void) proc_parse_status_peaks(buf, (size_t) n, &pk); /* malformed: peaks stay 0 */
    memset(ret, 0, sizeof(*ret));
    ret->pid = pid;
    memcpy(ret->name, st.comm, sizeof(st.comm));
    ret->has_uid = proc_owner_uid(proc_fd, pid, &ret->uid) >= 0;
    ret->has_stats = true;
    ret->threads = st.num_threads;
    if (page <= 0)
        page = 4096;
    if (hz <= 0)
        hz = 100;
    ret->vm_bytes = st.vsize_bytes;
    ret->rss_bytes = st.rss_pages * (uint64_t) page;
    ret->vm_peak_bytes = pk.vm_peak_bytes > ret->vm_bytes ? pk.vm_peak_bytes : ret->vm_bytes;
    ret->rss_peak_bytes = pk.vm_hwm_bytes > ret->rss_bytes ? pk.vm_hwm_bytes : ret->rss_bytes;
    ret->user_100ns = st.utime_ticks * (10000000u / (uint64_t) hz);
    ret->kernel_100ns = st.stime_ticks * (10000000u / (uint64_t) hz);
    /* Descriptors, Windows' handle count: only where the caller may look. */
    (void) proc_fd_each(proc_fd, pid, fd_walk_count, &ret->handles);
    return true;
}

int session_processes_local(struct session_provider *p, int proc_fd, uint32_t session,
                            struct session_process_list *ret) {
    struct session_process_list l = {0};
    pid_t *pids = NULL;
    size_t n = 0;
    int r;

    if (!p->ops->pid_session)
        return -EOPNOTSUPP;
    r = proc_pids(proc_fd, &pids, &n);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        struct session_process pr;
        uint32_t id;

        r = p->ops->pid_session(p, pids[i], &id);
        if (r == -E_NO_SESSION)
            id = SESSION_ID_SERVICES;
        else if (r < 0)
            continue; /* gone, or not ours to read */
        if (session != SESSION_ID_ANY && id != session)
            continue;
        if (!read_process(proc_fd, pids[i], &pr))
            continue; /* it ended meanwhile */
        pr.session = id;
        r = session_process_list_add(&l, &pr);
        if (r < 0) {
            free(pids);
            session_process_list_free(&l);
            return r;
        }
    }
    free(pids);
    *ret = l;
    return 0;
}

int session_terminate_local(pid_t pid) {
    int fd, r = 0;

    if (pid <= 0)
        return -ESRCH;
    fd = (int) syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0)
        return errno == EINVAL ? -ESRCH : -errno;
    /* Pinned: the signal reaches this process or none, never a reused pid. */
    if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0)
        r = -errno;
    close(fd);
    return r;
}

/* A terminal line as a session names it ("pts/3", "tty1"): letters, digits
 * and at most one '/' between names, so "/dev/" + line is a device, never
 * a path elsewhere. */
static bool tty_line_ok(const char *line) {
    size_t n = strlen(line), slashes = 0;

    if (n == 0 || n > 32 || line[0] == '/' || line[n - 1] == '/')
        return false;
    for (const char *c = line; *c; c++) {
        if (*c == '/') {
            if (++slashes > 1)
                return false;
        } else if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            return false;
    }
    return true;
}

int session_idle_local(struct session_provider *p, const struct session_record *r, uint64_t now_usec,
                       uint64_t *ret) {
    char path[48];
    struct stat st;
    uint64_t atime;

    (void) p;
    /* A terminal's last input is its access time, as who(1), w(1) and
     * Windows' quser read it. */
    if (r->tty[0] && tty_line_ok(r->tty)) {
        snprintf(path, sizeof(path), "/dev/%s", r->tty);
        if (stat(path, &st) == 0 && S_ISCHR(st.st_mode)) {
            atime = (uint64_t) st.st_atim.tv_sec * 1000000u + (uint64_t) st.st_atim.tv_nsec / 1000u;
            *ret = now_usec > atime ? now_usec - atime : 0;
            return 0;
        }
    }
    return session_idle_from_hint(r, now_usec, ret);
}

int session_idle_from_hint(const struct session_record *r, uint64_t now_usec, uint64_t *ret) {
    if (!r->has_times)
        return -EOPNOTSUPP;
    if (!r->idle) {
        *ret = 0;
        return 0;
    }
    if (!r->idle_since_usec)
        return -EOPNOTSUPP;
    *ret = now_usec > r->idle_since_usec ? now_usec - r->idle_since_usec : 0;
    return 0;
}
