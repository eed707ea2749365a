/*
 * RDP sessions through the public API, against real xrdp sessions that
 * tests/suites/60-rdp.sh opened with FreeRDP clients. One phase per call:
 *   test-rdp connected      every session in RDP_EXPECT has its client
 *   test-rdp as-user OTHER  run as a session's own user: what it may and may not do
 *   test-rdp disconnected U U's session lives on without a client
 *   test-rdp denied OTHER   run as a plain user while OTHER's session has no client:
 *                           neither disconnect nor logoff, and it stays
 * RDP_EXPECT = "user=client-address=WIDTHxHEIGHTxBPP …" (what the suite connected).
 * Expected display numbers come from logind itself, not from the library.
 */
#include <windows.h>
#include <wtsapi32.h>

#include <arpa/inet.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <systemd/sd-login.h>

#include "tap.h"

#define LISTENER_ID 0xFFFFFFFDu

struct expect {
    char user[64];
    char address[64];
    unsigned width, height, bpp;
};

static struct expect expected[4];
static size_t n_expected;
static const char *other_user; /* as-user: another user whose session must stay */
static const char *gone_user;  /* disconnected, denied: the user whose client was detached */

static void load_expectations(void) {
    char *env = getenv("RDP_EXPECT") ? strdup(getenv("RDP_EXPECT")) : NULL, *save = NULL;

    for (char *tok = env ? strtok_r(env, " ", &save) : NULL; tok && n_expected < 4; tok = strtok_r(NULL, " ", &save)) {
        struct expect *e = &expected[n_expected];

        if (sscanf(tok, "%63[^=]=%63[^=]=%ux%ux%u", e->user, e->address, &e->width, &e->height, &e->bpp) == 5)
            n_expected++;
    }
    free(env);
}

/* logind's own word: the session of user with Service xrdp-sesman, and its X display number. */
static DWORD logind_rdp_session(const char *user, long *ret_display) {
    char **ids = NULL;
    DWORD found = 0;
    int n = sd_get_sessions(&ids);

    for (int i = 0; i < n; i++) {
        char *service = NULL, *display = NULL;
        struct passwd *pw;
        const char *name = "";
        uid_t uid;

        if (sd_session_get_uid(ids[i], &uid) >= 0 && (pw = getpwuid(uid)))
            name = pw->pw_name;
        if (!found && strcmp(name, user) == 0 && sd_session_get_service(ids[i], &service) >= 0 &&
            strcmp(service, "xrdp-sesman") == 0 && sd_session_get_display(ids[i], &display) >= 0) {
            found = ids[i][0] == 'c' ? 0x80000000u | (DWORD) strtoul(ids[i] + 1, NULL, 10)
                                     : (DWORD) strtoul(ids[i], NULL, 10);
            *ret_display = strtol(strchr(display, ':') + 1, NULL, 10);
        }
        free(service);
        free(display);
        free(ids[i]);
    }
    free(ids);
    return found;
}

static DWORD require_session(const struct expect *e, long *display) {
    DWORD id = logind_rdp_session(e->user, display);

    if (!id)
        TAP_FAIL("logind has no xrdp session for %s", e->user);
    return id;
}

static void each_rdp_session_is_listed_as_rdp_tcp_with_its_display(void) {
    PWTS_SESSION_INFO_1A s = NULL;
    DWORD level = 1, count = 0;

    REQUIRE(n_expected >= 2);
    REQUIRE(WTSEnumerateSessionsExA(WTS_CURRENT_SERVER_HANDLE, &level, 0, &s, &count));
    for (size_t i = 0; i < n_expected; i++) {
        long display = -1;
        DWORD id = require_session(&expected[i], &display);
        char want[32];
        int seen = 0;

        snprintf(want, sizeof(want), "RDP-Tcp#%ld", display);
        for (DWORD k = 0; k < count; k++)
            if (s[k].SessionId == id) {
                seen = 1;
                CHECK_STREQ(s[k].pSessionName, want);
                CHECK_STREQ(s[k].pUserName, expected[i].user);
                CHECK_EQ_U(s[k].State, WTSActive);
            }
        CHECK(seen);
    }
    WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, s, count);
}

