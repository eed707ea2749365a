/*
 * wtsnet as WinPR's WTS API provider (issue 16, docs/winpr.md), through the
 * real WinPR 2 from Debian: this program links libwinpr2 only — never
 * libwtsnet — and WinPR loads libwtsnet-winpr.so from WTSAPI_LIBRARY, as it
 * would for any FreeRDP-based program. tests/suites/30-logind.sh runs it in
 * the logind namespace with real sessions it made:
 *
 *   test-winpr-provider --wtsnet PATH --logoff ID [--utf16 ID] ID:USER[:ADDR]…
 *
 * ID:USER[:ADDR]  a live session (ADDR: the ssh client's IPv4 address)
 * --wtsnet PATH   the wtsnet CLI: its `--json list` is the reference enumeration
 * --utf16 ID      a session whose user's name is "wtsité𝄞" (U+00E9, U+1D11E)
 * --logoff ID     a session to log off, with bWait
 *
 * Every buffer is freed with WTSFreeMemory / WTSFreeMemoryEx (WinPR's, which
 * forward to the provider's table); the ASan build's leak check sees the rest.
 */
#include <winpr/error.h>
#include <winpr/wtsapi.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define MAX_EXPECTED 8

struct expected {
    DWORD id;
    char user[64];
    char addr[32];
};
static struct expected expected[MAX_EXPECTED];
static size_t n_expected;
static const char *wtsnet_cli;
static DWORD utf16_id = 0xFFFFFFFF, logoff_id = 0xFFFFFFFF;

/* The test's own UTF-8 → UTF-16 (an oracle independent of the provider's code). */
static size_t to_utf16(const char *s, WCHAR *out, size_t cap) {
    const unsigned char *p = (const unsigned char *) s;
    size_t n = 0;

    while (*p && n + 2 < cap) {
        uint32_t c;

        if (*p < 0x80)
            c = *p++;
        else if ((*p & 0xE0) == 0xC0)
            c = (uint32_t) (p[0] & 0x1F) << 6 | (p[1] & 0x3F), p += 2;
        else if ((*p & 0xF0) == 0xE0)
            c = (uint32_t) (p[0] & 0x0F) << 12 | (uint32_t) (p[1] & 0x3F) << 6 | (p[2] & 0x3F), p += 3;
        else
            c = (uint32_t) (p[0] & 0x07) << 18 | (uint32_t) (p[1] & 0x3F) << 12 | (uint32_t) (p[2] & 0x3F) << 6 |
                (p[3] & 0x3F),
            p += 4;
        if (c >= 0x10000) {
            c -= 0x10000;
            out[n++] = (WCHAR) (0xD800 | c >> 10);
            out[n++] = (WCHAR) (0xDC00 | (c & 0x3FF));
        } else {
            out[n++] = (WCHAR) c;
        }
    }
    out[n] = 0;
    return n;
}

static size_t units16(const WCHAR *w) {
    size_t n = 0;

    while (w[n])
        n++;
    return n;
}

static int eq16(const WCHAR *a, const WCHAR *b) {
    size_t i = 0;

    for (; a[i] && a[i] == b[i]; i++)
        ;
    return a[i] == b[i];
}

/* ---- the reference: `wtsnet --json list` ---- */

struct ref_session {
    DWORD id;
    char name[64];
};

/* Runs argv (exec, no shell) and returns its stdout, within 30 s. */
static int capture(char *const argv[], char *out, size_t size) {
    int fd[2], status = 0;
    size_t len = 0;
    pid_t pid;
    time_t deadline = time(NULL) + 30;

    if (pipe2(fd, O_CLOEXEC) < 0)
        return -errno;
    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        dup2(fd[1], 1);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    for (;;) {
        struct pollfd p = {.fd = fd[0], .events = POLLIN};
        ssize_t k;

        if (time(NULL) > deadline || poll(&p, 1, 1000) < 0) {
            kill(pid, SIGKILL);
            break;
        }
        if (!p.revents)
            continue;
        k = read(fd[0], out + len, size - 1 - len);
        if (k <= 0)
            break;
        len += (size_t) k;
        if (len == size - 1)
            break;
    }
    close(fd[0]);
    out[len] = '\0';
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
}

