/*
 * The systemd-logind provider.
 *
 * Reads go through sd-login (files under /run/systemd/sessions: no bus
 * round trip, so enumerating hundreds of sessions stays cheap); the few
 * facts sd-login does not expose on systemd 252 (logon time, idle and lock
 * hints, leader) come from one GetAll on the session object. Logoff is
 * TerminateSession on the bus, waited for through the SessionRemoved signal.
 *
 * What logind's errors mean here:
 *   org.freedesktop.login1.NoSuchSession                     → -ESRCH
 *   org.freedesktop.DBus.Error.AccessDenied,
 *   org.freedesktop.DBus.Error.InteractiveAuthorizationRequired → -EACCES (polkit said no)
 *   ServiceUnknown / NameHasNoOwner, or no system bus        → -EHOSTDOWN
 */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-login.h>

#include "common/errors.h"
#include "common/wintime.h"
#include "session/provider.h"
#include "session/xrdp.h"

#define LOGIND_SERVICE "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
#define LOGIND_SESSION "org.freedesktop.login1.Session"
#define LOGIND_SESSION_PATH_PREFIX "/org/freedesktop/login1/session"

struct logind_provider {
    struct session_provider base;
    pthread_mutex_t bus_lock; /* sd_bus is not thread-safe; a handle may be shared */
    sd_bus *bus;              /* for property reads; opened on first need */
};

static struct logind_provider *to_logind(struct session_provider *p) {
    return (struct logind_provider *) p;
}

static int bus_error_to_errno(const sd_bus_error *e, int r) {
    if (sd_bus_error_has_name(e, "org.freedesktop.login1.NoSuchSession"))
        return -E_NO_SESSION;
    if (sd_bus_error_has_names(e, SD_BUS_ERROR_ACCESS_DENIED, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED))
        return -EACCES;
    if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER, SD_BUS_ERROR_NO_SERVER,
                               SD_BUS_ERROR_DISCONNECTED))
        return -E_UNREACHABLE;
    return r < 0 ? r : -EIO;
}

/* A failure to reach the system bus at all means logind is unreachable. */
static int open_system_bus(sd_bus **ret) {
    int r = sd_bus_open_system(ret);

    if (r == -ENOENT || r == -ECONNREFUSED || r == -ENOTCONN || r == -ECONNRESET)
        return -E_UNREACHABLE;
    return r;
}

static int dup_or_empty(char *s, char **ret) {
    *ret = s ? s : strdup("");
    return *ret ? 0 : -ENOMEM;
}

/* sd-login getters: -ENODATA means "not set" (an empty string for us);
 * -ENXIO means the session file is gone. */
static int get_string(int (*getter)(const char *, char **), const char *key, char **ret) {
    char *s = NULL;
    int r = getter(key, &s);

    if (r == -ENXIO)
        return -E_NO_SESSION;
    if (r < 0 && r != -ENODATA)
        return r;
    return dup_or_empty(s, ret);
}

static int user_name_for_uid(uid_t uid, char **ret) {
    struct passwd pw, *result = NULL;
    char buf[4096];
    char number[16];

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &result) == 0 && result)
        *ret = strdup(result->pw_name);
    else {
        /* A uid without a passwd entry is still a user: show its number. */
        snprintf(number, sizeof(number), "%u", (unsigned) uid);
        *ret = strdup(number);
    }
    return *ret ? 0 : -ENOMEM;
}

static int parse_state(const char *state, enum session_state *ret) {
    static const struct {
        const char *name;
        enum session_state state;
    } table[] = {
        {"opening", SESSION_STATE_OPENING},
        {"online", SESSION_STATE_ONLINE},
        {"active", SESSION_STATE_ACTIVE},
        {"closing", SESSION_STATE_CLOSING},
    };

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(state, table[i].name) == 0) {
            *ret = table[i].state;
            return 0;
        }
    return -EINVAL;
}

