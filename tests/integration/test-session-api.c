/*
 * wtsapi32 against real login sessions, whichever provider serves them:
 * the same source runs against the audit provider (tests/suites/40-audit.sh)
 * and can run against logind (WTSNET_PROVIDER=logind inside the logind
 * namespace), because both name an sshd session by its audit id and follow
 * the same WinStation, state and byte-count rules.
 *
 *   test-session-api [--current ID] ID:USER:HOST…
 *
 * Each ID:USER:HOST is a live ssh session of USER from client address HOST
 * (an IPv4 literal), at least one; --current is the id WTS_CURRENT_SESSION must resolve
 * to for this process (0 when it runs outside any session). Only the
 * sessions named are checked: other sessions on the host may come and go.
 * Wine-style: last-error and out-parameters are poisoned before each call.
 */
#include <wtsapi32.h>

#include <arpa/inet.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "tap.h"

#define POISON ((void *) 0xdeadbeef)
#define POISON_COUNT 0xdeadbeefu
#define MAX_EXPECTED 16

static struct expected {
    DWORD id;
    char user[64];
    char host[64];
    char station[40];
} expected[MAX_EXPECTED];
static size_t n_expected;
static DWORD current_id;
static char host_name[256], short_host[256];

static const char *utf8(const wchar_t *w, char *buf, size_t size) {
    if (!w || wcstombs(buf, w, size) == (size_t) -1)
        snprintf(buf, size, "(unconvertible)");
    buf[size - 1] = '\0';
    return buf;
}

static LPWSTR query_w(DWORD id, WTS_INFO_CLASS cls, DWORD *bytes) {
    LPWSTR buf = POISON;

    *bytes = POISON_COUNT;
    SetLastError(0xdeadbeef);
    if (!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, cls, &buf, bytes)) {
        tap_diag("query W %u class %d failed: %u", id, (int) cls, GetLastError());
        return NULL;
    }
    return buf;
}

static LPSTR query_a(DWORD id, WTS_INFO_CLASS cls, DWORD *bytes) {
    LPSTR buf = POISON;

    *bytes = POISON_COUNT;
    SetLastError(0xdeadbeef);
    if (!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, cls, &buf, bytes)) {
        tap_diag("query A %u class %d failed: %u", id, (int) cls, GetLastError());
        return NULL;
    }
    return buf;
}

static void enumeration_lists_session_zero_first_as_services(void) {
    PWTS_SESSION_INFOW info = POISON;
    DWORD count = POISON_COUNT;
    char name[64];

    SetLastError(0xdeadbeef);
    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    REQUIRE(count >= 1 + n_expected);
    CHECK_EQ_U(info[0].SessionId, 0);
    CHECK_STREQ(utf8(info[0].pWinStationName, name, sizeof(name)), "Services");
    CHECK_EQ_U(info[0].State, WTSDisconnected);
    WTSFreeMemory(info);
}

static void enumeration_lists_each_login_as_ssh_and_active(void) {
    PWTS_SESSION_INFOW info = POISON;
    DWORD count = POISON_COUNT;

    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    for (size_t e = 0; e < n_expected; e++) {
        bool seen = false;
        char name[64];

        for (DWORD i = 0; i < count; i++)
            if (info[i].SessionId == expected[e].id) {
                seen = true;
                CHECK_STREQ(utf8(info[i].pWinStationName, name, sizeof(name)), expected[e].station);
                CHECK_EQ_U(info[i].State, WTSActive);
            }
        if (!seen)
            tap_diag("session %u is not listed", expected[e].id);
        CHECK(seen);
    }
    WTSFreeMemory(info);
}