static void listener_is_listed_in_state_listen_without_user(void) {
    PWTS_SESSION_INFO_1A s = NULL;
    PWTS_SESSION_INFOW w = NULL;
    DWORD level = 1, count = 0, wcount = 0;
    int seen = 0;

    REQUIRE(WTSEnumerateSessionsExA(WTS_CURRENT_SERVER_HANDLE, &level, 0, &s, &count));
    for (DWORD k = 0; k < count; k++)
        if (s[k].SessionId == LISTENER_ID) {
            seen++;
            CHECK_STREQ(s[k].pSessionName, "RDP-Tcp");
            CHECK_EQ_U(s[k].State, WTSListen);
            CHECK(s[k].pUserName == NULL);
        }
    CHECK_EQ_U(seen, 1);
    WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, s, count);

    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &w, &wcount));
    seen = 0;
    for (DWORD k = 0; k < wcount; k++)
        if (w[k].SessionId == LISTENER_ID && w[k].State == WTSListen && wcscmp(w[k].pWinStationName, L"RDP-Tcp") == 0)
            seen++;
    CHECK_EQ_U(seen, 1);
    WTSFreeMemory(w);
}

static void listener_answers_queries_and_refuses_logoff(void) {
    LPSTR buf = NULL;
    DWORD bytes = 0;

    REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, LISTENER_ID, WTSWinStationName, &buf, &bytes));
    CHECK_STREQ(buf, "RDP-Tcp");
    CHECK_EQ_U(bytes, 8);
    WTSFreeMemory(buf);
    REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, LISTENER_ID, WTSConnectState, &buf, &bytes));
    CHECK_EQ_U(*(DWORD *) buf, WTSListen);
    WTSFreeMemory(buf);
    REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, LISTENER_ID, WTSUserName, &buf, &bytes));
    CHECK_STREQ(buf, "");
    WTSFreeMemory(buf);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, LISTENER_ID, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
}

static void protocol_is_rdp_and_session_is_remote(void) {
    for (size_t i = 0; i < n_expected; i++) {
        long display;
        DWORD id = require_session(&expected[i], &display), bytes = 0;
        LPSTR buf = NULL;

        REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, WTSClientProtocolType, &buf, &bytes));
        CHECK_EQ_U(bytes, sizeof(USHORT));
        CHECK_EQ_U(*(USHORT *) buf, WTS_PROTOCOL_TYPE_RDP);
        WTSFreeMemory(buf);
        REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, WTSIsRemoteSession, &buf, &bytes));
        CHECK_EQ_U(bytes, sizeof(BOOL));
        CHECK(*(BOOL *) buf);
        WTSFreeMemory(buf);
    }
}

static void client_address_is_where_each_client_connects_from(void) {
    for (size_t i = 0; i < n_expected; i++) {
        long display;
        DWORD id = require_session(&expected[i], &display), bytes = 0;
        WTS_CLIENT_ADDRESS *a = NULL, *aw = NULL;
        unsigned char want[4];

        REQUIRE(inet_pton(AF_INET, expected[i].address, want) == 1);
        REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, WTSClientAddress, (LPSTR *) &a, &bytes));
        CHECK_EQ_U(bytes, sizeof(WTS_CLIENT_ADDRESS));
        CHECK_EQ_U(a->AddressFamily, WTS_AF_INET);
        CHECK(memcmp(&a->Address[2], want, 4) == 0);
        REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, WTSClientAddress, (LPWSTR *) &aw, &bytes));
        CHECK(memcmp(a, aw, sizeof(*a)) == 0);
        WTSFreeMemory(a);
        WTSFreeMemory(aw);
    }
}

static DWORD depth_code(unsigned bpp) {
    return bpp == 15 ? 16 : bpp == 16 ? 4 : bpp == 8 ? 2 : bpp;
}

static void client_display_is_what_each_client_negotiated(void) {
    for (size_t i = 0; i < n_expected; i++) {
        long display;
        DWORD id = require_session(&expected[i], &display), bytes = 0;
        WTS_CLIENT_DISPLAY *d = NULL;

        REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, WTSClientDisplay, (LPSTR *) &d, &bytes));
        CHECK_EQ_U(bytes, sizeof(WTS_CLIENT_DISPLAY));
        CHECK_EQ_U(d->HorizontalResolution, expected[i].width);
        CHECK_EQ_U(d->VerticalResolution, expected[i].height);
        CHECK_EQ_U(d->ColorDepth, depth_code(expected[i].bpp));
        WTSFreeMemory(d);
    }
}