static int services_record(struct session_record *r) {
    *r = (struct session_record){.id = SESSION_ID_SERVICES, .state = SESSION_STATE_SERVICES,
                                 .kind = SESSION_KIND_SERVICES, .lock = SESSION_LOCK_UNKNOWN};
    strcpy(r->key, "services");
    if (dup_or_empty(NULL, &r->user) < 0 || dup_or_empty(NULL, &r->service) < 0 || dup_or_empty(NULL, &r->type) < 0 ||
        dup_or_empty(NULL, &r->class_name) < 0 || dup_or_empty(NULL, &r->seat) < 0 || dup_or_empty(NULL, &r->tty) < 0 ||
        dup_or_empty(NULL, &r->display) < 0 || dup_or_empty(NULL, &r->remote_host) < 0 ||
        dup_or_empty(NULL, &r->remote_user) < 0) {
        session_record_done(r);
        return -ENOMEM;
    }
    return 0;
}

static int record_from_sd_login(const char *key, uint32_t id, struct session_record *ret) {
    struct session_record rec = {.id = id, .lock = SESSION_LOCK_UNKNOWN};
    char *state = NULL;
    unsigned vt = 0;
    int r;

    if (strlen(key) >= sizeof(rec.key))
        return -ERANGE;
    strcpy(rec.key, key);

    r = sd_session_get_state(key, &state);
    if (r < 0) {
        r = (r == -ENXIO || r == -ENODATA) ? -E_NO_SESSION : r;
        goto fail;
    }
    r = parse_state(state, &rec.state);
    free(state);
    if (r < 0)
        rec.state = SESSION_STATE_ONLINE; /* a state newer than this code: logged in, at least */

    r = sd_session_get_uid(key, &rec.uid);
    if (r == -ENXIO) {
        r = -E_NO_SESSION;
        goto fail;
    }
    if (r >= 0) {
        rec.has_uid = true;
        r = user_name_for_uid(rec.uid, &rec.user);
    } else
        r = dup_or_empty(NULL, &rec.user);
    if (r < 0)
        goto fail;

    if ((r = get_string(sd_session_get_service, key, &rec.service)) < 0 ||
        (r = get_string(sd_session_get_type, key, &rec.type)) < 0 ||
        (r = get_string(sd_session_get_class, key, &rec.class_name)) < 0 ||
        (r = get_string(sd_session_get_seat, key, &rec.seat)) < 0 ||
        (r = get_string(sd_session_get_tty, key, &rec.tty)) < 0 ||
        (r = get_string(sd_session_get_display, key, &rec.display)) < 0 ||
        (r = get_string(sd_session_get_remote_host, key, &rec.remote_host)) < 0 ||
        (r = get_string(sd_session_get_remote_user, key, &rec.remote_user)) < 0)
        goto fail;

    r = sd_session_is_remote(key);
    rec.remote = r > 0;
    if (sd_session_get_vt(key, &vt) >= 0)
        rec.vt = vt;

    session_classify(&rec);
    /* xrdp sessions are remote even though xrdp does not tell PAM so; and
     * disconnected when no client is attached, though logind calls them active. */
    if (rec.kind == SESSION_KIND_RDP) {
        rec.remote = true;
        xrdp_refine_state(&rec);
    }
    *ret = rec;
    return 0;
fail:
    session_record_done(&rec);
    return r;
}

