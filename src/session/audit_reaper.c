/*
 * wtsnet-audit-reaper: the detached end of an asynchronous logoff by the
 * audit provider (WTSLogoffSession with bWait=FALSE, src/session/audit.c).
 *
 *   wtsnet-audit-reaper SID CALLER START_USEC GRACE_USEC DEADLINE_USEC
 *
 * The library has checked the permission and sent the first SIGTERMs; it
 * starts this program with posix_spawn (no fork in a library whose caller
 * may have threads), in a session of its own, with /dev/null for the
 * standard streams and, on descriptor 3, the set of processes already sent
 * SIGTERM. Here, single-threaded, one fork detaches the reaper: the
 * library reaps the short-lived parent at once, and the reaper outlives
 * the caller. It runs audit_kill_finish (grace, SIGKILL, rescan) and never
 * signals CALLER (which may be in the session it ends) or itself.
 * START_USEC is CLOCK_MONOTONIC, the same clock in every process.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/parse_int.h"
#include "session/audit.h"

#define TERMED_FD 3

/* A decimal argument the library wrote with %PRIu64: digits only, leading
 * zeros allowed, at most max. */
static int arg_u64(const char *s, uint64_t max, uint64_t *ret) {
    return parse_uint(s, 10, max, PARSE_INT_LEADING_ZEROS, ret);
}

int main(int argc, char **argv) {
    uint64_t sid, caller, start, grace, deadline;
    struct logoff_policy policy;
    struct audit_kill k;
    pid_t child;
    int r;

    if (argc != 6 || arg_u64(argv[1], UINT32_MAX, &sid) < 0 || arg_u64(argv[2], INT32_MAX, &caller) < 0 ||
        caller == 0 || arg_u64(argv[3], UINT64_MAX, &start) < 0 || arg_u64(argv[4], UINT64_MAX, &grace) < 0 ||
        arg_u64(argv[5], UINT64_MAX, &deadline) < 0)
        return 2;
    if (audit_kill_init(&k, (uint32_t) sid, (pid_t) caller) < 0)
        return 1;
    r = audit_kill_import_termed(&k, TERMED_FD);
    close(TERMED_FD);
    if (r < 0)
        return 1;
    child = fork(); /* a program of our own, one thread: detaching is safe here */
    if (child != 0)
        _exit(child < 0 ? 1 : 0);
    k.spare[1] = getpid();
    policy = (struct logoff_policy){.grace_usec = grace, .deadline_usec = deadline};
    r = audit_kill_finish(&k, start, &policy);
    audit_kill_done(&k);
    return r == 0 ? 0 : 1;
}