static void enumeration_ex_gives_user_domain_and_host(void) {
    PWTS_SESSION_INFO_1A info = POISON;
    DWORD level = 1, count = POISON_COUNT;

    SetLastError(0xdeadbeef);
    REQUIRE(WTSEnumerateSessionsExA(WTS_CURRENT_SERVER_HANDLE, &level, 0, &info, &count));
    CHECK_EQ_U(level, 1);
    for (size_t e = 0; e < n_expected; e++) {
        bool seen = false;

        for (DWORD i = 0; i < count; i++)
            if (info[i].SessionId == expected[e].id) {
                seen = true;
                CHECK_EQ_U(info[i].ExecEnvId, expected[e].id);
                CHECK_EQ_U(info[i].State, WTSActive);
                CHECK_STREQ(info[i].pSessionName, expected[e].station);
                CHECK_STREQ(info[i].pUserName, expected[e].user);
                CHECK_STREQ(info[i].pDomainName, short_host);
                CHECK_STREQ(info[i].pHostName, host_name);
            }
        CHECK(seen);
    }
    /* Session 0 has no user: NULL user and domain, as on Windows. */
    CHECK_EQ_U(info[0].SessionId, 0);
    CHECK(info[0].pUserName == NULL && info[0].pDomainName == NULL);
    CHECK(WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, info, count));
}

static void a_and_w_enumerations_agree(void) {
    PWTS_SESSION_INFOA a = POISON;
    PWTS_SESSION_INFOW w = POISON;
    DWORD na = 0, nw = 0;

    REQUIRE(WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &a, &na));
    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &w, &nw));
    for (size_t e = 0; e < n_expected; e++) {
        const char *an = NULL;
        char wn[64] = "";

        for (DWORD i = 0; i < na; i++)
            if (a[i].SessionId == expected[e].id)
                an = a[i].pWinStationName;
        for (DWORD i = 0; i < nw; i++)
            if (w[i].SessionId == expected[e].id)
                utf8(w[i].pWinStationName, wn, sizeof(wn));
        CHECK_STREQ(an, wn);
    }
    WTSFreeMemory(a);
    WTSFreeMemory(w);
}

static void string_classes_count_bytes_with_the_terminator(void) {
    static const WTS_INFO_CLASS classes[] = {WTSUserName, WTSWinStationName, WTSDomainName, WTSClientName};

    for (size_t e = 0; e < n_expected; e++) {
        const char *want[] = {expected[e].user, expected[e].station, short_host, expected[e].host};

        for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
            DWORD wbytes, abytes;
            LPWSTR w = query_w(expected[e].id, classes[c], &wbytes);
            LPSTR a = query_a(expected[e].id, classes[c], &abytes);
            char wtext[300];

            REQUIRE(w && a);
            CHECK_STREQ(a, want[c]);
            CHECK_STREQ(utf8(w, wtext, sizeof(wtext)), want[c]);
            CHECK_EQ_U(wbytes, (wcslen(w) + 1) * sizeof(WCHAR));
            CHECK_EQ_U(abytes, strlen(a) + 1);
            WTSFreeMemory(w);
            WTSFreeMemory(a);
        }
    }
}

static void fixed_size_classes_give_their_size_and_value(void) {
    for (size_t e = 0; e < n_expected; e++) {
        DWORD id = expected[e].id, bytes;
        LPWSTR v;

        REQUIRE((v = query_w(id, WTSSessionId, &bytes)));
        CHECK_EQ_U(bytes, sizeof(ULONG));
        CHECK_EQ_U(*(ULONG *) v, id);
        WTSFreeMemory(v);
        REQUIRE((v = query_w(id, WTSConnectState, &bytes)));
        CHECK_EQ_U(bytes, sizeof(WTS_CONNECTSTATE_CLASS));
        CHECK_EQ_U(*(WTS_CONNECTSTATE_CLASS *) v, WTSActive);
        WTSFreeMemory(v);
        REQUIRE((v = query_w(id, WTSClientProtocolType, &bytes)));
        CHECK_EQ_U(bytes, sizeof(USHORT));
        CHECK_EQ_U(*(USHORT *) v, WTS_PROTOCOL_TYPE_CONSOLE);
        WTSFreeMemory(v);
        REQUIRE((v = query_w(id, WTSIsRemoteSession, &bytes)));
        CHECK_EQ_U(bytes, sizeof(BOOL));
        CHECK(*(BOOL *) v == TRUE);
        WTSFreeMemory(v);
    }
}

