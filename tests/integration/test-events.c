/*
 * Session events against a real logind (tests/suites/38-events.sh runs this
 * inside the logind namespace): the wtsnet_events.h subscription and
 * WTSWaitSystemEvent, driven by real `su -l` and ssh logons and logoffs and
 * `loginctl lock-session`. What is expected comes from outside the library:
 * the session live-session.c made (its logind id from the kernel's cgroup),
 * and loginctl for lock and unlock.
 *
 * Timing: every wait is bounded (EVENT_WAIT_MS, generous: the machine is
 * loaded); nothing asserts how fast, only that it came.
 */
#include <windows.h>
#include <wtsapi32.h>
#include <wtsnet_events.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "live-session.h"
#include "tap.h"

#define EVENT_WAIT_MS 20000

/* The next record for session id with code, skipping others (other tests'
 * sessions closing late). 0 when it came in time. */
static int await(HWTSNET_EVENTS e, DWORD code, DWORD id, WTSNET_SESSION_EVENT *ret) {
    uint64_t end = mono_ms() + EVENT_WAIT_MS;
    WTSNET_SESSION_EVENT ev;

    while (mono_ms() < end) {
        if (!WTSNetReadSessionEvent(e, &ev, (DWORD) (end - mono_ms()))) {
            if (GetLastError() == ERROR_NO_MORE_ITEMS)
                continue;
            tap_diag("read failed: %lu", (unsigned long) GetLastError());
            return -1;
        }
        tap_diag("record: code %lu session %lu", (unsigned long) ev.Code, (unsigned long) ev.SessionId);
        if (ev.Code == code && ev.SessionId == id) {
            if (ret)
                *ret = ev;
            return 0;
        }
    }
    return -1;
}

/* Until the sessions earlier cases ended are gone for logind too (their
 * SessionRemoved comes a little after live_end): no record for a second. */
static void quiesce(void) {
    HWTSNET_EVENTS e = WTSNetOpenSessionEvents(WTS_CURRENT_SERVER_HANDLE);
    WTSNET_SESSION_EVENT ev;

    for (uint64_t end = mono_ms() + 10000; e && mono_ms() < end;)
        if (!WTSNetReadSessionEvent(e, &ev, 1000))
            break;
    WTSNetCloseSessionEvents(e);
}

static int loginctl(const char *verb, const char *key) {
    char out[256];
    char *argv[] = {"loginctl", (char *) verb, (char *) key, NULL};

    return run_capture(argv, out, sizeof(out), 10000);
}

/* The time of a record is now's, within a minute (clocks are coarse here). */
static bool recent(LARGE_INTEGER t) {
    int64_t now = (int64_t) time(NULL) * 10000000 + INT64_C(116444736000000000);

    return t.QuadPart > now - INT64_C(600000000) && t.QuadPart < now + INT64_C(600000000);
}

static void su_logon_and_logoff_are_records_with_the_session_id(void) {
    HWTSNET_EVENTS e = WTSNetOpenSessionEvents(WTS_CURRENT_SERVER_HANDLE);
    struct live_session s;
    WTSNET_SESSION_EVENT ev;

    REQUIRE(e != NULL);
    REQUIRE(live_su("wtsitbob", LIVE_PLAIN, &s) == 0);
    CHECK(await(e, WTS_SESSION_LOGON, s.id, &ev) == 0);
    CHECK(recent(ev.Time));
    CHECK_EQ_U(ev.EventFlags, WTS_EVENT_CREATE | WTS_EVENT_LOGON);
    CHECK(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, s.id, FALSE));
    CHECK(await(e, WTS_SESSION_LOGOFF, s.id, &ev) == 0);
    CHECK_EQ_U(ev.EventFlags, WTS_EVENT_DELETE | WTS_EVENT_LOGOFF);
    live_end(&s);
    WTSNetCloseSessionEvents(e);
}

