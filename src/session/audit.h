/*
 * The kernel-audit-session provider's internals (src/session/audit*.c),
 * declared here so that unit tests, fuzzers and the PID-reuse test can
 * drive them directly. Nothing here is public API.
 *
 * Facts this provider rests on (Linux, CONFIG_AUDIT):
 *   /proc/PID/sessionid  0444, decimal; 4294967295 (AUDIT_SID_UNSET) = none.
 *                        Set by the kernel when pam_loginuid writes
 *                        /proc/self/loginuid; inherited by every child; an
 *                        unprivileged process cannot change it.
 *   /proc/PID/loginuid   the uid that logged in (4294967295 = unset); one
 *                        value per session id (a new loginuid gives a new id).
 *   /proc/PID/stat       proc(5): "pid (comm) state ppid … tty_nr … starttime".
 */
#ifndef WTSNET_SESSION_AUDIT_H
#define WTSNET_SESSION_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

#include "session/proc.h"
#include "session/provider.h"

#define AUDIT_SID_UNSET 4294967295u

/* Audit ids are a boot-wide counter from 1 and map to themselves, exactly as
 * logind's numeric ids do (logind names a PAM session by its audit id), so
 * both providers give an ssh session the same DWORD. Ids from 0x80000000 up
 * (logind's "c<N>" range, and the special WTS_* values) would need 2^31
 * logins since boot; they are not addressable and not listed. */
bool audit_id_is_addressable(uint32_t sid);

/* --- parsers (input: bytes read from /proc or utmp; never trusted) --- */

/* A proc connector event (audit_events.c listens to them), as far as it matters here. */
struct audit_proc_event {
    enum { AUDIT_PROC_OTHER, AUDIT_PROC_NEW /* fork or exec of a process */, AUDIT_PROC_EXIT } kind;
    pid_t pid;
    pid_t ppid; /* a fork's parent process; 0 otherwise */
};
int audit_parse_proc_event(const void *buf, size_t len, struct audit_proc_event *ret);

/* A decimal u32 followed by nothing or one '\n' (/proc/PID/sessionid). */
int audit_parse_u32(const char *buf, size_t len, uint32_t *ret);

/* "pts/3", "tty2", "ttyS0" for a tty_nr (proc(5)); -ENOENT for 0 or an
 * unknown major. */
int audit_tty_name(uint32_t tty_nr, char *buf, size_t size);

struct audit_utmp_entry {
    pid_t pid;
    char line[33];
    char user[33];
    char host[257];
    uint64_t usec; /* login time, µs since the epoch */
};

/* One utmp(5) record of len bytes. 1 and *ret filled for a USER_PROCESS
 * record, 0 for any other kind, negative for a short record. */
int audit_parse_utmp(const void *rec, size_t len, struct audit_utmp_entry *ret);

/* One line of /proc/net/tcp or tcp6. 1 when it is the socket with this inode
 * in state ESTABLISHED (then the peer address is written to host as text,
 * IPv4-mapped addresses as plain IPv4), 0 when it is another socket,
 * negative when the line is malformed. */
int audit_parse_tcp_line(const char *line, size_t len, uint64_t inode, char *host, size_t size);

/* --- the /proc listing the logoff engine and the scan share (audit_kill.c) --- */

/* Calls fn for each process directory of the /proc opened as proc_fd, with
 * dents as getdents64 buffer, until fn returns non-zero (negative: that
 * error is returned). Then, while again (if given) returns true, for the
 * processes created since, until a look finds none; -EAGAIN when new ones
 * kept coming (audit_kill.c explains why this makes a listing exact). */
int audit_proc_each(int proc_fd, char *dents, size_t dents_size, int (*fn)(pid_t pid, void *userdata),
                    bool (*again)(void *userdata), void *userdata);

/* --- logoff engine (audit_kill.c) ---
 *
 * Every process is pinned with pidfd_open() and verified as a member after
 * pinning; signals go through pidfd_send_signal(), so a recycled pid is
 * never hit. After the workspace is set up the engine neither allocates nor
 * takes a lock: the detached reaper of an asynchronous logoff
 * (audit_reaper.c) runs it after a fork of its own. */

struct audit_pin {
    pid_t pid;
    int fd;
};

struct audit_ident {
    pid_t pid; /* 0 = free slot */
    uint64_t start_ticks;
};

struct audit_kill {
    uint32_t sid;
    pid_t spare[2]; /* never signalled: the caller and the reaper (0 = none) */
    int proc_fd;
    char *dents;
    size_t dents_size;
    struct audit_pin *pins; /* members waited on by poll() */
    struct pollfd *pollfds; /* pins_cap of them, for audit_kill_wait */
    size_t pins_cap, pins_n;
    struct audit_ident *termed; /* who already had SIGTERM (open addressing) */
    size_t termed_cap;
    /* Counts of the last pass. */
    size_t found;   /* live members pinned and verified */
    size_t refused; /* of which the kernel refused to signal (EPERM) */
    size_t signalled;
    size_t unpinned; /* members seen but not pinned (out of descriptors), or
                        a pass that could not be proven complete */
    bool owner_known;
    uint32_t owner; /* loginuid, read from the first member pinned alive */
};

