#include "session/proc.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/netlink.h>

#include "common/cursor.h"
#include "common/fileio.h"
#include "common/parse_int.h"
#include "common/wintime.h"

/* "[/proc/]<pid>/<leaf>" without snprintf (not async-signal-safe). */
static void pid_path(char *buf, size_t size, int proc_fd, pid_t pid, const char *leaf) {
    char digits[12];
    size_t n = 0, at = 0;
    uint32_t v = (uint32_t) pid;

    if (proc_fd == AT_FDCWD)
        for (const char *p = "/proc/"; *p && at + 1 < size; p++)
            buf[at++] = *p;
    do {
        digits[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v && n < sizeof(digits));
    while (n > 0 && at + 1 < size)
        buf[at++] = digits[--n];
    if (*leaf && at + 1 < size)
        buf[at++] = '/';
    for (; *leaf && at + 1 < size; leaf++)
        buf[at++] = *leaf;
    buf[at] = '\0';
}

ssize_t proc_read(int proc_fd, pid_t pid, const char *leaf, char *buf, size_t size) {
    char path[64];

    pid_path(path, sizeof(path), proc_fd, pid, leaf);
    return read_small_file_at(proc_fd, path, 0, buf, size);
}

int proc_read_u32(int proc_fd, pid_t pid, const char *leaf, uint32_t *ret) {
    char buf[16];
    ssize_t n = proc_read(proc_fd, pid, leaf, buf, sizeof(buf));
    uint64_t v;
    int r;

    if (n < 0)
        return (int) n;
    r = parse_uint_n(buf, (size_t) n, 10, UINT32_MAX, PARSE_INT_LEADING_ZEROS | PARSE_INT_TRAILING_NEWLINE, &v);
    if (r >= 0)
        *ret = (uint32_t) v;
    return r;
}

/* proc(5): "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt
 * cminflt majflt cmajflt utime stime cutime cstime priority nice
 * num_threads itrealvalue starttime …". The fields after comm are counted
 * from 3 on, so state is field 3 and starttime field 22. */
int proc_parse_stat(const char *buf, size_t len, struct proc_stat *ret) {
    struct proc_stat st = {0};
    const char *open_paren = memchr(buf, '(', len);
    const char *close_paren = NULL;
    struct cursor c;
    size_t comm_len;

    if (!open_paren)
        return -EINVAL;
    for (size_t i = len; i > (size_t) (open_paren - buf) + 1; i--)
        if (buf[i - 1] == ')') {
            close_paren = buf + i - 1;
            break;
        }
    if (!close_paren)
        return -EINVAL;
    comm_len = (size_t) (close_paren - open_paren - 1);
    if (comm_len >= sizeof(st.comm))
        comm_len = sizeof(st.comm) - 1;
    memcpy(st.comm, open_paren + 1, comm_len);

    cur_init(&c, close_paren + 1, len - (size_t) (close_paren + 1 - buf));
    for (int field = 3; field <= 24; field++) {
        const unsigned number = PARSE_INT_LEADING_ZEROS | PARSE_INT_MINUS;
        const char *tok;
        size_t tok_len;
        int64_t v;
        uint64_t u;

        if (cur_get_token(&c, &tok, &tok_len) < 0) {
            if (field > 22)
                break; /* the memory fields are optional */
            return -EINVAL;
        }
        switch (field) {
        case 3:
            if (tok_len != 1)
                return -EINVAL;
            st.state = tok[0];
            break;
        case 4:
            if (parse_int_n(tok, tok_len, 0, INT32_MAX, number, &v) < 0)
                return -EINVAL;
            st.ppid = (pid_t) v;
            break;
        case 7: /* "-1" appears in stat for some fields */
            if (parse_int_n(tok, tok_len, INT32_MIN, INT32_MAX, number, &v) < 0)
                return -EINVAL;
            st.tty_nr = (uint32_t) v;
            break;
        case 14:
        case 15:
        case 20:
        case 22:
        case 23:
        case 24:
            if (parse_uint_n(tok, tok_len, 10, UINT64_MAX, PARSE_INT_LEADING_ZEROS, &u) < 0)
                return -EINVAL;
            if (field == 14)
                st.utime_ticks = u;
            else if (field == 15)
                st.stime_ticks = u;
            else if (field == 20)
                st.num_threads = u > UINT32_MAX ? UINT32_MAX : (uint32_t) u;
            else if (field == 22)
                st.start_ticks = u;
            else if (field == 23)
                st.vsize_bytes = u;
            else
                st.rss_pages = u;
            break;
        default:
            break;
        }
    }
    *ret = st;
    return 0;
}

/* proc(5): lines "Name:\tvalue", the memory ones "VmPeak:\t  1234 kB". */
int proc_parse_status_peaks(const char *buf, size_t len, struct proc_status_peaks *ret) {
    struct proc_status_peaks pk = {0};
    struct cursor c;
    const char *line;
    size_t line_len;

    cur_init(&c, buf, len);
    while (cur_left(&c) > 0 && cur_get_line(&c, &line, &line_len) >= 0) {
        struct cursor lc, vc;
        const char *key, *num, *unit;
        size_t key_len, num_len, unit_len;
        uint64_t *dst, v;

        cur_init(&lc, line, line_len);
        if (cur_get_until(&lc, ':', &key, &key_len) < 0)
            continue;
        if (key_len == 6 && memcmp(key, "VmPeak", 6) == 0)
            dst = &pk.vm_peak_bytes;
        else if (key_len == 5 && memcmp(key, "VmHWM", 5) == 0)
            dst = &pk.vm_hwm_bytes;
        else
            continue;
        vc = lc;
        if (cur_get_token(&vc, &num, &num_len) < 0 || cur_get_token(&vc, &unit, &unit_len) < 0 || unit_len != 2 ||
            memcmp(unit, "kB", 2) != 0)
            return -EINVAL;
        if (parse_uint_n(num, num_len, 10, UINT64_MAX / 1024, PARSE_INT_LEADING_ZEROS, &v) < 0)
            return -EINVAL;
        *dst = v * 1024;
    }
    *ret = pk;
    return 0;
}

int proc_read_stat(int proc_fd, pid_t pid, struct proc_stat *ret) {
    char buf[1024];
    ssize_t n = proc_read(proc_fd, pid, "stat", buf, sizeof(buf));

    if (n < 0)
        return (int) n;
    return proc_parse_stat(buf, (size_t) n, ret);
}

/* Only the initial PID namespace shows kthreadd as pid 2: there, and only
 * there, the kernel's global pids (the proc connector's) are ours. */
bool proc_pids_are_global(void) {
    return proc_comm_is(AT_FDCWD, 2, "kthreadd");
}

bool proc_comm_is(int proc_fd, pid_t pid, const char *comm) {
    char buf[32];

    if (proc_read(proc_fd, pid, "comm", buf, sizeof(buf)) < 0)
        return false;
    buf[strcspn(buf, "\n")] = '\0';
    return strcmp(buf, comm) == 0;
}

int proc_owner_uid(int proc_fd, pid_t pid, uid_t *ret) {
    char path[64];
    struct stat st;

    pid_path(path, sizeof(path), proc_fd, pid, "");
    if (fstatat(proc_fd, path, &st, 0) < 0)
        return -errno;
    *ret = st.st_uid;
    return 0;
}

static DIR *open_dir_at(int dirfd, const char *path) {
    int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d;

    if (fd < 0)
        return NULL;
    d = fdopendir(fd);
    if (!d) {
        int e = errno;

        close(fd);
        errno = e;
    }
    return d;
}

int proc_pids(int proc_fd, pid_t **ret, size_t *ret_n) {
    pid_t *items = NULL;
    size_t n = 0, allocated = 0;
    struct dirent *e;
    DIR *d = open_dir_at(proc_fd, proc_fd == AT_FDCWD ? "/proc" : ".");

    if (!d)
        return -errno;
    while ((e = readdir(d))) {
        uint64_t v;

        if (parse_uint(e->d_name, 10, INT32_MAX, 0, &v) < 0 || v == 0)
            continue;
        if (n == allocated) {
            size_t na = allocated ? allocated * 2 : 64;
            pid_t *p = realloc(items, na * sizeof(*p));

            if (!p) {
                free(items);
                closedir(d);
                return -ENOMEM;
            }
            items = p;
            allocated = na;
        }
        items[n++] = (pid_t) v;
    }
    closedir(d);
    *ret = items;
    *ret_n = n;
    return 0;
}

int proc_fd_each(int proc_fd, pid_t pid, int (*fn)(int dirfd, const char *name, const char *target, void *userdata),
                 void *userdata) {
    char path[64], target[PATH_MAX];
    struct dirent *e;
    DIR *d;
    int r = 0;

    pid_path(path, sizeof(path), proc_fd, pid, "fd");
    d = open_dir_at(proc_fd, path);
    if (!d)
        return errno == EACCES || errno == EPERM ? -EACCES : -ENOENT;
    while (r == 0 && (e = readdir(d))) {
        ssize_t n;

        if (e->d_name[0] == '.')
            continue;
        n = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        r = fn(dirfd(d), e->d_name, target, userdata);
    }
    closedir(d);
    return r;
}

int proc_socket_inode(const char *target, uint64_t *ret) {
    struct cursor c;
    const char *digits;
    size_t len;

    cur_init(&c, target, strlen(target));
    if (cur_expect(&c, "socket:[") < 0 || cur_get_until(&c, ']', &digits, &len) < 0 || cur_left(&c) != 0 ||
        digits + len == target + strlen(target)) /* no ']' */
        return -EINVAL;
    return parse_uint_n(digits, len, 10, UINT64_MAX, PARSE_INT_LEADING_ZEROS, ret);
}

int proc_inodes_add(struct proc_inodes *s, uint64_t inode) {
    if (s->count == s->allocated) {
        size_t na = s->allocated ? s->allocated * 2 : 16;
        uint64_t *p = realloc(s->items, na * sizeof(*p));

        if (!p)
            return -ENOMEM;
        s->items = p;
        s->allocated = na;
    }
    s->items[s->count++] = inode;
    return 0;
}

bool proc_inodes_has(const struct proc_inodes *s, uint64_t inode) {
    for (size_t i = 0; i < s->count; i++)
        if (s->items[i] == inode)
            return true;
    return false;
}

void proc_inodes_free(struct proc_inodes *s) {
    free(s->items);
    *s = (struct proc_inodes){0};
}

static int add_socket(int dirfd, const char *name, const char *target, void *userdata) {
    uint64_t inode;

    (void) dirfd, (void) name;
    if (proc_socket_inode(target, &inode) < 0)
        return 0;
    return proc_inodes_add(userdata, inode);
}

int proc_socket_inodes(int proc_fd, pid_t pid, struct proc_inodes *ret) {
    struct proc_inodes s = {0};
    int r = proc_fd_each(proc_fd, pid, add_socket, &s);

    if (r < 0) {
        proc_inodes_free(&s);
        return r;
    }
    *ret = s;
    return 0;
}

int proc_spawn(const char *file, const posix_spawn_file_actions_t *actions, char *const argv[], char *const envp[],
               pid_t *ret_pid) {
    posix_spawnattr_t attr;
    sigset_t none, all;
    pid_t pid;
    int r;

    r = posix_spawnattr_init(&attr);
    if (r != 0)
        return -r;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    r = posix_spawnp(&pid, file, actions, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    if (r != 0)
        return -r;
    *ret_pid = pid;
    return 0;
}

bool proc_child_wait_exit(int pidfd, uint64_t usec) {
    uint64_t deadline = now_monotonic_usec() + usec;
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};

    for (;;) {
        uint64_t now = now_monotonic_usec();
        int n;

        if (now >= deadline)
            return false;
        n = poll(&pfd, 1, (int) ((deadline - now + 999) / 1000));
        if (n > 0)
            break; /* a pidfd turns readable when its process exits */
        if (n < 0 && errno != EINTR)
            return false;
    }
    while (waitid(P_PIDFD, (id_t) pidfd, &(siginfo_t){0}, WEXITED) < 0 && errno == EINTR)
        ;
    return true;
}

int proc_connector_open(const struct sock_fprog *filter, int *ret_fd) {
    /* linux/connector.h and linux/cn_proc.h, written out: CN_IDX_PROC = CN_VAL_PROC = 1,
     * PROC_CN_MCAST_LISTEN = 1, the multicast group is the index. */
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1};
    struct {
        struct nlmsghdr nl;
        uint32_t idx, val, seq, ack; /* struct cn_msg */
        uint16_t len, flags;
        uint32_t op;                 /* enum proc_cn_mcast_op */
    } __attribute__((packed)) msg = {
        .nl = {.nlmsg_len = sizeof(msg), .nlmsg_type = NLMSG_DONE},
        .idx = 1, .val = 1, .len = sizeof(uint32_t), .op = 1,
    };
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
    int r = 0;

    if (fd < 0)
        return -errno;
    if ((filter && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, filter, sizeof(*filter)) < 0) ||
        bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || send(fd, &msg, sizeof(msg), 0) < 0) {
        r = -errno;
        close(fd);
        return r;
    }
    *ret_fd = fd;
    return 0;
}

/* dir (dir_len bytes) + "/" + name into buf, if executable. */
static int helper_at(const char *name, char buf[static PROC_HELPER_PATH_MAX], const char *dir, size_t dir_len) {
    size_t name_len = strlen(name);

    if (dir_len + 1 + name_len >= PROC_HELPER_PATH_MAX)
        return -ENAMETOOLONG;
    memcpy(buf, dir, dir_len);
    buf[dir_len] = '/';
    memcpy(buf + dir_len + 1, name, name_len + 1);
    return faccessat(AT_FDCWD, buf, X_OK, AT_EACCESS) == 0 ? 0 : -ENOENT;
}

int proc_helper_path(const char *name, char buf[static PROC_HELPER_PATH_MAX]) {
    Dl_info info;
    const char *slash;

    if (dladdr((void *) proc_helper_path, &info) && info.dli_fname && (slash = strrchr(info.dli_fname, '/')) &&
        helper_at(name, buf, info.dli_fname, (size_t) (slash - info.dli_fname)) == 0)
        return 0;
    return helper_at(name, buf, WTSNET_REAPER_DIR, strlen(WTSNET_REAPER_DIR));
}
