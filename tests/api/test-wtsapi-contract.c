/*
 * The wtsapi32 contract that holds on any host, whatever provider runs:
 * argument checks, handle validation, errors. Like Wine's tests, each call
 * starts with a poisoned last-error and poisoned out-parameters, and checks
 * both the error and that the outputs were not touched on failure.
 */
#include <wtsapi32.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#define POISON ((void *) 0xdeadbeef)
#define POISON_COUNT 0xdeadbeefu

static void enumerate_rejects_nonzero_reserved_and_version_other_than_one(void) {
    PWTS_SESSION_INFOW info = POISON;
    DWORD count = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 1, 1, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 2, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(info == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
}

static void enumerate_rejects_null_out_pointers(void) {
    PWTS_SESSION_INFOA info = POISON;
    DWORD count = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, NULL, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, NULL));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(info == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
}

static void enumerate_ex_accepts_only_level_one_and_no_filter(void) {
    PWTS_SESSION_INFO_1W info = POISON;
    DWORD level = 2, count = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsExW(WTS_CURRENT_SERVER_HANDLE, &level, 0, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    level = 1;
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsExW(WTS_CURRENT_SERVER_HANDLE, &level, 5, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsExW(WTS_CURRENT_SERVER_HANDLE, NULL, 0, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(level, 1);
    CHECK(info == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
}

static void query_with_null_buffer_or_count_is_invalid_user_buffer(void) {
    LPWSTR buf = POISON;
    LPSTR abuf = POISON;
    DWORD count = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSUserName, NULL, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_USER_BUFFER);
    CHECK_EQ_U(count, POISON_COUNT);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSUserName, &buf, NULL));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_USER_BUFFER);
    CHECK(buf == POISON);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSUserName, NULL, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_USER_BUFFER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSUserName, &abuf, NULL));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_USER_BUFFER);
    CHECK(abuf == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
}

