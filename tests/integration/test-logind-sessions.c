/*
 * Enumeration and queries against a real logind, with real sessions:
 * `su -l` for two users, ssh from 127.0.0.1 and from 127.0.0.2. Runs inside
 * the test namespace (tests/suites/30-logind.sh). What each session must
 * look like comes from how it was made and from loginctl/busctl, never from
 * the library itself.
 */
#include <wtsapi32.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "live-session.h"
#include "tap.h"

#define POISON ((void *) 0xdeadbeef)
#define POISON_COUNT 0xdeadbeefu
#define N_LIVE 4

static struct live_session live[N_LIVE];
static int setup_state; /* 0 not yet, 1 done, -1 failed */

static void end_all(void) {
    for (int i = 0; i < N_LIVE; i++)
        live_end(&live[i]);
}

static void setup(void) {
    int r;

    if (setup_state == 0) {
        setup_state = -1;
        atexit(end_all);
        if ((r = live_su("wtsitalice", LIVE_PLAIN, &live[0])) < 0 ||
            (r = live_su("wtsitbob", LIVE_PLAIN, &live[1])) < 0 ||
            (r = live_ssh("wtsitcarol", "127.0.0.1", LIVE_PLAIN, &live[2])) < 0 ||
            (r = live_ssh("wtsitalice", "127.0.0.2", LIVE_PLAIN, &live[3])) < 0) {
            tap_diag("could not make the sessions: %s", strerror(-r));
            return;
        }
        for (int i = 0; i < N_LIVE; i++)
            tap_diag("session %s (id 0x%x): %s%s%s", live[i].key, (unsigned) live[i].id, live[i].user,
                     live[i].ssh ? " ssh from " : " su", live[i].from);
        setup_state = 1;
    }
    REQUIRE(setup_state == 1);
}

/* UTF-8 of a wide string (the library's own converter is what is under test). */
static void w2u(const wchar_t *w, char *out, size_t size) {
    size_t n = 0;

    for (; *w && n + 4 < size; w++) {
        unsigned c = (unsigned) *w;

        if (c < 0x80)
            out[n++] = (char) c;
        else if (c < 0x800) {
            out[n++] = (char) (0xC0 | (c >> 6));
            out[n++] = (char) (0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[n++] = (char) (0xE0 | (c >> 12));
            out[n++] = (char) (0x80 | ((c >> 6) & 0x3F));
            out[n++] = (char) (0x80 | (c & 0x3F));
        } else {
            out[n++] = (char) (0xF0 | (c >> 18));
            out[n++] = (char) (0x80 | ((c >> 12) & 0x3F));
            out[n++] = (char) (0x80 | ((c >> 6) & 0x3F));
            out[n++] = (char) (0x80 | (c & 0x3F));
        }
    }
    out[n] = '\0';
}

static WTS_CONNECTSTATE_CLASS state_of(const char *logind_state) {
    if (strcmp(logind_state, "active") == 0)
        return WTSActive;
    if (strcmp(logind_state, "online") == 0)
        return WTSConnected;
    if (strcmp(logind_state, "opening") == 0)
        return WTSInit;
    if (strcmp(logind_state, "closing") == 0)
        return WTSDown;
    return (WTS_CONNECTSTATE_CLASS) -1;
}

static WTS_CONNECTSTATE_CLASS expected_state(const struct live_session *s) {
    char state[64];

    if (oracle_prop(s->key, "State", state, sizeof(state)) < 0)
        return (WTS_CONNECTSTATE_CLASS) -1;
    return state_of(state);
}

/* docs/api.md, WinStation names: "SSH#<id>" for sshd, "<service>#<id>" otherwise. */
static void expected_station(const struct live_session *s, char *buf, size_t size) {
    snprintf(buf, size, s->ssh ? "SSH#%s" : "su-l#%s", s->key);
}

static void host_names(char *host, size_t hsize, char *domain, size_t dsize) {
    gethostname(host, hsize);
    host[hsize - 1] = '\0';
    snprintf(domain, dsize, "%.*s", (int) strcspn(host, "."), host);
}

static void enumerate_w_lists_each_session_with_its_state_and_station(void) {
    PWTS_SESSION_INFOW info = NULL;
    DWORD count = 0;

    setup();
    SetLastError(0xdeadbeef);
    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    CHECK(count >= N_LIVE + 1);
    for (int i = 0; i < N_LIVE; i++) {
        char station[64], got[64];
        int found = 0;

        expected_station(&live[i], station, sizeof(station));
        for (DWORD j = 0; j < count; j++)
            if (info[j].SessionId == live[i].id) {
                found++;
                CHECK_EQ_U(info[j].State, expected_state(&live[i]));
                w2u(info[j].pWinStationName, got, sizeof(got));
                CHECK_STREQ(got, station);
            }
        CHECK_EQ_U(found, 1);
    }
    WTSFreeMemory(info);
}

static void enumerate_a_agrees_with_w(void) {
    PWTS_SESSION_INFOW w = NULL;
    PWTS_SESSION_INFOA a = NULL;
    DWORD wn = 0, an = 0;

    setup();
    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &w, &wn));
    REQUIRE(WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &a, &an));
    CHECK_EQ_U(an, wn);
    for (DWORD i = 0; i < wn && i < an; i++) {
        char u[64];

        CHECK_EQ_U(a[i].SessionId, w[i].SessionId);
        CHECK_EQ_U(a[i].State, w[i].State);
        w2u(w[i].pWinStationName, u, sizeof(u));
        CHECK_STREQ(a[i].pWinStationName, u);
    }
    WTSFreeMemory(w);
    WTSFreeMemory(a);
}

