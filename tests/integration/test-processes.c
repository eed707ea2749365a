/*
 * Processes, query classes and messages against a real logind, with real
 * sessions (`su -l` and ssh into the namespace's sshd; tests/suites/
 * 55-processes.sh runs this inside tests/integration/logind-ns). What each
 * answer must be comes from the kernel (/proc, the session's cgroup),
 * loginctl/busctl and how the sessions were made, never from the library.
 * Optional: WTSIT_REMOTE=ssh://user@127.0.0.1:PORT asks the same sessions
 * through the remote provider (systemd's GetUnitProcesses over ssh).
 */
#include <wtsapi32.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "live-session.h"
#include "tap.h"
#include "unix-sid.h"

#define POISON ((void *) 0xdeadbeef)
#define POISON_COUNT 0xdeadbeefu
#define MAX_PIDS 64

enum { SU_ALICE, SSH_BOB, SU_CAROL, N_LIVE };
static struct live_session live[N_LIVE];
static int setup_state;

static void end_all(void) {
    for (int i = 0; i < N_LIVE; i++)
        live_end(&live[i]);
}

static void setup(void) {
    int r;

    if (setup_state == 0) {
        setup_state = -1;
        atexit(end_all);
        if ((r = live_su("wtsitalice", LIVE_PLAIN, &live[SU_ALICE])) < 0 ||
            (r = live_ssh("wtsitbob", "127.0.0.2", LIVE_PLAIN, &live[SSH_BOB])) < 0 ||
            (r = live_su("wtsitcarol", LIVE_PLAIN, &live[SU_CAROL])) < 0) {
            tap_diag("could not make the sessions: %s", strerror(-r));
            return;
        }
        for (int i = 0; i < N_LIVE; i++)
            tap_diag("session %s (id 0x%x): %s, inner pid %d", live[i].key, (unsigned) live[i].id, live[i].user,
                     (int) live[i].inner);
        setup_state = 1;
    }
    REQUIRE(setup_state == 1);
}

/* The kernel's view of one process: comm, owner (of /proc/PID), threads. */
struct truth {
    char comm[32];
    uid_t uid;
    unsigned threads;
};

static bool proc_truth(pid_t pid, struct truth *t) {
    char path[64], line[256];
    struct stat st;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d", (int) pid);
    if (stat(path, &st) < 0)
        return false;
    t->uid = st.st_uid;
    snprintf(path, sizeof(path), "/proc/%d/comm", (int) pid);
    if (!(f = fopen(path, "re")))
        return false;
    if (!fgets(t->comm, sizeof(t->comm), f))
        t->comm[0] = '\0';
    fclose(f);
    t->comm[strcspn(t->comm, "\n")] = '\0';
    snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
    if (!(f = fopen(path, "re")))
        return false;
    t->threads = 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "Threads: %u", &t->threads) == 1)
            break;
    fclose(f);
    return true;
}

static void check_session_list_matches_its_cgroup(int which) {
    PWTS_PROCESS_INFO_EXA ex = POISON;
    DWORD level = 1, count = POISON_COUNT;
    pid_t pids[MAX_PIDS];
    int n;

    n = live_pids(&live[which], pids, MAX_PIDS);
    REQUIRE(n > 0);
    SetLastError(0xdeadbeef);
    REQUIRE(WTSEnumerateProcessesExA(WTS_CURRENT_SERVER_HANDLE, &level, live[which].id, (LPSTR *) &ex, &count));
    CHECK_EQ_U(GetLastError(), 0);
    CHECK_EQ_U(count, (DWORD) n); /* every process of the scope, and nothing else */
    for (int i = 0; i < n; i++) {
        struct truth t;
        bool found = false;

        REQUIRE(proc_truth(pids[i], &t));
        for (DWORD j = 0; j < count; j++)
            if (ex[j].ProcessId == (DWORD) pids[i]) {
                found = true;
                CHECK_EQ_U(ex[j].SessionId, live[which].id);
                CHECK_STREQ(ex[j].pProcessName, t.comm);
                CHECK(is_unix_user_sid(ex[j].pUserSid, t.uid));
                CHECK_EQ_U(ex[j].NumberOfThreads, t.threads);
                CHECK(ex[j].WorkingSetSize > 0);
            }
        if (!found)
            tap_diag("pid %d (%s) of session %s is not listed", (int) pids[i], t.comm, live[which].key);
        CHECK(found);
    }
    WTSFreeMemoryExA(WTSTypeProcessInfoLevel1, ex, count);
}