/* Each object of the JSON array: its "id" and "name" (plain names; \" and \\ unescaped). */
static int reference_list(struct ref_session *ref, size_t max, size_t *ret_n) {
    static char json[65536];
    char *argv[] = {(char *) wtsnet_cli, "--json", "list", NULL};
    size_t n = 0;
    char *obj = json;

    if (capture(argv, json, sizeof(json)) != 0)
        return -1;
    while ((obj = strchr(obj, '{')) && n < max) {
        char *end = strchr(obj, '}'), *id = strstr(obj, "\"id\":"), *name = strstr(obj, "\"name\":\"");
        size_t k = 0;

        if (!end || !id || !name || id > end || name > end)
            return -1;
        ref[n].id = (DWORD) strtoul(id + 5, NULL, 10);
        for (char *p = name + 8; *p && *p != '"' && k + 1 < sizeof(ref[n].name); p++) {
            if (*p == '\\')
                p++;
            ref[n].name[k++] = *p;
        }
        ref[n].name[k] = '\0';
        n++;
        obj = end;
    }
    *ret_n = n;
    return 0;
}

/* ---- cases ---- */

static void provider_is_loaded(void) {
    PWTS_SESSION_INFOW info = NULL;
    DWORD count = 0;

    REQUIRE(getenv("WTSAPI_LIBRARY"));
    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    CHECK(count >= n_expected);
    WTSFreeMemory(info);
}

static int same_ids(const WTS_SESSION_INFOW *a, DWORD na, const WTS_SESSION_INFOW *b, DWORD nb) {
    if (na != nb)
        return 0;
    for (DWORD i = 0; i < na; i++)
        if (a[i].SessionId != b[i].SessionId)
            return 0;
    return 1;
}

/* WinPR's list equals `wtsnet --json list` taken while WinPR's list held
 * still (the same before and after it): sessions of other users may come and go. */
static void enumeration_matches_wtsnet(void) {
    struct ref_session ref[64];
    PWTS_SESSION_INFOW w = NULL, again = NULL;
    PWTS_SESSION_INFOA a = NULL;
    DWORD nw = 0, na = 0, nagain = 0;
    size_t nref = 0;
    int stable = 0;

    for (int tries = 0; tries < 10 && !stable; tries++) {
        WTSFreeMemory(w);
        WTSFreeMemory(again);
        w = again = NULL;
        REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &w, &nw));
        REQUIRE(reference_list(ref, 64, &nref) == 0);
        REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &again, &nagain));
        stable = same_ids(w, nw, again, nagain);
    }
    WTSFreeMemory(again);
    if (!stable) {
        WTSFreeMemory(w);
        TAP_FAIL("the session list never held still for one `wtsnet list`");
        return;
    }
    REQUIRE(WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &a, &na));
    CHECK_EQ_U(nw, nref);
    for (size_t i = 0; i < nref; i++) {
        WCHAR want[64];
        int found = 0;

        to_utf16(ref[i].name, want, 64);
        for (DWORD j = 0; j < nw; j++) {
            if (w[j].SessionId != ref[i].id)
                continue;
            found = 1;
            CHECK(eq16(w[j].pWinStationName, want));
        }
        if (!found)
            TAP_FAIL("session %" PRIu32 " (%s) of `wtsnet list` is missing through WinPR", ref[i].id, ref[i].name);
    }
    /* The A list: the same sessions, names and states (where it still has them). */
    for (DWORD j = 0; j < na; j++)
        for (DWORD k = 0; k < nw; k++)
            if (a[j].SessionId == w[k].SessionId) {
                WCHAR name[64];

                to_utf16(a[j].pWinStationName, name, 64);
                CHECK(eq16(w[k].pWinStationName, name));
                CHECK_EQ_U(a[j].State, w[k].State);
            }
    for (size_t i = 0; i < n_expected; i++) {
        int found = 0;

        for (DWORD j = 0; j < nw; j++)
            found |= w[j].SessionId == expected[i].id;
        if (!found)
            TAP_FAIL("the live session %" PRIu32 " is not listed", expected[i].id);
    }
    WTSFreeMemory(w);
    WTSFreeMemory(a);
}