static void enumerate_lists_session_zero_as_disconnected_services(void) {
    PWTS_SESSION_INFOW info = NULL;
    DWORD count = 0;

    setup();
    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    REQUIRE(count >= 1);
    CHECK_EQ_U(info[0].SessionId, 0);
    CHECK_EQ_U(info[0].State, WTSDisconnected);
    CHECK_WCSEQ(info[0].pWinStationName, L"Services");
    WTSFreeMemory(info);
}

static void enumerate_ex_w_gives_user_host_and_domain(void) {
    PWTS_SESSION_INFO_1W info = NULL;
    DWORD level = 1, count = 0;
    char host[256], domain[256];

    setup();
    host_names(host, sizeof(host), domain, sizeof(domain));
    REQUIRE(WTSEnumerateSessionsExW(WTS_CURRENT_SERVER_HANDLE, &level, 0, &info, &count));
    CHECK_EQ_U(level, 1);
    REQUIRE(count >= N_LIVE + 1);
    CHECK_EQ_U(info[0].SessionId, 0);
    CHECK(info[0].pUserName == NULL); /* no user in session 0, as on Windows */
    CHECK(info[0].pDomainName == NULL);
    for (int i = 0; i < N_LIVE; i++) {
        char u[256], station[64];
        int found = 0;

        expected_station(&live[i], station, sizeof(station));
        for (DWORD j = 0; j < count; j++) {
            if (info[j].SessionId != live[i].id)
                continue;
            found++;
            CHECK_EQ_U(info[j].ExecEnvId, live[i].id);
            CHECK_EQ_U(info[j].State, expected_state(&live[i]));
            REQUIRE(info[j].pSessionName && info[j].pHostName && info[j].pUserName && info[j].pDomainName);
            w2u(info[j].pSessionName, u, sizeof(u));
            CHECK_STREQ(u, station);
            w2u(info[j].pUserName, u, sizeof(u));
            CHECK_STREQ(u, live[i].user);
            w2u(info[j].pHostName, u, sizeof(u));
            CHECK_STREQ(u, host);
            w2u(info[j].pDomainName, u, sizeof(u));
            CHECK_STREQ(u, domain);
            CHECK(info[j].pFarmName == NULL);
        }
        CHECK_EQ_U(found, 1);
    }
    CHECK(WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, info, count));
}

static void enumerate_ex_a_agrees_with_w(void) {
    PWTS_SESSION_INFO_1W w = NULL;
    PWTS_SESSION_INFO_1A a = NULL;
    DWORD level = 1, wn = 0, an = 0;

    setup();
    REQUIRE(WTSEnumerateSessionsExW(WTS_CURRENT_SERVER_HANDLE, &level, 0, &w, &wn));
    REQUIRE(WTSEnumerateSessionsExA(WTS_CURRENT_SERVER_HANDLE, &level, 0, &a, &an));
    CHECK_EQ_U(an, wn);
    for (DWORD i = 0; i < wn && i < an; i++) {
        const wchar_t *ws[] = {w[i].pSessionName, w[i].pHostName, w[i].pUserName, w[i].pDomainName, w[i].pFarmName};
        const char *as[] = {a[i].pSessionName, a[i].pHostName, a[i].pUserName, a[i].pDomainName, a[i].pFarmName};

        CHECK_EQ_U(a[i].SessionId, w[i].SessionId);
        CHECK_EQ_U(a[i].ExecEnvId, w[i].ExecEnvId);
        CHECK_EQ_U(a[i].State, w[i].State);
        for (size_t k = 0; k < 5; k++) {
            char u[256];

            CHECK((ws[k] == NULL) == (as[k] == NULL));
            if (ws[k] && as[k]) {
                w2u(ws[k], u, sizeof(u));
                CHECK_STREQ(as[k], u);
            }
        }
    }
    CHECK(WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, w, wn));
    CHECK(WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, a, an));
}

