/*
 * xrdp sessions, read live (see xrdp.h for the sources and why each).
 * xrdp 0.9 keeps its session table in sesman's memory, reachable only with a
 * user's password (SCP "mng"), and writes the client's address only to its
 * log; the kernel's socket tables and /proc say the same things live.
 *
 * Errors: -ENOENT  no xrdp / no xorgxrdp on that display
 *         -EACCES  another user's processes (root or xrdp's user can read them)
 *         -EOPNOTSUPP  xorgxrdp recorded no client display
 */
#include "session/xrdp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-login.h>

#include "common/errors.h"
#include "common/wintime.h"
#include "session/sockdiag.h"

/* The tail of the X server's log that is searched for the last client display. */
#define XORG_LOG_TAIL (256 * 1024)

struct inode_set {
    uint32_t *items;
    size_t count;
};

static void inode_set_free(struct inode_set *s) {
    free(s->items);
    *s = (struct inode_set){0};
}

static bool inode_set_has(const struct inode_set *s, uint32_t inode) {
    for (size_t i = 0; i < s->count; i++)
        if (s->items[i] == inode)
            return true;
    return false;
}

/* The socket inodes a process holds: /proc/PID/fd/N → "socket:[INODE]". */
static int process_sockets(pid_t pid, struct inode_set *ret) {
    struct inode_set s = {0};
    size_t allocated = 0;
    char path[64];
    struct dirent *e;
    DIR *d;
    int r = 0;

    snprintf(path, sizeof(path), "/proc/%d/fd", (int) pid);
    d = opendir(path);
    if (!d)
        return errno == EACCES || errno == EPERM ? -EACCES : -ENOENT;
    while ((e = readdir(d))) {
        char link[72], target[64];
        unsigned long inode;
        ssize_t n;

        if (e->d_name[0] == '.')
            continue;
        snprintf(link, sizeof(link), "%.40s/%.20s", path, e->d_name);
        n = readlink(link, target, sizeof(target) - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        if (sscanf(target, "socket:[%lu]", &inode) != 1 || inode > UINT32_MAX)
            continue;
        if (s.count == allocated) {
            size_t na = allocated ? allocated * 2 : 16;
            uint32_t *p = realloc(s.items, na * sizeof(*p));

            if (!p) {
                r = -ENOMEM;
                break;
            }
            s.items = p;
            allocated = na;
        }
        s.items[s.count++] = (uint32_t) inode;
    }
    closedir(d);
    if (r < 0) {
        inode_set_free(&s);
        return r;
    }
    *ret = s;
    return 0;
}

static int read_small_file(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    ssize_t n;

    if (fd < 0)
        return -errno;
    n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -EIO;
    buf[n] = '\0';
    return (int) n;
}

static int parse_pid(const char *s, pid_t *ret) {
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    while (*end == '\n' || *end == ' ')
        end++;
    if (errno || *end || v <= 1 || v > INT_MAX)
        return -EINVAL;
    *ret = (pid_t) v;
    return 0;
}

static bool process_is(pid_t pid, const char *comm) {
    char path[64], buf[32];

    snprintf(path, sizeof(path), "/proc/%d/comm", (int) pid);
    if (read_small_file(path, buf, sizeof(buf)) < 0)
        return false;
    buf[strcspn(buf, "\n")] = '\0';
    return strcmp(buf, comm) == 0;
}

static int parent_of(pid_t pid, pid_t *ret) {
    char path[64], buf[512], *close_paren;
    int ppid;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
    if (read_small_file(path, buf, sizeof(buf)) < 0)
        return -ENOENT;
    /* "pid (comm) state ppid …": comm may hold anything, so from the last ')'. */
    close_paren = strrchr(buf, ')');
    if (!close_paren || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
        return -EINVAL;
    *ret = (pid_t) ppid;
    return 0;
}

/* The xrdp daemon: the pid in its pid file, if that process is xrdp. The file
 * is xrdp's own (mode 0600): other callers look for the xrdp process whose
 * parent is not xrdp (its children serve the connections). */
static int xrdp_daemon(pid_t *ret) {
    struct dirent *e;
    char buf[32];
    pid_t pid, found = 0;
    DIR *d;
    int k = read_small_file(XRDP_PID_FILE, buf, sizeof(buf));

    if (k >= 0)
        k = parse_pid(buf, &pid) < 0 || !process_is(pid, "xrdp") ? -ENOENT : 0;
    if (k != -EACCES && k != -EPERM) {
        if (k < 0)
            return -ENOENT;
        *ret = pid;
        return 0;
    }
    d = opendir("/proc");
    if (!d)
        return -ENOENT;
    while (!found && (e = readdir(d))) {
        pid_t parent;

        if (isdigit((unsigned char) e->d_name[0]) && parse_pid(e->d_name, &pid) >= 0 && process_is(pid, "xrdp") &&
            parent_of(pid, &parent) >= 0 && !process_is(parent, "xrdp"))
            found = pid;
    }
    closedir(d);
    if (!found)
        return -ENOENT;
    *ret = found;
    return 0;
}

static int process_uid(pid_t pid, uid_t *ret) {
    char path[64];
    struct stat st;

    snprintf(path, sizeof(path), "/proc/%d", (int) pid);
    if (stat(path, &st) < 0)
        return -errno;
    *ret = st.st_uid;
    return 0;
}

/* The LISTEN sockets among the daemon's; without the right to read its
 * descriptors, those owned by its (non-root) user. */
static int daemon_listeners(pid_t daemon, const struct tcp_table *t, uint16_t *ports, size_t max, size_t *ret_n) {
    struct inode_set fds = {0};
    uid_t uid = 0;
    size_t n = 0;
    int r;

    r = process_sockets(daemon, &fds);
    if (r == -EACCES) {
        r = process_uid(daemon, &uid);
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
        if (fds.items ? inode_set_has(&fds, s->inode) : s->uid == uid)
            ports[n++] = s->local_port;
    }
    inode_set_free(&fds);
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
    r = daemon_listeners(daemon, &t, ports, 8, &n);
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

/* "…/xrdp_display_10" names display 10's xorgxrdp socket. */
static bool is_display_socket(const char *path, long display) {
    const char *base = strrchr(path, '/');
    char want[40];

    snprintf(want, sizeof(want), "xrdp_display_%ld", display);
    return base && strcmp(base + 1, want) == 0;
}

/* The processes whose parent is pid. */
static int children_of(pid_t parent, pid_t **ret, size_t *ret_n) {
    pid_t *items = NULL;
    size_t n = 0, allocated = 0;
    struct dirent *e;
    DIR *d = opendir("/proc");

    if (!d)
        return -errno;
    while ((e = readdir(d))) {
        pid_t pid, ppid;

        if (!isdigit((unsigned char) e->d_name[0]) || parse_pid(e->d_name, &pid) < 0 || parent_of(pid, &ppid) < 0 ||
            ppid != parent)
            continue;
        if (n == allocated) {
            size_t na = allocated ? allocated * 2 : 8;
            pid_t *p = realloc(items, na * sizeof(*p));

            if (!p) {
                free(items);
                closedir(d);
                return -ENOMEM;
            }
            items = p;
            allocated = na;
        }
        items[n++] = pid;
    }
    closedir(d);
    *ret = items;
    *ret_n = n;
    return 0;
}

/* Which xrdp child holds the peer of display's connection, and its client's address. */
static int find_server(pid_t daemon, const struct inode_set *peers, struct xrdp_client *c) {
    struct tcp_table t = {0};
    struct inode_set fds = {0};
    uint16_t ports[8];
    size_t n_ports = 0, n_children = 0;
    pid_t *children = NULL;
    int r, denied = 0;

    r = children_of(daemon, &children, &n_children);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n_children && !c->server; i++) {
        r = process_sockets(children[i], &fds);
        if (r == -EACCES)
            denied = 1;
        if (r < 0)
            continue;
        for (size_t j = 0; j < peers->count && !c->server; j++)
            if (inode_set_has(&fds, peers->items[j]))
                c->server = children[i];
        if (!c->server)
            inode_set_free(&fds);
    }
    free(children);
    if (!c->server) {
        r = denied ? -EACCES : 0;
        goto out;
    }
    r = sockdiag_tcp((1u << SOCKDIAG_ESTABLISHED) | (1u << SOCKDIAG_LISTEN), &t);
    if (r < 0)
        goto out;
    r = daemon_listeners(daemon, &t, ports, 8, &n_ports);
    if (r < 0)
        goto out;
    /* The server's accepted connection: on a port xrdp listens on. */
    for (size_t i = 0; i < t.count; i++) {
        const struct tcp_socket *s = &t.items[i];
        bool on_listener = false;

        if (s->state != SOCKDIAG_ESTABLISHED || !inode_set_has(&fds, s->inode))
            continue;
        for (size_t k = 0; k < n_ports; k++)
            on_listener |= s->local_port == ports[k];
        if (!on_listener)
            continue;
        c->family = s->family;
        memcpy(c->address, s->remote, sizeof(c->address));
        break;
    }
    r = 0;
out:
    inode_set_free(&fds);
    tcp_table_free(&t);
    return r;
}

/* with_server: also find the serving process and its client's address (reads /proc). */
static int display_client(long display, bool with_server, struct xrdp_client *ret) {
    struct unix_table u = {0};
    struct inode_set peers = {0};
    struct xrdp_client c = {0};
    bool served = false;
    pid_t daemon;
    int r;

    if (display < 0)
        return -ENOENT;
    r = sockdiag_unix(&u);
    if (r < 0)
        return r;
    peers.items = calloc(u.count ? u.count : 1, sizeof(*peers.items));
    if (!peers.items) {
        r = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < u.count; i++) {
        const struct unix_socket *s = &u.items[i];

        if (!is_display_socket(s->path, display))
            continue;
        if (s->state == SOCKDIAG_LISTEN)
            served = true;
        /* An accepted connection carries the listener's name; its peer is xrdp's end. */
        else if (s->state == SOCKDIAG_ESTABLISHED && s->peer)
            peers.items[peers.count++] = s->peer;
    }
    if (!served) {
        r = -ENOENT;
        goto out;
    }
    c.connected = peers.count > 0;
    r = 0;
    if (with_server && c.connected && xrdp_daemon(&daemon) >= 0)
        r = find_server(daemon, &peers, &c);
    if (r >= 0 || r == -EACCES)
        *ret = c;
out:
    inode_set_free(&peers);
    unix_table_free(&u);
    return r;
}

int xrdp_display_client(long display, struct xrdp_client *ret) {
    return display_client(display, true, ret);
}

void xrdp_refine_state(struct session_record *r) {
    struct xrdp_client c;
    int k;

    if (r->kind != SESSION_KIND_RDP || (r->state != SESSION_STATE_ACTIVE && r->state != SESSION_STATE_ONLINE))
        return;
    /* Only whether a client is connected is needed: that takes no privilege. */
    k = display_client(session_display_number(r->display), false, &c);
    if (k >= 0 && !c.connected)
        r->state = SESSION_STATE_DISCONNECTED;
}

int xrdp_client_address(const struct session_record *r, char **ret) {
    struct xrdp_client c;
    char text[INET6_ADDRSTRLEN] = "";
    char *s;
    int k;

    k = xrdp_display_client(session_display_number(r->display), &c);
    if (k == -ENOENT)
        return -EOPNOTSUPP; /* not an xorgxrdp display (e.g. Xvnc), or xrdp is gone */
    if (k < 0)
        return k;
    if (c.connected && c.family == 0)
        return -EOPNOTSUPP; /* attached, but not through a running xrdp's TCP listener */
    if (c.connected && !inet_ntop(c.family, c.address, text, sizeof(text)))
        return -EIO;
    s = strdup(text);
    if (!s)
        return -ENOMEM;
    *ret = s;
    return 0;
}

/* The session's X server: the pid in /tmp/.X<N>-lock, if it is Xorg and in that session. */
static int session_x_server(const struct session_record *r, long display, pid_t *ret) {
    char path[64], buf[32], *session = NULL;
    pid_t pid;
    int k;

    snprintf(path, sizeof(path), "/tmp/.X%ld-lock", display);
    if (read_small_file(path, buf, sizeof(buf)) < 0 || parse_pid(buf, &pid) < 0 || !process_is(pid, "Xorg"))
        return -EOPNOTSUPP;
    k = sd_pid_get_session(pid, &session);
    if (k < 0 || strcmp(session, r->key) != 0)
        k = -EOPNOTSUPP; /* a stale lock file, or another session's server */
    free(session);
    if (k < 0)
        return k;
    *ret = pid;
    return 0;
}

/* Opens the log the X server writes: its -logfile (with %s = display) among its open files. */
static int open_x_log(pid_t pid, long display) {
    char path[64], cmdline[4096], want[256] = "", *arg, *end;
    struct dirent *e;
    DIR *d;
    int n, fd = -EOPNOTSUPP;

    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int) pid);
    n = read_small_file(path, cmdline, sizeof(cmdline));
    if (n < 0)
        return n;
    end = cmdline + n;
    for (arg = cmdline; arg < end; arg += strlen(arg) + 1)
        if (strcmp(arg, "-logfile") == 0 && arg + strlen(arg) + 1 < end) {
            const char *name = arg + strlen(arg) + 1, *base = strrchr(name, '/'), *pct;

            base = base ? base + 1 : name;
            pct = strstr(base, "%s");
            if (pct)
                snprintf(want, sizeof(want), "%.*s%ld%s", (int) (pct - base), base, display, pct + 2);
            else
                snprintf(want, sizeof(want), "%s", base);
        }
    if (!want[0])
        return -EOPNOTSUPP;
    snprintf(path, sizeof(path), "/proc/%d/fd", (int) pid);
    d = opendir(path);
    if (!d)
        return errno == EACCES || errno == EPERM ? -EACCES : -EOPNOTSUPP;
    while ((e = readdir(d))) {
        char link[72], target[PATH_MAX];
        const char *base;
        ssize_t len;

        if (e->d_name[0] == '.')
            continue;
        snprintf(link, sizeof(link), "%.40s/%.20s", path, e->d_name);
        len = readlink(link, target, sizeof(target) - 1);
        if (len <= 0)
            continue;
        target[len] = '\0';
        base = strrchr(target, '/');
        if (target[0] != '/' || !base || strcmp(base + 1, want) != 0)
            continue;
        fd = open(link, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            fd = errno == EACCES || errno == EPERM ? -EACCES : -EOPNOTSUPP;
        break;
    }
    closedir(d);
    return fd;
}

/* xorgxrdp (rdpClientConProcessScreenSizeMsg) logs, at every client (re)connection and resize:
 *   "rdpClientConProcessScreenSizeMsg: set width 1024 height 768 bpp 32" */
int xrdp_parse_screen_size(const char *text, size_t len, struct session_client_display *ret) {
    static const char marker[] = "rdpClientConProcessScreenSizeMsg: set width ";
    const size_t mlen = sizeof(marker) - 1;
    struct session_client_display found = {0};
    bool have = false;

    for (size_t i = 0; len >= mlen && i <= len - mlen; i++) {
        unsigned long v[3];
        const char *p;
        size_t left;
        int k;

        if (memcmp(text + i, marker, mlen) != 0)
            continue;
        p = text + i + mlen;
        left = len - i - mlen;
        for (k = 0; k < 3; k++) {
            static const char *const sep[] = {" height ", " bpp ", NULL};
            size_t digits = 0;

            v[k] = 0;
            while (digits < left && digits < 6 && p[digits] >= '0' && p[digits] <= '9')
                v[k] = v[k] * 10 + (unsigned long) (p[digits++] - '0');
            if (digits == 0 || (digits < left && p[digits] >= '0' && p[digits] <= '9'))
                break;
            p += digits, left -= digits;
            if (k < 2) {
                size_t slen = strlen(sep[k]);

                if (left < slen || memcmp(p, sep[k], slen) != 0)
                    break;
                p += slen, left -= slen;
            }
        }
        if (k == 3 && v[0] > 0 && v[1] > 0 && v[2] > 0 && v[2] <= 32) {
            found = (struct session_client_display){(uint32_t) v[0], (uint32_t) v[1], (uint32_t) v[2]};
            have = true;
        }
    }
    if (!have)
        return -ENOENT;
    *ret = found;
    return 0;
}

int xrdp_client_display(const struct session_record *r, struct session_client_display *ret) {
    long display = session_display_number(r->display);
    struct session_client_display d;
    struct stat st;
    char *buf = NULL;
    off_t from = 0;
    ssize_t n;
    size_t len = 0;
    pid_t x;
    int fd, k;

    if (display < 0)
        return -EOPNOTSUPP;
    k = session_x_server(r, display, &x);
    if (k < 0)
        return k;
    fd = open_x_log(x, display);
    if (fd < 0)
        return fd;
    if (fstat(fd, &st) == 0 && st.st_size > XORG_LOG_TAIL)
        from = st.st_size - XORG_LOG_TAIL;
    buf = malloc(XORG_LOG_TAIL);
    if (!buf) {
        close(fd);
        return -ENOMEM;
    }
    while (len < XORG_LOG_TAIL && (n = pread(fd, buf + len, XORG_LOG_TAIL - len, from + (off_t) len)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        len += (size_t) n;
    }
    close(fd);
    k = xrdp_parse_screen_size(buf, len, &d);
    free(buf);
    if (k < 0)
        return -EOPNOTSUPP;
    *ret = d;
    return 0;
}

/* Waits for the connection on the display's socket to go, polling the socket table. */
static int wait_disconnected(long display, uint64_t deadline_usec) {
    for (;;) {
        struct xrdp_client c;
        int k = display_client(display, false, &c);

        if (k == -ENOENT || (k >= 0 && !c.connected))
            return 0;
        if (k < 0)
            return k;
        if (now_monotonic_usec() >= deadline_usec)
            return -ETIMEDOUT;
        /* No event announces a closed unix connection to a third party. */
        nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
    }
}

/* The path of xorgxrdp's disconnect socket for display, beside its display
 * socket (xrdp's socket dir); -ENOENT when no xorgxrdp serves that display. */
static int disconnect_socket(long display, struct sockaddr_un *ret) {
    struct unix_table u = {0};
    bool found = false;
    int k;

    k = sockdiag_unix(&u);
    if (k < 0)
        return k;
    for (size_t i = 0; i < u.count && !found; i++) {
        const struct unix_socket *s = &u.items[i];
        const char *slash = strrchr(s->path, '/');

        if (s->state != SOCKDIAG_LISTEN || s->path[0] != '/' || !is_display_socket(s->path, display))
            continue;
        if ((size_t) (slash - s->path) + 40 < sizeof(ret->sun_path)) {
            snprintf(ret->sun_path, sizeof(ret->sun_path), "%.*s/xrdp_disconnect_display_%ld",
                     (int) (slash - s->path), s->path, display);
            found = true;
        }
    }
    unix_table_free(&u);
    return found ? 0 : -ENOENT;
}

/* Whether the caller may send to the socket: the kernel's own rule for a
 * path socket (write on it, search on its directories), for the caller's
 * effective ids. Asked before anything else, so that the answer does not
 * depend on the session's state. */
static int may_send(const struct sockaddr_un *sa) {
    if (faccessat(AT_FDCWD, sa->sun_path, W_OK, AT_EACCESS) == 0)
        return 0;
    if (errno == EACCES || errno == EPERM)
        return -EACCES;
    return -EOPNOTSUPP; /* gone, or xorgxrdp never made it */
}

int xrdp_disconnect(const struct session_record *r, bool wait, uint64_t deadline_usec) {
    long display = session_display_number(r->display);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct xrdp_client c;
    int fd, k;

    if (display < 0)
        return -EOPNOTSUPP;
    k = disconnect_socket(display, &sa);
    if (k == -ENOENT)
        return -EOPNOTSUPP; /* not served by xorgxrdp: nothing can detach it */
    if (k < 0)
        return k;
    /* The socket is the session user's, mode 0660 with xrdp's group. */
    k = may_send(&sa);
    if (k < 0)
        return k;
    k = display_client(display, false, &c);
    if (k == -ENOENT)
        return -EOPNOTSUPP;
    if (k < 0)
        return k;
    if (!c.connected)
        return 0; /* already disconnected */
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    k = sendto(fd, "sig", 4, 0, (struct sockaddr *) &sa, sizeof(sa)) < 0 ? -errno : 0;
    close(fd);
    if (k == -EPERM)
        k = -EACCES;
    if (k == -ENOENT || k == -ECONNREFUSED)
        k = -EOPNOTSUPP;
    if (k < 0 || !wait)
        return k;
    return wait_disconnected(display, deadline_usec);
}

void xrdp_logoff_prepare(const struct session_record *r, struct xrdp_logoff_watch *ret) {
    struct xrdp_client c = {0};

    ret->server_fd = -1;
    ret->leader_fd = -1;
    if (r->kind != SESSION_KIND_RDP)
        return;
    if (xrdp_display_client(session_display_number(r->display), &c) >= 0 && c.server > 0)
        ret->server_fd = pidfd_open(c.server, 0);
    if (r->leader > 1)
        ret->leader_fd = pidfd_open(r->leader, 0);
}

/* Waits for a process to exit (its pidfd turns readable), surviving EINTR. */
static int wait_exit(int pidfd, uint64_t deadline_usec) {
    for (;;) {
        uint64_t now = now_monotonic_usec();
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        int k;

        if (now >= deadline_usec)
            return -ETIMEDOUT;
        k = poll(&p, 1, (int) ((deadline_usec - now + 999) / 1000));
        if (k > 0)
            return 0;
        if (k < 0 && errno != EINTR)
            return -errno;
    }
}

int xrdp_logoff_wait(struct xrdp_logoff_watch *w, uint64_t deadline_usec) {
    int k;

    /* The xrdp process sends the client the logoff, then exits. */
    if (w->server_fd >= 0 && (k = wait_exit(w->server_fd, deadline_usec)) < 0)
        return k;
    if (w->leader_fd < 0)
        return 0;
    if ((k = wait_exit(w->leader_fd, deadline_usec)) < 0)
        return k;
    /* sesman forgets a session when it reaps its child; only a reaped process is
     * ESRCH (an unreaped one may still be EPERM to a caller that is not root). */
    while (pidfd_send_signal(w->leader_fd, 0, NULL, 0) == 0 || errno == EPERM) {
        if (now_monotonic_usec() >= deadline_usec)
            return -ETIMEDOUT;
        nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
    }
    return 0;
}

void xrdp_logoff_done(struct xrdp_logoff_watch *w) {
    if (!w)
        return;
    if (w->server_fd >= 0)
        close(w->server_fd);
    if (w->leader_fd >= 0)
        close(w->leader_fd);
    w->server_fd = w->leader_fd = -1;
}
