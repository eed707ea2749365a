/*
 * The audit provider's scan: one pass over /proc turns every live process
 * with an audit session id into its session's record (audit.c says what
 * each field is taken from), session 0 first.
 */
#include "session/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/wintime.h"

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
    struct proc_stat st;
    char buf[1024];
    struct acc *a;
    uint32_t sid;
    ssize_t n;
    int r;

    if (proc_read_u32(s->proc_fd, pid, "sessionid", &sid) < 0 || sid == AUDIT_SID_UNSET ||
        !audit_id_is_addressable(sid))
        return 0; /* gone, outside any session (session 0), or beyond the id range */
    n = proc_read(s->proc_fd, pid, "stat", buf, sizeof(buf));
    if (n < 0 || proc_parse_stat(buf, (size_t) n, &st) < 0)
        return 0;
    if (st.state == 'Z' || st.state == 'X')
        return 0; /* exited: it keeps no session alive */

    if ((s->used + 1) * 2 > s->cap && (r = scan_grow(s)) < 0)
        return r;
    a = acc_find(s, sid, true);
    if (a->members++ == 0) {
        if (proc_read_u32(s->proc_fd, pid, "loginuid", &a->loginuid) < 0)
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
        (r = session_record_fill_strings(&rec)) < 0) {
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

struct session_record *audit_find_record(struct session_list *l, uint32_t id) {
    struct session_record key = {.id = id};

    return l->count ? bsearch(&key, l->items, l->count, sizeof(*l->items), cmp_record) : NULL;
}

void audit_record_meta_free(struct session_list *l, struct audit_cache_meta *meta) {
    session_list_free(l);
    free(meta);
}

/* One pass over /proc: every session, session 0 first, then by id. */
int audit_full_scan(struct session_list *ret, struct audit_cache_meta **ret_meta) {
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

    meta = calloc(s.used + 1, sizeof(*meta));
    if (!meta) {
        r = -ENOMEM;
        goto out;
    }
    r = session_list_begin(&list, s.used);
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
    audit_overlay_utmp(s.proc_fd, &list);
    audit_foreground_vt(fg_vt, sizeof(fg_vt));
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
            audit_remote_from_socket(s.proc_fd, a->sshd, a->n_sshd, rec);
        audit_apply_vt(rec, fg_vt);
        session_classify(rec);
        /* session_classify made an RDP session remote already. */
        rec->remote = rec->remote || rec->kind == SESSION_KIND_SSH ||
                      (rec->remote_host[0] && rec->kind != SESSION_KIND_CONSOLE);
    }
    *ret = list;
    *ret_meta = meta;
    list = (struct session_list){0};
    meta = NULL;
    r = 0;
out:
    audit_record_meta_free(&list, meta);
    uid_names_done(&names);
    free(s.slots);
    free(dents);
    close(s.proc_fd);
    return r;
}