/* W: (wcslen+1)*sizeof(WCHAR); A: strlen+1; and A is the UTF-8 of W. */
static void query_string(DWORD id, WTS_INFO_CLASS cls, char *value, size_t size) {
    LPWSTR w = NULL;
    LPSTR a = NULL;
    DWORD wbytes = 0, abytes = 0;
    char u[512];

    value[0] = '\0';
    SetLastError(0xdeadbeef);
    if (!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, cls, &w, &wbytes)) {
        TAP_FAIL("W query of class %d on 0x%x: error %u", (int) cls, (unsigned) id, (unsigned) GetLastError());
        return;
    }
    CHECK_EQ_U(wbytes, (wcslen(w) + 1) * sizeof(WCHAR));
    if (!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, cls, &a, &abytes)) {
        TAP_FAIL("A query of class %d on 0x%x: error %u", (int) cls, (unsigned) id, (unsigned) GetLastError());
        WTSFreeMemory(w);
        return;
    }
    CHECK_EQ_U(abytes, strlen(a) + 1);
    w2u(w, u, sizeof(u));
    CHECK_STREQ(a, u);
    snprintf(value, size, "%s", a);
    WTSFreeMemory(w);
    WTSFreeMemory(a);
}

static void query_string_classes_count_terminators_and_agree(void) {
    char host[256], domain[256];

    setup();
    host_names(host, sizeof(host), domain, sizeof(domain));
    for (int i = 0; i < N_LIVE; i++) {
        char v[512], station[64];

        query_string(live[i].id, WTSUserName, v, sizeof(v));
        CHECK_STREQ(v, live[i].user);
        query_string(live[i].id, WTSWinStationName, v, sizeof(v));
        expected_station(&live[i], station, sizeof(station));
        CHECK_STREQ(v, station);
        query_string(live[i].id, WTSDomainName, v, sizeof(v));
        CHECK_STREQ(v, domain);
        query_string(live[i].id, WTSClientName, v, sizeof(v));
        CHECK_STREQ(v, live[i].from); /* ssh: the client's address; su: none */
    }
}

/* Fixed-size classes: sizeof(type) in W and A, the same bytes in both. */
static void *query_fixed(DWORD id, WTS_INFO_CLASS cls, DWORD want_bytes) {
    LPWSTR w = NULL;
    LPSTR a = NULL;
    DWORD wbytes = 0, abytes = 0;

    SetLastError(0xdeadbeef);
    if (!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, cls, &w, &wbytes)) {
        TAP_FAIL("W query of class %d on 0x%x: error %u", (int) cls, (unsigned) id, (unsigned) GetLastError());
        return NULL;
    }
    CHECK_EQ_U(wbytes, want_bytes);
    if (!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, cls, &a, &abytes))
        TAP_FAIL("A query of class %d on 0x%x: error %u", (int) cls, (unsigned) id, (unsigned) GetLastError());
    else {
        CHECK_EQ_U(abytes, want_bytes);
        CHECK(abytes == wbytes && memcmp(a, w, wbytes) == 0);
        WTSFreeMemory(a);
    }
    return w;
}