static void su_session_lists_exactly_its_processes_as_proc_has_them(void) {
    setup();
    check_session_list_matches_its_cgroup(SU_ALICE);
}

static void ssh_session_lists_exactly_its_processes_as_proc_has_them(void) {
    setup();
    check_session_list_matches_its_cgroup(SSH_BOB);
}

static void any_session_places_every_session_process_in_its_session(void) {
    PWTS_PROCESS_INFOW info = POISON;
    DWORD count = 0;

    setup();
    REQUIRE(WTSEnumerateProcessesW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count));
    for (int s = 0; s < N_LIVE; s++) {
        pid_t pids[MAX_PIDS];
        int n = live_pids(&live[s], pids, MAX_PIDS);

        CHECK(n > 0);
        for (int i = 0; i < n; i++) {
            bool found = false;

            for (DWORD j = 0; j < count; j++)
                if (info[j].ProcessId == (DWORD) pids[i])
                    found = info[j].SessionId == live[s].id;
            CHECK(found);
        }
    }
    for (DWORD j = 0; j < count; j++)
        if (info[j].ProcessId == (DWORD) getpid())
            CHECK_EQ_U(info[j].SessionId, 0); /* this test runs outside any session */
    WTSFreeMemory(info);
}

static void process_id_to_session_id_names_each_sessions_processes(void) {
    DWORD id = POISON_COUNT;

    setup();
    for (int s = 0; s < N_LIVE; s++) {
        SetLastError(0xdeadbeef);
        CHECK(ProcessIdToSessionId((DWORD) live[s].inner, &id));
        CHECK_EQ_U(GetLastError(), 0);
        CHECK_EQ_U(id, live[s].id);
    }
    CHECK(ProcessIdToSessionId((DWORD) getpid(), &id));
    CHECK_EQ_U(id, 0);
}

/* In a child with alice's ids (a real unprivileged caller): kill bob's process. */
static void a_kill_of_another_users_process_is_denied_and_it_runs_on(void) {
    pid_t child;
    int status = 0;
    uid_t alice;
    char out[64];
    char *argv[] = {"id", "-u", "wtsitalice", NULL};

    setup();
    REQUIRE(run_capture(argv, out, sizeof(out), 5000) == 0);
    alice = (uid_t) strtoul(out, NULL, 10);
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (setgroups(0, NULL) < 0 || setresgid(alice, alice, alice) < 0 || setresuid(alice, alice, alice) < 0)
            _exit(90);
        SetLastError(0xdeadbeef);
        if (WTSTerminateProcess(WTS_CURRENT_SERVER_HANDLE, (DWORD) live[SSH_BOB].inner, 1))
            _exit(91);
        _exit(GetLastError() == ERROR_ACCESS_DENIED ? 0 : 92);
    }
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK_EQ_I(WEXITSTATUS(status), 0);
    usleep(300 * 1000);
    CHECK(!pid_gone(live[SSH_BOB].inner));
}

static void root_ends_a_sessions_process(void) {
    uint64_t until;

    setup();
    SetLastError(0xdeadbeef);
    CHECK(WTSTerminateProcess(WTS_CURRENT_SERVER_HANDLE, (DWORD) live[SU_CAROL].inner, 1));
    CHECK_EQ_U(GetLastError(), 0);
    until = mono_ms() + 10000;
    while (!pid_gone(live[SU_CAROL].inner) && mono_ms() < until)
        usleep(50 * 1000);
    CHECK(pid_gone(live[SU_CAROL].inner));
}

