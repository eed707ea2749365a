/*
 * The kernel-audit-session provider: interactive sessions on hosts without
 * a running logind (containers, minimal servers, systems without systemd).
 *
 * Every login through PAM's pam_loginuid (sshd, login, cron, …) gets a
 * kernel audit session id that all its descendants inherit and that an
 * unprivileged process cannot change (audit.h). A session here is one such
 * id with at least one live process:
 *   user         the session's loginuid
 *   leader       its earliest-started live member (its parent is never a
 *                member: a parent starts before its child)
 *   service      the leader's program where it is a known login program
 *                (sshd, login, cron, …); the PAM service name is not
 *                recorded anywhere we can read, so nothing else is guessed
 *   tty          utmp's line, else the controlling tty of the earliest
 *                member that has one
 *   remote host  utmp's host, else (root only: sshd's descriptors are
 *                readable by root alone) the peer of sshd's TCP connection
 *   logon time   utmp's time, else the leader's start time
 * Processes outside any audit session form session 0, "Services".
 * WinStation names and states follow session_classify() and
 * session_winstation_name(), as for logind (docs/providers.md).
 *
 * What errors mean here (src/common/errors.h):
 *   -ESRCH      no live process carries that audit id
 *   -EACCES     session 0, or another user's session for a non-root caller
 *   -EOPNOTSUPP a kernel without audit (no /proc/self/sessionid), or a
 *               remote target
 */
#include "session/audit.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <paths.h>
#include <pthread.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

#include "common/errors.h"
#include "common/settings.h"
#include "common/wintime.h"

/* How long a full scan serves later queries of the same session, provided
 * the session's leader is still the same live member (checked on every
 * query, so a session that ended is never reported). */
#define CACHE_TTL_USEC (UINT64_C(1000) * 1000)
#define UTMP_MAX_BYTES (16u << 20)
#define NET_TCP_MAX_BYTES (8u << 20)
#define DENTS_SIZE 32768

/* Programs that open a PAM session (and so a new audit session) themselves,
 * by the 15-byte comm the kernel keeps; the PAM service each one uses. */
static const struct {
    const char *comm;
    const char *service;
    const char *class_name;
} login_programs[] = {
    {"sshd", "sshd", "user"},
    {"login", "login", "user"},
    {"xrdp-sesman", "xrdp-sesman", "user"},
    {"lightdm", "lightdm", "user"},
    {"sddm-helper", "sddm", "user"},
    {"gdm-session-wor", "gdm-password", "user"},
    {"su", "su", "user"},
    {"sudo", "sudo", "user"},
    {"cron", "cron", "background"},
    {"atd", "atd", "background"},
    /* systemd's user manager (user@.service) opens PAM service systemd-user;
     * logind calls that class "manager" (v256 on). */
    {"systemd", "systemd-user", "manager"},
};

struct audit_cache_meta {
    uint32_t id;
    pid_t leader;
    uint64_t leader_start;
};

struct audit_provider {
    struct session_provider base;
    pthread_mutex_t lock; /* guards the cache; a handle may be shared by threads */
    struct session_list cache;
    struct audit_cache_meta *meta; /* parallel to cache.items */
    uint64_t cache_at;             /* CLOCK_MONOTONIC of the scan, 0 = none */
    int proc_fd;                   /* /proc, for the per-query checks */
};

static struct audit_provider *to_audit(struct session_provider *p) {
    return (struct audit_provider *) p;
}

/* One audit session as the scan accumulates it: O(1) per session, so memory
 * does not grow with the number of processes. */
struct acc {
    uint32_t sid; /* 0 = free slot (0 is never addressable) */
    uint32_t loginuid;
    size_t members;
    pid_t leader, leader_ppid;
    uint64_t leader_start;
    char leader_comm[16];
    uint32_t tty_nr;
    uint64_t tty_start;
    pid_t sshd[2];
    unsigned n_sshd;
};

struct scan {
    int proc_fd;
    struct acc *slots;
    size_t cap, used;
    unsigned late_looks;
};

static struct acc *acc_find(struct scan *s, uint32_t sid, bool insert) {
    size_t mask = s->cap - 1;

    for (size_t i = (sid * 2654435761u) & mask;; i = (i + 1) & mask) {
        if (s->slots[i].sid == sid)
            return &s->slots[i];
        if (s->slots[i].sid == 0) {
            if (!insert)
                return NULL;
            s->slots[i] = (struct acc){.sid = sid, .loginuid = AUDIT_SID_UNSET};
            s->used++;
            return &s->slots[i];
        }
    }
}

