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
 * By job: audit.c (this provider and its cache), audit_enum.c (the scan),
 * audit_login.c (utmp, sshd's client, the VT), audit_logoff.c, and under
 * them audit_kill.c (the logoff engine), audit_parse.c, proc.c.
 *
 * What errors mean here (src/common/errors.h):
 *   -ESRCH      no live process carries that audit id
 *   -EACCES     session 0, or another user's session for a non-root caller
 *   -EOPNOTSUPP a kernel without audit (no /proc/self/sessionid), or a
 *               remote target
 */
#include "session/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/errors.h"
#include "common/wintime.h"

/* How long a full scan serves later queries of the same session, provided
 * the session's leader is still the same live member (checked on every
 * query, so a session that ended is never reported). */
#define CACHE_TTL_USEC (UINT64_C(1000) * 1000)

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

static int copy_list(const struct session_list *src, struct session_list *ret) {
    struct session_list l = {.items = calloc(src->count ? src->count : 1, sizeof(*l.items))};
    int r;

    if (!l.items)
        return -ENOMEM;
    for (; l.count < src->count; l.count++)
        if ((r = session_record_copy(&src->items[l.count], &l.items[l.count])) < 0) {
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
    int r = audit_full_scan(&list, &meta);

    if (r < 0)
        return r;
    audit_record_meta_free(&ap->cache, ap->meta);
    ap->cache = list;
    ap->meta = meta;
    ap->cache_at = now_monotonic_usec();
    return 0;
}

/* The cached leader is still that very process, alive, in that session. */
static bool leader_unchanged(int proc_fd, const struct audit_cache_meta *m) {
    struct proc_stat st;
    uint32_t sid;

    if (proc_read_u32(proc_fd, m->leader, "sessionid", &sid) < 0 || sid != m->id)
        return false;
    return proc_read_stat(proc_fd, m->leader, &st) == 0 && st.start_ticks == m->leader_start && st.state != 'Z' &&
           st.state != 'X';
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
    struct audit_provider *ap = to_audit(p); /* base is the first member: NULL stays NULL */

    if (!ap)
        return;
    audit_record_meta_free(&ap->cache, ap->meta);
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
        return session_record_services(ret);
    if (!audit_id_is_addressable(id))
        return -E_NO_SESSION;

    pthread_mutex_lock(&ap->lock);
    rec = ap->cache_at && now_monotonic_usec() - ap->cache_at < CACHE_TTL_USEC ? audit_find_record(&ap->cache, id) : NULL;
    if (!rec || !leader_unchanged(ap->proc_fd, &ap->meta[rec - ap->cache.items])) {
        r = refresh_cache(ap);
        rec = r >= 0 ? audit_find_record(&ap->cache, id) : NULL;
    }
    if (r >= 0 && !rec)
        r = -E_NO_SESSION;
    if (r >= 0) {
        r = session_record_copy(rec, ret);
        if (r >= 0 && ret->seat[0]) {
            char fg_vt[32];

            audit_foreground_vt(fg_vt, sizeof(fg_vt));
            audit_apply_vt(ret, fg_vt); /* the foreground VT changes without a new scan */
        }
    }
    pthread_mutex_unlock(&ap->lock);
    return r;
}

static int audit_current(struct session_provider *p, uint32_t *ret) {
    uint32_t sid;
    int r;

    r = proc_read_u32(to_audit(p)->proc_fd, getpid(), "sessionid", &sid);
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

void audit_forget_cache(struct session_provider *p) {
    struct audit_provider *ap = to_audit(p);

    pthread_mutex_lock(&ap->lock);
    ap->cache_at = 0;
    pthread_mutex_unlock(&ap->lock);
}

/* Which audit session a process is in (the xrdp layer asks it of an X server). */
static int audit_pid_session(struct session_provider *p, pid_t pid, uint32_t *ret) {
    uint32_t sid;
    int r = proc_read_u32(to_audit(p)->proc_fd, pid, "sessionid", &sid);

    if (r < 0)
        return r == -ENOENT ? -E_NO_SESSION : r;
    if (sid == AUDIT_SID_UNSET || !audit_id_is_addressable(sid))
        return -E_NO_SESSION;
    *ret = sid;
    return 0;
}

static int audit_processes(struct session_provider *p, uint32_t session, struct session_process_list *ret) {
    return session_processes_local(p, to_audit(p)->proc_fd, session, ret);
}

static int audit_terminate_process(struct session_provider *p, pid_t pid) {
    (void) p;
    return session_terminate_local(pid);
}

static int audit_send_message(struct session_provider *p, uint32_t id, const struct session_message *m,
                          struct session_message_result *ret) {
    return session_message_local(p, to_audit(p)->proc_fd, id, m, ret);
}

const struct session_provider_ops audit_provider_ops = {
    .name = "audit",
    .open = audit_open,
    .close = audit_close,
    .list = audit_list,
    .get = audit_get,
    .current = audit_current,
    .logoff = audit_logoff,
    .pid_session = audit_pid_session,
    .processes = audit_processes,
    .terminate_process = audit_terminate_process,
    .idle_time = session_idle_local,
    .send_message = audit_send_message,
    /* No console_session: the kernel's audit sessions know no seats. */
    .subscribe = audit_subscribe,
};