/* The controlling terminal of the ssh session's shell, "/dev/pts/N". */
static bool ssh_terminal(char *path, size_t size) {
    char link[64];
    ssize_t n;

    snprintf(link, sizeof(link), "/proc/%d/fd/0", (int) live[SSH_BOB].inner);
    n = readlink(link, path, size - 1);
    if (n <= 0)
        return false;
    path[n] = '\0';
    return strncmp(path, "/dev/pts/", 9) == 0;
}

static void idle_time_is_the_terminals_and_logon_time_loginds(void) {
    const LONGLONG unix_epoch = 116444736000000000LL;
    LARGE_INTEGER *idle = POISON, *logon = POISON;
    WTSINFOEXW *ex = NULL;
    struct timespec ts[2];
    char pts[64];
    DWORD bytes = 0;
    uint64_t stamp = 0;
    LONGLONG now, two_hours = 2LL * 3600 * 10000000;

    setup();
    REQUIRE(ssh_terminal(pts, sizeof(pts)));
    /* Last input two hours ago: what `w` would then show as 2:00. */
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= 2 * 3600;
    ts[1].tv_nsec = UTIME_OMIT;
    REQUIRE(utimensat(AT_FDCWD, pts, ts, 0) == 0);
    SetLastError(0xdeadbeef);
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, live[SSH_BOB].id, WTSIdleTime, (LPWSTR *) &idle,
                                        &bytes));
    CHECK_EQ_U(bytes, sizeof(LARGE_INTEGER));
    CHECK(idle->QuadPart >= two_hours && idle->QuadPart < two_hours + 5LL * 60 * 10000000);
    WTSFreeMemory(idle);
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, live[SSH_BOB].id, WTSSessionInfoEx, (LPWSTR *) &ex,
                                        &bytes));
    now = ex->Data.WTSInfoExLevel1.CurrentTime.QuadPart;
    CHECK(now - ex->Data.WTSInfoExLevel1.LastInputTime.QuadPart >= two_hours);
    CHECK(now - ex->Data.WTSInfoExLevel1.LastInputTime.QuadPart < two_hours + 5LL * 60 * 10000000);
    WTSFreeMemory(ex);
    REQUIRE(oracle_timestamp(live[SSH_BOB].key, &stamp) == 0);
    REQUIRE(WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, live[SSH_BOB].id, WTSLogonTime, (LPWSTR *) &logon,
                                        &bytes));
    CHECK_EQ_U(bytes, sizeof(LARGE_INTEGER));
    CHECK(logon->QuadPart == unix_epoch + (LONGLONG) stamp * 10);
    WTSFreeMemory(logon);
}

static void the_console_session_is_seat0s_active_one(void) {
    char *argv[] = {"loginctl", "show-seat", "seat0", "-p", "ActiveSession", "--value", NULL};
    char out[64] = "";
    DWORD expected = 0xFFFFFFFFu;

    if (run_capture(argv, out, sizeof(out), 5000) == 0 && out[0])
        expected = live_expected_id(out);
    CHECK_EQ_U(WTSGetActiveConsoleSessionId(), expected);
}