static int scan_grow(struct scan *s) {
    struct scan bigger = {.proc_fd = s->proc_fd, .cap = s->cap ? s->cap * 2 : 64, .late_looks = s->late_looks};

    bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
    if (!bigger.slots)
        return -ENOMEM;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].sid)
            *acc_find(&bigger, s->slots[i].sid, true) = s->slots[i];
    free(s->slots);
    *s = bigger;
    return 0;
}

/* Is a earlier than b? Start times tie within a clock tick (sshd's monitor
 * and its child often do); then a parent comes before its child. */
static bool starts_before(pid_t a, pid_t a_ppid, uint64_t a_start, pid_t b, pid_t b_ppid, uint64_t b_start) {
    if (a_start != b_start)
        return a_start < b_start;
    if (a_ppid == b)
        return false;
    if (b_ppid == a)
        return true;
    return a < b;
}

static int scan_process(pid_t pid, void *userdata) {
    struct scan *s = userdata;
    struct audit_proc_stat st;
    char buf[1024];
    struct acc *a;
    uint32_t sid;
    ssize_t n;
    int r;

    if (audit_proc_read_u32(s->proc_fd, pid, "sessionid", &sid) < 0 || sid == AUDIT_SID_UNSET ||
        !audit_id_is_addressable(sid))
        return 0; /* gone, outside any session (session 0), or beyond the id range */
    n = audit_proc_read(s->proc_fd, pid, "stat", buf, sizeof(buf));
    if (n < 0 || audit_parse_stat(buf, (size_t) n, &st) < 0)
        return 0;
    if (st.state == 'Z' || st.state == 'X')
        return 0; /* exited: it keeps no session alive */

    if ((s->used + 1) * 2 > s->cap && (r = scan_grow(s)) < 0)
        return r;
    a = acc_find(s, sid, true);
    if (a->members++ == 0) {
        if (audit_proc_read_u32(s->proc_fd, pid, "loginuid", &a->loginuid) < 0)
            a->loginuid = AUDIT_SID_UNSET;
        a->leader = pid, a->leader_ppid = st.ppid, a->leader_start = st.start_ticks;
        memcpy(a->leader_comm, st.comm, sizeof(a->leader_comm));
    } else if (starts_before(pid, st.ppid, st.start_ticks, a->leader, a->leader_ppid, a->leader_start)) {
        a->leader = pid, a->leader_ppid = st.ppid, a->leader_start = st.start_ticks;
        memcpy(a->leader_comm, st.comm, sizeof(a->leader_comm));
    }
    if (st.tty_nr != 0 && (a->tty_nr == 0 || st.start_ticks < a->tty_start)) {
        a->tty_nr = st.tty_nr;
        a->tty_start = st.start_ticks;
    }
    if (strcmp(st.comm, "sshd") == 0 && a->n_sshd < 2)
        a->sshd[a->n_sshd++] = pid;
    return 0;
}

/* After the listing, a few looks for processes born since (audit_kill.c),
 * so that a session whose only process keeps handing over to a new child
 * is seen even when the listing passed before the child was born. A few,
 * not until all is quiet: on a busy host that could take long, and a
 * listing is a moment's view anyway (a logoff's passes do wait for quiet). */
static bool scan_again(void *userdata) {
    struct scan *s = userdata;

    return ++s->late_looks <= 4;
}

/* Start times in /proc are clock ticks after boot (CLOCK_BOOTTIME). */
static uint64_t boot_realtime_usec(void) {
    struct timespec boot;
    uint64_t now = now_realtime_usec(), since_boot;

    clock_gettime(CLOCK_BOOTTIME, &boot);
    since_boot = (uint64_t) boot.tv_sec * 1000000 + (uint64_t) boot.tv_nsec / 1000;
    return now > since_boot ? now - since_boot : 0;
}

static uint64_t ticks_to_realtime_usec(uint64_t boot_usec, uint64_t ticks) {
    long hz = sysconf(_SC_CLK_TCK);

    if (hz <= 0)
        hz = 100;
    return boot_usec + ticks / (uint64_t) hz * 1000000 + ticks % (uint64_t) hz * 1000000 / (uint64_t) hz;
}

