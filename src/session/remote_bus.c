/*
 * The D-Bus connection of a remote provider: sd-bus over the socket of its
 * ssh child (remote_spawn.c), started with bounded waits, dropped when it
 * fails, with ssh's own account of why.
 */
#include "session/remote_internal.h"

#include <errno.h>
#include <unistd.h>

#include "common/errors.h"
#include "common/wintime.h"
#include "session/logind_bus.h"

int remote_connection_failed(struct remote_provider *rp, int r) {
    remote_ssh_read_stderr(&rp->ssh, 1000000);
    r = remote_classify_ssh_error(rp->ssh.err_text);
    remote_disconnect(rp);
    return r;
}

/* EINTR does not end it. */
int remote_run_bus(sd_bus *bus, const size_t *count, size_t at_most, uint64_t deadline) {
    int r;

    for (;;) {
        uint64_t now;

        if (count ? *count <= at_most : sd_bus_is_ready(bus) > 0)
            return 0;
        r = sd_bus_process(bus, NULL);
        if (r < 0)
            return r;
        if (r > 0)
            continue;
        now = now_monotonic_usec();
        if (now >= deadline)
            return -ETIMEDOUT;
        r = sd_bus_wait(bus, deadline - now);
        if (r < 0 && r != -EINTR)
            return r;
    }
}

int remote_connect(struct remote_provider *rp) {
    int fd = -1, r;

    if (rp->bus) {
        remote_ssh_read_stderr(&rp->ssh, 0); /* keep the pipe drained */
        if (sd_bus_is_open(rp->bus) > 0)
            return 0;
        remote_disconnect(rp);
    }
    r = remote_ssh_spawn(&rp->ssh, &rp->target, (unsigned) ((rp->timeout_usec + 999999) / 1000000), rp->config, &fd);
    if (r < 0) {
        remote_disconnect(rp); /* an ssh started before the failure is ended */
        return r;
    }
    r = sd_bus_new(&rp->bus);
    if (r >= 0)
        r = sd_bus_set_fd(rp->bus, fd, fd);
    if (r >= 0)
        fd = -1; /* the bus owns it */
    if (r >= 0)
        r = sd_bus_set_bus_client(rp->bus, 1);
    if (r >= 0)
        r = sd_bus_set_method_call_timeout(rp->bus, rp->timeout_usec);
    if (r >= 0)
        r = sd_bus_start(rp->bus);
    /* Authentication and Hello, bounded: ssh's ConnectTimeout covers the
     * TCP connect and key exchange, this the login and the bridge. */
    if (r >= 0)
        r = remote_run_bus(rp->bus, NULL, 0, now_monotonic_usec() + rp->timeout_usec + 2000000);
    if (fd >= 0)
        close(fd);
    if (r == -ENOMEM) {
        remote_disconnect(rp);
        return r;
    }
    return r < 0 ? remote_connection_failed(rp, r) : 0;
}

/* The next call connects again. */
int remote_call_failed(struct remote_provider *rp, const sd_bus_error *e, int r) {
    r = logind_bus_error_to_errno(e, r);
    return logind_bus_connection_lost(r) ? remote_connection_failed(rp, r) : r;
}

void remote_disconnect(struct remote_provider *rp) {
    rp->bus = sd_bus_close_unref(rp->bus); /* closes our end: ssh sees EOF */
    remote_ssh_end(&rp->ssh);
}