static void client_name_of_an_rdp_session_is_not_supported(void) {
    long display;
    DWORD id = require_session(&expected[0], &display), bytes = 7;
    LPWSTR buf = (LPWSTR) 0x1;

    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, WTSClientName, &buf, &bytes));
    CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
    CHECK(buf == (LPWSTR) 0x1);
    CHECK_EQ_U(bytes, 7);
}

/* as-user (runuser: outside any session of its own): the user's RDP session, then another user's. */
static void own_state_is_readable_without_privilege(void) {
    struct expect self = {0};
    DWORD *state = NULL, bytes = 0, id;
    long display;

    snprintf(self.user, sizeof(self.user), "%s", getenv("USER") ? getenv("USER") : "");
    id = require_session(&self, &display);
    REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, WTSConnectState, (LPSTR *) &state, &bytes));
    CHECK_EQ_U(*state, WTSActive);
    WTSFreeMemory(state);
}

/* Not even the session's own user can tie it to its TCP connection (docs/api.md,
 * "Why a session's own user cannot read its client's address"). */
static void own_client_address_needs_the_right_to_read_xrdp(void) {
    long display;
    struct expect self = {0};
    DWORD id, bytes = 3;
    LPSTR buf = (LPSTR) 0x1;

    snprintf(self.user, sizeof(self.user), "%s", getenv("USER") ? getenv("USER") : "");
    id = require_session(&self, &display);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, WTSClientAddress, &buf, &bytes));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    CHECK_EQ_U(bytes, 3);
}

/* xrdp's pid file is its own (0600): a user still sees the listener. */
static void listener_is_listed_for_a_plain_user_too(void) {
    PWTS_SESSION_INFOA s = NULL;
    DWORD count = 0;
    int seen = 0;

    REQUIRE(WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &s, &count));
    for (DWORD k = 0; k < count; k++)
        seen += s[k].SessionId == LISTENER_ID && s[k].State == WTSListen && strcmp(s[k].pWinStationName, "RDP-Tcp") == 0;
    CHECK_EQ_U(seen, 1);
    WTSFreeMemory(s);
}

static void logoff_of_another_users_rdp_session_is_denied(void) {
    long display;
    struct expect other = {0};
    DWORD id;

    REQUIRE(other_user);
    snprintf(other.user, sizeof(other.user), "%s", other_user);
    id = require_session(&other, &display);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    SetLastError(0xdeadbeef);
    CHECK(!WTSDisconnectSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
}

static void client_address_of_another_users_session_is_refused_too(void) {
    long display;
    struct expect other = {0};
    DWORD id, bytes = 3;
    LPSTR buf = (LPSTR) 0x1;

    REQUIRE(other_user);
    snprintf(other.user, sizeof(other.user), "%s", other_user);
    id = require_session(&other, &display);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, WTSClientAddress, &buf, &bytes));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    CHECK(buf == (LPSTR) 0x1);
    CHECK_EQ_U(bytes, 3);
}

/* denied (a plain user, OTHER's client detached): the answer does not depend on the
 * session's state — without the right it is ERROR_ACCESS_DENIED, and nothing happens. */
static DWORD gone_session(void) {
    struct expect who = {0};
    long display;

    REQUIRE(gone_user);
    snprintf(who.user, sizeof(who.user), "%s", gone_user);
    return require_session(&who, &display);
}

static DWORD connect_state(DWORD id) {
    DWORD *state = NULL, bytes = 0, v;

    REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, WTSConnectState, (LPSTR *) &state, &bytes));
    v = *state;
    WTSFreeMemory(state);
    return v;
}

static void disconnect_of_another_users_disconnected_session_is_denied(void) {
    DWORD id = gone_session();

    REQUIRE(connect_state(id) == WTSDisconnected);
    for (BOOL wait = FALSE; wait <= TRUE; wait++) {
        SetLastError(0xdeadbeef);
        CHECK(!WTSDisconnectSession(WTS_CURRENT_SERVER_HANDLE, id, wait));
        CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    }
}