static int dup_str(const char *s, char **ret) {
    *ret = strdup(s ? s : "");
    return *ret ? 0 : -ENOMEM;
}

static int set_str(char **field, const char *s) {
    char *copy = strdup(s ? s : "");

    if (!copy)
        return -ENOMEM;
    free(*field);
    *field = copy;
    return 0;
}

struct uid_names {
    struct {
        uint32_t uid;
        char *name;
    } items[32];
    size_t n, next;
};

static int user_name(struct uid_names *c, uint32_t uid, char **ret) {
    struct passwd pw, *result = NULL;
    char buf[4096], number[16];
    const char *name;
    size_t slot;

    if (uid == AUDIT_SID_UNSET)
        return dup_str("", ret);
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].uid == uid)
            return dup_str(c->items[i].name, ret);
    if (getpwuid_r((uid_t) uid, &pw, buf, sizeof(buf), &result) == 0 && result)
        name = result->pw_name;
    else {
        /* A uid without a passwd entry is still a user: show its number. */
        snprintf(number, sizeof(number), "%" PRIu32, uid);
        name = number;
    }
    slot = c->n < 32 ? c->n++ : c->next++ % 32;
    free(c->items[slot].name);
    c->items[slot].uid = uid;
    c->items[slot].name = strdup(name);
    return dup_str(name, ret);
}

static void uid_names_done(struct uid_names *c) {
    for (size_t i = 0; i < c->n; i++)
        free(c->items[i].name);
}

/* The virtual console in the foreground, as "ttyN" (sysfs, world-readable). */
static void foreground_vt(char *buf, size_t size) {
    int fd = open("/sys/class/tty/tty0/active", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

    if (fd >= 0)
        close(fd);
    if (n < 0)
        n = 0;
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
}

/* A login on a virtual console belongs to seat0, as logind has it;
 * logind calls such a session active when its VT is in the foreground. */
static void apply_vt(struct session_record *r, const char *fg_vt) {
    unsigned vt;
    char tail;

    if (sscanf(r->tty, "tty%u%c", &vt, &tail) == 1 && vt >= 1 && vt <= 63) {
        if (set_str(&r->seat, "seat0") == 0)
            r->vt = vt;
        r->state = strcmp(r->tty, fg_vt) == 0 ? SESSION_STATE_ACTIVE : SESSION_STATE_ONLINE;
    }
}

static void services_fields(struct session_record *r) {
    *r = (struct session_record){.id = SESSION_ID_SERVICES, .state = SESSION_STATE_SERVICES,
                                 .kind = SESSION_KIND_SERVICES, .lock = SESSION_LOCK_UNKNOWN};
    strcpy(r->key, "services");
}

static int fill_strings(struct session_record *r) {
    char **fields[] = {&r->user, &r->service, &r->type, &r->class_name, &r->seat,
                       &r->tty, &r->display, &r->remote_host, &r->remote_user};

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (!*fields[i] && dup_str("", fields[i]) < 0)
            return -ENOMEM;
    return 0;
}

static int services_record(struct session_record *r) {
    services_fields(r);
    if (fill_strings(r) < 0) {
        session_record_done(r);
        return -ENOMEM;
    }
    return 0;
}

static int record_from_acc(const struct acc *a, uint64_t boot_usec, struct uid_names *names,
                           struct session_record *ret) {
    struct session_record rec = {.id = a->sid, .state = SESSION_STATE_ACTIVE, .lock = SESSION_LOCK_UNKNOWN,
                                 .leader = a->leader, .has_times = true};
    const char *service = "", *class_name = "user";
    char tty[32] = "";
    int r;

    snprintf(rec.key, sizeof(rec.key), "%" PRIu32, a->sid);
    for (size_t i = 0; i < sizeof(login_programs) / sizeof(login_programs[0]); i++)
        if (strcmp(a->leader_comm, login_programs[i].comm) == 0) {
            service = login_programs[i].service;
            class_name = login_programs[i].class_name;
            break;
        }
    if (a->tty_nr)
        (void) audit_tty_name(a->tty_nr, tty, sizeof(tty));
    if (a->loginuid != AUDIT_SID_UNSET) {
        rec.uid = (uid_t) a->loginuid;
        rec.has_uid = true;
    }
    if ((r = user_name(names, a->loginuid, &rec.user)) < 0 || (r = dup_str(service, &rec.service)) < 0 ||
        (r = dup_str(tty[0] ? "tty" : "unspecified", &rec.type)) < 0 ||
        (r = dup_str(class_name, &rec.class_name)) < 0 || (r = dup_str(tty, &rec.tty)) < 0 ||
        (r = fill_strings(&rec)) < 0) {
        session_record_done(&rec);
        return r;
    }
    rec.logon_usec = ticks_to_realtime_usec(boot_usec, a->leader_start);
    *ret = rec;
    return 0;
}

static int cmp_record(const void *a, const void *b) {
    uint32_t x = ((const struct session_record *) a)->id, y = ((const struct session_record *) b)->id;

    return x < y ? -1 : x > y;
}

static struct session_record *find_record(struct session_list *l, uint32_t id) {
    struct session_record key = {.id = id};

    return l->count ? bsearch(&key, l->items, l->count, sizeof(*l->items), cmp_record) : NULL;
}

/* Reads a whole file of at most max bytes. */
static int read_file(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len) {
    size_t len = 0, size = 8192;
    char *buf = NULL;
    int fd, r = 0;

    struct stat st;

    /* The utmp path is a setting (WTSNET_AUDIT_UTMP): a symlink there is not
     * followed, and a FIFO or device neither blocks the open nor is read. */
    fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -EINVAL;
    }
    for (;;) {
        ssize_t n;

        if (!buf || len == size) {
            char *bigger;

            if (buf)
                size *= 2;
            if (size > max) {
                r = -EFBIG;
                break;
            }
            bigger = realloc(buf, size);
            if (!bigger) {
                r = -ENOMEM;
                break;
            }
            buf = bigger;
        }
        n = read(fd, buf + len, size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = -errno;
            break;
        }
        if (n == 0)
            break;
        len += (size_t) n;
    }
    close(fd);
    if (r < 0) {
        free(buf);
        return r;
    }
    *ret = buf;
    *ret_len = len;
    return 0;
}

