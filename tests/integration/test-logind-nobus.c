/*
 * logind unreachable over D-Bus: inside the test namespace, with
 * DBUS_SYSTEM_BUS_ADDRESS naming a socket that does not exist. What needs
 * the bus (logoff, the classes that read logon time) fails at once with the
 * documented RPC_S_SERVER_UNAVAILABLE; nothing hangs and nothing is killed.
 * What sd-login answers from /run/systemd (the listing) still works.
 */
#include <wtsapi32.h>

#include <stdlib.h>
#include <string.h>

#include "live-session.h"
#include "tap.h"

static struct live_session s;
static int setup_state;

static void end_s(void) {
    live_end(&s);
}

static void setup(void) {
    if (setup_state == 0) {
        setup_state = -1;
        atexit(end_s);
        /* The session is made while the bus is still reachable: su's pam_systemd needs it. */
        if (live_su("wtsitalice", LIVE_PLAIN, &s) < 0)
            return;
        setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/run/wtsit-no-such-bus", 1);
        setup_state = 1;
    }
    REQUIRE(setup_state == 1);
}

static void logoff_without_the_bus_is_rpc_server_unavailable_at_once(void) {
    uint64_t t0;

    setup();
    for (int wait = 0; wait <= 1; wait++) {
        t0 = mono_ms();
        SetLastError(0xdeadbeef);
        CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, s.id, wait));
        CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
        CHECK(mono_ms() - t0 < 2000);
    }
    CHECK(!pid_gone(s.inner));
}

static void session_info_without_the_bus_is_rpc_server_unavailable(void) {
    LPWSTR w = (LPWSTR) 0xdeadbeef;
    LPSTR a = (LPSTR) 0xdeadbeef;
    DWORD bytes = 0xdeadbeef;

    setup();
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, s.id, WTSSessionInfo, &w, &bytes));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, s.id, WTSSessionInfoEx, &a, &bytes));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    CHECK(w == (LPWSTR) 0xdeadbeef && a == (LPSTR) 0xdeadbeef && bytes == 0xdeadbeef);
}

static void listing_and_plain_queries_need_no_bus(void) {
    PWTS_SESSION_INFOW info = NULL;
    LPSTR user = NULL;
    DWORD count = 0, bytes = 0;
    int found = 0;

    setup();
    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    for (DWORD i = 0; i < count; i++)
        found += info[i].SessionId == s.id;
    CHECK_EQ_U(found, 1);
    WTSFreeMemory(info);
    REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, s.id, WTSUserName, &user, &bytes));
    CHECK_STREQ(user, "wtsitalice");
    WTSFreeMemory(user);
}

TAP_MAIN(CASE(logoff_without_the_bus_is_rpc_server_unavailable_at_once),
         CASE(session_info_without_the_bus_is_rpc_server_unavailable), CASE(listing_and_plain_queries_need_no_bus))