/* Reads the facts sd-login lacks on systemd 252 with one GetAll. */
static int read_times(struct logind_provider *lp, struct session_record *rec) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    char *path = NULL;
    int r;

    r = sd_bus_path_encode(LOGIND_SESSION_PATH_PREFIX, rec->key, &path);
    if (r < 0)
        return r;

    pthread_mutex_lock(&lp->bus_lock);
    if (!lp->bus)
        r = open_system_bus(&lp->bus);
    if (r >= 0)
        r = sd_bus_call_method(lp->bus, LOGIND_SERVICE, path, "org.freedesktop.DBus.Properties", "GetAll", &error,
                               &reply, "s", LOGIND_SESSION);
    if (r < 0) {
        r = sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_OBJECT) ? -E_NO_SESSION : bus_error_to_errno(&error, r);
        /* A broken connection is not kept for the next call. */
        if (r == -E_UNREACHABLE || r == -ECONNRESET || r == -ENOTCONN) {
            lp->bus = sd_bus_flush_close_unref(lp->bus);
        }
        goto out;
    }

    r = sd_bus_message_enter_container(reply, 'a', "{sv}");
    while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
        const char *name;
        uint64_t t;
        int b;
        uint32_t u;

        if ((r = sd_bus_message_read(reply, "s", &name)) < 0)
            break;
        if (strcmp(name, "Timestamp") == 0 || strcmp(name, "IdleSinceHint") == 0) {
            if ((r = sd_bus_message_read(reply, "v", "t", &t)) < 0)
                break;
            if (name[0] == 'T')
                rec->logon_usec = t;
            else
                rec->idle_since_usec = t;
        } else if (strcmp(name, "IdleHint") == 0 || strcmp(name, "LockedHint") == 0) {
            if ((r = sd_bus_message_read(reply, "v", "b", &b)) < 0)
                break;
            if (name[0] == 'I')
                rec->idle = b;
            else
                rec->lock = b ? SESSION_LOCK_LOCKED : SESSION_LOCK_UNLOCKED;
        } else if (strcmp(name, "Leader") == 0) {
            if ((r = sd_bus_message_read(reply, "v", "u", &u)) < 0)
                break;
            rec->leader = (pid_t) u;
        } else if ((r = sd_bus_message_skip(reply, "v")) < 0)
            break;
        if ((r = sd_bus_message_exit_container(reply)) < 0)
            break;
    }
    if (r >= 0)
        r = sd_bus_message_exit_container(reply);
    if (r >= 0) {
        rec->has_times = true;
        r = 0;
    }
out:
    pthread_mutex_unlock(&lp->bus_lock);
    sd_bus_message_unref(reply);
    sd_bus_error_free(&error);
    free(path);
    return r;
}

/* logind runs when its runtime directory is there and systemd is PID 1 of
 * this namespace; otherwise sd-login would silently report no sessions. */
static int logind_available(void) {
    if (sd_booted() <= 0 || access("/run/systemd/sessions", F_OK) < 0)
        return -E_UNREACHABLE;
    return 0;
}

static int logind_open(const char *target, struct session_provider **ret) {
    struct logind_provider *lp;
    int r;

    if (target)
        return -EOPNOTSUPP; /* remote hosts are another provider's business */
    r = logind_available();
    if (r < 0)
        return r;
    lp = calloc(1, sizeof(*lp));
    if (!lp)
        return -ENOMEM;
    lp->base.ops = &logind_provider_ops;
    pthread_mutex_init(&lp->bus_lock, NULL);
    *ret = &lp->base;
    return 0;
}

static void logind_close(struct session_provider *p) {
    struct logind_provider *lp;

    if (!p)
        return;
    lp = to_logind(p);
    sd_bus_flush_close_unref(lp->bus);
    pthread_mutex_destroy(&lp->bus_lock);
    free(lp);
}

