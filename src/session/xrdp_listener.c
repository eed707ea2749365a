/*
 * The RDP listener: whether xrdp runs and listens, read from its pid file
 * and the kernel's socket table (xrdp.h), and the "RDP-Tcp" record.
 */
#include "session/xrdp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/errors.h"
#include "common/fileio.h"
#include "common/parse_int.h"
#include "session/proc.h"
#include "session/sockdiag.h"

/* Blanks before, and newlines and spaces after, as strtol and the X server's lock file have them. */
int xrdp_parse_pid(const char *s, pid_t *ret) {
    uint64_t v;

    if (parse_uint(s, 10, INT_MAX,
                   PARSE_INT_LEADING_SPACE | PARSE_INT_PLUS | PARSE_INT_LEADING_ZEROS | PARSE_INT_TRAILING_SPACE,
                   &v) < 0 ||
        v <= 1)
        return -EINVAL;
    *ret = (pid_t) v;
    return 0;
}

/* The xrdp daemon: the pid in its pid file, if that process is xrdp. The file
 * is xrdp's own (mode 0600): other callers look for the xrdp process whose
 * parent is not xrdp (its children serve the connections). */
int xrdp_daemon(pid_t *ret) {
    struct proc_stat st;
    char buf[32];
    pid_t pid, found = 0, *pids = NULL;
    size_t n = 0;
    int k = (int) read_small_file_at(AT_FDCWD, XRDP_PID_FILE, O_NOFOLLOW, buf, sizeof(buf));

    if (k >= 0)
        k = xrdp_parse_pid(buf, &pid) < 0 || !proc_comm_is(AT_FDCWD, pid, "xrdp") ? -ENOENT : 0;
    if (k != -EACCES && k != -EPERM) {
        if (k < 0)
            return -ENOENT;
        *ret = pid;
        return 0;
    }
    if (proc_pids(AT_FDCWD, &pids, &n) < 0)
        return -ENOENT;
    for (size_t i = 0; i < n && !found; i++)
        if (pids[i] > 1 && proc_comm_is(AT_FDCWD, pids[i], "xrdp") && proc_read_stat(AT_FDCWD, pids[i], &st) >= 0 &&
            !proc_comm_is(AT_FDCWD, st.ppid, "xrdp"))
            found = pids[i];
    free(pids);
    if (!found)
        return -ENOENT;
    *ret = found;
    return 0;
}

/* The LISTEN sockets among the daemon's; without the right to read its
 * descriptors, those owned by its (non-root) user. */
int xrdp_daemon_listeners(pid_t daemon, const struct tcp_table *t, uint16_t *ports, size_t max, size_t *ret_n) {
    struct proc_inodes fds = {0};
    uid_t uid = 0;
    size_t n = 0;
    int r;

    r = proc_socket_inodes(AT_FDCWD, daemon, &fds);
    if (r == -EACCES) {
        r = proc_owner_uid(AT_FDCWD, daemon, &uid);
        if (r < 0)
            return r;
        if (uid == 0) {
            *ret_n = 0;
            return -EACCES; /* a root xrdp: its sockets cannot be told from others' */
        }
    } else if (r < 0)
        return r;
    for (size_t i = 0; i < t->count && n < max; i++) {
        const struct tcp_socket *s = &t->items[i];

        if (s->state != SOCKDIAG_LISTEN)
            continue;
        if (fds.items ? proc_inodes_has(&fds, s->inode) : s->uid == uid)
            ports[n++] = s->local_port;
    }
    proc_inodes_free(&fds);
    *ret_n = n;
    return 0;
}

int xrdp_listening(void) {
    struct tcp_table t = {0};
    uint16_t ports[8];
    size_t n = 0;
    pid_t daemon;
    int r;

    r = xrdp_daemon(&daemon);
    if (r < 0)
        return r;
    r = sockdiag_tcp(1u << SOCKDIAG_LISTEN, &t);
    if (r < 0)
        return r;
    r = xrdp_daemon_listeners(daemon, &t, ports, 8, &n);
    tcp_table_free(&t);
    if (r == -EACCES)
        return 0; /* a running root xrdp we may not inspect: it listens once started */
    if (r < 0)
        return r;
    return n > 0 ? 0 : -ENOENT;
}

int xrdp_listener_record(struct session_record *ret) {
    struct session_record r = {.id = SESSION_ID_RDP_LISTENER, .state = SESSION_STATE_LISTENING,
                               .kind = SESSION_KIND_LISTENER, .lock = SESSION_LOCK_UNKNOWN};

    if (xrdp_listening() < 0)
        return -E_NO_SESSION;
    strcpy(r.key, "rdp-tcp");
    if (!(r.service = strdup("xrdp")) || session_record_fill_strings(&r) < 0) {
        session_record_done(&r);
        return -ENOMEM;
    }
    *ret = r;
    return 0;
}

