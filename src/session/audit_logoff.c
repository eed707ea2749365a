/*
 * Logging off an audit session through the race-free engine (audit_kill.c):
 * waited for here, or finished by a detached reaper.
 */
#include "session/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/errors.h"
#include "common/wintime.h"

/*
 * The detached reaper of an asynchronous logoff: it runs audit_kill_finish
 * (grace, SIGKILL, rescan) after the caller has returned. A double fork, so
 * that the caller has no child to reap and the reaper outlives it; the
 * reaper calls only async-signal-safe functions (the caller may have other
 * threads, whose locks a forked child must not touch): the engine was built
 * for this.
 */
static int spawn_reaper(struct audit_kill *k, uint64_t start_usec, const struct logoff_policy *policy) {
    pid_t caller = getpid(), child;
    int status;

    child = fork();
    if (child < 0)
        return -errno;
    if (child == 0) {
        pid_t reaper = fork();

        if (reaper != 0)
            _exit(reaper < 0 ? 1 : 0);
        (void) setsid(); /* no controlling tty: the session's hangup is not ours */
        (void) chdir("/");
        close_range(3, ~0u, 0); /* nothing of the caller's stays open */
        k->pins_n = 0;
        k->proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        k->spare[0] = caller;
        k->spare[1] = getpid();
        _exit(k->proc_fd >= 0 && audit_kill_finish(k, start_usec, policy) == 0 ? 0 : 1);
    }
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    return 0;
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

