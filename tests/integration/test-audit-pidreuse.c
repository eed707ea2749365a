/*
 * The audit logoff engine never signals a process that is not a member,
 * even when a member's pid is recycled at the worst moment. The recycling
 * is made to happen for real: the member is killed and reaped, and a
 * foreign process is created at exactly its pid with clone3(2)'s set_tid
 * (root). Each case then shows, as a control, that a plain kill(pid) at
 * that moment would have hit the foreign process, so the property checked
 * is one a pid-based implementation fails.
 *
 * Sessions are made the way pam_loginuid makes them: a child writes a uid
 * to /proc/self/loginuid and gets a new kernel audit session id.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session/audit.h"
#include "tap.h"

struct watched {
    pid_t pid;
    int report; /* read end: one byte per signal received, the signal's number */
    uint32_t sid;
};

static int report_fd = -1;

/* Every child started, killed at exit even when a case ends early. */
static pid_t started[64];
static size_t n_started;

static void kill_started(void) {
    /* Only pids that are still unreaped children of ours: a reaped one may
     * belong to anybody by now. */
    for (size_t i = 0; i < n_started; i++)
        if (waitpid(started[i], NULL, WNOHANG) == 0 && kill(started[i], SIGKILL) == 0)
            waitpid(started[i], NULL, 0);
}

static void report(int sig) {
    unsigned char b = (unsigned char) sig;

    (void) !write(report_fd, &b, 1);
}

/* Runs in the child: only async-signal-safe calls. */
static void child_main(int wfd, bool new_session) {
    struct sigaction sa;
    char sid[17] = "";
    ssize_t n = 0;
    int fd;

    report_fd = wfd;
    /* Handlers first: the parent may signal as soon as it has the id. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = report;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (new_session) {
        fd = open("/proc/self/loginuid", O_WRONLY);
        if (fd < 0 || write(fd, "65534", 5) != 5)
            _exit(3);
        close(fd);
    }
    fd = open("/proc/self/sessionid", O_RDONLY);
    if (fd >= 0)
        n = read(fd, sid, sizeof(sid) - 1);
    if (n <= 0)
        _exit(4);
    sid[n++] = '\n'; /* the file has no newline; the reader waits for one */
    (void) !write(wfd, sid, (size_t) n); /* first message: the session id */
    for (;;)
        pause();
}

/* at = 0: any pid; else exactly that pid (clone3 set_tid). */
static int spawn(bool new_session, pid_t at, struct watched *ret) {
    int p[2];
    pid_t pid;
    char buf[16];
    ssize_t n = 0;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    if (at) {
        struct clone_args args;

        memset(&args, 0, sizeof(args));
        args.exit_signal = SIGCHLD;
        args.set_tid = (uint64_t) (uintptr_t) &at;
        args.set_tid_size = 1;
        pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
    } else
        pid = fork();
    if (pid < 0) {
        int e = -errno;

        close(p[0]);
        close(p[1]);
        return e;
    }
    if (pid == 0)
        child_main(p[1], new_session);
    if (n_started < sizeof(started) / sizeof(started[0]))
        started[n_started++] = pid;
    close(p[1]);
    for (size_t got = 0; got < sizeof(buf) - 1;) {
        n = read(p[0], buf + got, sizeof(buf) - 1 - got);
        if (n <= 0)
            break;
        got += (size_t) n;
        buf[got] = '\0';
        if (strchr(buf, '\n'))
            break;
    }
    if (n <= 0 || audit_parse_u32(buf, strlen(buf), &ret->sid) < 0) {
        close(p[0]);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -EIO;
    }
    ret->pid = pid;
    ret->report = p[0];
    return 0;
}

static void end(struct watched *w) {
    if (w->pid > 0) {
        kill(w->pid, SIGKILL);
        waitpid(w->pid, NULL, 0);
    }
    if (w->report >= 0)
        close(w->report);
    w->pid = 0;
    w->report = -1;
}

