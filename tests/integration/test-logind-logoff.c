/*
 * WTSLogoffSession against a real logind: waiting, not waiting, signals
 * during the wait, sessions that ignore SIGTERM, the deadline, and who may
 * log off whom (root, the session's own user, a polkit-granted group, and a
 * plain user who may not). Runs inside the test namespace
 * (tests/suites/30-logind.sh); sessions are made per case.
 */
#include <wtsapi32.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "live-session.h"
#include "tap.h"

#define MAX_PIDS 64

static struct live_session cur;

static void end_cur(void) {
    live_end(&cur);
}

/* A fresh session for this case; ended at the next call or at exit. */
static void make(bool ssh, const char *user, const char *from, int flags) {
    static bool registered;
    int r;

    if (!registered) {
        atexit(end_cur);
        registered = true;
    }
    live_end(&cur);
    r = ssh ? live_ssh(user, from, flags, &cur) : live_su(user, flags, &cur);
    if (r < 0)
        tap_diag("could not make a session for %s: %s", user, strerror(-r));
    REQUIRE(r == 0);
}

static int pids_of_cur(pid_t *pids) {
    int n = live_pids(&cur, pids, MAX_PIDS);

    if (n < 0)
        tap_diag("cannot read %s: %s", cur.cgroup, strerror(-n));
    REQUIRE(n > 0);
    return n;
}

static DWORD query_error(DWORD id) {
    LPWSTR buf = NULL;
    DWORD bytes = 0;

    SetLastError(0xdeadbeef);
    if (WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, WTSUserName, &buf, &bytes)) {
        WTSFreeMemory(buf);
        return ERROR_SUCCESS;
    }
    return GetLastError();
}

static void set_policy(const char *grace_ms, const char *timeout_ms) {
    setenv("WTSNET_LOGOFF_GRACE_MS", grace_ms, 1);
    setenv("WTSNET_LOGOFF_TIMEOUT_MS", timeout_ms, 1);
}

static void wait_returns_once_every_process_of_an_su_session_is_gone(void) {
    pid_t pids[MAX_PIDS];
    int n;

    set_policy("10000", "30000");
    make(false, "wtsitbob", NULL, LIVE_PLAIN);
    n = pids_of_cur(pids);
    REQUIRE(all_alive(pids, n));
    SetLastError(0xdeadbeef);
    REQUIRE(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, cur.id, TRUE));
    CHECK(all_gone(pids, n));
    CHECK_EQ_U(query_error(cur.id), ERROR_CTX_WINSTATION_NOT_FOUND);
}

static void wait_returns_once_every_process_of_an_ssh_session_is_gone(void) {
    pid_t pids[MAX_PIDS];
    int n;

    set_policy("10000", "30000");
    make(true, "wtsitalice", "127.0.0.2", LIVE_PLAIN);
    n = pids_of_cur(pids);
    REQUIRE(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, cur.id, TRUE));
    CHECK(all_gone(pids, n));
    CHECK_EQ_U(query_error(cur.id), ERROR_CTX_WINSTATION_NOT_FOUND);
}

/* bWait=FALSE: accepted at once; a query right after fails (closing or gone), and soon says gone. */
static void no_wait_returns_and_then_a_query_of_the_id_fails(void) {
    DWORD e;
    uint64_t until;

    set_policy("10000", "30000");
    make(true, "wtsitcarol", "127.0.0.1", LIVE_PLAIN);
    REQUIRE(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, cur.id, FALSE));
    e = query_error(cur.id);
    tap_diag("query right after: %u", (unsigned) e);
    CHECK(e == ERROR_CTX_CLOSE_PENDING || e == ERROR_CTX_WINSTATION_NOT_FOUND);
    until = mono_ms() + 10000;
    while ((e = query_error(cur.id)) == ERROR_CTX_CLOSE_PENDING && mono_ms() < until)
        usleep(20000);
    CHECK_EQ_U(e, ERROR_CTX_WINSTATION_NOT_FOUND);
}