int audit_kill_init(struct audit_kill *k, uint32_t sid, pid_t spare);
void audit_kill_done(struct audit_kill *k);

/* Stage 1: candidate pids whose sessionid reads as sid (nothing pinned yet).
 * Fills up to cap pids; *ret_n is how many. */
int audit_kill_scan(struct audit_kill *k, pid_t *pids, size_t cap, size_t *ret_n);

/* Stage 2: pins one candidate and checks, after pinning, that the pinned
 * process is alive and a member. 1 and *ret_fd set when it is; 0 when it is
 * gone, exited or foreign (nothing kept); negative on error. */
int audit_kill_pin(struct audit_kill *k, pid_t pid, int *ret_fd, uint64_t *ret_start_ticks);

/* Stage 3: signals a pinned process. 1 sent, 0 it is gone, -EPERM refused. */
int audit_kill_signal(int pidfd, int sig);

/* One pass over /proc: pins, verifies and signals every member (SIGTERM at
 * most once per process), keeping up to pins_cap pidfds to wait on.
 * sig 0 only pins and counts. found 0 and unpinned 0 prove that no member
 * was alive at the pass's end, pid wraps aside (audit_kill.c). */
int audit_kill_pass(struct audit_kill *k, int sig);

/* Waits (poll on the pinned pidfds, EINTR survived) until every pinned
 * member has exited or CLOCK_MONOTONIC reaches until_usec. */
int audit_kill_wait(struct audit_kill *k, uint64_t until_usec);

void audit_kill_unpin(struct audit_kill *k);

/* The loginuid of the session, read from a member while it was pinned and
 * alive (loginuid is one per audit session id). -ESRCH when none was. */
int audit_kill_owner(struct audit_kill *k, uint32_t *ret_uid);

/* The rest of a logoff after the first SIGTERM pass, started at start_usec:
 * grace, then SIGKILL passes until two scans in a row find no member.
 * 0, -ETIMEDOUT (deadline), -EACCES (only members we may not signal are left). */
int audit_kill_finish(struct audit_kill *k, uint64_t start_usec, const struct logoff_policy *policy);

/* --- between the provider's files: audit.c (the provider and its cache),
 * audit_enum.c (the scan of /proc into records), audit_login.c (what the
 * login left: utmp, sshd's connection, the VT), audit_logoff.c --- */

struct audit_cache_meta {
    uint32_t id;
    pid_t leader;
    uint64_t leader_start;
};

/* One pass over /proc: every session, session 0 first, then by id; meta
 * parallel to the records (the leader each was found with). */
int audit_full_scan(struct session_list *ret, struct audit_cache_meta **ret_meta);
/* The record with that id in a list sorted by id, or NULL. */
struct session_record *audit_find_record(struct session_list *l, uint32_t id);
/* Replaces *field by a copy of s ("" for NULL); -ENOMEM leaves it. */
int audit_set_str(char **field, const char *s);

/* utmp's line, host and time over the records of the sessions they belong to. */
void audit_overlay_utmp(int proc_fd, struct session_list *l);
/* The client of an sshd session, from the TCP connection one of its sshd processes holds. */
void audit_remote_from_socket(int proc_fd, const pid_t *sshd, unsigned n_sshd, struct session_record *r);
/* The virtual console in the foreground ("ttyN"), and a record's seat, VT
 * and state from its tty. */
void audit_foreground_vt(char *buf, size_t size);
void audit_apply_vt(struct session_record *r, const char *fg_vt);

/* The provider's logoff (audit_logoff.c); it drops the cache through audit_forget_cache. */
int audit_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy);
void audit_forget_cache(struct session_provider *p);
void audit_record_meta_free(struct session_list *l, struct audit_cache_meta *meta);

/* The set of processes that already had their SIGTERM, handed from the
 * library to the detached reaper (src/session/audit_reaper.c) so that none
 * gets a second one: raw, between two builds of this same code (audit_logoff.c). */
int audit_kill_export_termed(const struct audit_kill *k, int fd);
int audit_kill_import_termed(struct audit_kill *k, int fd);

/* The reaper program: next to the shared library (a build tree), else
 * installed in libexecdir. */
#define AUDIT_REAPER_NAME "wtsnet-audit-reaper"

/* The provider's subscription (audit_events.c): the proc connector, else a scan every 2 s. */
struct session_subscription;
int audit_subscribe(struct session_provider *p, struct session_subscription **ret);

#endif
