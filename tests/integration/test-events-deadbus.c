/*
 * A dead bus ends every wait on session events with an error, never a hang
 * (docs/api.md, "Session events"): inside the logind namespace (the last
 * case of tests/suites/38-events.sh: it kills the namespace's bus daemon), a
 * WTSWaitSystemEvent and an INFINITE WTSNetReadSessionEvent are pending when
 * dbus-daemon is SIGKILLed; both return FALSE with RPC_S_SERVER_UNAVAILABLE.
 */
#include <windows.h>
#include <wtsapi32.h>
#include <wtsnet_events.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

#include "live-session.h"
#include "tap.h"

struct pending {
    HANDLE h;
    HWTSNET_EVENTS e;
    BOOL ok;
    DWORD error;
    atomic_bool done;
};

static void *wait_main(void *arg) {
    struct pending *p = arg;
    DWORD flags;

    p->ok = WTSWaitSystemEvent(p->h, WTS_EVENT_ALL, &flags);
    p->error = GetLastError();
    atomic_store(&p->done, true);
    return NULL;
}

static void *read_main(void *arg) {
    struct pending *p = arg;
    WTSNET_SESSION_EVENT ev;

    while ((p->ok = WTSNetReadSessionEvent(p->e, &ev, INFINITE)))
        ; /* records of earlier cases' sessions: read on */
    p->error = GetLastError();
    atomic_store(&p->done, true);
    return NULL;
}

static bool done_within(struct pending *p, int ms) {
    for (uint64_t end = mono_ms() + ms; mono_ms() < end; usleep(10000))
        if (atomic_load(&p->done))
            return true;
    return false;
}

static void a_dead_bus_ends_waits_and_reads_with_server_unavailable(void) {
    struct pending w = {.h = WTSOpenServerA(NULL)}, r = {.e = WTSNetOpenSessionEvents(WTS_CURRENT_SERVER_HANDLE)};
    char *kill_bus[] = {"systemctl", "kill", "--signal=SIGKILL", "dbus.service", NULL};
    char out[256];
    pthread_t tw, tr;

    REQUIRE(r.e != NULL);
    pthread_create(&tw, NULL, wait_main, &w);
    pthread_create(&tr, NULL, read_main, &r);
    usleep(500 * 1000);
    REQUIRE(!atomic_load(&w.done) && !atomic_load(&r.done));
    REQUIRE(run_capture(kill_bus, out, sizeof(out), 10000) == 0);
    REQUIRE(done_within(&w, 20000));
    REQUIRE(done_within(&r, 20000));
    pthread_join(tw, NULL);
    pthread_join(tr, NULL);
    CHECK(!w.ok);
    CHECK_EQ_U(w.error, RPC_S_SERVER_UNAVAILABLE);
    CHECK(!r.ok);
    CHECK_EQ_U(r.error, RPC_S_SERVER_UNAVAILABLE);
    WTSNetCloseSessionEvents(r.e);
    WTSCloseServer(w.h);
}

TAP_MAIN(CASE(a_dead_bus_ends_waits_and_reads_with_server_unavailable))
