/*
 * WTSLogoffSession against real ssh sessions, one scenario per run:
 *
 *   test-session-logoff wait ID            bWait=TRUE: when it returns, no process is left
 *   test-session-logoff nowait ID          bWait=FALSE on a session that ignores SIGTERM and
 *                                          SIGHUP: returns before the grace period, the session
 *                                          ends after it (WTSNET_LOGOFF_GRACE_MS)
 *   test-session-logoff denied ID SIGLOG   as a non-root user, another user's session:
 *                                          ERROR_ACCESS_DENIED and no process signalled
 *                                          (SIGLOG is the session's sigwatch log)
 *   test-session-logoff typo ID SIGLOG     as root: calls on handles from failed WTSOpenServer
 *                                          (malformed names) fail with ERROR_INVALID_PARAMETER
 *                                          and no process of session ID is signalled
 *   test-session-logoff eintr ID           bWait=TRUE while SIGALRM keeps interrupting the caller
 *   test-session-logoff forking ID COUNT   bWait=TRUE on a session whose process forks all the time
 *   test-session-logoff own-wait OUT       run inside an ssh session as its (non-root) user:
 *   test-session-logoff own-nowait OUT     ends WTS_CURRENT_SESSION; TAP goes to OUT, since the
 *                                          terminal goes away
 *   test-session-logoff end ID…            no TAP: ends what is left of the suite's sessions
 *
 * The session's processes are found the provider-neutral way: /proc/PID/sessionid
 * (logind names ssh sessions by that same audit id). Processes that have
 * exited but are not reaped yet (zombies) run no code and do not count.
 * Every mode holds for both providers but "nowait": its second case
 * expects the forced end after WTSNET_LOGOFF_GRACE_MS, which the audit
 * provider's reaper does, while after logind's TerminateSession systemd
 * forces it only after the scope's TimeoutStopSec.
 */
#include <wtsapi32.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define MAX_MEMBERS 4096

static DWORD target;
static const char *path_arg;
static bool own_wait;

static double now_s(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void sleep_s(double s) {
    struct timespec ts = {(time_t) s, (long) ((s - (double) (time_t) s) * 1e9)};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int read_text(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "re");
    size_t n;

    if (!f)
        return -1;
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
    return 0;
}

/* Live processes (not zombies) whose audit session is sid, but this one. */
static size_t members(DWORD sid, pid_t *pids, size_t cap) {
    DIR *d = opendir("/proc");
    struct dirent *e;
    size_t n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d))) {
        char path[64], buf[512], *paren;
        pid_t pid = (pid_t) atoi(e->d_name);

        if (pid <= 0 || pid == getpid())
            continue;
        snprintf(path, sizeof(path), "/proc/%d/sessionid", (int) pid);
        if (read_text(path, buf, sizeof(buf)) < 0 || strtoul(buf, NULL, 10) != sid)
            continue;
        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        if (read_text(path, buf, sizeof(buf)) < 0 || !(paren = strrchr(buf, ')')) || paren[2] == 'Z')
            continue;
        if (n < cap && pids)
            pids[n] = pid;
        n++;
    }
    closedir(d);
    return n;
}

/* Is the session there? A session whose only process keeps handing over to
 * a fresh child can look empty to one scan (the new pid behind the scan's
 * cursor, the old one exited): look a few times before saying no. */
static bool present(DWORD sid) {
    for (int i = 0; i < 20; i++) {
        if (members(sid, NULL, 0) > 0)
            return true;
        sleep_s(0.01);
    }
    return false;
}

static DWORD query_error(DWORD id) {
    LPWSTR buf = NULL;
    DWORD bytes;

    SetLastError(0xdeadbeef);
    if (WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, WTSUserName, &buf, &bytes)) {
        WTSFreeMemory(buf);
        return 0;
    }
    return GetLastError();
}

static double grace_s(void) {
    const char *v = getenv("WTSNET_LOGOFF_GRACE_MS");

    return v ? atof(v) / 1000.0 : 10.0;
}

/* --- wait --- */

static void logoff_with_wait_returns_true_with_no_member_left(void) {
    REQUIRE(present(target));
    SetLastError(0xdeadbeef);
    CHECK(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, target, TRUE));
    CHECK_EQ_U(members(target, NULL, 0), 0); /* at once: nothing to wait for any more */
}

static void the_ended_session_is_not_found(void) {
    CHECK_EQ_U(query_error(target), ERROR_CTX_WINSTATION_NOT_FOUND);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, target, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
}

/* --- nowait --- */

static double nowait_returned_at;

static void logoff_without_wait_returns_before_the_grace_period(void) {
    double t0;

    REQUIRE(present(target));
    t0 = now_s();
    CHECK(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, target, FALSE));
    nowait_returned_at = now_s();
    tap_diag("returned after %.3f s (grace %.3f s)", nowait_returned_at - t0, grace_s());
    CHECK(nowait_returned_at - t0 < grace_s() / 2);
    /* The session ignores SIGTERM: only the SIGKILL after the grace ends it. */
    CHECK(present(target));
}