/* utmp(5): the login's line, host and time, matched to a session through
 * the logged-in process's audit id. Stale records (their process gone) and
 * records of other sessions match nothing. Where a session has several
 * (terminal multiplexers add their own), the earliest is the login. */
static void overlay_utmp(int proc_fd, struct session_list *l) {
    const char *path = setting_text(SETTING_AUDIT_UTMP);
    uint64_t *best = NULL;
    char *buf = NULL;
    size_t len = 0;

    if (!path)
        path = _PATH_UTMP;
    if (!path[0] || read_file(AT_FDCWD, path, UTMP_MAX_BYTES, &buf, &len) < 0)
        return;
    best = calloc(l->count ? l->count : 1, sizeof(*best));
    if (!best)
        goto out;
    for (size_t at = 0; len - at >= sizeof(struct utmp); at += sizeof(struct utmp)) {
        struct audit_utmp_entry e;
        struct session_record *r;
        uint32_t sid;

        if (audit_parse_utmp(buf + at, len - at, &e) <= 0)
            continue;
        if (audit_proc_read_u32(proc_fd, e.pid, "sessionid", &sid) < 0 || !(r = find_record(l, sid)) ||
            r->id == SESSION_ID_SERVICES)
            continue;
        if (best[r - l->items] && e.usec >= best[r - l->items])
            continue;
        best[r - l->items] = e.usec ? e.usec : 1;
        if (e.line[0])
            (void) set_str(&r->tty, e.line);
        if (e.host[0])
            (void) set_str(&r->remote_host, e.host);
        if (e.usec)
            r->logon_usec = e.usec;
        (void) set_str(&r->type, r->tty[0] ? "tty" : r->type);
    }
out:
    free(best);
    free(buf);
}

/* The inodes of a process's sockets ("socket:[N]" links under fd/). */
static size_t socket_inodes(int proc_fd, pid_t pid, uint64_t *inodes, size_t cap) {
    char path[32], dents[4096], link[64];
    size_t n = 0;
    int dir;

    snprintf(path, sizeof(path), "%d/fd", (int) pid);
    dir = openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return 0; /* EACCES unless root: sshd makes itself non-dumpable */
    for (;;) {
        ssize_t got = getdents64(dir, dents, sizeof(dents));

        if (got <= 0)
            break;
        for (ssize_t at = 0; at < got && n < cap;) {
            struct dirent64 *d = (struct dirent64 *) (dents + at);
            ssize_t l;
            uint64_t ino;
            char tail;

            if (d->d_reclen == 0 || d->d_reclen > got - at)
                goto out;
            at += d->d_reclen;
            l = readlinkat(dir, d->d_name, link, sizeof(link) - 1);
            if (l <= 0)
                continue;
            link[l] = '\0';
            if (sscanf(link, "socket:[%" SCNu64 "%c", &ino, &tail) == 2 && tail == ']')
                inodes[n++] = ino;
        }
    }
out:
    close(dir);
    return n;
}