/* The signals w reported within ms milliseconds (0 when none). */
static int received(struct watched *w, int ms) {
    struct pollfd p = {.fd = w->report, .events = POLLIN};
    unsigned char b;

    if (poll(&p, 1, ms) <= 0 || read(w->report, &b, 1) != 1)
        return 0;
    return b;
}

static bool alive(pid_t pid) {
    return waitpid(pid, NULL, WNOHANG) == 0;
}

/* A member of a fresh session, killed and reaped, and a foreign process
 * (this test's own session) born at its pid. */
static void member_then_foreigner(struct watched *member, struct watched *foreign, struct audit_kill *k,
                                  bool pin_first, int *ret_pin_fd) {
    pid_t pids[4];
    size_t n = 0;
    int r;

    if (geteuid() != 0)
        SKIP("needs root: writes /proc/self/loginuid, clone3 with set_tid");
    r = spawn(true, 0, member);
    if (r == -EIO)
        SKIP("cannot start an audit session here (loginuid not writable)");
    REQUIRE(r == 0);
    REQUIRE(member->sid != AUDIT_SID_UNSET);
    REQUIRE(audit_kill_init(k, member->sid, getpid()) == 0);
    REQUIRE(audit_kill_scan(k, pids, 4, &n) == 0);
    REQUIRE(n == 1 && pids[0] == member->pid);
    if (pin_first)
        REQUIRE(audit_kill_pin(k, member->pid, ret_pin_fd, NULL) == 1);

    pid_t recycled = member->pid;
    kill(member->pid, SIGKILL);
    REQUIRE(waitpid(member->pid, NULL, 0) == member->pid);
    member->pid = 0;
    r = spawn(false, recycled, foreign);
    if (r == -EPERM || r == -ENOSYS || r == -EINVAL || r == -E2BIG)
        SKIP("clone3 set_tid is not available here");
    REQUIRE(r == 0);
    REQUIRE(foreign->pid == recycled);
    REQUIRE(foreign->sid != member->sid); /* foreign indeed */
}

static void control_a_kill_by_pid_would_have_hit_the_foreigner(struct watched *foreign) {
    CHECK(kill(foreign->pid, SIGUSR1) == 0);
    CHECK_EQ_I(received(foreign, 2000), SIGUSR1);
}

static void a_pid_recycled_between_scan_and_pin_is_not_taken_for_a_member(void) {
    struct watched member = {.report = -1}, foreign = {.report = -1};
    struct audit_kill k = {.proc_fd = -1};
    int fd = -1;

    member_then_foreigner(&member, &foreign, &k, false, NULL);
    /* The scan said "member"; the pid is the foreigner's now. */
    CHECK_EQ_I(audit_kill_pin(&k, foreign.pid, &fd, NULL), 0);
    CHECK(audit_kill_pass(&k, SIGTERM) == 0);
    CHECK_EQ_U(k.found, 0);
    CHECK_EQ_U(k.signalled, 0);
    CHECK_EQ_I(received(&foreign, 300), 0);
    CHECK(alive(foreign.pid));
    control_a_kill_by_pid_would_have_hit_the_foreigner(&foreign);
    if (fd >= 0)
        close(fd);
    audit_kill_done(&k);
    end(&member);
    end(&foreign);
}

static void a_pinned_member_that_exits_is_not_reached_through_its_recycled_pid(void) {
    struct watched member = {.report = -1}, foreign = {.report = -1};
    struct audit_kill k = {.proc_fd = -1};
    int fd = -1;

    member_then_foreigner(&member, &foreign, &k, true, &fd);
    CHECK_EQ_I(audit_kill_signal(fd, SIGTERM), 0); /* the pinned process is gone */
    CHECK_EQ_I(received(&foreign, 300), 0);
    CHECK(alive(foreign.pid));
    control_a_kill_by_pid_would_have_hit_the_foreigner(&foreign);
    close(fd);
    audit_kill_done(&k);
    end(&member);
    end(&foreign);
}

