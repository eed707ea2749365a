/*
 * /proc, read the one way every provider reads it (audit*.c, xrdp*.c): the
 * per-process files, the fd walk, the process list. Input from /proc is
 * treated as hostile (a process chooses its own comm). proc_fd is an open
 * /proc directory, or AT_FDCWD for the mounted /proc.
 *
 * proc_read, proc_read_u32 and proc_parse_stat allocate nothing and take no
 * lock: the forked reaper of an asynchronous logoff calls them (audit_kill.c).
 * proc_spawn is the one way the library starts a program (ssh, the reaper).
 */
#ifndef WTSNET_SESSION_PROC_H
#define WTSNET_SESSION_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_stat {
    char comm[16];
    char state;
    pid_t ppid;
    uint32_t tty_nr;
    uint64_t start_ticks; /* clock ticks after boot */
    /* Fields 14, 15, 20, 23, 24 (0 when a short line lacks them). */
    uint64_t utime_ticks, stime_ticks; /* CPU time in user and kernel mode, clock ticks */
    uint32_t num_threads;
    uint64_t vsize_bytes;
    uint64_t rss_pages;
};

/* From /proc/PID/status: the peaks, in bytes (0 when the line is absent,
 * as for kernel threads). */
struct proc_status_peaks {
    uint64_t vm_peak_bytes; /* VmPeak */
    uint64_t vm_hwm_bytes;  /* VmHWM: peak resident set */
};
int proc_parse_status_peaks(const char *buf, size_t len, struct proc_status_peaks *ret);

/* /proc/PID/stat: comm may hold spaces and ')', so it ends at the LAST ')'. */
int proc_parse_stat(const char *buf, size_t len, struct proc_stat *ret);

/* Reads /proc/<pid>/<leaf> with one read(2), NUL-terminated: the length, or -errno. */
ssize_t proc_read(int proc_fd, pid_t pid, const char *leaf, char *buf, size_t size);
/* A decimal u32 file (sessionid, loginuid). */
int proc_read_u32(int proc_fd, pid_t pid, const char *leaf, uint32_t *ret);
int proc_read_stat(int proc_fd, pid_t pid, struct proc_stat *ret);

/* Whether the process's comm is exactly comm. */
bool proc_comm_is(int proc_fd, pid_t pid, const char *comm);
/* Whether this process sees the initial PID namespace's pids (those the proc connector reports). */
bool proc_pids_are_global(void);
/* The owner of /proc/<pid> (the process's effective uid). */
int proc_owner_uid(int proc_fd, pid_t pid, uid_t *ret);

/* Every process now (the numeric entries of /proc), in a new array. */
int proc_pids(int proc_fd, pid_t **ret, size_t *ret_n);

/*
 * The walk of /proc/<pid>/fd: fn(dirfd, name, target) for every descriptor
 * whose link could be read; fn returns 0 to go on, else the walk stops with
 * that value. -EACCES when the directory may not be read (another user's
 * process, or a non-dumpable one), -ENOENT when it is not there.
 */
int proc_fd_each(int proc_fd, pid_t pid, int (*fn)(int dirfd, const char *name, const char *target, void *userdata),
                 void *userdata);

/* The inode of a descriptor's link target "socket:[N]"; -EINVAL for anything else. */
int proc_socket_inode(const char *target, uint64_t *ret);

/* A set of socket inodes. */
struct proc_inodes {
    uint64_t *items;
    size_t count, allocated;
};
int proc_inodes_add(struct proc_inodes *s, uint64_t inode);
bool proc_inodes_has(const struct proc_inodes *s, uint64_t inode);
void proc_inodes_free(struct proc_inodes *s);

/* The sockets a process holds (its fd walk). Errors as proc_fd_each, or -ENOMEM. */
int proc_socket_inodes(int proc_fd, pid_t pid, struct proc_inodes *ret);

/*
 * Starts a program the one way the library does (the audit reaper, ssh): by
 * argv, never a shell. file is looked up in PATH when it has no '/'
 * (posix_spawnp), else run as it is. The child gets an empty signal mask,
 * every signal at its default action, and a session of its own (setsid): no
 * controlling terminal, so nothing can prompt on it, and a hangup of the
 * caller's session is not its own. actions set up its descriptors.
 * Returns 0 and the child's pid, or a negative errno (-ENOENT: no program).
 */
int proc_spawn(const char *file, const posix_spawn_file_actions_t *actions, char *const argv[], char *const envp[],
               pid_t *ret_pid);

/* Where a helper program of the library (wtsnet-audit-reaper, wtsnet-notify)
 * is: next to the shared object this code was loaded from (a build tree),
 * else where it is installed (WTSNET_REAPER_DIR, libexecdir/wtsnet). 0 and
 * its path in buf once it is executable there, else -ENOENT (or
 * -ENAMETOOLONG). */
#define PROC_HELPER_PATH_MAX 4096
int proc_helper_path(const char *name, char buf[static PROC_HELPER_PATH_MAX]);

/* Waits up to usec for the child pinned by pidfd (pidfd_open) to exit, then
 * reaps it (ECHILD, when the caller's SIGCHLD handling already did, is fine).
 * True once it is gone; false at the deadline or on a poll error. */
bool proc_child_wait_exit(int pidfd, uint64_t usec);

/* A socket on the kernel's proc connector (NETLINK_CONNECTOR, CN_IDX_PROC;
 * linux/cn_proc.h), listening (PROC_CN_MCAST_LISTEN), non-blocking and
 * close-on-exec: it reads the kernel's fork/exec/exit events. filter, when
 * given, is attached first (a classic BPF program over the netlink message),
 * so that a listener wakes only for what it wants. 0 and the descriptor, or
 * a negative errno: -EPERM without CAP_NET_ADMIN (the caller then polls). */
struct sock_fprog;
int proc_connector_open(const struct sock_fprog *filter, int *ret_fd);

#endif