static void the_session_ends_after_the_grace_period_without_the_caller(void) {
    double gone_at = 0;

    while (now_s() - nowait_returned_at < grace_s() + 15) {
        if (query_error(target) == ERROR_CTX_WINSTATION_NOT_FOUND) {
            gone_at = now_s();
            break;
        }
        sleep_s(0.05);
    }
    REQUIRE(gone_at > 0);
    tap_diag("gone %.3f s after the call returned", gone_at - nowait_returned_at);
    CHECK(gone_at - nowait_returned_at > grace_s() * 0.8);
    CHECK_EQ_U(members(target, NULL, 0), 0);
}

/* --- denied --- */

static pid_t before[MAX_MEMBERS];
static size_t n_before;

static void another_users_session_is_access_denied(void) {
    REQUIRE(geteuid() != 0);
    n_before = members(target, before, MAX_MEMBERS);
    REQUIRE(n_before > 0);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, target, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, target, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
}

static int cmp_pid(const void *a, const void *b) {
    return *(const pid_t *) a - *(const pid_t *) b;
}

static void no_process_of_that_session_was_signalled(void) {
    pid_t after[MAX_MEMBERS];
    size_t n_after;
    struct stat st;

    sleep_s(0.5); /* a signal sent would have had its effect by now */
    n_after = members(target, after, MAX_MEMBERS);
    CHECK_EQ_U(n_after, n_before);
    qsort(before, n_before, sizeof(pid_t), cmp_pid);
    qsort(after, n_after, sizeof(pid_t), cmp_pid);
    CHECK(n_after == n_before && memcmp(before, after, n_after * sizeof(pid_t)) == 0);
    REQUIRE(stat(path_arg, &st) == 0);
    CHECK_EQ_U(st.st_size, 0); /* sigwatch recorded nothing */
    CHECK_EQ_U(query_error(target), 0);
}

/* --- typo: a failed WTSOpenServer is not this host --- */

/* As root, WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, target, …) would end
 * the session (the "wait" mode shows it): if a failed open meant this host,
 * these calls would succeed and sigwatch would record the SIGTERM. */
static void calls_on_a_failed_open_fail_and_leave_the_session_alone(void) {
    char long_name[401];
    const char *bad[] = {"bad name with spaces", "ssh://", "ssh://-oProxyCommand=touch /tmp/wtsnet-typo-pwned",
                         long_name, "host\nname"};

    REQUIRE(geteuid() == 0);
    memset(long_name, 'a', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    n_before = members(target, before, MAX_MEMBERS);
    REQUIRE(n_before > 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        PWTS_SESSION_INFOA info = NULL;
        LPSTR buf = NULL;
        DWORD count = 0;
        HANDLE h;

        SetLastError(0xdeadbeef);
        h = WTSOpenServerA((LPSTR) bad[i]);
        CHECK(h != WTS_CURRENT_SERVER_HANDLE);
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        CHECK(!WTSLogoffSession(h, target, TRUE));
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        CHECK(!WTSLogoffSession(h, target, FALSE));
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        CHECK(!WTSDisconnectSession(h, target, TRUE));
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        CHECK(!WTSEnumerateSessionsA(h, 0, 1, &info, &count));
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        CHECK(!WTSQuerySessionInformationA(h, target, WTSUserName, &buf, &count));
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        CHECK(info == NULL && buf == NULL);
        WTSCloseServer(h);
    }
    CHECK(access("/tmp/wtsnet-typo-pwned", F_OK) != 0);
}

/* --- eintr --- */

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
    (void) sig;
    alarms++;
}

static void logoff_waits_through_signals_to_the_caller(void) {
    struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART: calls see EINTR */
    struct itimerval every_20ms = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}};
    double t0, took;
    BOOL ok;

    REQUIRE(present(target));
    sigemptyset(&sa.sa_mask);
    REQUIRE(sigaction(SIGALRM, &sa, NULL) == 0);
    REQUIRE(setitimer(ITIMER_REAL, &every_20ms, NULL) == 0);
    t0 = now_s();
    SetLastError(0xdeadbeef);
    ok = WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, target, TRUE);
    took = now_s() - t0;
    setitimer(ITIMER_REAL, &off, NULL);
    tap_diag("took %.3f s, %d signals during the wait, last error %u", took, (int) alarms, GetLastError());
    CHECK(ok);
    /* It ignores SIGTERM, so only SIGKILL after the grace could end it. */
    CHECK(took >= grace_s() * 0.9);
    CHECK(alarms >= 10);
    CHECK_EQ_U(members(target, NULL, 0), 0);
}

/* --- forking --- */

static off_t count_size(void) {
    struct stat st;

    return stat(path_arg, &st) == 0 ? st.st_size : -1;
}

