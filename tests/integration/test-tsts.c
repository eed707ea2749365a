/*
 * The WTS calls against a Windows RD Session Host — here the MS-TSTS TEST
 * DOUBLE of tests/tsts/tsts_double.py (impacket's SMB server with NTLM; no
 * Windows server can be had). tests/suites/65-tsts.sh starts it with the
 * session table below and passes:
 *   TSTS_URL        rdsh://127.0.0.1:PORT
 *   TSTS_DEAD_URL   rdsh://127.0.0.9:PORT (nothing listens there)
 *   TSTS_RECORD     the double's record of what it was asked to do (JSON lines)
 *   TSTS_BAD_CREDS  a credentials file with a wrong password
 *   WTSNET_CREDENTIALS_FILE  the right one
 * Table: 0 Services; 1 Console Administrator; 2 RDP-Tcp#3 alice (client
 * LAPTOP7 192.0.2.44 1920x1080x24 build 22621, locked, out-of-range last
 * input); 3 bob (logoff takes 800 ms); 4 carol (logoff takes 5 s); 5 dave
 * (to disconnect); 6 eve (access denied).
 */
#include <wtsapi32.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define POISON_PTR ((void *) 0xdeadbeef)

static const char *url, *dead_url, *record, *bad_creds;

static double now_sec(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static HANDLE open_double(void) {
    HANDLE h = WTSOpenServerA((LPSTR) url);

    if (!h)
        TAP_FAIL("WTSOpenServerA(%s) returned NULL", url);
    return h;
}

/* The double's record holds this JSON line (exactly as it writes it). */
static bool recorded(const char *line) {
    char buf[512];
    FILE *f = fopen(record, "r");
    bool found = false;

    if (!f)
        return false;
    while (!found && fgets(buf, sizeof(buf), f))
        found = strncmp(buf, line, strlen(line)) == 0;
    fclose(f);
    return found;
}

static void enumerate_lists_the_hosts_sessions(void) {
    HANDLE h = open_double();
    PWTS_SESSION_INFO_1A s = NULL;
    DWORD level = 1, count = 0;

    REQUIRE(WTSEnumerateSessionsExA(h, &level, 0, &s, &count));
    REQUIRE(count == 7);
    CHECK_EQ_U(s[0].SessionId, 0); /* session 0 first */
    CHECK_EQ_U(s[2].SessionId, 2);
    CHECK_STREQ(s[2].pSessionName, "RDP-Tcp#3");
    CHECK_STREQ(s[2].pUserName, "alice");
    CHECK_STREQ(s[2].pDomainName, "CORP");
    CHECK_EQ_U(s[2].State, WTSActive);
    CHECK_STREQ(s[1].pSessionName, "Console");
    CHECK_STREQ(s[1].pUserName, "Administrator");
    CHECK_EQ_U(s[3].State, WTSDisconnected);
    CHECK_STREQ(s[3].pUserName, "bob");
    WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, s, count);
    {
        PWTS_SESSION_INFOW w = NULL;

        REQUIRE(WTSEnumerateSessionsW(h, 0, 1, &w, &count));
        CHECK_EQ_U(count, 7);
        CHECK(count > 2 && wcscmp(w[2].pWinStationName, L"RDP-Tcp#3") == 0);
        WTSFreeMemory(w);
    }
    WTSCloseServer(h);
}

static void *query(HANDLE h, DWORD id, WTS_INFO_CLASS c, DWORD *bytes) {
    LPSTR buf = NULL;
    DWORD n = 0;

    if (!WTSQuerySessionInformationA(h, id, c, &buf, &n))
        return NULL;
    if (bytes)
        *bytes = n;
    return buf;
}