static void ssh_logon_and_logoff_are_records(void) {
    HWTSNET_EVENTS e = WTSNetOpenSessionEvents(WTS_CURRENT_SERVER_HANDLE);
    struct live_session s;

    REQUIRE(e != NULL);
    REQUIRE(live_ssh("wtsitalice", "127.0.0.2", LIVE_PLAIN, &s) == 0);
    CHECK(await(e, WTS_SESSION_LOGON, s.id, NULL) == 0);
    CHECK(loginctl("terminate-session", s.key) == 0);
    CHECK(await(e, WTS_SESSION_LOGOFF, s.id, NULL) == 0);
    live_end(&s);
    WTSNetCloseSessionEvents(e);
}

static void lock_and_unlock_session_are_records(void) {
    HWTSNET_EVENTS e = WTSNetOpenSessionEvents(WTS_CURRENT_SERVER_HANDLE);
    struct live_session s;
    WTSNET_SESSION_EVENT ev;

    REQUIRE(e != NULL);
    REQUIRE(live_su("wtsitcarol", LIVE_PLAIN, &s) == 0);
    CHECK(await(e, WTS_SESSION_LOGON, s.id, NULL) == 0);
    CHECK(loginctl("lock-session", s.key) == 0);
    CHECK(await(e, WTS_SESSION_LOCK, s.id, &ev) == 0);
    CHECK_EQ_U(ev.EventFlags, WTS_EVENT_STATECHANGE);
    CHECK(loginctl("unlock-session", s.key) == 0);
    CHECK(await(e, WTS_SESSION_UNLOCK, s.id, NULL) == 0);
    live_end(&s);
    WTSNetCloseSessionEvents(e);
}

/* The descriptor is readable when a record is there and not after every record was read. */
static void the_fd_polls_readable_exactly_while_records_wait(void) {
    HWTSNET_EVENTS e = WTSNetOpenSessionEvents(WTS_CURRENT_SERVER_HANDLE);
    WTSNET_SESSION_EVENT ev;
    struct live_session s;
    struct pollfd p;
    bool seen = false;

    REQUIRE(e != NULL);
    p = (struct pollfd){.fd = WTSNetSessionEventsFd(e), .events = POLLIN};
    REQUIRE(p.fd >= 0);
    while (WTSNetReadSessionEvent(e, &ev, 0)) /* whatever earlier cases left */
        ;
    CHECK_EQ_U(GetLastError(), ERROR_NO_MORE_ITEMS);
    CHECK(poll(&p, 1, 0) == 0);
    REQUIRE(live_su("wtsitbob", LIVE_PLAIN, &s) == 0);
    for (uint64_t end = mono_ms() + EVENT_WAIT_MS; !seen && mono_ms() < end;) {
        if (poll(&p, 1, 1000) != 1)
            continue;
        while (WTSNetReadSessionEvent(e, &ev, 0))
            seen |= ev.Code == WTS_SESSION_LOGON && ev.SessionId == s.id;
    }
    CHECK(seen);
    CHECK(poll(&p, 1, 0) == 0); /* every record read: not readable */
    live_end(&s);
    WTSNetCloseSessionEvents(e);
    CHECK(WTSNetSessionEventsFd(e) == -1);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_HANDLE);
}

struct waiter {
    HANDLE h;
    DWORD mask, flags;
    BOOL ok;
    DWORD error;
    atomic_bool done;
    pthread_t thread;
};

static void *wait_main(void *arg) {
    struct waiter *w = arg;

    w->ok = WTSWaitSystemEvent(w->h, w->mask, &w->flags);
    w->error = GetLastError();
    atomic_store(&w->done, true);
    return NULL;
}

static void start_waiter(struct waiter *w, HANDLE h, DWORD mask) {
    *w = (struct waiter){.h = h, .mask = mask, .flags = 0xdeadbeef};
    pthread_create(&w->thread, NULL, wait_main, w);
}

static bool finished_within(struct waiter *w, int ms) {
    for (uint64_t end = mono_ms() + ms; mono_ms() < end;) {
        if (atomic_load(&w->done)) {
            pthread_join(w->thread, NULL);
            return true;
        }
        usleep(5000);
    }
    return false;
}

