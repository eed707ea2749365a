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
 * deadline. docs/api.md, "WTSSendMessage".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/errors.h"
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
    size_t at = 0;

    at = clean_text("\r\n", out, at, size);
    out[at++] = '\a';
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

int session_message_local(struct session_provider *p, int proc_fd, uint32_t id, const struct session_message *m,
                          struct session_message_result *ret) {
    struct session_message_result res = {.answer = SESSION_ANSWER_NONE};
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
    if (res.terminals == 0)
        return refused ? -EACCES : -EOPNOTSUPP; /* nothing reached: not allowed, or nothing to show it on */
    *ret = res;
    return 0;
}
