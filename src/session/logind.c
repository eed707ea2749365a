/*
 * The systemd-logind provider.
 *
 * Reads go through logind's session files under /run/systemd/sessions, as
 * sd-login does, but each file is read once per session rather than once
 * per field (logind_file.c): no bus round trip, so enumerating hundreds of
 * sessions stays cheap. The few facts the files lack (idle and lock hints)
 * come from one GetAll on the session object. Logoff is
 * TerminateSession on the bus, waited for through the SessionRemoved signal.
 *
 * What logind's errors mean here:
 *   org.freedesktop.login1.NoSuchSession                     → -ESRCH
 *   org.freedesktop.DBus.Error.AccessDenied,
 *   org.freedesktop.DBus.Error.InteractiveAuthorizationRequired → -EACCES (polkit said no)
 *   ServiceUnknown / NameHasNoOwner / NoReply / Timeout, any other
 *   error the bus daemon sends in logind's stead (activation failed:
 *   Spawn.*, a masked unit …), or no system bus              → -EHOSTDOWN
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
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
#include "session/logind_file.h"
#include "session/provider.h"

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
                               SD_BUS_ERROR_DISCONNECTED, SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_TIMEOUT))
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

struct pending_call {
    bool done;
    bool from_bus_daemon; /* the error came from the bus, not from logind */
    int r;
    sd_bus_message *reply;
    sd_bus_error error;
};

static int on_call_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    struct pending_call *c = userdata;

    (void) ret_error;
    c->done = true;
    if (sd_bus_message_is_method_error(m, NULL)) {
        const char *sender = sd_bus_message_get_sender(m);

        c->r = sd_bus_error_copy(&c->error, sd_bus_message_get_error(m)); /* a negative errno */
        c->from_bus_daemon = sender && strcmp(sender, "org.freedesktop.DBus") == 0;
    } else {
        c->r = 0;
        c->reply = sd_bus_message_ref(m);
    }
    return 0;
}

/*
 * sd_bus_call(), but a signal delivered to the caller does not end it:
 * sd_bus_call() of systemd 252 gives up with -EINTR when its poll is
 * interrupted, although the call went out, so a program with a SIGALRM
 * timer saw logoffs fail at random. Here the reply is awaited with
 * sd_bus_process/sd_bus_wait, retried on EINTR; the call's own timeout
 * (timeout_usec, 0 = sd-bus's 25 s) arrives as an error reply.
 */
static int bus_call(sd_bus *bus, sd_bus_message *m, uint64_t timeout_usec, sd_bus_error *ret_error,
                    sd_bus_message **ret_reply) {
    struct pending_call c = {.error = SD_BUS_ERROR_NULL};
    sd_bus_slot *slot = NULL;
    int r;

    r = sd_bus_call_async(bus, &slot, m, on_call_reply, &c, timeout_usec);
    while (r >= 0 && !c.done) {
        r = sd_bus_process(bus, NULL);
        if (r == -EINTR || r > 0) {
            r = 0;
            continue;
        }
        if (r == 0) {
            r = sd_bus_wait(bus, UINT64_MAX); /* bounded by the call's timeout */
            if (r == -EINTR)
                r = 0;
        }
    }
    if (r >= 0)
        r = c.r;
    /* logind down and not startable: the bus daemon answers for it, with
     * whatever its activation attempt met (e.g. FileExists for a masked
     * unit). Only a refusal by the bus policy stays a refusal. */
    if (r < 0 && c.from_bus_daemon && !sd_bus_error_has_name(&c.error, SD_BUS_ERROR_ACCESS_DENIED))
        r = -E_UNREACHABLE;
    if (r >= 0 && ret_reply) {
        *ret_reply = c.reply;
        c.reply = NULL;
    }
    if (r < 0 && ret_error && sd_bus_error_is_set(&c.error))
        sd_bus_error_move(ret_error, &c.error);
    sd_bus_slot_unref(slot);
    sd_bus_message_unref(c.reply);
    sd_bus_error_free(&c.error);
    return r;
}

static int dup_or_empty(char *s, char **ret) {
    *ret = s ? s : strdup("");
    return *ret ? 0 : -ENOMEM;
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

static int dup_field(const struct logind_file *f, const char *name, char **ret) {
    const char *v = logind_file_get(f, name);

    *ret = strdup(v ? v : "");
    return *ret ? 0 : -ENOMEM;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *ret) {
    unsigned long long v;
    char *end;

    if (!s || *s < '0' || *s > '9')
        return -EINVAL;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -EINVAL;
    *ret = v;
    return 0;
}

/* sd-login's boolean words (parse_boolean). */
static bool parse_true(const char *s) {
    static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};

    for (size_t i = 0; s && i < sizeof(yes) / sizeof(yes[0]); i++)
        if (strcmp(s, yes[i]) == 0)
            return true;
    return false;
}

/*
 * One session from its logind file, read once: the same keys and rules the
 * sd_session_get_*() getters use (STATE, UID, SERVICE, TYPE, CLASS, SEAT,
 * TTY, DISPLAY, REMOTE_HOST, REMOTE_USER, REMOTE, VTNR), plus USER, LEADER
 * and REALTIME, which sd-login 252 has no getters for. One getter call per
 * field meant one open and parse of the file per field: 13 per session.
 */