/* The thread is in its wait (or about to be): give it a moment, and check it is still there. */
static bool still_waiting(struct waiter *w) {
    usleep(300 * 1000);
    if (!atomic_load(&w->done))
        return true;
    tap_diag("the wait returned early: ok %d, flags 0x%lx, error %lu", (int) w->ok, (unsigned long) w->flags,
             (unsigned long) w->error);
    return false;
}

static void wait_returns_the_logon_that_happened(void) {
    HANDLE h = WTSOpenServerA(NULL);
    struct waiter w;
    struct live_session s;

    quiesce();

    start_waiter(&w, h, WTS_EVENT_LOGON);
    REQUIRE(still_waiting(&w));
    REQUIRE(live_su("wtsitbob", LIVE_PLAIN, &s) == 0);
    REQUIRE(finished_within(&w, EVENT_WAIT_MS));
    CHECK(w.ok);
    CHECK_EQ_U(w.flags, WTS_EVENT_LOGON);
    start_waiter(&w, h, WTS_EVENT_LOGOFF | WTS_EVENT_DELETE);
    REQUIRE(still_waiting(&w));
    CHECK(WTSLogoffSession(h, s.id, FALSE));
    REQUIRE(finished_within(&w, EVENT_WAIT_MS));
    CHECK(w.ok);
    CHECK_EQ_U(w.flags, WTS_EVENT_LOGOFF | WTS_EVENT_DELETE);
    live_end(&s);
    WTSCloseServer(h);
}

/* A change while no one waits is kept for the next wait on the handle. */
static void events_between_waits_are_not_lost(void) {
    HANDLE h = WTSOpenServerA(NULL);
    HWTSNET_EVENTS e = WTSNetOpenSessionEvents(h);
    struct waiter w;
    struct live_session s;
    DWORD flags = 0;

    quiesce();

    REQUIRE(e != NULL);
    start_waiter(&w, h, WTS_EVENT_RENAME); /* the handle's hub runs from its first wait */
    REQUIRE(still_waiting(&w));
    CHECK(WTSWaitSystemEvent(h, WTS_EVENT_FLUSH, &flags));
    REQUIRE(finished_within(&w, 5000));
    CHECK(w.ok);
    CHECK_EQ_U(w.flags, WTS_EVENT_NONE);
    REQUIRE(live_su("wtsitcarol", LIVE_PLAIN, &s) == 0);
    CHECK(await(e, WTS_SESSION_LOGON, s.id, NULL) == 0); /* it happened; no wait was pending */
    usleep(200 * 1000);
    start_waiter(&w, h, WTS_EVENT_LOGON | WTS_EVENT_CREATE);
    REQUIRE(finished_within(&w, 5000)); /* at once: it was queued */
    CHECK(w.ok);
    CHECK_EQ_U(w.flags, WTS_EVENT_LOGON | WTS_EVENT_CREATE);
    live_end(&s);
    WTSNetCloseSessionEvents(e);
    WTSCloseServer(h);
}

static void flush_wakes_every_waiter_with_none(void) {
    HANDLE h = WTSOpenServerA(NULL);
    struct waiter w[4];
    DWORD flags = 0xdeadbeef;

    quiesce();

    for (int i = 0; i < 4; i++)
        start_waiter(&w[i], h, WTS_EVENT_ALL);
    for (int i = 0; i < 4; i++)
        REQUIRE(still_waiting(&w[i]));
    CHECK(WTSWaitSystemEvent(h, WTS_EVENT_FLUSH, &flags));
    CHECK_EQ_U(flags, WTS_EVENT_NONE);
    for (int i = 0; i < 4; i++) {
        REQUIRE(finished_within(&w[i], 5000));
        CHECK(w[i].ok);
        CHECK_EQ_U(w[i].flags, WTS_EVENT_NONE);
    }
    WTSCloseServer(h);
}

