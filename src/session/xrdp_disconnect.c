/*
 * Detaching an RDP session's client: the datagram xrdp-dis sends to
 * xorgxrdp's xrdp_disconnect_display_<N> socket (xrdp.h).
 */
#include "session/xrdp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/wintime.h"
#include "session/sockdiag.h"

/* Waits for the connection on the display's socket to go, polling the socket table. */
static int wait_disconnected(long display, uint64_t deadline_usec) {
    for (;;) {
        struct xrdp_client c;
        int k = xrdp_display_client_state(display, false, &c);

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

        if (s->state != SOCKDIAG_LISTEN || s->path[0] != '/' || !xrdp_is_display_socket(s->path, display))
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
    k = xrdp_display_client_state(display, false, &c);
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

