/*
 * The process calls' contract on any host, as Wine's wtsapi32 test states it:
 * poisoned last-error and out-parameters; bad arguments fail with
 * ERROR_INVALID_PARAMETER and touch nothing; success leaves last-error 0;
 * the caller's own process is listed, in its own session, with its name
 * and its owner as S-1-22-1-<uid>; level 1's counters agree with /proc.
 */
#include <wtsapi32.h>

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "unix-sid.h"

#define POISON ((void *) 0xdeadbeef)
#define POISON_COUNT 0xdeadbeefu

static void enumerate_rejects_reserved_version_and_null_outputs(void) {
    PWTS_PROCESS_INFOW info = POISON;
    PWTS_PROCESS_INFOA info_a = POISON;
    DWORD count = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesW(WTS_CURRENT_SERVER_HANDLE, 1, 1, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesW(WTS_CURRENT_SERVER_HANDLE, 0, 0, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesW(WTS_CURRENT_SERVER_HANDLE, 0, 2, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesW(WTS_CURRENT_SERVER_HANDLE, 0, 1, NULL, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(count, POISON_COUNT);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, NULL));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(info == POISON);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesA(WTS_CURRENT_SERVER_HANDLE, 1, 1, &info_a, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info_a, NULL));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(info_a == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
}

static void enumerate_ex_rejects_levels_and_null_outputs(void) {
    LPWSTR info = POISON;
    LPSTR info_a = POISON;
    DWORD level = 2, count = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesExW(WTS_CURRENT_SERVER_HANDLE, &level, WTS_ANY_SESSION, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(level, 2);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesExW(WTS_CURRENT_SERVER_HANDLE, NULL, WTS_ANY_SESSION, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    level = 0;
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesExW(WTS_CURRENT_SERVER_HANDLE, &level, WTS_ANY_SESSION, NULL, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesExW(WTS_CURRENT_SERVER_HANDLE, &level, WTS_ANY_SESSION, &info, NULL));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    level = 5;
    CHECK(!WTSEnumerateProcessesExA(WTS_CURRENT_SERVER_HANDLE, &level, WTS_ANY_SESSION, &info_a, &count));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(info == POISON);
    CHECK(info_a == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
}

/* Our comm, as /proc has it: the name the list must give. */
static void own_comm(char *buf, size_t size) {
    FILE *f = fopen("/proc/self/comm", "r");

    buf[0] = '\0';
    if (f) {
        if (fgets(buf, (int) size, f))
            buf[strcspn(buf, "\n")] = '\0';
        fclose(f);
    }
}

static void the_callers_process_is_listed_in_its_session_with_its_owner(void) {
    PWTS_PROCESS_INFOW info = POISON;
    PWTS_PROCESS_INFOA info_a = POISON;
    DWORD count = POISON_COUNT, count_a = 0, session = POISON_COUNT;
    wchar_t wcomm[32];
    char comm[32];
    bool found = false, found_a = false;

    own_comm(comm, sizeof(comm));
    mbstowcs(wcomm, comm, 32);
    SetLastError(0xdeadbeef);
    REQUIRE(ProcessIdToSessionId((DWORD) getpid(), &session));
    CHECK_EQ_U(GetLastError(), 0);
    CHECK(session != POISON_COUNT);
    SetLastError(0xdeadbeef);
    REQUIRE(WTSEnumerateProcessesW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    CHECK_EQ_U(GetLastError(), 0);
    CHECK(count > 1 && count != POISON_COUNT);
    for (DWORD i = 0; i < count; i++)
        if (info[i].ProcessId == (DWORD) getpid()) {
            found = true;
            CHECK_EQ_U(info[i].SessionId, session);
            CHECK_WCSEQ(info[i].pProcessName, wcomm);
            CHECK(is_unix_user_sid(info[i].pUserSid, geteuid()));
        }
    CHECK(found);
    WTSFreeMemory(info);
    REQUIRE(WTSEnumerateProcessesA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info_a, &count_a));
    for (DWORD i = 0; i < count_a; i++)
        if (info_a[i].ProcessId == (DWORD) getpid()) {
            found_a = true;
            CHECK_EQ_U(info_a[i].SessionId, session);
            CHECK_STREQ(info_a[i].pProcessName, comm);
            CHECK(is_unix_user_sid(info_a[i].pUserSid, geteuid()));
        }
    CHECK(found_a);
    WTSFreeMemory(info_a);
}

static void level_one_counts_our_threads_and_memory(void) {
    PWTS_PROCESS_INFO_EXW ex = POISON;
    PWTS_PROCESS_INFO_EXA ex_a = POISON;
    DWORD level = 1, count = 0, session = 0;
    bool found = false;

    REQUIRE(ProcessIdToSessionId((DWORD) getpid(), &session));
    SetLastError(0xdeadbeef);
    REQUIRE(WTSEnumerateProcessesExW(WTS_CURRENT_SERVER_HANDLE, &level, session, (LPWSTR *) &ex, &count));
    CHECK_EQ_U(GetLastError(), 0);
    CHECK_EQ_U(level, 1);
    for (DWORD i = 0; i < count; i++) {
        CHECK_EQ_U(ex[i].SessionId, session); /* one session asked, one given */
        if (ex[i].ProcessId == (DWORD) getpid()) {
            found = true;
            CHECK_EQ_U(ex[i].NumberOfThreads, 1);
            CHECK(ex[i].WorkingSetSize > 0 && ex[i].PeakWorkingSetSize >= ex[i].WorkingSetSize);
            CHECK(ex[i].PagefileUsage >= ex[i].WorkingSetSize && ex[i].PeakPagefileUsage >= ex[i].PagefileUsage);
            CHECK(ex[i].HandleCount >= 3); /* stdin, stdout, stderr at least */
            CHECK(ex[i].UserTime.QuadPart >= 0 && ex[i].KernelTime.QuadPart >= 0);
        }
    }
    CHECK(found);
    SetLastError(0xdeadbeef);
    CHECK(WTSFreeMemoryExW(WTSTypeProcessInfoLevel1, ex, count));
    level = 1;
    found = false;
    REQUIRE(WTSEnumerateProcessesExA(WTS_CURRENT_SERVER_HANDLE, &level, WTS_ANY_SESSION, (LPSTR *) &ex_a, &count));
    for (DWORD i = 0; i < count; i++)
        if (ex_a[i].ProcessId == (DWORD) getpid())
            found = ex_a[i].NumberOfThreads == 1 && ex_a[i].WorkingSetSize > 0 && ex_a[i].SessionId == session;
    CHECK(found);
    CHECK(WTSFreeMemoryExA(WTSTypeProcessInfoLevel1, ex_a, count));
}

static void level_zero_of_any_session_lists_pid_one(void) {
    PWTS_PROCESS_INFOW info = POISON;
    DWORD level = 0, count = 0;
    bool found = false;

    REQUIRE(WTSEnumerateProcessesExW(WTS_CURRENT_SERVER_HANDLE, &level, WTS_ANY_SESSION, (LPWSTR *) &info, &count));
    for (DWORD i = 0; i < count; i++)
        if (info[i].ProcessId == 1)
            found = info[i].SessionId == 0 && is_unix_user_sid(info[i].pUserSid, 0);
    CHECK(found);
    CHECK(WTSFreeMemoryExW(WTSTypeProcessInfoLevel0, info, count));
}

static void an_unknown_session_is_not_found(void) {
    LPWSTR info = POISON;
    DWORD level = 0, count = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateProcessesExW(WTS_CURRENT_SERVER_HANDLE, &level, 0x7ffffff0u, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
    CHECK(info == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
}

static void process_id_to_session_id_rejects_null_and_unknown_pids(void) {
    DWORD session = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!ProcessIdToSessionId((DWORD) getpid(), NULL));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!ProcessIdToSessionId(0x7ffffff0u, &session)); /* above pid_max */
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(session, POISON_COUNT);
}

static void terminate_ends_our_child_and_rejects_a_missing_pid(void) {
    pid_t child = fork();
    int status = 0;

    REQUIRE(child >= 0);
    if (child == 0) {
        pause();
        _exit(0);
    }
    SetLastError(0xdeadbeef);
    CHECK(WTSTerminateProcess(WTS_CURRENT_SERVER_HANDLE, (DWORD) child, 7));
    CHECK_EQ_U(GetLastError(), 0);
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    SetLastError(0xdeadbeef);
    CHECK(!WTSTerminateProcess(WTS_CURRENT_SERVER_HANDLE, (DWORD) child, 0)); /* reaped: gone */
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSTerminateProcess(WTS_CURRENT_SERVER_HANDLE, 0, 0));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void query_user_token_rejects_null(void) {
    HANDLE token = POISON;

    SetLastError(0xdeadbeef);
    CHECK(!WTSQueryUserToken(WTS_CURRENT_SESSION, NULL));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQueryUserToken(WTS_CURRENT_SESSION, &token));
    CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
    CHECK(token == POISON);
}

static void the_console_session_is_listed_or_none(void) {
    DWORD console = WTSGetActiveConsoleSessionId();
    PWTS_SESSION_INFOW info = NULL;
    DWORD count = 0;
    bool found = console == 0xFFFFFFFFu;

    REQUIRE(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    for (DWORD i = 0; i < count; i++)
        if (info[i].SessionId == console)
            found = true;
    CHECK(found);
    WTSFreeMemory(info);
}

static void send_message_checks_its_arguments_and_the_session(void) {
    DWORD response = POISON_COUNT;

    SetLastError(0xdeadbeef);
    CHECK(!WTSSendMessageW(WTS_CURRENT_SERVER_HANDLE, 0, L"t", 4, L"x", 4, MB_OK, 0, NULL, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSSendMessageW(WTS_CURRENT_SERVER_HANDLE, 0, NULL, 4, L"x", 4, MB_OK, 0, &response, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSSendMessageA(WTS_CURRENT_SERVER_HANDLE, 0, "t", 1, NULL, 1, MB_OK, 0, &response, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!WTSSendMessageA(WTS_CURRENT_SERVER_HANDLE, 0x7ffffff0u, "t", 1, "x", 1, MB_OK, 0, &response, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
    /* Session 0 holds services: no one there to read it. */
    SetLastError(0xdeadbeef);
    CHECK(!WTSSendMessageA(WTS_CURRENT_SERVER_HANDLE, 0, "t", 1, "x", 1, MB_OK, 0, &response, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
    CHECK_EQ_U(response, POISON_COUNT);
}

TAP_MAIN(CASE(send_message_checks_its_arguments_and_the_session), CASE(enumerate_rejects_reserved_version_and_null_outputs), CASE(enumerate_ex_rejects_levels_and_null_outputs),
         CASE(the_callers_process_is_listed_in_its_session_with_its_owner),
         CASE(level_one_counts_our_threads_and_memory), CASE(level_zero_of_any_session_lists_pid_one),
         CASE(an_unknown_session_is_not_found), CASE(process_id_to_session_id_rejects_null_and_unknown_pids),
         CASE(terminate_ends_our_child_and_rejects_a_missing_pid), CASE(query_user_token_rejects_null),
         CASE(the_console_session_is_listed_or_none))