static void one_session_answers_every_class(void) {
    HANDLE h = open_double();
    char *s;
    WTS_CLIENT_ADDRESS *a;
    WTS_CLIENT_DISPLAY *d;
    ULONG *build;
    USHORT *proto;
    WTSINFOA *info;
    WTSINFOEXA *ex;

    s = query(h, 2, WTSUserName, NULL);
    CHECK_STREQ(s ? s : "(failed)", "alice");
    WTSFreeMemory(s);
    s = query(h, 2, WTSDomainName, NULL);
    CHECK_STREQ(s ? s : "(failed)", "CORP");
    WTSFreeMemory(s);
    s = query(h, 2, WTSWinStationName, NULL);
    CHECK_STREQ(s ? s : "(failed)", "RDP-Tcp#3");
    WTSFreeMemory(s);
    s = query(h, 2, WTSClientName, NULL);
    CHECK_STREQ(s ? s : "(failed)", "LAPTOP7");
    WTSFreeMemory(s);
    a = query(h, 2, WTSClientAddress, NULL);
    REQUIRE(a);
    CHECK_EQ_U(a->AddressFamily, WTS_AF_INET);
    CHECK(a->Address[2] == 192 && a->Address[3] == 0 && a->Address[4] == 2 && a->Address[5] == 44);
    WTSFreeMemory(a);
    d = query(h, 2, WTSClientDisplay, NULL);
    REQUIRE(d);
    CHECK(d->HorizontalResolution == 1920 && d->VerticalResolution == 1080 && d->ColorDepth == 24);
    WTSFreeMemory(d);
    build = query(h, 2, WTSClientBuildNumber, NULL);
    CHECK(build && *build == 22621);
    WTSFreeMemory(build);
    proto = query(h, 2, WTSClientProtocolType, NULL);
    CHECK(proto && *proto == WTS_PROTOCOL_TYPE_RDP);
    WTSFreeMemory(proto);
    proto = query(h, 1, WTSClientProtocolType, NULL);
    CHECK(proto && *proto == WTS_PROTOCOL_TYPE_CONSOLE);
    WTSFreeMemory(proto);
    info = query(h, 2, WTSSessionInfo, NULL);
    REQUIRE(info);
    CHECK(info->LogonTime.QuadPart == 133000000000000000LL); /* the server's FILETIME, unchanged */
    CHECK(info->ConnectTime.QuadPart == 133000000100000000LL);
    CHECK(info->LastInputTime.QuadPart == 0); /* out of range on the wire: unknown */
    CHECK_EQ_U(info->State, WTSActive);
    WTSFreeMemory(info);
    ex = query(h, 2, WTSSessionInfoEx, NULL);
    REQUIRE(ex);
    CHECK_EQ_U(ex->Level, 1);
    CHECK(ex->Data.WTSInfoExLevel1.SessionFlags == WTS_SESSIONSTATE_LOCK);
    CHECK_STREQ(ex->Data.WTSInfoExLevel1.UserName, "alice");
    WTSFreeMemory(ex);
    WTSCloseServer(h);
}