static void a_session_that_keeps_forking_is_ended(void) {
    off_t at_start = count_size(), at_end;

    REQUIRE(present(target));
    CHECK(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, target, TRUE));
    at_end = count_size();
    tap_diag("%lld generations before the call, %lld when it returned", (long long) at_start, (long long) at_end);
    CHECK(at_end > at_start); /* it went on forking while we worked on it */
    CHECK_EQ_U(members(target, NULL, 0), 0);
}

static void no_member_appears_and_forking_has_stopped(void) {
    off_t size = count_size();

    sleep_s(0.3);
    CHECK_EQ_U(members(target, NULL, 0), 0);
    CHECK_EQ_I(count_size(), size);
}

/* --- own-wait, own-nowait --- */

static DWORD self_sid(void) {
    char buf[32];

    return read_text("/proc/self/sessionid", buf, sizeof(buf)) == 0 ? (DWORD) strtoul(buf, NULL, 10) : 0;
}

static void current_session_is_this_processs_audit_session(void) {
    LPWSTR v = NULL;
    DWORD bytes;

    target = self_sid();
    REQUIRE(target != 0 && target != 0xFFFFFFFFu);
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSSessionId, &v, &bytes));
    CHECK_EQ_U(*(ULONG *) v, target);
    WTSFreeMemory(v);
}

static void logging_off_ones_own_session_ends_every_other_member(void) {
    double t0 = now_s();
    size_t left;

    REQUIRE(geteuid() != 0);
    REQUIRE(present(target));
    SetLastError(0xdeadbeef);
    CHECK(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, own_wait ? TRUE : FALSE));
    tap_diag("returned after %.3f s, last error %u", now_s() - t0, GetLastError());
    if (own_wait) {
        CHECK_EQ_U(members(target, NULL, 0), 0);
        return;
    }
    while ((left = members(target, NULL, 0)) > 0 && now_s() - t0 < 15)
        sleep_s(0.05);
    CHECK_EQ_U(left, 0);
}

static void usage(void) {
    fprintf(stderr, "usage: test-session-logoff wait|nowait|eintr ID | denied|typo ID SIGLOG | forking ID COUNTFILE |"
                    " own-wait|own-nowait OUTFILE\n");
    exit(2);
}

#define RUN(...)                                                          \
    do {                                                                  \
        static const struct tap_case cases_[] = {__VA_ARGS__};            \
        return tap_run(cases_, sizeof(cases_) / sizeof(cases_[0]));       \
    } while (0)

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";

    if (strncmp(mode, "own-", 4) == 0) {
        if (argc != 3)
            usage();
        /* The terminal goes away with the session: report to a file, and
         * survive the hangup (this process is spared; it is the caller). */
        if (!freopen(argv[2], "w", stdout))
            return 1;
        dup2(fileno(stdout), STDERR_FILENO);
        signal(SIGHUP, SIG_IGN);
        own_wait = strcmp(mode, "own-wait") == 0;
        static const struct tap_case own_cases[] = {CASE(current_session_is_this_processs_audit_session),
                                                    CASE(logging_off_ones_own_session_ends_every_other_member)};
        int status = tap_run(own_cases, sizeof(own_cases) / sizeof(own_cases[0]));

        printf("# done\n"); /* the suite waits for this line: it outlives its ssh client */
        fflush(stdout);
        return status;
    }
    if (strcmp(mode, "end") == 0) {
        for (int i = 2; i < argc; i++)
            (void) WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, (DWORD) strtoul(argv[i], NULL, 10), TRUE);
        return 0;
    }
    if (argc < 3)
        usage();
    target = (DWORD) strtoul(argv[2], NULL, 10);
    path_arg = argc > 3 ? argv[3] : NULL;
    if (strcmp(mode, "wait") == 0)
        RUN(CASE(logoff_with_wait_returns_true_with_no_member_left), CASE(the_ended_session_is_not_found));
    if (strcmp(mode, "nowait") == 0)
        RUN(CASE(logoff_without_wait_returns_before_the_grace_period),
            CASE(the_session_ends_after_the_grace_period_without_the_caller));
    if (strcmp(mode, "denied") == 0 && path_arg)
        RUN(CASE(another_users_session_is_access_denied), CASE(no_process_of_that_session_was_signalled));
    if (strcmp(mode, "typo") == 0 && path_arg)
        RUN(CASE(calls_on_a_failed_open_fail_and_leave_the_session_alone), CASE(no_process_of_that_session_was_signalled));
    if (strcmp(mode, "eintr") == 0)
        RUN(CASE(logoff_waits_through_signals_to_the_caller));
    if (strcmp(mode, "forking") == 0 && path_arg)
        RUN(CASE(a_session_that_keeps_forking_is_ended), CASE(no_member_appears_and_forking_has_stopped));
    usage();
}