/* A session whose shell ignores SIGTERM/SIGHUP stays "closing" (systemd would wait
 * 90 s before SIGKILL): the logoff forces it after the grace period. */
static void session_ignoring_sigterm_is_killed_after_the_grace_period(void) {
    pid_t pids[MAX_PIDS];
    uint64_t t0, took;
    int n;

    set_policy("500", "20000");
    make(true, "wtsitbob", "127.0.0.1", LIVE_STUBBORN);
    n = pids_of_cur(pids);
    t0 = mono_ms();
    SetLastError(0xdeadbeef);
    CHECK(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, cur.id, TRUE));
    took = mono_ms() - t0;
    tap_diag("forced logoff took %llu ms", (unsigned long long) took);
    CHECK(took >= 500);   /* not forced before the grace period */
    CHECK(took < 10000); /* but well before systemd's own stop timeout */
    CHECK(all_gone(pids, n));
    CHECK_EQ_U(query_error(cur.id), ERROR_CTX_WINSTATION_NOT_FOUND);
}

/* Grace = deadline: never forced, so the wait ends at the deadline with ERROR_TIMEOUT. */
static void wait_gives_up_with_error_timeout_at_the_deadline(void) {
    pid_t pids[MAX_PIDS];
    uint64_t t0, took;
    int n;

    set_policy("800", "800");
    make(false, "wtsitalice", NULL, LIVE_STUBBORN);
    n = pids_of_cur(pids);
    t0 = mono_ms();
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, cur.id, TRUE));
    took = mono_ms() - t0;
    CHECK_EQ_U(GetLastError(), ERROR_TIMEOUT);
    tap_diag("gave up after %llu ms", (unsigned long long) took);
    CHECK(took >= 800 && took < 5000);
    /* The stubborn shell is still there; ending it is left to live_end (SIGKILL). */
    CHECK(!pid_gone(cur.inner));
    (void) pids, (void) n;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
    (void) sig;
    alarms++;
}

/* SIGALRM every 0.5 ms (no SA_RESTART) all through a wait of about a second,
 * which includes the TerminateSession and KillSession calls. */
static void signals_during_a_waiting_logoff_do_not_break_it(void) {
    struct sigaction sa = {.sa_handler = on_alarm}, old;
    struct itimerval every = {{0, 500}, {0, 500}}, off = {{0, 0}, {0, 0}};
    pid_t pids[MAX_PIDS];
    BOOL ok;
    DWORD e;
    int n;

    set_policy("1000", "20000");
    make(true, "wtsitalice", "127.0.0.1", LIVE_STUBBORN);
    n = pids_of_cur(pids);
    sigemptyset(&sa.sa_mask);
    REQUIRE(sigaction(SIGALRM, &sa, &old) == 0);
    alarms = 0;
    setitimer(ITIMER_REAL, &every, NULL);
    SetLastError(0xdeadbeef);
    ok = WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, cur.id, TRUE);
    e = GetLastError();
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &old, NULL);
    tap_diag("%d signals arrived during the wait", (int) alarms);
    CHECK(ok);
    if (!ok)
        tap_diag("error %u", (unsigned) e);
    CHECK(alarms >= 500);
    CHECK(all_gone(pids, n));
}

/* The same storm over queries that ask logind on the bus (WTSSessionInfo: one GetAll each). */
static void signals_during_bus_queries_do_not_fail_them(void) {
    struct sigaction sa = {.sa_handler = on_alarm}, old;
    struct itimerval every = {{0, 200}, {0, 200}}, off = {{0, 0}, {0, 0}};
    int failed = 0;
    DWORD first_error = 0;

    make(false, "wtsitcarol", NULL, LIVE_PLAIN);
    sigemptyset(&sa.sa_mask);
    REQUIRE(sigaction(SIGALRM, &sa, &old) == 0);
    alarms = 0;
    setitimer(ITIMER_REAL, &every, NULL);
    for (int i = 0; i < 300; i++) {
        LPWSTR buf = NULL;
        DWORD bytes = 0;

        if (WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, cur.id, WTSSessionInfo, &buf, &bytes))
            WTSFreeMemory(buf);
        else if (failed++ == 0)
            first_error = GetLastError();
    }
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &old, NULL);
    tap_diag("%d signals, %d failed queries (first error %u)", (int) alarms, failed, (unsigned) first_error);
    CHECK_EQ_I(failed, 0);
    CHECK(alarms >= 100);
}