static void query_of_an_unknown_class_is_invalid_parameter(void) {
    LPWSTR buf = POISON;
    DWORD count = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, (WTS_INFO_CLASS) 30, &buf,
                                       &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, (WTS_INFO_CLASS) -1, &buf,
                                       &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(buf == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
}

static void a_made_up_handle_is_an_invalid_handle(void) {
    HANDLE bogus = (HANDLE) (uintptr_t) 0x12345678;
    PWTS_SESSION_INFOW info = POISON;
    LPWSTR buf = POISON;
    DWORD count = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsW(bogus, 0, 1, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(bogus, 1, WTSUserName, &buf, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(bogus, 1, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK(!WTSDisconnectSession(bogus, 1, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_HANDLE);
    WTSCloseServer(bogus); /* harmless */
    CHECK(info == POISON && buf == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
}

static void a_closed_handle_is_an_invalid_handle(void) {
    HANDLE h = WTSOpenServerA("localhost");
    PWTS_SESSION_INFOA info = POISON;
    DWORD count = POISON_COUNT;

    REQUIRE(h != NULL);
    WTSCloseServer(h);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsA(h, 0, 1, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_HANDLE);
    WTSCloseServer(h); /* a second close is harmless */
    CHECK(info == POISON);
}

static void local_names_open_this_host(void) {
    char host[256];
    const char *names[] = {"", ".", "localhost", "LOCALHOST", host};

    REQUIRE(gethostname(host, sizeof(host)) == 0);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        HANDLE h = WTSOpenServerA((LPSTR) names[i]);

        CHECK(h != NULL);
        WTSCloseServer(h);
    }
    HANDLE w = WTSOpenServerW(NULL);
    CHECK(w != NULL);
    WTSCloseServer(w);
    w = WTSOpenServerExW((LPWSTR) L"\\\\localhost");
    CHECK(w != NULL);
    WTSCloseServer(w);
}

/*
 * A failed open must never be WTS_CURRENT_SERVER_HANDLE (NULL): Windows
 * callers test the handle by using it, so every call on it must fail with
 * the open's error and touch nothing. Each call below names a session that
 * would exist locally (WTS_CURRENT_SESSION, and session 0 / 1) with valid
 * arguments, so a call that acted on this host would either succeed or fail
 * with another error than the open's.
 */
static void calls_on_a_failed_handle_fail_with(HANDLE h, DWORD expected) {
    PWTS_SESSION_INFOA info = POISON;
    PWTS_SESSION_INFO_1W info1 = POISON;
    LPWSTR buf = POISON;
    DWORD count = POISON_COUNT, level = 1, flags = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsA(h, 0, 1, &info, &count));
    CHECK_EQ_U(GetLastError(), expected);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsExW(h, &level, 0, &info1, &count));
    CHECK_EQ_U(GetLastError(), expected);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationW(h, WTS_CURRENT_SESSION, WTSUserName, &buf, &count));
    CHECK_EQ_U(GetLastError(), expected);
    for (DWORD id = 0; id < 2; id++) {
        SetLastError(0xdeadbeef);
        CHECK(!WTSLogoffSession(h, id, TRUE));
        CHECK_EQ_U(GetLastError(), expected);
        SetLastError(0xdeadbeef);
        CHECK(!WTSDisconnectSession(h, id, TRUE));
        CHECK_EQ_U(GetLastError(), expected);
    }
    SetLastError(0xdeadbeef);
    CHECK(!WTSWaitSystemEvent(h, WTS_EVENT_ALL, &flags));
    CHECK_EQ_U(GetLastError(), expected);
    CHECK(info == POISON && info1 == POISON && buf == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
    CHECK_EQ_U(flags, POISON_COUNT);
}

static void malformed_names_give_a_failed_handle_not_this_host(void) {
    char long_name[401];
    const char *bad[] = {"bad name with spaces", "ssh://", "ssh://-oProxyCommand=touch /tmp/x",
                         "-oProxyCommand=touch /tmp/x", "host\nname", "\\\\", "\\\\bad name", "host;id", "$(id)",
                         "h\tx", "ssh://host\n", "ssh://user@-x", long_name};

    memset(long_name, 'a', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        HANDLE h;

        SetLastError(0xdeadbeef);
        h = WTSOpenServerA((LPSTR) bad[i]);
        CHECK(h != WTS_CURRENT_SERVER_HANDLE);
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        calls_on_a_failed_handle_fail_with(h, ERROR_INVALID_PARAMETER);
        WTSCloseServer(h);
        /* Closed, it is no handle at all any more. */
        calls_on_a_failed_handle_fail_with(h, ERROR_INVALID_HANDLE);
    }
}

static void the_wide_and_ex_opens_fail_the_same_way(void) {
    const wchar_t *bad[] = {L"bad name with spaces", L"ssh://", L"ssh://-oProxyCommand=x", L"a\nb"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        HANDLE h, x;

        SetLastError(0xdeadbeef);
        h = WTSOpenServerW((LPWSTR) bad[i]);
        CHECK(h != WTS_CURRENT_SERVER_HANDLE);
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        x = WTSOpenServerExW((LPWSTR) bad[i]);
        CHECK(x != WTS_CURRENT_SERVER_HANDLE && x != h);
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        calls_on_a_failed_handle_fail_with(h, ERROR_INVALID_PARAMETER);
        calls_on_a_failed_handle_fail_with(x, ERROR_INVALID_PARAMETER);
        WTSCloseServer(h);
        WTSCloseServer(x);
    }
    /* Not UTF-8 at all: also a failed handle, from the A entry points. */
    SetLastError(0xdeadbeef);
    HANDLE a = WTSOpenServerExA((LPSTR) "\xff\xfe");
    CHECK(a != WTS_CURRENT_SERVER_HANDLE);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    calls_on_a_failed_handle_fail_with(a, ERROR_INVALID_PARAMETER);
    WTSCloseServer(a);
}

static void a_good_open_clears_last_error(void) {
    HANDLE h;

    SetLastError(0xdeadbeef);
    h = WTSOpenServerA((LPSTR) "localhost");
    CHECK(h != NULL);
    CHECK_EQ_U(GetLastError(), ERROR_SUCCESS);
    WTSCloseServer(h);
}

struct failed_open_thread {
    pthread_t thread;
    unsigned ok;
};

static void *failed_opens_in_a_thread(void *arg) {
    struct failed_open_thread *t = arg;

    for (int i = 0; i < 200; i++) {
        PWTS_SESSION_INFOA info = POISON;
        DWORD count = POISON_COUNT;
        HANDLE h = WTSOpenServerA((LPSTR) (i % 2 ? "bad name" : "ssh://-oX"));
        bool open_error = GetLastError() == ERROR_INVALID_PARAMETER;
        BOOL logged_off = WTSLogoffSession(h, 1, FALSE);
        bool logoff_error = GetLastError() == ERROR_INVALID_PARAMETER;
        BOOL listed = WTSEnumerateSessionsA(h, 0, 1, &info, &count);

        if (h && open_error && !logged_off && logoff_error && !listed && GetLastError() == ERROR_INVALID_PARAMETER &&
            info == POISON)
            t->ok++;
        WTSCloseServer(h);
    }
    return NULL;
}

/* Failed handles come and go in 16 threads at once; each keeps its error. */
static void failed_opens_are_safe_from_many_threads(void) {
    struct failed_open_thread t[16] = {0};
    unsigned ok = 0;

    for (size_t i = 0; i < 16; i++)
        REQUIRE(pthread_create(&t[i].thread, NULL, failed_opens_in_a_thread, &t[i]) == 0);
    for (size_t i = 0; i < 16; i++) {
        pthread_join(t[i].thread, NULL);
        ok += t[i].ok;
    }
    CHECK_EQ_U(ok, 16 * 200);
}

static void a_remote_name_gives_a_handle_whose_calls_say_not_supported(void) {
    HANDLE h;
    PWTS_SESSION_INFOA info = POISON;
    DWORD count = POISON_COUNT;

    /* With remote access turned off (docs/api.md, "Remote hosts"); the ssh
     * transport itself is tested in test-remote-contract and the remote suite. */
    setenv("WTSNET_REMOTE", "none", 1);
    h = WTSOpenServerA((LPSTR) "some-other-host.example");
    unsetenv("WTSNET_REMOTE");
    REQUIRE(h != NULL);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsA(h, 0, 1, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(h, 5, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
    WTSCloseServer(h);
    CHECK(info == POISON);
}

/* Only an RDP session's client can be detached; session 0 has none. Without
 * a session service every call on this host fails alike. */
static void disconnect_of_session_0_is_not_supported(void) {
    PWTS_SESSION_INFOA info = NULL;
    DWORD count = 0, expected;

    expected = WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count) ? ERROR_NOT_SUPPORTED
                                                                                    : GetLastError();
    WTSFreeMemory(info);
    SetLastError(0xdeadbeef);
    CHECK(!WTSDisconnectSession(WTS_CURRENT_SERVER_HANDLE, 0, FALSE));
    CHECK_EQ_U(GetLastError(), expected);
}

static void wait_system_event_rejects_null_flags(void) {
    SetLastError(0xdeadbeef);
    CHECK(!WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_ALL, NULL));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
}

/* FLUSH never waits: it returns at once, with nothing, and wakes the waits. */
static void wait_system_event_flush_returns_none_at_once(void) {
    DWORD flags = POISON_COUNT;
    HANDLE h = WTSOpenServerA(NULL);

    CHECK(WTSWaitSystemEvent(h, WTS_EVENT_FLUSH, &flags));
    CHECK_EQ_U(flags, WTS_EVENT_NONE);
    WTSCloseServer(h);
    flags = POISON_COUNT;
    SetLastError(0xdeadbeef);
    CHECK(!WTSWaitSystemEvent(h, WTS_EVENT_FLUSH, &flags)); /* a closed handle */
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK_EQ_U(flags, POISON_COUNT);
}

static void free_memory_ex_rejects_null_and_unknown_types(void) {
    void *p = malloc(4);

    SetLastError(0xdeadbeef);
    CHECK(!WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, NULL, 0));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSFreeMemoryExA((WTS_TYPE_CLASS) 9, p, 1));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, p, 1));
    WTSFreeMemory(NULL); /* like free(NULL) */
}

