/*
 * Session events on the kernel audit provider (tests/suites/38-events.sh runs
 * it on this host with WTSNET_PROVIDER=audit, as root): a real audit session
 * begins the way pam_loginuid begins one — a process writes its loginuid and
 * the kernel gives it a new session id — and ends when its last process
 * exits. The expected id is the kernel's (/proc/PID/sessionid).
 */
#include <windows.h>
#include <wtsapi32.h>
#include <wtsnet_events.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define EVENT_WAIT_MS 20000

static uint64_t ms_now(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* A new audit session: a child that sets its loginuid (as pam_loginuid
 * does) and sleeps. Its session id, from the kernel. */
static pid_t audit_session(DWORD *ret_id) {
    int p[2];
    pid_t pid;
    char buf[32] = "";
    ssize_t n;

    if (pipe(p) < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        int fd = open("/proc/self/loginuid", O_WRONLY);
        char id[32];

        close(p[0]);
        if (fd < 0 || write(fd, "0", 1) != 1)
            _exit(1);
        close(fd);
        fd = open("/proc/self/sessionid", O_RDONLY);
        n = fd < 0 ? -1 : read(fd, id, sizeof(id) - 1);
        if (n <= 0 || write(p[1], id, (size_t) n) != n)
            _exit(1);
        close(p[1]);
        execlp("sleep", "sleep", "120", (char *) NULL);
        _exit(127);
    }
    close(p[1]);
    n = read(p[0], buf, sizeof(buf) - 1);
    close(p[0]);
    if (pid < 0 || n <= 0) {
        if (pid > 0)
            waitpid(pid, NULL, 0);
        return -1;
    }
    *ret_id = (DWORD) strtoul(buf, NULL, 10);
    tap_diag("audit session %lu (pid %d)", (unsigned long) *ret_id, (int) pid);
    return pid;
}

static void end_session(pid_t pid) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static int await(HWTSNET_EVENTS e, DWORD code, DWORD id) {
    uint64_t end = ms_now() + EVENT_WAIT_MS;
    WTSNET_SESSION_EVENT ev;

    while (ms_now() < end)
        if (WTSNetReadSessionEvent(e, &ev, (DWORD) (end - ms_now())) && ev.Code == code && ev.SessionId == id)
            return 0;
    return -1;
}

static void audit_logon_and_logoff_are_records(void) {
    HWTSNET_EVENTS e = WTSNetOpenSessionEvents(WTS_CURRENT_SERVER_HANDLE);
    DWORD id = 0;
    pid_t pid;

    REQUIRE(e != NULL);
    pid = audit_session(&id);
    REQUIRE(pid > 0);
    CHECK(await(e, WTS_SESSION_LOGON, id) == 0);
    end_session(pid);
    CHECK(await(e, WTS_SESSION_LOGOFF, id) == 0);
    WTSNetCloseSessionEvents(e);
}

struct waiter {
    HANDLE h;
    DWORD mask, flags;
    BOOL ok;
    atomic_bool done;
};

static void *wait_main(void *arg) {
    struct waiter *w = arg;

    w->ok = WTSWaitSystemEvent(w->h, w->mask, &w->flags);
    atomic_store(&w->done, true);
    return NULL;
}

static bool done_within(struct waiter *w, int ms) {
    for (uint64_t end = ms_now() + ms; ms_now() < end; usleep(5000))
        if (atomic_load(&w->done))
            return true;
    return false;
}

static void wait_sees_audit_logon_and_logoff(void) {
    HANDLE h = WTSOpenServerA(NULL);
    struct waiter w = {.h = h, .mask = WTS_EVENT_LOGON};
    pthread_t t;
    DWORD id;
    pid_t pid;

    pthread_create(&t, NULL, wait_main, &w);
    usleep(300 * 1000);
    REQUIRE(!atomic_load(&w.done));
    pid = audit_session(&id);
    REQUIRE(pid > 0);
    REQUIRE(done_within(&w, EVENT_WAIT_MS));
    pthread_join(t, NULL);
    CHECK(w.ok);
    CHECK_EQ_U(w.flags, WTS_EVENT_LOGON);
    w = (struct waiter){.h = h, .mask = WTS_EVENT_LOGOFF};
    pthread_create(&t, NULL, wait_main, &w);
    end_session(pid);
    REQUIRE(done_within(&w, EVENT_WAIT_MS));
    pthread_join(t, NULL);
    CHECK(w.ok);
    CHECK_EQ_U(w.flags, WTS_EVENT_LOGOFF);
    WTSCloseServer(h);
}

TAP_MAIN(CASE(audit_logon_and_logoff_are_records), CASE(wait_sees_audit_logon_and_logoff))
