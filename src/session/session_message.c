/*
 * A message to a session of this host (WTSSendMessage), on every terminal
 * the session holds, as write(1) and wall(1) deliver: the session's own
 * line and the controlling terminal of each of its processes.
 *
 * Each terminal is opened O_WRONLY | O_NOCTTY | O_NONBLOCK: it never becomes
 * our controlling terminal and the open never waits for a carrier. What was
 * opened must be the character device the session names (same st_rdev, and
 * a tty), so a path swapped meanwhile is refused. `mesg n` (the line's group
 * write bit off) is honoured unless the caller is root, as write(1) does.
 * The text is cleaned of control characters (no escape sequence of the
 * sender's reaches the terminal) and every write waits at most until the
 * deadline.
 *
 * A graphical session (x11, wayland) whose user has a session bus at
 * /run/user/UID/bus also gets a desktop notification there, through the
 * wtsnet-notify helper (notify_helper.c): spawned by argv, it becomes that
 * user before it connects, so it reaches that bus as the user and nothing
 * more. Its answer (a button, a close, a timeout) is the message's answer.
 * docs/api.md, "WTSSendMessage".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/errors.h"
#include "common/parse_int.h"
#include "common/wintime.h"
#include "session/audit.h"
#include "session/proc.h"
#include "session/provider.h"

#define MAX_TERMINALS 64
#define MAX_TEXT 4096

/* The bytes of s fit for a terminal: newlines as "\r\n", tabs kept, every
 * other C0/C1 control and DEL as '?'; at most MAX_TEXT bytes. */
static size_t clean_text(const char *s, char *out, size_t at, size_t size) {
    const unsigned char *p = (const unsigned char *) s;

    for (; *p && at + 2 < size; p++) {
        if (*p == '\n') {
            out[at++] = '\r';
            out[at++] = '\n';
        } else if (*p == '\t' || (*p >= 0x20 && *p != 0x7f && !(*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)))
            out[at++] = (char) *p;
        else {
            out[at++] = '?';
            if (*p == 0xc2) /* a C1 control's second byte */
                p++;
        }
    }
    return at;
}

/* "\r\n\a*** TITLE ***\r\nTEXT\r\n", as a wall banner is set apart. */
static size_t format_message(const struct session_message *m, char *out, size_t size) {
    size_t at = 3;

    memcpy(out, "\r\n\a", 3); /* the banner's own controls, before any cleaned text */
    at = clean_text("*** ", out, at, size);
    at = clean_text(m->title, out, at, size);
    at = clean_text(" ***\n", out, at, size);
    at = clean_text(m->text, out, at, size);
    at = clean_text("\n", out, at, size);
    return at;
}

static bool have(const uint32_t *ttys, size_t n, uint32_t t) {
    for (size_t i = 0; i < n; i++)
        if (ttys[i] == t)
            return true;
    return false;
}

/* proc(5)'s tty_nr: minor in bits 31..20 and 7..0, major in 15..8. */
static dev_t tty_dev(uint32_t tty_nr) {
    return makedev((tty_nr >> 8) & 0xfff, (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00));
}

/* Writes all of buf to fd, waiting for room until deadline (monotonic µs). */
static int write_all(int fd, const char *buf, size_t len, uint64_t deadline) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n > 0) {
            buf += n, len -= (size_t) n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN)
            return -errno;
        uint64_t now = now_monotonic_usec();
        if (now >= deadline)
            return -ETIMEDOUT; /* a terminal that does not drain (stopped output): give up on it */
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int wait_ms = (int) ((deadline - now + 999) / 1000);
        if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR)
            return -errno;
    }
    return 0;
}

/* One terminal: 1 delivered; 0 refused (mesg n, no permission); <0 failed. */
static int deliver(uint32_t tty_nr, const char *buf, size_t len, uint64_t deadline) {
    char name[32], path[48];
    struct stat st;
    dev_t dev = tty_dev(tty_nr);
    int fd, r;

    if (audit_tty_name(tty_nr, name, sizeof(name)) < 0)
        return -ENOENT;
    snprintf(path, sizeof(path), "/dev/%s", name);
    fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno == EACCES || errno == EPERM ? 0 : -errno;
    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != dev || !isatty(fd)) {
        close(fd);
        return -ENOENT; /* not the session's terminal (any more) */
    }
    if (geteuid() != 0 && !(st.st_mode & S_IWGRP)) {
        close(fd);
        return 0; /* mesg n */
    }
    r = write_all(fd, buf, len, deadline);
    close(fd);
    return r < 0 ? r : 1;
}

