/*
 * Private to the remote provider's files: remote.c (the provider
 * operations), remote_bus.c (the sd-bus connection over ssh),
 * remote_spawn.c (the ssh child), remote_target.c (ssh:// destinations).
 */
#ifndef WTSNET_SESSION_REMOTE_INTERNAL_H
#define WTSNET_SESSION_REMOTE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-bus.h>

#include "session/remote.h"

/* The ssh child of one connection. */
struct remote_ssh {
    int pidfd;           /* ssh, pinned (pidfd_open): signals never reach a reused pid; -1 none */
    int err_fd;          /* ssh's stderr, read end; -1 none */
    char err_text[1024]; /* what ssh said last */
    size_t err_len;
};

struct remote_provider {
    struct session_provider base;
    pthread_mutex_t lock; /* every call, and every message on bus: an sd_bus is not thread-safe */
    struct remote_target target;
    char *config;          /* WTSNET_SSH_CONFIG when the handle was opened */
    uint64_t timeout_usec; /* connect and per-call bound */
    sd_bus *bus;
    struct remote_ssh ssh;
    bool no_list_ex;       /* this logind predates ListSessionsEx */
    bool subscribed;       /* a subscription shares bus (logind_events.c): calls dispatch its signals */
};

/* ---- remote_spawn.c ---- */

/* Starts ssh for t (remote_build_argv); *ret_socket is our end of its
 * stdin/stdout. On failure an ssh already started is still in *ssh: end it. */
int remote_ssh_spawn(struct remote_ssh *ssh, const struct remote_target *t, unsigned timeout_sec,
                     const char *config, int *ret_socket);
/* Keeps the tail of what ssh wrote to stderr; waits up to wait_usec for its end. */
void remote_ssh_read_stderr(struct remote_ssh *ssh, uint64_t wait_usec);
/* Ends ssh (SIGTERM, then SIGKILL, 2 s each, through the pidfd) and reaps it. */
void remote_ssh_end(struct remote_ssh *ssh);

/* ---- remote_bus.c ---- */

/* Connects (again) when there is no usable connection. */
int remote_connect(struct remote_provider *rp);
/* Ends the connection and its ssh: no zombie is left. */
void remote_disconnect(struct remote_provider *rp);
/* After a failure on the connection: why, in ssh's words, and drop it. */
int remote_connection_failed(struct remote_provider *rp, int r);
/* Maps a failed call; a connection no longer usable is dropped. */
int remote_call_failed(struct remote_provider *rp, const sd_bus_error *e, int r);
/* Runs the bus until *count is at most at_most (count NULL: until ready), until deadline. */
int remote_run_bus(sd_bus *bus, const size_t *count, size_t at_most, uint64_t deadline);

/* ---- remote_process.c ---- */

/* The processes op: systemd's GetUnitProcesses over the bridge. */
int remote_processes(struct session_provider *p, uint32_t session, struct session_process_list *ret);

#endif