static void close_wakes_waiters_with_invalid_handle(void) {
    HANDLE h = WTSOpenServerA(NULL);
    struct waiter w[3];

    quiesce();

    for (int i = 0; i < 3; i++)
        start_waiter(&w[i], h, WTS_EVENT_ALL);
    for (int i = 0; i < 3; i++)
        REQUIRE(still_waiting(&w[i]));
    WTSCloseServer(h);
    for (int i = 0; i < 3; i++) {
        REQUIRE(finished_within(&w[i], 5000));
        CHECK(!w[i].ok);
        CHECK_EQ_U(w[i].error, ERROR_INVALID_HANDLE);
        CHECK_EQ_U(w[i].flags, 0xdeadbeef); /* untouched on failure */
    }
}

static void *blocked_read_main(void *arg) {
    WTSNET_SESSION_EVENT ev;
    struct waiter *w = arg;

    w->ok = WTSNetReadSessionEvent((HWTSNET_EVENTS) w->h, &ev, INFINITE);
    w->error = GetLastError();
    atomic_store(&w->done, true);
    return NULL;
}

static void closing_a_subscription_wakes_its_blocked_reader(void) {
    HWTSNET_EVENTS e = WTSNetOpenSessionEvents(WTS_CURRENT_SERVER_HANDLE);
    WTSNET_SESSION_EVENT ev;
    struct waiter w = {0};

    REQUIRE(e != NULL);
    while (WTSNetReadSessionEvent(e, &ev, 0))
        ;
    w.h = (HANDLE) e;
    pthread_create(&w.thread, NULL, blocked_read_main, &w);
    REQUIRE(still_waiting(&w));
    WTSNetCloseSessionEvents(e);
    REQUIRE(finished_within(&w, 5000));
    CHECK(!w.ok);
    CHECK_EQ_U(w.error, ERROR_INVALID_HANDLE);
}

static atomic_ulong signals_taken;
static void on_usr1(int sig) {
    (void) sig;
    atomic_fetch_add(&signals_taken, 1);
}

/* Signals to the waiting thread (no SA_RESTART) change nothing: it still
 * waits, then returns the change that came. */
static void a_signal_storm_during_a_wait_changes_nothing(void) {
    struct sigaction sa = {.sa_handler = on_usr1};
    HANDLE h = WTSOpenServerA(NULL);
    struct live_session s;
    struct waiter w;

    quiesce();

    sigaction(SIGUSR1, &sa, NULL);
    start_waiter(&w, h, WTS_EVENT_LOGON);
    REQUIRE(still_waiting(&w));
    for (int i = 0; i < 2000 && !atomic_load(&w.done); i++) {
        pthread_kill(w.thread, SIGUSR1);
        if (i % 100 == 0)
            usleep(10 * 1000);
    }
    tap_diag("signals taken: %lu", atomic_load(&signals_taken));
    CHECK(atomic_load(&signals_taken) > 0);
    REQUIRE(still_waiting(&w));
    REQUIRE(live_su("wtsitalice", LIVE_PLAIN, &s) == 0);
    REQUIRE(finished_within(&w, EVENT_WAIT_MS));
    CHECK(w.ok);
    CHECK_EQ_U(w.flags, WTS_EVENT_LOGON);
    live_end(&s);
    WTSCloseServer(h);
    signal(SIGUSR1, SIG_DFL);
}

TAP_MAIN(CASE(su_logon_and_logoff_are_records_with_the_session_id), CASE(ssh_logon_and_logoff_are_records),
         CASE(lock_and_unlock_session_are_records), CASE(the_fd_polls_readable_exactly_while_records_wait),
         CASE(wait_returns_the_logon_that_happened), CASE(events_between_waits_are_not_lost),
         CASE(flush_wakes_every_waiter_with_none), CASE(close_wakes_waiters_with_invalid_handle),
         CASE(closing_a_subscription_wakes_its_blocked_reader), CASE(a_signal_storm_during_a_wait_changes_nothing))
