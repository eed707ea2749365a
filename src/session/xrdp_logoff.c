/*
 * What a logoff of an RDP session waits for after the inner provider ended
 * it: the xrdp process that tells the client exits, and sesman reaps its
 * child for the session (xrdp.h).
 */
#include "session/xrdp.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <time.h>
#include <unistd.h>

#include "common/wintime.h"

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