/* 16 threads, each with its own last error: in every round, half of them set
 * a value of their own and the other half fail a call (which sets
 * ERROR_INVALID_HANDLE); all wait for each other, then each reads its own
 * back. A process-wide last error would hand them each other's values. */
#define LE_THREADS 16
#define LE_ROUNDS 200
static pthread_barrier_t le_barrier;

static void *last_error_worker(void *arg) {
    uintptr_t i = (uintptr_t) arg, wrong = 0;

    for (DWORD round = 0; round < LE_ROUNDS; round++) {
        DWORD want;

        if ((round + i) % 2) {
            want = 0x10000u + (DWORD) i * 1000u + round;
            SetLastError(want);
        } else {
            LPWSTR buf = POISON;
            DWORD bytes = POISON_COUNT;

            want = ERROR_INVALID_HANDLE;
            SetLastError(0);
            (void) WTSQuerySessionInformationW((HANDLE) (0x5000 + i), 1, WTSUserName, &buf, &bytes);
        }
        pthread_barrier_wait(&le_barrier); /* every other thread has set or failed by now */
        if (GetLastError() != want)
            wrong++;
        pthread_barrier_wait(&le_barrier);
    }
    return (void *) wrong;
}

static void last_error_is_per_thread(void) {
    pthread_t t[LE_THREADS];
    void *wrong;

    REQUIRE(pthread_barrier_init(&le_barrier, NULL, LE_THREADS) == 0);
    SetLastError(4321);
    for (uintptr_t i = 0; i < LE_THREADS; i++)
        REQUIRE(pthread_create(&t[i], NULL, last_error_worker, (void *) i) == 0);
    for (int i = 0; i < LE_THREADS; i++) {
        pthread_join(t[i], &wrong);
        CHECK_EQ_U((uintptr_t) wrong, 0); /* rounds in which thread i read another's value */
    }
    CHECK_EQ_U(GetLastError(), 4321); /* and the main thread kept its own */
    pthread_barrier_destroy(&le_barrier);
}