/* Exactly the classes WinPR's TestWtsApiQuerySessionInformation asks for, and their sizes. */
static void winpr_test_classes_succeed_for_every_session(void) {
    static const struct {
        WTS_INFO_CLASS cls;
        DWORD size; /* 0: text */
    } classes[] = {
        {WTSUserName, 0},
        {WTSDomainName, 0},
        {WTSConnectState, sizeof(WTS_CONNECTSTATE_CLASS)},
        {WTSClientBuildNumber, sizeof(ULONG)},
        {WTSClientName, 0},
        {WTSClientProductId, sizeof(USHORT)},
        {WTSClientHardwareId, sizeof(ULONG)},
        {WTSClientAddress, sizeof(WTS_CLIENT_ADDRESS)},
        {WTSClientDisplay, sizeof(WTS_CLIENT_DISPLAY)},
        {WTSClientProtocolType, sizeof(USHORT)},
    };
    PWTS_SESSION_INFOA list = NULL;
    DWORD count = 0;

    size_t live_seen = 0;

    REQUIRE(WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &list, &count));
    for (DWORD i = 0; i < count; i++) {
        for (size_t e = 0; e < n_expected; e++)
            live_seen += expected[e].id == list[i].SessionId;
        for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
            LPSTR a = NULL;
            LPWSTR w = NULL;
            DWORD na = 0, nw = 0;

            if (!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, list[i].SessionId, classes[c].cls, &a, &na)) {
                DWORD error = GetLastError();

                /* A session listed as going down (left closing by an earlier test)
                 * is being logged off: its queries say so (docs/api.md), nothing else may fail. */
                if (list[i].State == WTSDown && error == ERROR_CTX_CLOSE_PENDING) {
                    tap_diag("session %" PRIu32 " is closing: ERROR_CTX_CLOSE_PENDING", list[i].SessionId);
                    break;
                }
                TAP_FAIL("session %" PRIu32 " class %d (A): error %" PRIu32, list[i].SessionId, classes[c].cls,
                         error);
                continue;
            }
            if (!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, list[i].SessionId, classes[c].cls, &w, &nw)) {
                TAP_FAIL("session %" PRIu32 " class %d (W): error %" PRIu32, list[i].SessionId, classes[c].cls,
                         GetLastError());
                WTSFreeMemory(a);
                continue;
            }
            if (classes[c].size) {
                CHECK_EQ_U(na, classes[c].size);
                CHECK_EQ_U(nw, classes[c].size);
                CHECK(na == nw && memcmp(a, w, na) == 0);
            } else {
                WCHAR want[128];
                size_t units = to_utf16(a, want, 128);

                CHECK_EQ_U(na, strlen(a) + 1);
                CHECK_EQ_U(nw, (units + 1) * sizeof(WCHAR));
                CHECK(eq16(w, want));
            }
            WTSFreeMemory(a);
            WTSFreeMemory(w);
        }
    }
    CHECK_EQ_U(live_seen, n_expected); /* the live sessions were among them */
    WTSFreeMemory(list);
}

static DWORD query_ulong(DWORD id, WTS_INFO_CLASS cls) {
    LPSTR b = NULL;
    DWORD n = 0, v = 0xFFFFFFFF;

    if (WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, cls, &b, &n)) {
        if (n == sizeof(ULONG))
            memcpy(&v, b, sizeof(v));
        else if (n == sizeof(USHORT))
            v = *(USHORT *) b;
        WTSFreeMemory(b);
    }
    return v;
}