static void a_live_member_is_pinned_and_signalled(void) {
    struct watched member = {.report = -1}, outsider = {.report = -1};
    struct audit_kill k = {.proc_fd = -1};

    if (geteuid() != 0)
        SKIP("needs root: writes /proc/self/loginuid");
    REQUIRE(spawn(true, 0, &member) == 0);
    REQUIRE(spawn(false, 0, &outsider) == 0);
    REQUIRE(audit_kill_init(&k, member.sid, getpid()) == 0);
    CHECK(audit_kill_pass(&k, SIGTERM) == 0);
    CHECK_EQ_U(k.found, 1);
    CHECK_EQ_U(k.signalled, 1);
    CHECK_EQ_I(received(&member, 2000), SIGTERM);
    CHECK_EQ_I(received(&outsider, 300), 0); /* same parent, other session */
    audit_kill_done(&k);
    end(&member);
    end(&outsider);
}

static void sigterm_reaches_each_process_once_and_sigkill_ends_it(void) {
    struct watched member = {.report = -1};
    struct audit_kill k = {.proc_fd = -1};
    pid_t pid;

    if (geteuid() != 0)
        SKIP("needs root: writes /proc/self/loginuid");
    REQUIRE(spawn(true, 0, &member) == 0);
    REQUIRE(audit_kill_init(&k, member.sid, getpid()) == 0);
    CHECK(audit_kill_pass(&k, SIGTERM) == 0);
    CHECK(audit_kill_pass(&k, SIGTERM) == 0);
    CHECK_EQ_U(k.found, 1);
    CHECK_EQ_U(k.signalled, 0);
    CHECK_EQ_I(received(&member, 2000), SIGTERM);
    CHECK_EQ_I(received(&member, 300), 0);
    CHECK(audit_kill_pass(&k, SIGKILL) == 0);
    CHECK_EQ_U(k.signalled, 1);
    pid = member.pid;
    CHECK(waitpid(pid, NULL, 0) == pid);
    member.pid = 0;
    audit_kill_done(&k);
    end(&member);
}

/* In a session of its own, a process ends every other member and lives on. */
static void the_caller_is_spared(void) {
    int status = 0;
    pid_t child;

    if (geteuid() != 0)
        SKIP("needs root: writes /proc/self/loginuid");
    child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        struct audit_kill k;
        struct watched other = {.report = -1};
        char buf[16];
        uint32_t sid;
        ssize_t n;
        int fd = open("/proc/self/loginuid", O_WRONLY);

        if (fd < 0 || write(fd, "65534", 5) != 5)
            _exit(3);
        close(fd);
        fd = open("/proc/self/sessionid", O_RDONLY);
        n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
        if (n <= 0 || audit_parse_u32(buf, (size_t) n, &sid) < 0 || spawn(false, 0, &other) < 0 || other.sid != sid)
            _exit(4);
        if (audit_kill_init(&k, sid, getpid()) < 0 || audit_kill_pass(&k, SIGKILL) < 0)
            _exit(5);
        if (k.found != 1 || k.signalled != 1 || waitpid(other.pid, NULL, 0) != other.pid)
            _exit(6);
        _exit(0);
    }
    REQUIRE(waitpid(child, &status, 0) == child);
    tap_diag("caller: %s %d", WIFEXITED(status) ? "exit" : "signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void) {
    static const struct tap_case cases[] = {
        CASE(a_pid_recycled_between_scan_and_pin_is_not_taken_for_a_member),
        CASE(a_pinned_member_that_exits_is_not_reached_through_its_recycled_pid),
        CASE(a_live_member_is_pinned_and_signalled),
        CASE(sigterm_reaches_each_process_once_and_sigkill_ends_it),
        CASE(the_caller_is_spared),
    };

    atexit(kill_started);
    return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