static int record_from_file(const char *key, uint32_t id, struct session_record *ret) {
    struct session_record rec = {.id = id, .lock = SESSION_LOCK_UNKNOWN};
    struct logind_file f = {0};
    const char *state, *user;
    unsigned long long v;
    int r;

    if (strlen(key) >= sizeof(rec.key))
        return -ERANGE;
    strcpy(rec.key, key);

    r = logind_file_read_session(key, &f);
    if (r < 0)
        return r;
    state = logind_file_get(&f, "STATE");
    if (!state) {
        r = -E_NO_SESSION; /* as sd_session_get_state: a session without a state is not one */
        goto fail;
    }
    if (parse_state(state, &rec.state) < 0)
        rec.state = SESSION_STATE_ONLINE; /* a state newer than this code: logged in, at least */

    if (parse_uint(logind_file_get(&f, "UID"), (uid_t) -1 - 1, &v) >= 0) {
        rec.uid = (uid_t) v;
        rec.has_uid = true;
    }
    user = logind_file_get(&f, "USER");
    if (user && *user)
        r = (rec.user = strdup(user)) ? 0 : -ENOMEM;
    else if (rec.has_uid)
        r = user_name_for_uid(rec.uid, &rec.user);
    else
        r = dup_or_empty(NULL, &rec.user);
    if (r < 0)
        goto fail;

    if ((r = dup_field(&f, "SERVICE", &rec.service)) < 0 || (r = dup_field(&f, "TYPE", &rec.type)) < 0 ||
        (r = dup_field(&f, "CLASS", &rec.class_name)) < 0 || (r = dup_field(&f, "SEAT", &rec.seat)) < 0 ||
        (r = dup_field(&f, "TTY", &rec.tty)) < 0 || (r = dup_field(&f, "DISPLAY", &rec.display)) < 0 ||
        (r = dup_field(&f, "REMOTE_HOST", &rec.remote_host)) < 0 ||
        (r = dup_field(&f, "REMOTE_USER", &rec.remote_user)) < 0)
        goto fail;

    rec.remote = parse_true(logind_file_get(&f, "REMOTE"));
    if (parse_uint(logind_file_get(&f, "VTNR"), UINT32_MAX, &v) >= 0)
        rec.vt = (uint32_t) v;
    if (parse_uint(logind_file_get(&f, "LEADER"), INT32_MAX, &v) >= 0)
        rec.leader = (pid_t) v;
    if (parse_uint(logind_file_get(&f, "REALTIME"), UINT64_MAX, &v) >= 0)
        rec.logon_usec = v;

    session_classify(&rec);
    /* xrdp sessions are remote even though xrdp does not tell PAM so. */
    if (rec.kind == SESSION_KIND_RDP)
        rec.remote = true;
    logind_file_done(&f);
    *ret = rec;
    return 0;
fail:
    logind_file_done(&f);
    session_record_done(&rec);
    return r;
}

/* Reads the facts sd-login lacks on systemd 252 with one GetAll. */
static int read_times(struct logind_provider *lp, struct session_record *rec) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *call = NULL, *reply = NULL;
    char *path = NULL;
    int r;

    r = sd_bus_path_encode(LOGIND_SESSION_PATH_PREFIX, rec->key, &path);
    if (r < 0)
        return r;

    pthread_mutex_lock(&lp->bus_lock);
    if (!lp->bus)
        r = open_system_bus(&lp->bus);
    if (r >= 0)
        r = sd_bus_message_new_method_call(lp->bus, &call, LOGIND_SERVICE, path, "org.freedesktop.DBus.Properties",
                                           "GetAll");
    if (r >= 0)
        r = sd_bus_message_append(call, "s", LOGIND_SESSION);
    if (r >= 0)
        r = bus_call(lp->bus, call, 0, &error, &reply);
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
    sd_bus_message_unref(call);
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
    list.items = calloc((size_t) n + 1, sizeof(*list.items));
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
        r = record_from_file(keys[i], id, &list.items[list.count]);
        if (r == -E_NO_SESSION)
            continue; /* ended while we were reading */
        if (r < 0)
            goto out;
        list.count++;
    }
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
    r = session_id_to_logind(id, key, sizeof(key));
    if (r < 0)
        return -E_NO_SESSION;
    r = record_from_file(key, id, &rec);
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

static int call_manager(sd_bus *bus, uint64_t timeout_usec, const char *method, const char *types, ...) {
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
        r = bus_call(bus, m, timeout_usec, &error, NULL);
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
static int logind_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    struct removal_watch watch = {0};
    sd_bus_slot *slot = NULL;
    sd_bus *bus = NULL;
    char key[32];
    uint64_t start, grace_at, deadline_at;
    bool forced = false;
    int r;

    (void) p;
    if (id == SESSION_ID_SERVICES)
        return -EACCES; /* session 0 holds the system's services: never ended */
    r = session_id_to_logind(id, key, sizeof(key));
    if (r < 0)
        return -E_NO_SESSION;
    watch.key = key;

    r = open_system_bus(&bus);
    if (r < 0)
        return r;
    if (wait) {
        /* Asynchronous AddMatch: the bus daemon handles it before it routes
         * our TerminateSession, so the signal cannot slip past; and no
         * synchronous call here can be cut short by a signal. */
        r = sd_bus_match_signal_async(bus, &slot, LOGIND_SERVICE, LOGIND_PATH, LOGIND_MANAGER, "SessionRemoved",
                                      on_session_removed, NULL, &watch);
        if (r < 0)
            goto out;
    }
    r = call_manager(bus, policy->deadline_usec, "TerminateSession", "s", key);
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
            r = 0;
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
            r = call_manager(bus, deadline_at - now, "KillSession", "ssi", key, "all", (int32_t) SIGKILL);
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
    sd_bus_slot_unref(slot);
    sd_bus_flush_close_unref(bus);
    return r < 0 ? r : 0;
}

const struct session_provider_ops logind_provider_ops = {
    .name = "logind",
    .open = logind_open,
    .close = logind_close,
    .list = logind_list,
    .get = logind_get,
    .current = logind_current,
    .logoff = logind_logoff,
};