/* The live sessions, as they were made: user, client address, a console-like client. */
static void live_sessions_through_winpr(void) {
    for (size_t i = 0; i < n_expected; i++) {
        const struct expected *e = &expected[i];
        WCHAR want[64];
        LPWSTR user = NULL;
        LPSTR user_a = NULL, addr = NULL;
        LPWSTR info = NULL;
        DWORD n = 0;

        to_utf16(e->user, want, 64);
        if (WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, e->id, WTSUserName, &user, &n)) {
            CHECK(eq16(user, want));
            WTSFreeMemory(user);
        } else {
            TAP_FAIL("WTSUserName of %" PRIu32 ": error %" PRIu32, e->id, GetLastError());
        }
        if (WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, e->id, WTSUserName, &user_a, &n)) {
            CHECK_STREQ(user_a, e->user);
            WTSFreeMemory(user_a);
        } else {
            TAP_FAIL("WTSUserName (A) of %" PRIu32 ": error %" PRIu32, e->id, GetLastError());
        }
        if (WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, e->id, WTSClientAddress, &addr, &n)) {
            const WTS_CLIENT_ADDRESS *ca = (const WTS_CLIENT_ADDRESS *) addr;
            char text[32] = "";

            if (ca->AddressFamily == 2)
                snprintf(text, sizeof(text), "%u.%u.%u.%u", ca->Address[2], ca->Address[3], ca->Address[4],
                         ca->Address[5]);
            CHECK_STREQ(text, e->addr);
            CHECK_EQ_U(ca->AddressFamily, e->addr[0] ? 2u : 0u);
            WTSFreeMemory(addr);
        } else {
            TAP_FAIL("WTSClientAddress of %" PRIu32 ": error %" PRIu32, e->id, GetLastError());
        }
        /* Not RDP: no client build, product, hardware id; protocol "console" (0), as Windows' console. */
        CHECK_EQ_U(query_ulong(e->id, WTSClientBuildNumber), 0);
        CHECK_EQ_U(query_ulong(e->id, WTSClientProductId), 0);
        CHECK_EQ_U(query_ulong(e->id, WTSClientHardwareId), 0);
        CHECK_EQ_U(query_ulong(e->id, WTSClientProtocolType), WTS_PROTOCOL_TYPE_CONSOLE);
        if (WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, e->id, WTSSessionInfo, &info, &n)) {
            const WTSINFOW *wi = (const WTSINFOW *) info;

            CHECK_EQ_U(n, sizeof(WTSINFOW));
            CHECK_EQ_U(wi->SessionId, e->id);
            CHECK(eq16(wi->UserName, want));
            CHECK(wi->LogonTime.QuadPart > 0);
            CHECK(wi->_CurrentTime.QuadPart >= wi->LogonTime.QuadPart);
            WTSFreeMemory(info);
        } else {
            TAP_FAIL("WTSSessionInfo of %" PRIu32 ": error %" PRIu32, e->id, GetLastError());
        }
    }
}

/* "wtsité𝄞": é in the BMP, 𝄞 (U+1D11E) a surrogate pair in UTF-16. */
static void utf16_round_trips_a_non_ascii_user_name(void) {
    static const WCHAR want[] = {'w', 't', 's', 'i', 't', 0x00E9, 0xD834, 0xDD1E, 0};
    static const char want_a[] = "wtsit\xc3\xa9\xf0\x9d\x84\x9e";
    LPWSTR user = NULL, info = NULL;
    LPSTR user_a = NULL;
    PWTS_SESSION_INFO_1W ex = NULL;
    DWORD n = 0, level = 1, count = 0;
    int found = 0;

    if (utf16_id == 0xFFFFFFFF)
        SKIP("no --utf16 session");
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, utf16_id, WTSUserName, &user, &n));
    CHECK_EQ_U(n, sizeof(want));
    CHECK(eq16(user, want));
    WTSFreeMemory(user);
    REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, utf16_id, WTSUserName, &user_a, &n));
    CHECK_STREQ(user_a, want_a);
    CHECK_EQ_U(n, sizeof(want_a));
    WTSFreeMemory(user_a);
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, utf16_id, WTSSessionInfoEx, &info, &n));
    CHECK_EQ_U(n, sizeof(WTSINFOEXW));
    CHECK_EQ_U(((WTSINFOEXW *) info)->Level, 1);
    CHECK(eq16(((WTSINFOEXW *) info)->Data.WTSInfoExLevel1.UserName, want));
    CHECK_EQ_U(((WTSINFOEXW *) info)->Data.WTSInfoExLevel1.SessionId, utf16_id);
    WTSFreeMemory(info);
    REQUIRE(WTSEnumerateSessionsExW(WTS_CURRENT_SERVER_HANDLE, &level, 0, &ex, &count));
    for (DWORD i = 0; i < count; i++)
        if (ex[i].SessionId == utf16_id) {
            found = 1;
            CHECK(ex[i].pUserName && eq16(ex[i].pUserName, want));
            CHECK(ex[i].pDomainName && units16(ex[i].pDomainName) > 0);
        }
    CHECK(found);
    CHECK(WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, ex, count));
}

/* wtsnet's reasons reach WinPR's GetLastError. */
static void errors_reach_winpr_last_error(void) {
    PWTS_SESSION_INFOW list = NULL;
    LPWSTR b = NULL;
    DWORD n = 0;

    SetLastError(0);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, 0x7ffffff0, WTSUserName, &b, &n));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
    CHECK(b == NULL);
    SetLastError(0);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, 0, WTSUserName, NULL, &n));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_USER_BUFFER);
    SetLastError(0);
    CHECK(!WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 2, &list, &n));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CHECK(!WTSFreeMemoryExW(WTSTypeProcessInfoLevel0, &n, 1));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
}