static void client_address_is_the_ssh_clients(void) {
    for (size_t e = 0; e < n_expected; e++) {
        unsigned char want[4];
        WTS_CLIENT_ADDRESS *a;
        DWORD bytes;

        REQUIRE(inet_pton(AF_INET, expected[e].host, want) == 1);
        REQUIRE((a = (WTS_CLIENT_ADDRESS *) query_w(expected[e].id, WTSClientAddress, &bytes)));
        CHECK_EQ_U(bytes, sizeof(WTS_CLIENT_ADDRESS));
        CHECK_EQ_U(a->AddressFamily, WTS_AF_INET);
        CHECK(memcmp(&a->Address[2], want, 4) == 0);
        WTSFreeMemory(a);
    }
}

static int64_t filetime_now(void) {
    return ((int64_t) time(NULL) + INT64_C(11644473600)) * 10000000;
}

static void session_info_has_the_ids_names_and_plausible_times(void) {
    for (size_t e = 0; e < n_expected; e++) {
        int64_t now = filetime_now(), hour = INT64_C(36000000000);
        char text[64];
        WTSINFOW *info;
        DWORD bytes;

        REQUIRE((info = (WTSINFOW *) query_w(expected[e].id, WTSSessionInfo, &bytes)));
        CHECK_EQ_U(bytes, sizeof(WTSINFOW));
        CHECK_EQ_U(info->SessionId, expected[e].id);
        CHECK_EQ_U(info->State, WTSActive);
        CHECK_STREQ(utf8(info->UserName, text, sizeof(text)), expected[e].user);
        CHECK_STREQ(utf8(info->WinStationName, text, sizeof(text)), expected[e].station);
        /* The login happened minutes ago at most; CurrentTime is now. */
        CHECK(info->LogonTime.QuadPart > now - hour && info->LogonTime.QuadPart <= info->CurrentTime.QuadPart);
        CHECK(info->CurrentTime.QuadPart > now - 50000000 && info->CurrentTime.QuadPart < now + 50000000);
        WTSFreeMemory(info);
    }
}

static void classes_without_a_truthful_answer_are_not_supported(void) {
    static const WTS_INFO_CLASS classes[] = {WTSInitialProgram, WTSOutgoingFrames, WTSIncomingBytes, WTSClientDirectory};

    REQUIRE(n_expected > 0);
    for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
        LPWSTR buf = POISON;
        DWORD bytes = POISON_COUNT;

        SetLastError(0xdeadbeef);
        CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, expected[0].id, classes[c], &buf, &bytes));
        CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
        CHECK(buf == POISON);
        CHECK_EQ_U(bytes, POISON_COUNT);
    }
}

/* No RDP client, so nothing of one: zeros, as Windows answers for its console
 * (and what WinPR's own test asks every session for). */
static void sessions_without_an_rdp_client_answer_client_classes_with_zeros(void) {
    static const struct {
        WTS_INFO_CLASS cls;
        DWORD size;
    } classes[] = {{WTSClientBuildNumber, sizeof(ULONG)},
                   {WTSClientProductId, sizeof(USHORT)},
                   {WTSClientHardwareId, sizeof(ULONG)},
                   {WTSClientDisplay, sizeof(WTS_CLIENT_DISPLAY)}};
    static const unsigned char zeros[sizeof(WTS_CLIENT_DISPLAY)];

    REQUIRE(n_expected > 0);
    for (size_t e = 0; e < n_expected; e++)
        for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
            LPSTR a = NULL;
            LPWSTR w = NULL;
            DWORD na = 0, nw = 0;

            CHECK(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, expected[e].id, classes[c].cls, &a, &na));
            CHECK(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, expected[e].id, classes[c].cls, &w, &nw));
            CHECK_EQ_U(na, classes[c].size);
            CHECK_EQ_U(nw, classes[c].size);
            CHECK(a && memcmp(a, zeros, classes[c].size) == 0);
            CHECK(w && memcmp(w, zeros, classes[c].size) == 0);
            WTSFreeMemory(a);
            WTSFreeMemory(w);
        }
}