static void query_fixed_classes_return_sizeof_their_type(void) {
    setup();
    for (int i = 0; i < N_LIVE; i++) {
        const struct live_session *s = &live[i];
        void *v;

        if ((v = query_fixed(s->id, WTSSessionId, sizeof(ULONG)))) {
            CHECK_EQ_U(*(ULONG *) v, s->id);
            WTSFreeMemory(v);
        }
        if ((v = query_fixed(s->id, WTSConnectState, sizeof(WTS_CONNECTSTATE_CLASS)))) {
            CHECK_EQ_U(*(WTS_CONNECTSTATE_CLASS *) v, expected_state(s));
            WTSFreeMemory(v);
        }
        if ((v = query_fixed(s->id, WTSClientProtocolType, sizeof(USHORT)))) {
            CHECK_EQ_U(*(USHORT *) v, WTS_PROTOCOL_TYPE_CONSOLE); /* ssh and su are not RDP */
            WTSFreeMemory(v);
        }
        if ((v = query_fixed(s->id, WTSIsRemoteSession, sizeof(BOOL)))) {
            CHECK_EQ_U(*(BOOL *) v, s->ssh ? TRUE : FALSE);
            WTSFreeMemory(v);
        }
        if ((v = query_fixed(s->id, WTSClientAddress, sizeof(WTS_CLIENT_ADDRESS)))) {
            const WTS_CLIENT_ADDRESS *addr = v;
            unsigned char want[4] = {0};

            if (s->ssh) {
                inet_pton(AF_INET, s->from, want);
                CHECK_EQ_U(addr->AddressFamily, WTS_AF_INET);
                CHECK(memcmp(&addr->Address[2], want, 4) == 0);
            } else
                CHECK_EQ_U(addr->AddressFamily, WTS_AF_UNSPEC);
            WTSFreeMemory(v);
        }
    }
}

static int64_t filetime_of_usec(uint64_t usec) {
    return (int64_t) (usec * 10 + UINT64_C(116444736000000000));
}

static int64_t filetime_now(void) {
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return filetime_of_usec((uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000);
}

static void query_session_info_fills_wtsinfo_in_w_and_a(void) {
    char host[256], domain[256];

    setup();
    host_names(host, sizeof(host), domain, sizeof(domain));
    for (int i = 0; i < N_LIVE; i++) {
        const struct live_session *s = &live[i];
        WTSINFOW *w = NULL;
        WTSINFOA *a = NULL;
        DWORD wbytes = 0, abytes = 0;
        uint64_t logon = 0;
        int64_t before = filetime_now();
        char u[128], station[64];

        REQUIRE(oracle_timestamp(s->key, &logon) == 0);
        expected_station(s, station, sizeof(station));
        REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, s->id, WTSSessionInfo, (LPWSTR *) &w,
                                            &wbytes));
        REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, s->id, WTSSessionInfo, (LPSTR *) &a,
                                            &abytes));
        CHECK_EQ_U(wbytes, sizeof(WTSINFOW));
        CHECK_EQ_U(abytes, sizeof(WTSINFOA));
        CHECK_EQ_U(w->SessionId, s->id);
        CHECK_EQ_U(w->State, expected_state(s));
        w2u(w->UserName, u, sizeof(u));
        CHECK_STREQ(u, s->user);
        w2u(w->WinStationName, u, sizeof(u));
        CHECK_STREQ(u, station);
        w2u(w->Domain, u, sizeof(u));
        CHECK_STREQ(u, domain);
        CHECK_EQ_I(w->LogonTime.QuadPart, filetime_of_usec(logon));
        CHECK(w->CurrentTime.QuadPart >= before - 10000000 && w->CurrentTime.QuadPart <= filetime_now());
        CHECK(w->LogonTime.QuadPart <= w->CurrentTime.QuadPart);

        CHECK_EQ_U(a->SessionId, w->SessionId);
        CHECK_EQ_U(a->State, w->State);
        CHECK_STREQ(a->UserName, s->user);
        CHECK_STREQ(a->WinStationName, station);
        CHECK_STREQ(a->Domain, domain);
        CHECK_EQ_I(a->LogonTime.QuadPart, w->LogonTime.QuadPart);
        CHECK_EQ_I(a->ConnectTime.QuadPart, w->ConnectTime.QuadPart);
        CHECK(a->CurrentTime.QuadPart >= w->CurrentTime.QuadPart);
        WTSFreeMemory(w);
        WTSFreeMemory(a);
    }
}

