/*
 * The RDP client's desktop size and colour depth: xorgxrdp records what
 * the client negotiated in its X server's log at each (re)connection and
 * resize (xrdp.h). The X server is the one in /tmp/.X<N>-lock, if it is
 * Xorg and the inner provider puts it in the session asked about.
 */
#include "session/xrdp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cursor.h"
#include "common/fileio.h"
#include "common/parse_int.h"
#include "session/proc.h"

/* The tail of the X server's log that is searched for the last client display. */
#define XORG_LOG_TAIL (256 * 1024)

/* The session's X server: the pid in /tmp/.X<N>-lock, if it is Xorg and in that session. */
static int session_x_server(struct session_provider *inner, const struct session_record *r, long display,
                            pid_t *ret) {
    char path[64], buf[32];
    uint32_t id;
    pid_t pid;

    snprintf(path, sizeof(path), "/tmp/.X%ld-lock", display);
    if (read_small_file_at(AT_FDCWD, path, O_NOFOLLOW, buf, sizeof(buf)) < 0 || xrdp_parse_pid(buf, &pid) < 0 ||
        !proc_comm_is(AT_FDCWD, pid, "Xorg"))
        return -EOPNOTSUPP;
    if (!inner->ops->pid_session || inner->ops->pid_session(inner, pid, &id) < 0 || id != r->id)
        return -EOPNOTSUPP; /* a stale lock file, or another session's server */
    *ret = pid;
    return 0;
}

struct x_log {
    const char *want; /* the log's file name */
    int fd;
};

static int open_if_log(int dirfd, const char *name, const char *target, void *userdata) {
    struct x_log *l = userdata;
    const char *base = strrchr(target, '/');

    if (target[0] != '/' || !base || strcmp(base + 1, l->want) != 0)
        return 0;
    l->fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (l->fd < 0)
        l->fd = errno == EACCES || errno == EPERM ? -EACCES : -EOPNOTSUPP;
    return 1;
}

/* Opens the log the X server writes: its -logfile (with %s = display) among its open files. */
static int open_x_log(pid_t pid, long display) {
    char cmdline[4096], want[256] = "";
    struct x_log l = {.want = want, .fd = -EOPNOTSUPP};
    const char *arg, *name;
    size_t arg_len, name_len;
    struct cursor c;
    ssize_t n;
    int k;

    n = proc_read(AT_FDCWD, pid, "cmdline", cmdline, sizeof(cmdline));
    if (n < 0)
        return (int) n;
    cur_init(&c, cmdline, (size_t) n);
    /* NUL-separated arguments; the buffer has a NUL after the last byte read. */
    while (cur_get_until(&c, '\0', &arg, &arg_len) >= 0) {
        const char *base, *pct;

        if (strcmp(arg, "-logfile") != 0 || cur_get_until(&c, '\0', &name, &name_len) < 0)
            continue;
        base = strrchr(name, '/');
        base = base ? base + 1 : name;
        pct = strstr(base, "%s");
        if (pct)
            snprintf(want, sizeof(want), "%.*s%ld%s", (int) (pct - base), base, display, pct + 2);
        else
            snprintf(want, sizeof(want), "%s", base);
    }
    if (!want[0])
        return -EOPNOTSUPP;
    k = proc_fd_each(AT_FDCWD, pid, open_if_log, &l);
    if (k == -EACCES)
        return -EACCES;
    if (k < 0)
        return -EOPNOTSUPP;
    return l.fd;
}

/* xorgxrdp (rdpClientConProcessScreenSizeMsg) logs, at every client (re)connection and resize:
 *   "rdpClientConProcessScreenSizeMsg: set width 1024 height 768 bpp 32" */
/* 1 to 6 digits, not followed by another digit. */
static int get_count(struct cursor *c, uint64_t *ret) {
    size_t digits = 0;

    while (digits < cur_left(c) && cur_ptr(c)[digits] >= '0' && cur_ptr(c)[digits] <= '9')
        digits++;
    if (digits == 0 || digits > 6 ||
        parse_uint_n((const char *) cur_ptr(c), digits, 10, 999999, PARSE_INT_LEADING_ZEROS, ret) < 0)
        return -EBADMSG;
    return cur_skip(c, digits);
}

int xrdp_parse_screen_size(const char *text, size_t len, struct session_client_display *ret) {
    static const char marker[] = "rdpClientConProcessScreenSizeMsg: set width ";
    const size_t mlen = sizeof(marker) - 1;
    struct session_client_display found = {0};
    bool have = false;

    for (size_t i = 0; len >= mlen && i <= len - mlen; i++) {
        uint64_t w, h, bpp;
        struct cursor c;

        if (memcmp(text + i, marker, mlen) != 0)
            continue;
        cur_init(&c, text + i + mlen, len - i - mlen);
        if (get_count(&c, &w) < 0 || cur_expect(&c, " height ") < 0 || get_count(&c, &h) < 0 ||
            cur_expect(&c, " bpp ") < 0 || get_count(&c, &bpp) < 0)
            continue;
        if (w > 0 && h > 0 && bpp > 0 && bpp <= 32) {
            found = (struct session_client_display){(uint32_t) w, (uint32_t) h, (uint32_t) bpp};
            have = true;
        }
    }
    if (!have)
        return -ENOENT;
    *ret = found;
    return 0;
}

int xrdp_client_display(struct session_provider *inner, const struct session_record *r,
                        struct session_client_display *ret) {
    long display = session_display_number(r->display);
    struct session_client_display d;
    char *buf = NULL;
    size_t len = 0;
    pid_t x;
    int fd, k;

    if (display < 0)
        return -EOPNOTSUPP;
    k = session_x_server(inner, r, display, &x);
    if (k < 0)
        return k;
    fd = open_x_log(x, display);
    if (fd < 0)
        return fd;
    k = read_file_tail(fd, XORG_LOG_TAIL, &buf, &len);
    close(fd);
    if (k < 0)
        return k;
    k = xrdp_parse_screen_size(buf, len, &d);
    free(buf);
    if (k < 0)
        return -EOPNOTSUPP;
    *ret = d;
    return 0;
}