/* The terminals of session id: its processes' controlling terminals. */
static int session_terminals(struct session_provider *p, int proc_fd, uint32_t id, uint32_t *ttys, size_t *ret_n) {
    pid_t *pids = NULL;
    size_t n = 0, found = 0;
    int r;

    r = proc_pids(proc_fd, &pids, &n);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n && found < MAX_TERMINALS; i++) {
        struct proc_stat st;
        uint32_t sid;

        if (p->ops->pid_session(p, pids[i], &sid) < 0 || sid != id)
            continue;
        if (proc_read_stat(proc_fd, pids[i], &st) < 0 || st.tty_nr == 0)
            continue;
        if (!have(ttys, found, st.tty_nr))
            ttys[found++] = st.tty_nr;
    }
    free(pids);
    *ret_n = found;
    return 0;
}

#define NOTIFY_NAME "wtsnet-notify"
/* With bWait and Timeout 0 Windows waits for ever; here an hour at most. */
#define NOTIFY_MAX_WAIT_MS (3600u * 1000u)

static bool is_graphical(const struct session_record *r) {
    return strcmp(r->type, "x11") == 0 || strcmp(r->type, "wayland") == 0 || strcmp(r->type, "mir") == 0;
}

/* Reads the helper's one line until EOF or the deadline (monotonic µs). */
static ssize_t read_line(int fd, char *buf, size_t size, uint64_t deadline) {
    size_t got = 0;

    while (got + 1 < size) {
        uint64_t now = now_monotonic_usec();
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ssize_t n;

        if (now >= deadline)
            return -ETIMEDOUT;
        if (poll(&pfd, 1, (int) ((deadline - now + 999) / 1000)) < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        n = read(fd, buf + got, size - 1 - got);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            break;
        got += (size_t) n;
    }
    buf[got] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return (ssize_t) got;
}

/* The answer line of wtsnet-notify into res. */
static void parse_answer(const char *line, struct session_message_result *res) {
    uint64_t v;

    if (strncmp(line, "button ", 7) == 0 && parse_uint(line + 7, 10, 11, 0, &v) >= 0 && v >= 1) {
        res->answer = SESSION_ANSWER_BUTTON;
        res->button = (uint32_t) v;
    } else if (strncmp(line, "closed ", 7) == 0)
        res->answer = SESSION_ANSWER_CLOSED;
    else if (strcmp(line, "timeout") == 0)
        res->answer = SESSION_ANSWER_TIMEOUT;
}

/* A desktop notification: 1 shown (answer in res), 0 refused, -EOPNOTSUPP none to show it, <0 failed. */
static int notify(const struct session_record *r, const struct session_message *m, struct session_message_result *res) {
    char path[PROC_HELPER_PATH_MAX], bus[64], uid[16], gid[16], style[16], timeout[16], deadline[16], line[64];
    char scratch[1024];
    struct passwd pw, *found = NULL;
    posix_spawn_file_actions_t actions;
    struct stat st;
    uint32_t wait_ms;
    uint64_t until;
    pid_t pid;
    int p[2], pidfd, k;
    ssize_t n;

    if (!r->has_uid || !is_graphical(r))
        return -EOPNOTSUPP;
    snprintf(bus, sizeof(bus), "/run/user/%u/bus", (unsigned) r->uid);
    if (stat(bus, &st) < 0)
        /* The user's runtime directory is theirs alone (0700): another user
         * cannot even see the bus, which is a refusal, not an absence. */
        return errno == EACCES || errno == EPERM ? 0 : -EOPNOTSUPP;
    if (!S_ISSOCK(st.st_mode) || st.st_uid != r->uid)
        return -EOPNOTSUPP; /* no session bus of that user runs */
    if (getpwuid_r(r->uid, &pw, scratch, sizeof(scratch), &found) != 0 || !found)
        return -EOPNOTSUPP;
    if (proc_helper_path(NOTIFY_NAME, path) < 0)
        return -EOPNOTSUPP;
    wait_ms = !m->wait ? 0 : m->timeout_sec ? (m->timeout_sec > 3600 ? 3600u : m->timeout_sec) * 1000u + 2000u
                                            : NOTIFY_MAX_WAIT_MS;
    snprintf(uid, sizeof(uid), "%u", (unsigned) r->uid);
    snprintf(gid, sizeof(gid), "%u", (unsigned) pw.pw_gid);
    snprintf(style, sizeof(style), "%u", (unsigned) m->style);
    snprintf(timeout, sizeof(timeout), "%u", (unsigned) m->timeout_sec);
    snprintf(deadline, sizeof(deadline), "%u", (unsigned) wait_ms);
    char *argv[] = {(char *) NOTIFY_NAME, uid, gid, bus, (char *) m->title, (char *) m->text, style, timeout,
                    (char *) (m->wait ? "1" : "0"), deadline, NULL};
    char *envp[] = {NULL};

    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&actions, p[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addchdir_np(&actions, "/");
    k = proc_spawn(path, &actions, argv, envp, &pid);
    posix_spawn_file_actions_destroy(&actions);
    close(p[1]);
    if (k < 0) {
        close(p[0]);
        return k;
    }
    pidfd = pidfd_open(pid, 0);
    /* Its own bus calls are bounded (10 s); the wait for an answer by wait_ms. */
    until = now_monotonic_usec() + (uint64_t) wait_ms * 1000u + 15u * 1000000u;
    n = read_line(p[0], line, sizeof(line), until);
    close(p[0]);
    if (pidfd >= 0) {
        if (!proc_child_wait_exit(pidfd, n < 0 ? 0 : 5000000)) {
            (void) pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
            (void) proc_child_wait_exit(pidfd, 2000000);
        }
        close(pidfd);
    }
    if (n < 0)
        return (int) n;
    if (strcmp(line, "shown") != 0 && strncmp(line, "button ", 7) != 0 && strncmp(line, "closed ", 7) != 0 &&
        strcmp(line, "timeout") != 0)
        return 0; /* refused, or no notification server: it said nothing */
    parse_answer(line, res);
    return 1;
}

int session_message_local(struct session_provider *p, int proc_fd, uint32_t id, const struct session_message *m,
                          struct session_message_result *ret) {
    struct session_message_result res = {.answer = SESSION_ANSWER_NONE};
    struct session_record rec = {0};
    uint32_t ttys[MAX_TERMINALS];
    size_t n = 0;
    char *buf;
    size_t len;
    uint64_t deadline;
    int r, refused = 0;

    if (!p->ops->pid_session)
        return -EOPNOTSUPP;
    if (id == SESSION_ID_SERVICES)
        return -EOPNOTSUPP; /* session 0 holds services: no one reads it */
    r = session_terminals(p, proc_fd, id, ttys, &n);
    if (r < 0)
        return r;
    buf = malloc(2 * MAX_TEXT + 64);
    if (!buf)
        return -ENOMEM;
    len = format_message(m, buf, 2 * MAX_TEXT + 64);
    /* A few seconds for all terminals: a message must not hang its sender. */
    deadline = now_monotonic_usec() + SESSION_MESSAGE_WRITE_USEC;
    for (size_t i = 0; i < n; i++) {
        r = deliver(ttys[i], buf, len, deadline);
        if (r > 0)
            res.terminals++;
        else if (r == 0)
            refused++;
        /* else: gone meanwhile, or it would not drain: the others still get it */
    }
    free(buf);
    if (p->ops->get(p, id, false, &rec) >= 0) {
        r = notify(&rec, m, &res);
        session_record_done(&rec);
        if (r > 0)
            res.notifications++;
        else if (r == 0)
            refused++;
    }
    if (res.terminals == 0 && res.notifications == 0)
        return refused ? -EACCES : -EOPNOTSUPP; /* nothing reached: not allowed, or nothing to show it on */
    *ret = res;
    return 0;
}