static void errors_are_as_windows_callers_see_them(void) {
    HANDLE h = open_double(), dead, bad;
    PWTS_SESSION_INFOA s = POISON_PTR;
    DWORD count = 77;
    LPSTR buf = POISON_PTR;
    DWORD n;

    SetLastError(0);
    CHECK(!WTSQuerySessionInformationA(h, 77, WTSUserName, &buf, &n));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
    CHECK(buf == POISON_PTR); /* outputs untouched */
    SetLastError(0);
    CHECK(!WTSQuerySessionInformationA(h, 6, WTSUserName, &buf, &n));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    SetLastError(0);
    CHECK(!WTSLogoffSession(h, 6, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    CHECK(!recorded("{\"op\": \"logoff\", \"id\": 6"));
    SetLastError(0);
    CHECK(!WTSLogoffSession(h, 77, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
    WTSCloseServer(h);

    dead = WTSOpenServerA((LPSTR) dead_url);
    REQUIRE(dead != NULL);
    SetLastError(0);
    CHECK(!WTSEnumerateSessionsA(dead, 0, 1, &s, &count));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    CHECK(s == POISON_PTR && count == 77);
    WTSCloseServer(dead);

    setenv("WTSNET_CREDENTIALS_FILE", bad_creds, 1);
    bad = WTSOpenServerA((LPSTR) url);
    SetLastError(0);
    CHECK(!WTSEnumerateSessionsA(bad, 0, 1, &s, &count));
    CHECK_EQ_U(GetLastError(), ERROR_LOGON_FAILURE);
    WTSCloseServer(bad);
}

/* A failed open is a handle that fails every call, never this host. */
static void a_failed_open_is_never_this_host(void) {
    PWTS_SESSION_INFOA s = POISON_PTR;
    DWORD count = 77;
    HANDLE h = WTSOpenServerA((LPSTR) "rdsh://");

    CHECK(h != NULL);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(!WTSEnumerateSessionsA(h, 0, 1, &s, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(s == POISON_PTR && count == 77);
    WTSCloseServer(h);
}

static void logoff_with_wait_returns_when_it_is_gone(void) {
    HANDLE h = open_double();
    LPSTR buf;
    DWORD n;
    double t0;

    t0 = now_sec();
    REQUIRE(WTSLogoffSession(h, 3, TRUE));
    /* The double takes 800 ms to log bob off and answers when it is done. */
    CHECK(now_sec() - t0 >= 0.7);
    SetLastError(0);
    CHECK(!WTSQuerySessionInformationA(h, 3, WTSUserName, &buf, &n));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND); /* gone, not going */
    CHECK(recorded("{\"op\": \"logoff\", \"id\": 3, \"wait\": true}"));
    WTSCloseServer(h);
}

static void logoff_without_wait_returns_before_it_is_gone(void) {
    HANDLE h = open_double();
    LPSTR buf = NULL;
    DWORD n, err = 0;
    bool gone = false;

    REQUIRE(WTSLogoffSession(h, 4, FALSE));
    CHECK(recorded("{\"op\": \"logoff\", \"id\": 4, \"wait\": false}"));
    /* carol's logoff takes 5 s on the double: right after the call she is
     * still there, or being logged off — not gone. */
    if (WTSQuerySessionInformationA(h, 4, WTSUserName, &buf, &n))
        WTSFreeMemory(buf);
    else
        err = GetLastError();
    CHECK(err == 0 || err == ERROR_CTX_CLOSE_PENDING);
    for (int i = 0; i < 300 && !gone; i++) { /* …and gone within 30 s */
        gone = !WTSQuerySessionInformationA(h, 4, WTSUserName, &buf, &n) &&
               GetLastError() == ERROR_CTX_WINSTATION_NOT_FOUND;
        if (!gone) {
            if (buf)
                WTSFreeMemory(buf), buf = NULL;
            usleep(100000);
        }
    }
    CHECK(gone);
    WTSCloseServer(h);
}

static void disconnect_leaves_the_session_disconnected(void) {
    HANDLE h = open_double();
    DWORD *state;

    REQUIRE(WTSDisconnectSession(h, 5, TRUE));
    CHECK(recorded("{\"op\": \"disconnect\", \"id\": 5, \"wait\": true}"));
    state = query(h, 5, WTSConnectState, NULL);
    CHECK(state && *state == WTSDisconnected);
    WTSFreeMemory(state);
    WTSCloseServer(h);
}

int main(void) {
    url = getenv("TSTS_URL");
    dead_url = getenv("TSTS_DEAD_URL");
    record = getenv("TSTS_RECORD");
    bad_creds = getenv("TSTS_BAD_CREDS");
    if (!url || !dead_url || !record || !bad_creds) {
        printf("1..0 # SKIP run by tests/suites/65-tsts.sh (TSTS_* unset)\n");
        return 0;
    }
    {
        static const struct tap_case cases[] = {
            CASE(enumerate_lists_the_hosts_sessions), CASE(one_session_answers_every_class),
            CASE(a_failed_open_is_never_this_host), CASE(logoff_with_wait_returns_when_it_is_gone),
            CASE(logoff_without_wait_returns_before_it_is_gone), CASE(disconnect_leaves_the_session_disconnected),
            CASE(errors_are_as_windows_callers_see_them), /* last: it changes the credentials */
        };
        return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
    }
}
