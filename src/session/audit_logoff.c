/*
 * Logging off an audit session through the race-free engine (audit_kill.c):
 * waited for here, or finished by a detached reaper.
 */
#include "session/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/errors.h"
#include "common/wintime.h"

/* Whole-buffer I/O for the termed table; EINTR and short counts retried. */
static int io_all(int fd, void *buf, size_t len, bool writing) {
    char *p = buf;

    while (len > 0) {
        ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EPIPE;
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

int audit_kill_export_termed(const struct audit_kill *k, int fd) {
    uint64_t cap = k->termed_cap;
    int r = io_all(fd, &cap, sizeof(cap), true);

    return r < 0 ? r : io_all(fd, k->termed, k->termed_cap * sizeof(*k->termed), true);
}

int audit_kill_import_termed(struct audit_kill *k, int fd) {
    uint64_t cap;
    int r = io_all(fd, &cap, sizeof(cap), false);

    if (r < 0)
        return r;
    if (cap != k->termed_cap)
        return -EBADMSG; /* not from this build */
    return io_all(fd, k->termed, k->termed_cap * sizeof(*k->termed), false);
}

/*
 * The detached reaper of an asynchronous logoff: it runs audit_kill_finish
 * (grace, SIGKILL, rescan) after the caller has returned. No fork here (the
 * caller may have threads, whose locks a forked child must not touch):
 * posix_spawn runs wtsnet-audit-reaper (src/session/audit_reaper.c) with
 * argv only, /dev/null for its standard streams, a session of its own, "/"
 * as its directory and no descriptor of the caller's but a memfd holding
 * who already had SIGTERM (descriptor 3). It detaches itself with one fork
 * of its own; its first process exits at once and is reaped here.
 */
static int spawn_reaper(struct audit_kill *k, uint64_t start_usec, const struct logoff_policy *policy) {
    char path[PROC_HELPER_PATH_MAX], sid[16], caller[16], start[24], grace[24], deadline[24];
    char *argv[] = {(char *) AUDIT_REAPER_NAME, sid, caller, start, grace, deadline, NULL};
    char *envp[] = {NULL};
    posix_spawn_file_actions_t actions;
    pid_t pid;
    int memfd, fd, pidfd, r;

    r = proc_helper_path(AUDIT_REAPER_NAME, path);
    if (r < 0)
        return r;
    memfd = memfd_create("wtsnet-termed", MFD_CLOEXEC);
    if (memfd < 0)
        return -errno;
    /* Above 3, so that the dup2 to 3 is a real one (which clears CLOEXEC). */
    fd = fcntl(memfd, F_DUPFD_CLOEXEC, 4);
    close(memfd);
    if (fd < 0)
        return -errno;
    r = audit_kill_export_termed(k, fd);
    if (r >= 0 && lseek(fd, 0, SEEK_SET) < 0)
        r = -errno;
    if (r < 0) {
        close(fd);
        return r;
    }
    snprintf(sid, sizeof(sid), "%" PRIu32, k->sid);
    snprintf(caller, sizeof(caller), "%ld", (long) k->spare[0]);
    snprintf(start, sizeof(start), "%" PRIu64, start_usec);
    snprintf(grace, sizeof(grace), "%" PRIu64, policy->grace_usec);
    snprintf(deadline, sizeof(deadline), "%" PRIu64, policy->deadline_usec);

    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fd, 3);
    posix_spawn_file_actions_addclosefrom_np(&actions, 4);
    posix_spawn_file_actions_addchdir_np(&actions, "/");
    /* A session of its own (proc_spawn): the ended session's hangup is not the reaper's. */
    r = proc_spawn(path, &actions, argv, envp, &pid);
    posix_spawn_file_actions_destroy(&actions);
    close(fd);
    if (r < 0)
        return r;
    /* Its first process only reads its arguments and forks: it exits at once.
     * Pinned before anything can reap it, waited for within a bound. */
    pidfd = pidfd_open(pid, 0);
    if (pidfd < 0)
        return 0; /* already reaped by the caller's own SIGCHLD handling */
    if (!proc_child_wait_exit(pidfd, 5000000)) {
        (void) pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        (void) proc_child_wait_exit(pidfd, 1000000);
        r = -ETIMEDOUT;
    }
    close(pidfd);
    return r;
}

/*
 * Logoff: the permission check comes before any signal. A non-root caller
 * may end only sessions whose loginuid is its own euid (logind's rule for
 * its own sessions); session 0 is never ended. The calling process itself
 * is spared when it is in the session it ends (it is the last member, and
 * ends when it exits), as is the reaper.
 */
int audit_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    struct audit_kill k;
    uint64_t start;
    uint32_t owner;
    int r;

    if (id == SESSION_ID_SERVICES)
        return -EACCES; /* session 0 holds the system's services: never ended */
    if (!audit_id_is_addressable(id))
        return -E_NO_SESSION;
    r = audit_kill_init(&k, id, getpid());
    if (r < 0)
        return r;

    /* Pin and count, no signal; the owner is read from a live member. */
    for (int tries = 0; tries < 3; tries++) {
        r = audit_kill_pass(&k, 0);
        if (r < 0 || k.found > 0 || k.unpinned == 0)
            break;
    }
    if (r >= 0 && k.found == 0)
        r = -E_NO_SESSION;
    if (r >= 0)
        r = audit_kill_owner(&k, &owner);
    if (r >= 0 && geteuid() != 0 && owner != (uint32_t) geteuid())
        r = -EACCES;
    if (r < 0)
        goto out;

    start = now_monotonic_usec();
    r = audit_kill_pass(&k, SIGTERM); /* the first signals */
    if (r < 0)
        goto out;
    if (!wait) {
        audit_kill_unpin(&k);
        r = spawn_reaper(&k, start, policy);
        goto out;
    }
    r = audit_kill_finish(&k, start, policy);
out:
    audit_kill_done(&k);
    audit_forget_cache(p); /* what we knew about that session is stale now */
    return r < 0 ? r : 0;
}