/* The client of an sshd session: the peer of the ESTABLISHED TCP socket
 * that an sshd member holds, looked up in that process's network
 * namespace (/proc/PID/net/tcp{,6}). */
static void remote_from_socket(int proc_fd, const struct acc *a, struct session_record *r) {
    for (unsigned i = 0; i < a->n_sshd; i++) {
        static const char *const tables[] = {"net/tcp", "net/tcp6"};
        uint64_t inodes[16];
        size_t n = socket_inodes(proc_fd, a->sshd[i], inodes, 16);

        for (size_t t = 0; t < 2 && n > 0; t++) {
            char path[32], host[64], *buf = NULL;
            size_t len = 0;

            snprintf(path, sizeof(path), "%d/%s", (int) a->sshd[i], tables[t]);
            if (read_file(proc_fd, path, NET_TCP_MAX_BYTES, &buf, &len) < 0)
                continue;
            for (size_t at = 0; at < len;) {
                const char *line = buf + at, *nl = memchr(line, '\n', len - at);
                size_t line_len = nl ? (size_t) (nl - line) : len - at;

                at += line_len + 1;
                for (size_t k = 0; k < n; k++)
                    if (audit_parse_tcp_line(line, line_len, inodes[k], host, sizeof(host)) == 1) {
                        free(buf);
                        (void) set_str(&r->remote_host, host);
                        return;
                    }
            }
            free(buf);
        }
    }
}

static void record_meta_free(struct session_list *l, struct audit_cache_meta *meta) {
    session_list_free(l);
    free(meta);
}

/* One pass over /proc: every session, session 0 first, then by id. */
static int full_scan(struct session_list *ret, struct audit_cache_meta **ret_meta) {
    struct scan s = {.proc_fd = -1};
    struct session_list list = {0};
    struct audit_cache_meta *meta = NULL;
    struct uid_names names = {0};
    uint64_t boot_usec;
    char *dents = NULL, fg_vt[32];
    int r;

    s.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s.proc_fd < 0)
        return -errno;
    dents = malloc(DENTS_SIZE);
    if (!dents || (r = scan_grow(&s)) < 0) {
        r = -ENOMEM;
        goto out;
    }
    r = audit_proc_each(s.proc_fd, dents, DENTS_SIZE, scan_process, scan_again, &s);
    if (r == -EAGAIN)
        r = 0; /* processes kept being born: a listing is a moment's view anyway */
    if (r < 0)
        goto out;

    list.items = calloc(s.used + 1, sizeof(*list.items));
    meta = calloc(s.used + 1, sizeof(*meta));
    if (!list.items || !meta) {
        r = -ENOMEM;
        goto out;
    }
    r = services_record(&list.items[list.count++]);
    if (r < 0)
        goto out;
    boot_usec = boot_realtime_usec();
    for (size_t i = 0; i < s.cap; i++) {
        if (!s.slots[i].sid)
            continue;
        r = record_from_acc(&s.slots[i], boot_usec, &names, &list.items[list.count]);
        if (r < 0)
            goto out;
        list.count++;
    }
    /* Session 0 first, then by id; the metadata is filled in that order below. */
    qsort(list.items, list.count, sizeof(*list.items), cmp_record);
    overlay_utmp(s.proc_fd, &list);
    foreground_vt(fg_vt, sizeof(fg_vt));
    for (size_t i = 0; i < list.count; i++) {
        struct session_record *rec = &list.items[i];
        const struct acc *a;

        meta[i].id = rec->id;
        if (rec->id == SESSION_ID_SERVICES)
            continue;
        a = acc_find(&s, rec->id, false);
        meta[i].leader = a->leader;
        meta[i].leader_start = a->leader_start;
        if (!rec->remote_host[0] && strcmp(rec->service, "sshd") == 0)
            remote_from_socket(s.proc_fd, a, rec);
        apply_vt(rec, fg_vt);
        session_classify(rec);
        rec->remote = rec->kind == SESSION_KIND_SSH || rec->kind == SESSION_KIND_RDP ||
                      (rec->remote_host[0] && rec->kind != SESSION_KIND_CONSOLE);
    }
    *ret = list;
    *ret_meta = meta;
    list = (struct session_list){0};
    meta = NULL;
    r = 0;