static void query_session_info_ex_fills_level_one_in_w_and_a(void) {
    setup();
    for (int i = 0; i < N_LIVE; i++) {
        const struct live_session *s = &live[i];
        WTSINFOEXW *w = NULL;
        WTSINFOEXA *a = NULL;
        DWORD wbytes = 0, abytes = 0;
        uint64_t logon = 0;
        char u[128], locked[16];

        REQUIRE(oracle_timestamp(s->key, &logon) == 0);
        REQUIRE(oracle_prop(s->key, "LockedHint", locked, sizeof(locked)) == 0);
        REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, s->id, WTSSessionInfoEx, (LPWSTR *) &w,
                                            &wbytes));
        REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, s->id, WTSSessionInfoEx, (LPSTR *) &a,
                                            &abytes));
        CHECK_EQ_U(wbytes, sizeof(WTSINFOEXW));
        CHECK_EQ_U(abytes, sizeof(WTSINFOEXA));
        CHECK_EQ_U(w->Level, 1);
        CHECK_EQ_U(w->Data.WTSInfoExLevel1.SessionId, s->id);
        CHECK_EQ_U(w->Data.WTSInfoExLevel1.SessionState, expected_state(s));
        CHECK_EQ_I(w->Data.WTSInfoExLevel1.SessionFlags,
                   strcmp(locked, "yes") == 0 ? WTS_SESSIONSTATE_LOCK : WTS_SESSIONSTATE_UNLOCK);
        w2u(w->Data.WTSInfoExLevel1.UserName, u, sizeof(u));
        CHECK_STREQ(u, s->user);
        CHECK_EQ_I(w->Data.WTSInfoExLevel1.LogonTime.QuadPart, filetime_of_usec(logon));
        CHECK_EQ_U(a->Level, 1);
        CHECK_EQ_U(a->Data.WTSInfoExLevel1.SessionId, s->id);
        CHECK_EQ_I(a->Data.WTSInfoExLevel1.SessionFlags, w->Data.WTSInfoExLevel1.SessionFlags);
        CHECK_STREQ(a->Data.WTSInfoExLevel1.UserName, s->user);
        w2u(w->Data.WTSInfoExLevel1.WinStationName, u, sizeof(u));
        CHECK_STREQ(a->Data.WTSInfoExLevel1.WinStationName, u);
        w2u(w->Data.WTSInfoExLevel1.DomainName, u, sizeof(u));
        CHECK_STREQ(a->Data.WTSInfoExLevel1.DomainName, u);
        CHECK_EQ_I(a->Data.WTSInfoExLevel1.LogonTime.QuadPart, w->Data.WTSInfoExLevel1.LogonTime.QuadPart);
        WTSFreeMemory(w);
        WTSFreeMemory(a);
    }
}

/* docs/api.md, "Query classes": what Linux cannot answer truthfully. */
/* (The client build, product and hardware ids and the display answer zeros
 * for sessions without an RDP client: test-session-api checks them.) */
static const WTS_INFO_CLASS unsupported[] = {
    WTSInitialProgram, WTSApplicationName, WTSWorkingDirectory, WTSOEMId,          WTSClientDirectory,
    WTSIncomingBytes,  WTSOutgoingBytes,   WTSIncomingFrames,   WTSOutgoingFrames, WTSClientInfo,
    WTSConfigInfo,     WTSValidationInfo,  WTSSessionAddressV4,
};

static void unsupported_classes_fail_with_not_supported_and_leave_outputs(void) {
    setup();
    for (size_t k = 0; k < sizeof(unsupported) / sizeof(unsupported[0]); k++) {
        LPWSTR w = POISON;
        LPSTR a = POISON;
        DWORD bytes = POISON_COUNT;

        SetLastError(0xdeadbeef);
        CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, live[2].id, unsupported[k], &w, &bytes));
        CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
        SetLastError(0xdeadbeef);
        CHECK(!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, live[2].id, unsupported[k], &a, &bytes));
        CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
        CHECK(w == POISON && a == POISON);
        CHECK_EQ_U(bytes, POISON_COUNT);
    }
}

static void unknown_session_is_winstation_not_found(void) {
    PWTS_SESSION_INFOW info = NULL;
    DWORD count = 0, max_numeric = 0, max_c = 0;

    setup();
    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    for (DWORD i = 0; i < count; i++) {
        DWORD id = info[i].SessionId;

        if (id & 0x80000000u) {
            if ((id & 0x7fffffffu) > max_c)
                max_c = id & 0x7fffffffu;
        } else if (id > max_numeric)
            max_numeric = id;
    }
    WTSFreeMemory(info);
    DWORD unknown[] = {max_numeric + 1000, 0x80000000u | (max_c + 1000), 0x7ffffff0u};
    for (size_t k = 0; k < sizeof(unknown) / sizeof(unknown[0]); k++) {
        LPWSTR w = POISON;
        LPSTR a = POISON;
        DWORD bytes = POISON_COUNT;

        SetLastError(0xdeadbeef);
        CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, unknown[k], WTSUserName, &w, &bytes));
        CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
        SetLastError(0xdeadbeef);
        CHECK(!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, unknown[k], WTSSessionInfo, &a, &bytes));
        CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
        CHECK(w == POISON && a == POISON);
        CHECK_EQ_U(bytes, POISON_COUNT);
        SetLastError(0xdeadbeef);
        CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, unknown[k], FALSE));
        CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
    }
}