static DWORD an_id_nobody_has(void) {
    DWORD id = 1;

    for (size_t e = 0; e < n_expected; e++)
        if (expected[e].id >= id)
            id = expected[e].id + 1;
    return id + 100000; /* well beyond any login of this boot's tests */
}

static void an_unknown_session_is_not_found(void) {
    DWORD id = an_id_nobody_has(), bytes = POISON_COUNT;
    LPWSTR buf = POISON;

    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, WTSUserName, &buf, &bytes));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
    CHECK(buf == POISON);
    CHECK_EQ_U(bytes, POISON_COUNT);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
}

static void session_zero_has_no_user_and_is_never_logged_off(void) {
    DWORD bytes;
    LPWSTR user = query_w(0, WTSUserName, &bytes);

    REQUIRE(user);
    CHECK(user[0] == L'\0');
    CHECK_EQ_U(bytes, sizeof(WCHAR));
    WTSFreeMemory(user);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, 0, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
}

static void current_session_is_the_callers(void) {
    DWORD bytes;
    LPWSTR v = query_w(WTS_CURRENT_SESSION, WTSSessionId, &bytes);

    REQUIRE(v);
    CHECK_EQ_U(*(ULONG *) v, current_id);
    WTSFreeMemory(v);
}

/* ID is the session's key as its provider names it: an audit id ("12"), or
 * logind's "c<N>" for a session without one (DWORD 0x80000000 | N, docs/api.md). */
static int parse_expected(const char *arg, struct expected *e) {
    const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    bool class_c = arg[0] == 'c';
    char *end;
    unsigned long id = strtoul(arg + class_c, &end, 10);

    if (!c2 || end != c1 || (id == 0 && !class_c) || id >= 0x7FFFFFFEul || (size_t) (c2 - c1 - 1) >= sizeof(e->user) ||
        strlen(c2 + 1) >= sizeof(e->host))
        return -1;
    e->id = class_c ? (DWORD) (0x80000000ul | id) : (DWORD) id;
    memcpy(e->user, c1 + 1, (size_t) (c2 - c1 - 1));
    snprintf(e->host, sizeof(e->host), "%s", c2 + 1);
    snprintf(e->station, sizeof(e->station), "SSH#%s%lu", class_c ? "c" : "", id);
    return 0;
}

int main(int argc, char **argv) {
    static const struct tap_case cases[] = {
        CASE(enumeration_lists_session_zero_first_as_services),
        CASE(enumeration_lists_each_login_as_ssh_and_active),
        CASE(enumeration_ex_gives_user_domain_and_host),
        CASE(a_and_w_enumerations_agree),
        CASE(string_classes_count_bytes_with_the_terminator),
        CASE(fixed_size_classes_give_their_size_and_value),
        CASE(client_address_is_the_ssh_clients),
        CASE(session_info_has_the_ids_names_and_plausible_times),
        CASE(classes_without_a_truthful_answer_are_not_supported),
        CASE(sessions_without_an_rdp_client_answer_client_classes_with_zeros),
        CASE(an_unknown_session_is_not_found),
        CASE(session_zero_has_no_user_and_is_never_logged_off),
        CASE(current_session_is_the_callers),
    };

    setlocale(LC_CTYPE, "C.UTF-8");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--current") == 0 && i + 1 < argc) {
            current_id = (DWORD) strtoul(argv[++i], NULL, 10);
            continue;
        }
        if (n_expected == MAX_EXPECTED || parse_expected(argv[i], &expected[n_expected]) < 0) {
            fprintf(stderr, "usage: test-session-api [--current ID] ID:USER:HOST...\n");
            return 2;
        }
        n_expected++;
    }
    /* Every case checks the sessions named: with none, each would pass
     * without having looked at a session. */
    if (n_expected == 0) {
        fprintf(stderr, "test-session-api: no live session named (ID:USER:HOST); nothing to test\n");
        return 2;
    }
    if (gethostname(host_name, sizeof(host_name)) < 0)
        return 2;
    host_name[sizeof(host_name) - 1] = '\0';
    snprintf(short_host, sizeof(short_host), "%.*s", (int) strcspn(host_name, "."), host_name);
    return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