static void wtsinfo_has_microsofts_layout_with_the_frame_counters(void) {
    /* mingw-w64 drops IncomingFrames/OutgoingFrames; Microsoft's layout has them. */
    CHECK_EQ_U(offsetof(WTSINFOW, IncomingFrames), 16);
    CHECK_EQ_U(offsetof(WTSINFOW, WinStationName), 32);
    CHECK_EQ_U(offsetof(WTSINFOA, Domain), 32 + WINSTATIONNAME_LENGTH);
    CHECK_EQ_U(sizeof(((WTSINFOEX_LEVEL1_W *) 0)->WinStationName) / sizeof(WCHAR), 33);
    CHECK_EQ_U(sizeof(WTS_CLIENT_ADDRESS), 24);
}

TAP_MAIN(CASE(enumerate_rejects_nonzero_reserved_and_version_other_than_one), CASE(enumerate_rejects_null_out_pointers),
         CASE(enumerate_ex_accepts_only_level_one_and_no_filter),
         CASE(query_with_null_buffer_or_count_is_invalid_user_buffer), CASE(query_of_an_unknown_class_is_invalid_parameter),
         CASE(a_made_up_handle_is_an_invalid_handle), CASE(a_closed_handle_is_an_invalid_handle),
         CASE(local_names_open_this_host), CASE(malformed_names_give_a_failed_handle_not_this_host),
         CASE(the_wide_and_ex_opens_fail_the_same_way), CASE(a_good_open_clears_last_error),
         CASE(failed_opens_are_safe_from_many_threads),
         CASE(a_remote_name_gives_a_handle_whose_calls_say_not_supported), CASE(disconnect_of_session_0_is_not_supported),
         CASE(wait_system_event_rejects_null_flags), CASE(wait_system_event_flush_returns_none_at_once), CASE(free_memory_ex_rejects_null_and_unknown_types),
         CASE(last_error_is_per_thread), CASE(wtsinfo_has_microsofts_layout_with_the_frame_counters))