out:
    record_meta_free(&list, meta);
    uid_names_done(&names);
    free(s.slots);
    free(dents);
    close(s.proc_fd);
    return r;
}

static int copy_record(const struct session_record *src, struct session_record *ret) {
    struct session_record r = *src;
    char **fields[] = {&r.user, &r.service, &r.type, &r.class_name, &r.seat,
                       &r.tty, &r.display, &r.remote_host, &r.remote_user};
    int err = 0;

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (dup_str(*fields[i], fields[i]) < 0) {
            *fields[i] = NULL;
            err = -ENOMEM;
        }
    if (err < 0) {
        session_record_done(&r);
        return err;
    }
    *ret = r;
    return 0;
}

static int copy_list(const struct session_list *src, struct session_list *ret) {
    struct session_list l = {.items = calloc(src->count ? src->count : 1, sizeof(*l.items))};
    int r;

    if (!l.items)
        return -ENOMEM;
    for (; l.count < src->count; l.count++)
        if ((r = copy_record(&src->items[l.count], &l.items[l.count])) < 0) {
            session_list_free(&l);
            return r;
        }
    *ret = l;
    return 0;
}

/* Called with the lock held. */
static int refresh_cache(struct audit_provider *ap) {
    struct session_list list;
    struct audit_cache_meta *meta;
    int r = full_scan(&list, &meta);

    if (r < 0)
        return r;
    record_meta_free(&ap->cache, ap->meta);
    ap->cache = list;
    ap->meta = meta;
    ap->cache_at = now_monotonic_usec();
    return 0;
}

/* The cached leader is still that very process, alive, in that session. */
static bool leader_unchanged(int proc_fd, const struct audit_cache_meta *m) {
    struct audit_proc_stat st;
    char buf[1024];
    uint32_t sid;
    ssize_t n;

    if (audit_proc_read_u32(proc_fd, m->leader, "sessionid", &sid) < 0 || sid != m->id)
        return false;
    n = audit_proc_read(proc_fd, m->leader, "stat", buf, sizeof(buf));
    return n > 0 && audit_parse_stat(buf, (size_t) n, &st) == 0 && st.start_ticks == m->leader_start &&
           st.state != 'Z' && st.state != 'X';
}

static int audit_open(const char *target, struct session_provider **ret) {
    struct audit_provider *ap;

    if (target)
        return -EOPNOTSUPP; /* remote hosts are another provider's business */
    if (access("/proc/self/sessionid", R_OK) < 0)
        return -EOPNOTSUPP; /* a kernel built without CONFIG_AUDIT */
    ap = calloc(1, sizeof(*ap));
    if (!ap)
        return -ENOMEM;
    ap->proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (ap->proc_fd < 0) {
        free(ap);
        return -EOPNOTSUPP;
    }
    ap->base.ops = &audit_provider_ops;
    pthread_mutex_init(&ap->lock, NULL);
    *ret = &ap->base;
    return 0;
}

static void audit_close(struct session_provider *p) {
    struct audit_provider *ap;

    if (!p)
        return;
    ap = to_audit(p);
    record_meta_free(&ap->cache, ap->meta);
    close(ap->proc_fd);
    pthread_mutex_destroy(&ap->lock);
    free(ap);
}

static int audit_list(struct session_provider *p, struct session_list *ret) {
    struct audit_provider *ap = to_audit(p);
    int r;

    pthread_mutex_lock(&ap->lock);
    r = refresh_cache(ap);
    if (r >= 0)
        r = copy_list(&ap->cache, ret);
    pthread_mutex_unlock(&ap->lock);
    return r;
}