static void a_session_without_a_terminal_cannot_be_reached(void) {
    DWORD response = POISON_COUNT;

    setup();
    /* su -l with no terminal (stdin /dev/null, stdout a pipe): nothing to show it on. */
    SetLastError(0xdeadbeef);
    CHECK(!WTSSendMessageA(WTS_CURRENT_SERVER_HANDLE, live[SU_ALICE].id, "t", 1, "x", 1, MB_OK, 0, &response, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
    CHECK_EQ_U(response, POISON_COUNT);
    SetLastError(0xdeadbeef);
    CHECK(!WTSSendMessageA(WTS_CURRENT_SERVER_HANDLE, 0x7ffffff0u, "t", 1, "x", 1, MB_OK, 0, &response, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_CTX_WINSTATION_NOT_FOUND);
    SetLastError(0xdeadbeef);
    CHECK(!WTSSendMessageW(WTS_CURRENT_SERVER_HANDLE, live[SU_ALICE].id, L"t", 4, L"x", 4, MB_OK, 0, NULL, FALSE));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(response, POISON_COUNT);
}

/* Alice may not write on bob's terminal (it is bob's, group tty): refused, nothing written. */
static void a_message_to_another_users_terminal_is_denied_to_a_user(void) {
    pid_t child;
    int status = 0;
    uid_t alice;
    char out[64];
    char *argv[] = {"id", "-u", "wtsitalice", NULL};

    setup();
    REQUIRE(run_capture(argv, out, sizeof(out), 5000) == 0);
    alice = (uid_t) strtoul(out, NULL, 10);
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        DWORD response = POISON_COUNT;

        if (setgroups(0, NULL) < 0 || setresgid(alice, alice, alice) < 0 || setresuid(alice, alice, alice) < 0)
            _exit(90);
        if (WTSSendMessageA(WTS_CURRENT_SERVER_HANDLE, live[SSH_BOB].id, "t", 1, "x", 1, MB_OK, 0, &response, FALSE))
            _exit(91);
        _exit(GetLastError() == ERROR_ACCESS_DENIED && response == POISON_COUNT ? 0 : 92);
    }
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK_EQ_I(WEXITSTATUS(status), 0);
}

static void the_remote_provider_places_the_same_processes(void) {
    const char *target = getenv("WTSIT_REMOTE");
    PWTS_PROCESS_INFOA info = POISON;
    DWORD count = 0;
    HANDLE h;

    if (!target)
        SKIP("WTSIT_REMOTE not set");
    setup();
    h = WTSOpenServerA((LPSTR) target);
    REQUIRE(h != NULL);
    SetLastError(0xdeadbeef);
    if (!WTSEnumerateProcessesA(h, 0, 1, &info, &count)) {
        tap_diag("remote enumeration failed: %u", (unsigned) GetLastError());
        WTSCloseServer(h);
        REQUIRE(false);
    }
    CHECK_EQ_U(GetLastError(), 0);
    for (int s = 0; s < N_LIVE; s++) {
        pid_t pids[MAX_PIDS];
        int n = live_pids(&live[s], pids, MAX_PIDS);

        for (int i = 0; i < n; i++) {
            bool found = false;

            for (DWORD j = 0; j < count; j++)
                if (info[j].ProcessId == (DWORD) pids[i]) {
                    found = info[j].SessionId == live[s].id && info[j].pUserSid == NULL;
                    if (pids[i] == live[s].inner)
                        CHECK_STREQ(info[j].pProcessName, "sleep");
                }
            CHECK(found);
        }
    }
    WTSFreeMemory(info);
    WTSCloseServer(h);
}

TAP_MAIN(CASE(su_session_lists_exactly_its_processes_as_proc_has_them),
         CASE(ssh_session_lists_exactly_its_processes_as_proc_has_them),
         CASE(any_session_places_every_session_process_in_its_session),
         CASE(process_id_to_session_id_names_each_sessions_processes),
         CASE(the_remote_provider_places_the_same_processes),
         CASE(a_kill_of_another_users_process_is_denied_and_it_runs_on), CASE(root_ends_a_sessions_process),
         CASE(idle_time_is_the_terminals_and_logon_time_loginds), CASE(the_console_session_is_seat0s_active_one),
         CASE(a_session_without_a_terminal_cannot_be_reached),
         CASE(a_message_to_another_users_terminal_is_denied_to_a_user))