static int logind_list(struct session_provider *p, struct session_list *ret) {
    struct session_list list = {0};
    char **keys = NULL;
    int n, r;

    (void) p;
    n = sd_get_sessions(&keys);
    if (n < 0)
        return n;
    list.items = calloc((size_t) n + 2, sizeof(*list.items)); /* + session 0 and the RDP listener */
    if (!list.items) {
        r = -ENOMEM;
        goto out;
    }
    r = services_record(&list.items[list.count]);
    if (r < 0)
        goto out;
    list.count++;

    for (int i = 0; i < n; i++) {
        uint32_t id;

        if (session_id_from_logind(keys[i], &id) < 0)
            continue; /* not a name logind gives sessions: nothing we can address */
        r = record_from_sd_login(keys[i], id, &list.items[list.count]);
        if (r == -E_NO_SESSION)
            continue; /* ended while we were reading */
        if (r < 0)
            goto out;
        list.count++;
    }
    if (xrdp_listener_record(&list.items[list.count]) >= 0)
        list.count++;
    *ret = list;
    list = (struct session_list){0};
    r = 0;
out:
    session_list_free(&list);
    if (keys)
        for (int i = 0; i < n; i++)
            free(keys[i]);
    free(keys);
    return r;
}

static int logind_get(struct session_provider *p, uint32_t id, bool with_times, struct session_record *ret) {
    struct session_record rec;
    char key[32];
    int r;

    if (id == SESSION_ID_SERVICES)
        return services_record(ret);
    if (id == SESSION_ID_RDP_LISTENER)
        return xrdp_listener_record(ret);
    r = session_id_to_logind(id, key, sizeof(key));
    if (r < 0)
        return -E_NO_SESSION;
    r = record_from_sd_login(key, id, &rec);
    if (r < 0)
        return r;
    if (with_times) {
        r = read_times(to_logind(p), &rec);
        if (r < 0) {
            session_record_done(&rec);
            return r;
        }
    }
    *ret = rec;
    return 0;
}

static int logind_current(struct session_provider *p, uint32_t *ret) {
    char *key = NULL;
    int r;

    (void) p;
    r = sd_pid_get_session(0, &key);
    if (r == -ENODATA || r == -ENXIO) {
        *ret = SESSION_ID_SERVICES; /* like a Windows service: session 0 */
        return 0;
    }
    if (r < 0)
        return r;
    r = session_id_from_logind(key, ret);
    free(key);
    return r < 0 ? -E_NO_SESSION : 0;
}

struct removal_watch {
    const char *key;
    bool removed;
};

static int on_session_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    struct removal_watch *w = userdata;
    const char *id;

    (void) error;
    if (sd_bus_message_read(m, "so", &id, NULL) >= 0 && strcmp(id, w->key) == 0)
        w->removed = true;
    return 0;
}

static int call_manager(sd_bus *bus, const char *method, const char *types, ...) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *m = NULL;
    va_list ap;
    int r;

    r = sd_bus_message_new_method_call(bus, &m, LOGIND_SERVICE, LOGIND_PATH, LOGIND_MANAGER, method);
    if (r >= 0) {
        va_start(ap, types);
        r = sd_bus_message_appendv(m, types, ap);
        va_end(ap);
    }
    if (r >= 0)
        r = sd_bus_call(bus, m, 0, &error, NULL);
    if (r < 0)
        r = bus_error_to_errno(&error, r);
    sd_bus_message_unref(m);
    sd_bus_error_free(&error);
    return r;
}

/*
 * TerminateSession only queues the stop of the session's scope and replies;
 * logind announces SessionRemoved once the scope is gone and every process
 * with it. So: subscribe first, then terminate, then wait for the signal on a
 * monotonic deadline. A session stuck in "closing" (TerminateSession is a
 * no-op there) is forced with KillSession(all, SIGKILL) after the grace.
 */
/* What an RDP logoff waits for besides the removal (xrdp.h); best effort, before terminating. */
static void rdp_logoff_prepare(struct session_provider *p, uint32_t id, const char *key, struct xrdp_logoff_watch *ret) {
    struct session_record rec;
    char *service = NULL;
    bool rdp;

    rdp = sd_session_get_service(key, &service) >= 0 && strcmp(service, "xrdp-sesman") == 0;
    free(service);
    if (!rdp || logind_get(p, id, true, &rec) < 0)
        return;
    xrdp_logoff_prepare(&rec, ret);
    session_record_done(&rec);
}

