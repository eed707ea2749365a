/*
 * No logind at all: run OUTSIDE the test namespace, on a host whose PID 1
 * is not systemd (tests/suites/30-logind.sh). With the logind provider asked
 * for (WTSNET_PROVIDER=logind; left to itself the library falls back to
 * kernel audit sessions, tests/integration/test-provider-choice.c), every
 * call that needs the session service fails at once with the documented
 * RPC_S_SERVER_UNAVAILABLE.
 */
#include <wtsapi32.h>

#include <stdlib.h>
#include <unistd.h>

#include "live-session.h"
#include "tap.h"

static void require_no_logind_here(void) {
    if (access("/run/systemd/system", F_OK) == 0)
        SKIP("this host runs systemd: outside the namespace logind is reachable");
    setenv("WTSNET_PROVIDER", "logind", 1);
}

static void enumeration_without_logind_is_rpc_server_unavailable(void) {
    PWTS_SESSION_INFOW w = (PWTS_SESSION_INFOW) 0xdeadbeef;
    PWTS_SESSION_INFO_1A a = (PWTS_SESSION_INFO_1A) 0xdeadbeef;
    DWORD count = 0xdeadbeef, level = 1;
    uint64_t t0 = mono_ms();

    require_no_logind_here();
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &w, &count));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsExA(WTS_CURRENT_SERVER_HANDLE, &level, 0, &a, &count));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    CHECK(w == (PWTS_SESSION_INFOW) 0xdeadbeef && a == (PWTS_SESSION_INFO_1A) 0xdeadbeef);
    CHECK_EQ_U(count, 0xdeadbeef);
    CHECK(mono_ms() - t0 < 2000);
}

static void query_and_logoff_without_logind_are_rpc_server_unavailable(void) {
    LPWSTR buf = (LPWSTR) 0xdeadbeef;
    DWORD bytes = 0xdeadbeef;
    HANDLE h;
    uint64_t t0 = mono_ms();

    require_no_logind_here();
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSUserName, &buf, &bytes));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, 3, TRUE));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    /* A handle opened on this host by name behaves the same. */
    h = WTSOpenServerA("localhost");
    REQUIRE(h != NULL);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(h, 0x80000001u, FALSE));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    WTSCloseServer(h);
    CHECK(buf == (LPWSTR) 0xdeadbeef);
    CHECK_EQ_U(bytes, 0xdeadbeef);
    CHECK(mono_ms() - t0 < 2000);
}

TAP_MAIN(CASE(enumeration_without_logind_is_rpc_server_unavailable),
         CASE(query_and_logoff_without_logind_are_rpc_server_unavailable))
