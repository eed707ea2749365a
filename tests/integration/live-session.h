/*
 * Real logind sessions for the integration tests, made the way people make
 * them: `su -l USER` and `ssh -b FROM USER@127.0.0.1` into the sshd of the
 * test namespace (tests/integration/logind-ns). Everything is exec'd from
 * argv; the only shell strings are the constant session commands below.
 *
 * What a test expects is taken from outside the library: the session's key
 * from the kernel (the cgroup of a process inside it), its state and times
 * from loginctl/busctl (D-Bus), its user and client address from how it was
 * made.
 */
#ifndef WTSNET_TESTS_LIVE_SESSION_H
#define WTSNET_TESTS_LIVE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <windows.h>

struct live_session {
    pid_t client;   /* the su or ssh process (our child) */
    pid_t inner;    /* the login shell inside the session, now `sleep 600` */
    char key[32];   /* logind's id: "5" or "c2" */
    DWORD id;       /* what wtsnet must call it (docs: numeric ids as-is, c<N> → 0x80000000|N) */
    char user[64];
    char from[64];  /* the ssh client's source address; "" for su */
    char cgroup[512]; /* the session scope, under /sys/fs/cgroup */
    bool ssh;
};

enum live_flags {
    LIVE_PLAIN = 0,
    LIVE_STUBBORN = 1, /* the session's shell ignores SIGTERM and SIGHUP: only SIGKILL ends it */
};

/* A `su -l USER` session. 0 or a negative errno. */
int live_su(const char *user, int flags, struct live_session *ret);
/* An ssh session from source address FROM (127.0.0.x) with a pty. */
int live_ssh(const char *user, const char *from, int flags, struct live_session *ret);
/* Ends what is left of it (loginctl terminate-session, kill the client) and reaps the client. */
void live_end(struct live_session *s);

/* The DWORD id for a logind key, by the documented mapping. */
DWORD live_expected_id(const char *key);

/* The pids in the session's scope right now. Returns their number (≤ max) or a negative errno. */
int live_pids(const struct live_session *s, pid_t *pids, size_t max);
/* True once pid has exited (a zombie counts as gone: it runs no more code). */
bool pid_gone(pid_t pid);
bool all_gone(const pid_t *pids, int n);
bool all_alive(const pid_t *pids, int n);

/* Runs argv (exec, no shell), stdout into out (NUL-terminated, trailing
 * newline cut). Returns the exit status, or a negative errno. At most timeout_ms. */
int run_capture(char *const argv[], char *out, size_t size, int timeout_ms);
/* loginctl show-session KEY -p PROP --value. 0 or a negative errno. */
int oracle_prop(const char *key, const char *prop, char *out, size_t size);
/* The session's Timestamp property (µs since the epoch) via busctl. */
int oracle_timestamp(const char *key, uint64_t *ret);

/* The helper program (wtsit-helper) next to this test binary. */
const char *helper_path(void);
/* Runs the helper as USER (setpriv: that uid, its groups, no session). */
int run_helper_as(const char *user, char *const args[], char *out, size_t size);

uint64_t mono_ms(void);

#endif