static int logind_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    struct removal_watch watch = {0};
    struct xrdp_logoff_watch rdp = {.server_fd = -1, .leader_fd = -1};
    sd_bus_slot *slot = NULL;
    sd_bus *bus = NULL;
    char key[32];
    uint64_t start, grace_at, deadline_at;
    bool forced = false;
    int r;

    (void) p;
    if (id == SESSION_ID_SERVICES || id == SESSION_ID_RDP_LISTENER)
        return -EACCES; /* session 0 holds the system's services, the listener is xrdp itself: never ended */
    r = session_id_to_logind(id, key, sizeof(key));
    if (r < 0)
        return -E_NO_SESSION;
    watch.key = key;
    if (wait)
        rdp_logoff_prepare(p, id, key, &rdp);

    r = open_system_bus(&bus);
    if (r < 0)
        return r;
    if (wait) {
        r = sd_bus_match_signal(bus, &slot, LOGIND_SERVICE, LOGIND_PATH, LOGIND_MANAGER, "SessionRemoved",
                                on_session_removed, &watch);
        if (r < 0)
            goto out;
    }
    r = call_manager(bus, "TerminateSession", "s", key);
    if (r < 0 || !wait)
        goto out;

    start = now_monotonic_usec();
    grace_at = start + policy->grace_usec;
    deadline_at = start + policy->deadline_usec;
    for (;;) {
        uint64_t now, until;

        r = sd_bus_process(bus, NULL);
        if (r < 0)
            goto out;
        if (watch.removed) {
            /* An RDP session is gone for its user once its client was told. */
            r = xrdp_logoff_wait(&rdp, deadline_at);
            goto out;
        }
        if (r > 0)
            continue;

        now = now_monotonic_usec();
        if (now >= deadline_at) {
            r = -ETIMEDOUT;
            goto out;
        }
        if (!forced && now >= grace_at) {
            forced = true;
            r = call_manager(bus, "KillSession", "ssi", key, "all", (int32_t) SIGKILL);
            if (r == -E_NO_SESSION) {
                r = 0; /* removed between the signal's sending and our reading it */
                goto out;
            }
            if (r < 0)
                goto out;
            continue;
        }
        until = forced ? deadline_at : grace_at;
        r = sd_bus_wait(bus, until - now);
        if (r < 0 && r != -EINTR) /* a signal to the caller does not end the wait */
            goto out;
    }
out:
    xrdp_logoff_done(&rdp);
    sd_bus_slot_unref(slot);
    sd_bus_flush_close_unref(bus);
    return r < 0 ? r : 0;
}

static int logind_client_address(struct session_provider *p, const struct session_record *r, char **ret) {
    (void) p;
    return r->kind == SESSION_KIND_RDP ? xrdp_client_address(r, ret) : -EOPNOTSUPP;
}

static int logind_client_display(struct session_provider *p, const struct session_record *r,
                                 struct session_client_display *ret) {
    (void) p;
    return r->kind == SESSION_KIND_RDP ? xrdp_client_display(r, ret) : -EOPNOTSUPP;
}

/* logind has no disconnect; xorgxrdp detaches an RDP session's client. */
static int logind_disconnect(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    struct session_record rec;
    int r;

    r = logind_get(p, id, false, &rec);
    if (r < 0)
        return r;
    r = rec.kind == SESSION_KIND_RDP ? xrdp_disconnect(&rec, wait, now_monotonic_usec() + policy->deadline_usec)
                                     : -EOPNOTSUPP;
    session_record_done(&rec);
    return r;
}

const struct session_provider_ops logind_provider_ops = {
    .name = "logind",
    .open = logind_open,
    .close = logind_close,
    .list = logind_list,
    .get = logind_get,
    .current = logind_current,
    .logoff = logind_logoff,
    .client_address = logind_client_address,
    .client_display = logind_client_display,
    .disconnect = logind_disconnect,
};