static void logoff_of_another_users_disconnected_session_is_denied(void) {
    DWORD id = gone_session();

    REQUIRE(connect_state(id) == WTSDisconnected);
    for (BOOL wait = FALSE; wait <= TRUE; wait++) {
        SetLastError(0xdeadbeef);
        CHECK(!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, wait));
        CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    }
}

/* Whether a client is attached is public: without one, the address is AF_UNSPEC to anyone. */
static void client_address_of_a_session_without_client_is_unspec_to_anyone(void) {
    WTS_CLIENT_ADDRESS *a = NULL;
    DWORD bytes = 0;

    REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, gone_session(), WTSClientAddress, (LPSTR *) &a,
                                        &bytes));
    CHECK_EQ_U(bytes, sizeof(*a));
    CHECK_EQ_U(a->AddressFamily, WTS_AF_UNSPEC);
    WTSFreeMemory(a);
}

static void denied_session_is_still_there_without_a_client(void) {
    CHECK_EQ_U(connect_state(gone_session()), WTSDisconnected);
}

/* disconnected: the session stays, without a client. */
static void detached_session_is_disconnected_and_has_no_client(void) {
    long display;
    struct expect who = {0};
    DWORD id, bytes = 0, *state = NULL;
    WTS_CLIENT_ADDRESS *a = NULL;

    REQUIRE(gone_user);
    snprintf(who.user, sizeof(who.user), "%s", gone_user);
    id = require_session(&who, &display);
    REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, WTSConnectState, (LPSTR *) &state, &bytes));
    CHECK_EQ_U(*state, WTSDisconnected);
    WTSFreeMemory(state);
    REQUIRE(WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, id, WTSClientAddress, (LPSTR *) &a, &bytes));
    CHECK_EQ_U(a->AddressFamily, WTS_AF_UNSPEC);
    WTSFreeMemory(a);
    /* Disconnecting a session that has no client has nothing left to do. */
    CHECK(WTSDisconnectSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE));
}

int main(int argc, char **argv) {
    static const struct tap_case connected[] = {
        CASE(each_rdp_session_is_listed_as_rdp_tcp_with_its_display),
        CASE(listener_is_listed_in_state_listen_without_user),
        CASE(listener_answers_queries_and_refuses_logoff),
        CASE(protocol_is_rdp_and_session_is_remote),
        CASE(client_address_is_where_each_client_connects_from),
        CASE(client_display_is_what_each_client_negotiated),
        CASE(client_name_of_an_rdp_session_is_not_supported),
    };
    static const struct tap_case as_user[] = {
        CASE(own_state_is_readable_without_privilege),
        CASE(own_client_address_needs_the_right_to_read_xrdp),
        CASE(listener_is_listed_for_a_plain_user_too),
        CASE(logoff_of_another_users_rdp_session_is_denied),
        CASE(client_address_of_another_users_session_is_refused_too),
    };
    static const struct tap_case disconnected[] = {
        CASE(detached_session_is_disconnected_and_has_no_client),
    };
    static const struct tap_case denied[] = {
        CASE(disconnect_of_another_users_disconnected_session_is_denied),
        CASE(logoff_of_another_users_disconnected_session_is_denied),
        CASE(client_address_of_a_session_without_client_is_unspec_to_anyone),
        CASE(denied_session_is_still_there_without_a_client),
    };

    load_expectations();
    if (argc == 2 && strcmp(argv[1], "connected") == 0)
        return tap_run(connected, sizeof(connected) / sizeof(connected[0]));
    if (argc == 3 && strcmp(argv[1], "as-user") == 0) {
        other_user = argv[2];
        return tap_run(as_user, sizeof(as_user) / sizeof(as_user[0]));
    }
    if (argc == 3 && strcmp(argv[1], "disconnected") == 0) {
        gone_user = argv[2];
        return tap_run(disconnected, sizeof(disconnected) / sizeof(disconnected[0]));
    }
    if (argc == 3 && strcmp(argv[1], "denied") == 0) {
        gone_user = argv[2];
        return tap_run(denied, sizeof(denied) / sizeof(denied[0]));
    }
    fprintf(stderr, "usage: %s connected | as-user OTHER_USER | disconnected USER | denied OTHER_USER\n", argv[0]);
    return 2;
}