static void session_zero_answers_as_services(void) {
    char v[64];
    ULONG *id = NULL;
    WTS_CONNECTSTATE_CLASS *state = NULL;
    BOOL *remote = NULL;
    DWORD bytes = 0;

    setup();
    query_string(0, WTSWinStationName, v, sizeof(v));
    CHECK_STREQ(v, "Services");
    query_string(0, WTSUserName, v, sizeof(v));
    CHECK_STREQ(v, "");
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, 0, WTSSessionId, (LPWSTR *) &id, &bytes));
    CHECK_EQ_U(*id, 0);
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, 0, WTSConnectState, (LPWSTR *) &state, &bytes));
    CHECK_EQ_U(*state, WTSDisconnected);
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, 0, WTSIsRemoteSession, (LPWSTR *) &remote,
                                        &bytes));
    CHECK_EQ_U(*remote, FALSE);
    WTSFreeMemory(id);
    WTSFreeMemory(state);
    WTSFreeMemory(remote);
}

static void session_zero_logoff_is_refused_and_services_live_on(void) {
    char out[64];
    char *argv[] = {"systemctl", "is-active", "dbus.service", "systemd-logind.service", NULL};
    PWTS_SESSION_INFOW info = NULL;
    DWORD count = 0;

    setup();
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, 0, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, 0, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    CHECK_EQ_I(run_capture(argv, out, sizeof(out), 10000), 0);
    CHECK(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    CHECK(count >= N_LIVE + 1);
    WTSFreeMemory(info);
}

static void current_session_of_a_process_outside_sessions_is_zero(void) {
    ULONG *id = NULL;
    DWORD bytes = 0;

    setup();
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSSessionId, (LPWSTR *) &id,
                                        &bytes));
    CHECK_EQ_U(bytes, sizeof(ULONG));
    CHECK_EQ_U(*id, 0);
    WTSFreeMemory(id);
}

/* The helper as the login shell of a fresh `su -l` session asks for WTS_CURRENT_SESSION. */
static void current_session_inside_a_session_is_that_session(void) {
    char *argv[] = {"su", "-l", "-s", (char *) helper_path(), "wtsitbob", "-c", "current", NULL};
    char out[256], xdg[64] = "";
    unsigned long id = 0;
    unsigned bytes = 0;

    setup();
    CHECK_EQ_I(run_capture(argv, out, sizeof(out), 30000), 0);
    tap_diag("helper said: %s", out);
    REQUIRE(sscanf(out, "ok %lu %u %63s", &id, &bytes, xdg) == 3);
    CHECK_EQ_U(bytes, sizeof(ULONG));
    REQUIRE(strcmp(xdg, "-") != 0); /* pam_systemd names the session it made */
    CHECK_EQ_U(id, live_expected_id(xdg));
    CHECK(id != 0);
}

TAP_MAIN(CASE(enumerate_w_lists_each_session_with_its_state_and_station), CASE(enumerate_a_agrees_with_w),
         CASE(enumerate_lists_session_zero_as_disconnected_services), CASE(enumerate_ex_w_gives_user_host_and_domain),
         CASE(enumerate_ex_a_agrees_with_w), CASE(query_string_classes_count_terminators_and_agree),
         CASE(query_fixed_classes_return_sizeof_their_type), CASE(query_session_info_fills_wtsinfo_in_w_and_a),
         CASE(query_session_info_ex_fills_level_one_in_w_and_a),
         CASE(unsupported_classes_fail_with_not_supported_and_leave_outputs),
         CASE(unknown_session_is_winstation_not_found), CASE(session_zero_answers_as_services),
         CASE(session_zero_logoff_is_refused_and_services_live_on),
         CASE(current_session_of_a_process_outside_sessions_is_zero),
         CASE(current_session_inside_a_session_is_that_session))