/* A named server, as UTF-16, through WinPR; then closed. */
static void open_server_by_utf16_name(void) {
    static WCHAR localhost[] = {'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 0};
    PWTS_SESSION_INFOW here = NULL, there = NULL;
    DWORD n_here = 0, n_there = 0;
    HANDLE h = WTSOpenServerW(localhost);

    REQUIRE(h != NULL);
    CHECK(WTSEnumerateSessionsW(h, 0, 1, &there, &n_there));
    CHECK(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &here, &n_here));
    CHECK_EQ_U(n_there, n_here);
    WTSFreeMemory(here);
    WTSFreeMemory(there);
    WTSCloseServer(h);
}

/* The table leaves WTSShutdownSystem NULL: WinPR answers FALSE and leaves the
 * last error alone. Asked with the harmless flag: the point is that nothing is called. */
static void shutdown_is_not_provided(void) {
    SetLastError(12345);
    CHECK(!WTSShutdownSystem(WTS_CURRENT_SERVER_HANDLE, WTS_WSD_LOGOFF));
    CHECK_EQ_U(GetLastError(), 12345);
}

static void notification_without_window_is_accepted(void) {
    CHECK(WTSRegisterSessionNotification(NULL, NOTIFY_FOR_ALL_SESSIONS));
    CHECK(WTSUnRegisterSessionNotification(NULL));
    SetLastError(0);
    CHECK(!WTSRegisterSessionNotification((HWND) &n_expected, NOTIFY_FOR_ALL_SESSIONS));
    CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
}

static void logoff_with_wait_ends_the_session(void) {
    PWTS_SESSION_INFOW list = NULL;
    LPWSTR b = NULL;
    DWORD n = 0;

    if (logoff_id == 0xFFFFFFFF)
        SKIP("no --logoff session");
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, logoff_id, WTSUserName, &b, &n));
    WTSFreeMemory(b);
    b = NULL;
    if (!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, logoff_id, TRUE))
        TAP_FAIL("WTSLogoffSession: error %" PRIu32, GetLastError());
    /* bWait: gone when the call returns, no polling. */
    SetLastError(0);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, logoff_id, WTSUserName, &b, &n));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &list, &n));
    for (DWORD i = 0; i < n; i++)
        CHECK(list[i].SessionId != logoff_id);
    WTSFreeMemory(list);
}

static int parse_expected(const char *arg, struct expected *e) {
    const char *colon = strchr(arg, ':'), *colon2;
    size_t len;

    if (!colon)
        return -1;
    e->id = (DWORD) strtoul(arg, NULL, 10);
    colon2 = strchr(colon + 1, ':');
    len = colon2 ? (size_t) (colon2 - colon - 1) : strlen(colon + 1);
    if (len >= sizeof(e->user))
        return -1;
    memcpy(e->user, colon + 1, len);
    e->user[len] = '\0';
    snprintf(e->addr, sizeof(e->addr), "%s", colon2 ? colon2 + 1 : "");
    return 0;
}

int main(int argc, char **argv) {
    static const struct tap_case cases[] = {
        CASE(provider_is_loaded),
        CASE(enumeration_matches_wtsnet),
        CASE(winpr_test_classes_succeed_for_every_session),
        CASE(live_sessions_through_winpr),
        CASE(utf16_round_trips_a_non_ascii_user_name),
        CASE(errors_reach_winpr_last_error),
        CASE(open_server_by_utf16_name),
        CASE(shutdown_is_not_provided),
        CASE(notification_without_window_is_accepted),
        CASE(logoff_with_wait_ends_the_session),
    };

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--wtsnet") == 0 && i + 1 < argc)
            wtsnet_cli = argv[++i];
        else if (strcmp(argv[i], "--utf16") == 0 && i + 1 < argc)
            utf16_id = (DWORD) strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--logoff") == 0 && i + 1 < argc)
            logoff_id = (DWORD) strtoul(argv[++i], NULL, 10);
        else if (n_expected == MAX_EXPECTED || parse_expected(argv[i], &expected[n_expected++]) < 0) {
            fprintf(stderr, "usage: %s --wtsnet PATH [--utf16 ID] [--logoff ID] ID:USER[:ADDR]...\n", argv[0]);
            return 2;
        }
    }
    if (!wtsnet_cli) {
        fprintf(stderr, "--wtsnet PATH is required\n");
        return 2;
    }
    return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