static int helper_logoff_as(const char *user, DWORD id, char *out, size_t size) {
    char idstr[16];
    char *args[] = {"logoff", idstr, "1", NULL};

    snprintf(idstr, sizeof(idstr), "%u", (unsigned) id);
    return run_helper_as(user, args, out, size);
}

static void plain_user_cannot_log_off_another_users_session(void) {
    pid_t pids[MAX_PIDS];
    char out[128], state[64];
    int n;

    set_policy("10000", "30000");
    make(false, "wtsitbob", NULL, LIVE_PLAIN);
    n = pids_of_cur(pids);
    REQUIRE(helper_logoff_as("wtsitalice", cur.id, out, sizeof(out)) == 0);
    tap_diag("wtsitalice logging off wtsitbob's session: %s", out);
    CHECK_STREQ(out, "err 5"); /* ERROR_ACCESS_DENIED */
    usleep(300000);            /* anything sent would have landed by now */
    CHECK(all_alive(pids, n));
    CHECK(oracle_prop(cur.key, "State", state, sizeof(state)) == 0);
    CHECK_STREQ(state, "active");
    CHECK_EQ_U(query_error(cur.id), ERROR_SUCCESS);
}

static void plain_user_can_log_off_own_session(void) {
    pid_t pids[MAX_PIDS];
    char out[128];
    int n;

    set_policy("10000", "30000");
    make(true, "wtsitalice", "127.0.0.2", LIVE_PLAIN);
    n = pids_of_cur(pids);
    REQUIRE(helper_logoff_as("wtsitalice", cur.id, out, sizeof(out)) == 0);
    CHECK_STREQ(out, "ok");
    CHECK(all_gone(pids, n));
    CHECK_EQ_U(query_error(cur.id), ERROR_CTX_WINSTATION_NOT_FOUND);
}

/* The "Reset permission": polkit grants org.freedesktop.login1.manage to wtsitreset. */
static void reset_group_member_can_log_off_another_users_session(void) {
    pid_t pids[MAX_PIDS];
    char out[128];
    int n;

    set_policy("10000", "30000");
    make(false, "wtsitbob", NULL, LIVE_PLAIN);
    n = pids_of_cur(pids);
    REQUIRE(helper_logoff_as("wtsitcarol", cur.id, out, sizeof(out)) == 0);
    tap_diag("wtsitcarol (group wtsitreset) logging off wtsitbob's session: %s", out);
    CHECK_STREQ(out, "ok");
    CHECK(all_gone(pids, n));
    CHECK_EQ_U(query_error(cur.id), ERROR_CTX_WINSTATION_NOT_FOUND);
}

TAP_MAIN(CASE(wait_returns_once_every_process_of_an_su_session_is_gone),
         CASE(wait_returns_once_every_process_of_an_ssh_session_is_gone),
         CASE(no_wait_returns_and_then_a_query_of_the_id_fails),
         CASE(session_ignoring_sigterm_is_killed_after_the_grace_period),
         CASE(wait_gives_up_with_error_timeout_at_the_deadline),
         CASE(signals_during_a_waiting_logoff_do_not_break_it), CASE(signals_during_bus_queries_do_not_fail_them),
         CASE(plain_user_cannot_log_off_another_users_session), CASE(plain_user_can_log_off_own_session),
         CASE(reset_group_member_can_log_off_another_users_session))
