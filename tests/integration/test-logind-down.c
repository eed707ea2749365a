/*
 * logind stopped on a host that runs systemd: inside the test namespace,
 * systemd-logind is masked (for this boot only) and stopped, so the bus
 * daemon answers in its stead with an activation error. Calls that need
 * logind fail fast with the documented RPC_S_SERVER_UNAVAILABLE and kill
 * nothing. logind is unmasked and started again at the end.
 */
#include <wtsapi32.h>

#include <stdlib.h>
#include <string.h>

#include "live-session.h"
#include "tap.h"

static struct live_session s;
static int setup_state;

static int systemctl(const char *verb, const char *opt) {
    char out[512];
    char *argv[] = {"systemctl", "--quiet", (char *) verb, (char *) opt, "systemd-logind.service", NULL};

    if (!opt) {
        argv[3] = "systemd-logind.service";
        argv[4] = NULL;
    }
    return run_capture(argv, out, sizeof(out), 30000);
}

static void restore(void) {
    systemctl("unmask", "--runtime");
    systemctl("start", NULL);
    live_end(&s);
}

static void setup(void) {
    if (setup_state == 0) {
        setup_state = -1;
        if (live_su("wtsitbob", LIVE_PLAIN, &s) < 0)
            return;
        atexit(restore);
        if (systemctl("mask", "--runtime") != 0 || systemctl("stop", NULL) != 0) {
            tap_diag("could not stop logind");
            return;
        }
        setup_state = 1;
    }
    REQUIRE(setup_state == 1);
}

static void logoff_with_logind_stopped_is_rpc_server_unavailable(void) {
    uint64_t t0;

    setup();
    for (int wait = 0; wait <= 1; wait++) {
        t0 = mono_ms();
        SetLastError(0xdeadbeef);
        CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, s.id, wait));
        CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
        CHECK(mono_ms() - t0 < 5000);
    }
    CHECK(!pid_gone(s.inner));
}

static void session_info_with_logind_stopped_is_rpc_server_unavailable(void) {
    LPWSTR w = (LPWSTR) 0xdeadbeef;
    DWORD bytes = 0xdeadbeef;
    uint64_t t0 = mono_ms();

    setup();
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, s.id, WTSSessionInfo, &w, &bytes));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    CHECK(w == (LPWSTR) 0xdeadbeef && bytes == 0xdeadbeef);
    CHECK(mono_ms() - t0 < 5000);
}

TAP_MAIN(CASE(logoff_with_logind_stopped_is_rpc_server_unavailable),
         CASE(session_info_with_logind_stopped_is_rpc_server_unavailable))