static int audit_get(struct session_provider *p, uint32_t id, bool with_times, struct session_record *ret) {
    struct audit_provider *ap = to_audit(p);
    struct session_record *rec;
    int r = 0;

    (void) with_times; /* times come with every scan */
    if (id == SESSION_ID_SERVICES)
        return services_record(ret);
    if (!audit_id_is_addressable(id))
        return -E_NO_SESSION;

    pthread_mutex_lock(&ap->lock);
    rec = ap->cache_at && now_monotonic_usec() - ap->cache_at < CACHE_TTL_USEC ? find_record(&ap->cache, id) : NULL;
    if (!rec || !leader_unchanged(ap->proc_fd, &ap->meta[rec - ap->cache.items])) {
        r = refresh_cache(ap);
        rec = r >= 0 ? find_record(&ap->cache, id) : NULL;
    }
    if (r >= 0 && !rec)
        r = -E_NO_SESSION;
    if (r >= 0) {
        r = copy_record(rec, ret);
        if (r >= 0 && ret->seat[0]) {
            char fg_vt[32];

            foreground_vt(fg_vt, sizeof(fg_vt));
            apply_vt(ret, fg_vt); /* the foreground VT changes without a new scan */
        }
    }
    pthread_mutex_unlock(&ap->lock);
    return r;
}

static int audit_current(struct session_provider *p, uint32_t *ret) {
    uint32_t sid;
    int r;

    r = audit_proc_read_u32(to_audit(p)->proc_fd, getpid(), "sessionid", &sid);
    if (r < 0)
        return r;
    if (sid == AUDIT_SID_UNSET) {
        *ret = SESSION_ID_SERVICES; /* like a Windows service: session 0 */
        return 0;
    }
    if (!audit_id_is_addressable(sid))
        return -E_NO_SESSION;
    *ret = sid;
    return 0;
}

#define REAPER_PATH_MAX 4096

/* dir (dir_len bytes) + "/" + the reaper's name into buf, if executable. */
static int reaper_at(char buf[static REAPER_PATH_MAX], const char *dir, size_t dir_len) {
    size_t name_len = strlen(AUDIT_REAPER_NAME);

    if (dir_len + 1 + name_len >= REAPER_PATH_MAX)
        return -ENAMETOOLONG;
    memcpy(buf, dir, dir_len);
    buf[dir_len] = '/';
    memcpy(buf + dir_len + 1, AUDIT_REAPER_NAME, name_len + 1);
    return faccessat(AT_FDCWD, buf, X_OK, AT_EACCESS) == 0 ? 0 : -ENOENT;
}

/* The reaper program: next to the shared object this code was loaded from
 * (a build tree), else where it is installed (WTSNET_REAPER_DIR). */
static int reaper_path(char buf[static REAPER_PATH_MAX]) {
    Dl_info info;
    const char *slash;

    if (dladdr((void *) reaper_path, &info) && info.dli_fname && (slash = strrchr(info.dli_fname, '/')) &&
        reaper_at(buf, info.dli_fname, (size_t) (slash - info.dli_fname)) == 0)
        return 0;
    return reaper_at(buf, WTSNET_REAPER_DIR, strlen(WTSNET_REAPER_DIR));
}

/* Waits up to usec for a pinned child to exit, and reaps it. */
static bool child_exited(int pidfd, uint64_t usec) {
    uint64_t deadline = now_monotonic_usec() + usec;
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};

    for (;;) {
        uint64_t now = now_monotonic_usec();
        int n;

        if (now >= deadline)
            return false;
        n = poll(&pfd, 1, (int) ((deadline - now + 999) / 1000));
        if (n > 0)
            break;
        if (n < 0 && errno != EINTR)
            return false;
    }
    while (waitid(P_PIDFD, (id_t) pidfd, &(siginfo_t){0}, WEXITED) < 0 && errno == EINTR)
        ;
    return true;
}

/*
 * The detached reaper of an asynchronous logoff: it runs audit_kill_finish
 * (grace, SIGKILL, rescan) after the caller has returned. No fork here (the
 * caller may have threads, whose locks a forked child must not touch):
 * posix_spawn runs wtsnet-audit-reaper (src/session/audit_reaper.c) with
 * argv only, /dev/null for its standard streams, a session of its own, "/"
 * as its directory and no descriptor of the caller's but a memfd holding
 * who already had SIGTERM (descriptor 3). It detaches itself with one fork
 * of its own; its first process exits at once and is reaped here.
 */
static int spawn_reaper(struct audit_kill *k, uint64_t start_usec, const struct logoff_policy *policy) {
    char path[REAPER_PATH_MAX], sid[16], caller[16], start[24], grace[24], deadline[24];
    char *argv[] = {(char *) AUDIT_REAPER_NAME, sid, caller, start, grace, deadline, NULL};
    char *envp[] = {NULL};
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t none, all;
    pid_t pid;
    int memfd, fd, pidfd, r;

    r = reaper_path(path);
    if (r < 0)
        return r;
    memfd = memfd_create("wtsnet-termed", MFD_CLOEXEC);
    if (memfd < 0)
        return -errno;
    /* Above 3, so that the dup2 to 3 is a real one (which clears CLOEXEC). */
    fd = fcntl(memfd, F_DUPFD_CLOEXEC, 4);
    close(memfd);
    if (fd < 0)
        return -errno;
    r = audit_kill_export_termed(k, fd);
    if (r >= 0 && lseek(fd, 0, SEEK_SET) < 0)
        r = -errno;
    if (r < 0) {
        close(fd);
        return r;
    }
    snprintf(sid, sizeof(sid), "%" PRIu32, k->sid);
    snprintf(caller, sizeof(caller), "%ld", (long) k->spare[0]);
    snprintf(start, sizeof(start), "%" PRIu64, start_usec);
    snprintf(grace, sizeof(grace), "%" PRIu64, policy->grace_usec);
    snprintf(deadline, sizeof(deadline), "%" PRIu64, policy->deadline_usec);

    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fd, 3);
    posix_spawn_file_actions_addclosefrom_np(&actions, 4);
    posix_spawn_file_actions_addchdir_np(&actions, "/");
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    /* A session of its own: the ended session's hangup is not the reaper's. */
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    r = -posix_spawn(&pid, path, &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(fd);
    if (r < 0)
        return r;
    /* Its first process only reads its arguments and forks: it exits at once.
     * Pinned before anything can reap it, waited for within a bound. */
    pidfd = pidfd_open(pid, 0);
    if (pidfd < 0)
        return 0; /* already reaped by the caller's own SIGCHLD handling */
    if (!child_exited(pidfd, 5000000)) {
        (void) pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        (void) child_exited(pidfd, 1000000);
        r = -ETIMEDOUT;
    }
    close(pidfd);
    return r;
}

/*
 * Logoff: the permission check comes before any signal. A non-root caller
 * may end only sessions whose loginuid is its own euid (logind's rule for
 * its own sessions); session 0 is never ended. The calling process itself
 * is spared when it is in the session it ends (it is the last member, and
 * ends when it exits), as is the reaper.
 */
static int audit_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    struct audit_provider *ap = to_audit(p);
    struct audit_kill k;
    uint64_t start;
    uint32_t owner;
    int r;

    if (id == SESSION_ID_SERVICES)
        return -EACCES; /* session 0 holds the system's services: never ended */
    if (!audit_id_is_addressable(id))
        return -E_NO_SESSION;
    r = audit_kill_init(&k, id, getpid());
    if (r < 0)
        return r;

    /* Pin and count, no signal; the owner is read from a live member. */
    for (int tries = 0; tries < 3; tries++) {
        r = audit_kill_pass(&k, 0);
        if (r < 0 || k.found > 0 || k.unpinned == 0)
            break;
    }
    if (r >= 0 && k.found == 0)
        r = -E_NO_SESSION;
    if (r >= 0)
        r = audit_kill_owner(&k, &owner);
    if (r >= 0 && geteuid() != 0 && owner != (uint32_t) geteuid())
        r = -EACCES;
    if (r < 0)
        goto out;

    start = now_monotonic_usec();
    r = audit_kill_pass(&k, SIGTERM); /* the first signals */
    if (r < 0)
        goto out;
    if (!wait) {
        audit_kill_unpin(&k);
        r = spawn_reaper(&k, start, policy);
        goto out;
    }
    r = audit_kill_finish(&k, start, policy);
out:
    audit_kill_done(&k);
    pthread_mutex_lock(&ap->lock);
    ap->cache_at = 0; /* what we knew about that session is stale now */
    pthread_mutex_unlock(&ap->lock);
    return r < 0 ? r : 0;
}

const struct session_provider_ops audit_provider_ops = {
    .name = "audit",
    .open = audit_open,
    .close = audit_close,
    .list = audit_list,
    .get = audit_get,
    .current = audit_current,
    .logoff = audit_logoff,
};
