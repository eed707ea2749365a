/*
 * logind over D-Bus, shared by the local provider (logind.c: times and
 * logoff) and the remote one (remote.c: everything). The interface is
 * org.freedesktop.login1 as systemd 252 ships it (logind.md, "D-Bus API").
 */
#include "session/logind_bus.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/errors.h"
#include "common/wintime.h"

int logind_bus_error_to_errno(const sd_bus_error *e, int r) {
    if (sd_bus_error_has_names(e, "org.freedesktop.login1.NoSuchSession", SD_BUS_ERROR_UNKNOWN_OBJECT))
        return -E_NO_SESSION;
    if (sd_bus_error_has_names(e, SD_BUS_ERROR_ACCESS_DENIED, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED))
        return -EACCES;
    if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER, SD_BUS_ERROR_NO_SERVER,
                               SD_BUS_ERROR_DISCONNECTED, SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_TIMEOUT))
        return -E_UNREACHABLE;
    if (r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE || r == -ECONNREFUSED)
        return -E_UNREACHABLE;
    return r < 0 ? r : -EIO;
}

bool logind_bus_connection_lost(int r) {
    return r == -E_UNREACHABLE || r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE || r == -ETIMEDOUT;
}

int logind_parse_state(const char *state, enum session_state *ret) {
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

enum prop_kind {
    PROP_STRING,  /* s → the char * at offset */
    PROP_KEY,     /* s → key */
    PROP_UID,     /* (uo) → uid */
    PROP_SEAT,    /* (so) → seat */
    PROP_STATE,   /* s → state */
    PROP_REMOTE,  /* b */
    PROP_VT,      /* u */
    PROP_LEADER,  /* u */
    PROP_LOGON,   /* t, µs realtime */
    PROP_IDLE,    /* b */
    PROP_IDLE_SINCE, /* t */
    PROP_LOCKED,  /* b */
};

static const struct prop {
    const char *name;
    const char *signature;
    unsigned group;
    enum prop_kind kind;
    size_t offset; /* PROP_STRING only */
} props[] = {
    {"Id", "s", LOGIND_PROPS_IDENTITY, PROP_KEY, 0},
    {"Name", "s", LOGIND_PROPS_IDENTITY, PROP_STRING, offsetof(struct session_record, user)},
    {"User", "(uo)", LOGIND_PROPS_IDENTITY, PROP_UID, 0},
    {"Seat", "(so)", LOGIND_PROPS_IDENTITY, PROP_SEAT, 0},
    {"TTY", "s", LOGIND_PROPS_IDENTITY, PROP_STRING, offsetof(struct session_record, tty)},
    {"Display", "s", LOGIND_PROPS_IDENTITY, PROP_STRING, offsetof(struct session_record, display)},
    {"RemoteHost", "s", LOGIND_PROPS_IDENTITY, PROP_STRING, offsetof(struct session_record, remote_host)},
    {"RemoteUser", "s", LOGIND_PROPS_IDENTITY, PROP_STRING, offsetof(struct session_record, remote_user)},
    {"Service", "s", LOGIND_PROPS_IDENTITY, PROP_STRING, offsetof(struct session_record, service)},
    {"Type", "s", LOGIND_PROPS_IDENTITY, PROP_STRING, offsetof(struct session_record, type)},
    {"Class", "s", LOGIND_PROPS_IDENTITY, PROP_STRING, offsetof(struct session_record, class_name)},
    {"State", "s", LOGIND_PROPS_IDENTITY, PROP_STATE, 0},
    {"Remote", "b", LOGIND_PROPS_IDENTITY, PROP_REMOTE, 0},
    {"VTNr", "u", LOGIND_PROPS_IDENTITY, PROP_VT, 0},
    {"Leader", "u", LOGIND_PROPS_TIMES, PROP_LEADER, 0},
    {"Timestamp", "t", LOGIND_PROPS_TIMES, PROP_LOGON, 0},
    {"IdleHint", "b", LOGIND_PROPS_TIMES, PROP_IDLE, 0},
    {"IdleSinceHint", "t", LOGIND_PROPS_TIMES, PROP_IDLE_SINCE, 0},
    {"LockedHint", "b", LOGIND_PROPS_TIMES, PROP_LOCKED, 0},
};

static int replace_string(char **field, const char *value) {
    char *copy = strdup(value);

    if (!copy)
        return -ENOMEM;
    free(*field);
    *field = copy;
    return 0;
}

/* Reads the value of one property (the variant's contents have the expected signature). */
static int read_prop(sd_bus_message *m, const struct prop *p, struct session_record *rec) {
    const char *s;
    uint32_t u;
    uint64_t t;
    int b, r;

    switch (p->kind) {
    case PROP_STRING:
        if ((r = sd_bus_message_read(m, "v", "s", &s)) < 0)
            return r;
        return replace_string((char **) ((char *) rec + p->offset), s);
    case PROP_KEY:
        if ((r = sd_bus_message_read(m, "v", "s", &s)) < 0)
            return r;
        if (strlen(s) >= sizeof(rec->key))
            return -ERANGE;
        strcpy(rec->key, s);
        return 0;
    case PROP_STATE:
        if ((r = sd_bus_message_read(m, "v", "s", &s)) < 0)
            return r;
        if (logind_parse_state(s, &rec->state) < 0)
            rec->state = SESSION_STATE_ONLINE; /* a state newer than this code: logged in, at least */
        return 0;
    case PROP_UID:
        if ((r = sd_bus_message_read(m, "v", "(uo)", &u, NULL)) < 0)
            return r;
        rec->uid = (uid_t) u;
        rec->has_uid = true;
        return 0;
    case PROP_SEAT:
        if ((r = sd_bus_message_read(m, "v", "(so)", &s, NULL)) < 0)
            return r;
        return replace_string(&rec->seat, s);
    case PROP_REMOTE:
    case PROP_IDLE:
    case PROP_LOCKED:
        if ((r = sd_bus_message_read(m, "v", "b", &b)) < 0)
            return r;
        if (p->kind == PROP_REMOTE)
            rec->remote = b;
        else if (p->kind == PROP_IDLE)
            rec->idle = b;
        else
            rec->lock = b ? SESSION_LOCK_LOCKED : SESSION_LOCK_UNLOCKED;
        return 0;
    case PROP_VT:
    case PROP_LEADER:
        if ((r = sd_bus_message_read(m, "v", "u", &u)) < 0)
            return r;
        if (p->kind == PROP_VT)
            rec->vt = u;
        else
            rec->leader = (pid_t) u;
        return 0;
    case PROP_LOGON:
    case PROP_IDLE_SINCE:
        if ((r = sd_bus_message_read(m, "v", "t", &t)) < 0)
            return r;
        if (p->kind == PROP_LOGON)
            rec->logon_usec = t;
        else
            rec->idle_since_usec = t;
        return 0;
    }
    return -EINVAL;
}

static const struct prop *find_prop(const char *name, unsigned what) {
    for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
        if ((props[i].group & what) && strcmp(props[i].name, name) == 0)
            return &props[i];
    return NULL;
}

int logind_parse_session_properties(sd_bus_message *m, unsigned what, struct session_record *rec) {
    uint32_t id;
    int r;

    r = sd_bus_message_enter_container(m, 'a', "{sv}");
    while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const struct prop *p;
        const char *name, *contents = NULL;
        char type;

        if ((r = sd_bus_message_read(m, "s", &name)) < 0)
            break;
        p = find_prop(name, what);
        /* Unknown, or of a type this code does not expect (a newer logind): skipped. */
        if (p && sd_bus_message_peek_type(m, &type, &contents) > 0 && type == 'v' && contents &&
            strcmp(contents, p->signature) == 0)
            r = read_prop(m, p, rec);
        else
            r = sd_bus_message_skip(m, "v");
        if (r < 0)
            break;
        if ((r = sd_bus_message_exit_container(m)) < 0)
            break;
    }
    if (r >= 0)
        r = sd_bus_message_exit_container(m);
    if (r < 0)
        return r == -ENOMEM || r == -ERANGE ? r : -EIO;

    if (what & LOGIND_PROPS_TIMES)
        rec->has_times = true;
    if (what & LOGIND_PROPS_IDENTITY) {
        if ((r = session_record_fill_strings(rec)) < 0)
            return r;
        /* The DWORD id before the classification, which tells session 0 apart. */
        if (rec->key[0] && session_id_from_logind(rec->key, &id) >= 0)
            rec->id = id;
        session_classify(rec);
    }
    return 0;
}

struct pending_call {
    bool done;
    sd_bus_message *reply;
};

static int on_call_reply(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    struct pending_call *c = userdata;

    (void) error;
    c->reply = sd_bus_message_ref(m);
    c->done = true;
    return 0;
}

static int call_through_signals(sd_bus *bus, sd_bus_message *m, sd_bus_error *ret_error, sd_bus_message **ret_reply) {
    struct pending_call c = {0};
    sd_bus_slot *slot = NULL;
    int r;

    r = sd_bus_call_async(bus, &slot, m, on_call_reply, &c, 0);
    while (r >= 0 && !c.done) {
        r = sd_bus_process(bus, NULL);
        if (r != 0)
            continue;
        /* No deadline of our own: sd-bus answers the call with NoReply
         * (ETIMEDOUT) once its method-call timeout has passed. */
        r = sd_bus_wait(bus, UINT64_MAX);
        if (r == -EINTR)
            r = 0;
    }
    if (r >= 0 && c.reply) {
        const sd_bus_error *e = sd_bus_message_get_error(c.reply);

        if (e) {
            const char *sender = sd_bus_message_get_sender(c.reply);

            r = -sd_bus_message_get_errno(c.reply);
            /* logind down and not startable: the bus daemon answers in its
             * stead, with whatever its activation attempt met (FileExists for
             * a masked unit, Spawn.*). Only a refusal by the bus's own policy
             * stays a refusal. */
            if (sender && strcmp(sender, "org.freedesktop.DBus") == 0 &&
                !sd_bus_error_has_name(e, SD_BUS_ERROR_ACCESS_DENIED))
                r = -E_UNREACHABLE;
            if (ret_error)
                sd_bus_error_copy(ret_error, e);
        } else if (ret_reply) {
            *ret_reply = c.reply;
            c.reply = NULL;
        }
    }
    sd_bus_slot_unref(slot);
    sd_bus_message_unref(c.reply);
    return r < 0 ? r : 0;
}

int logind_bus_call_method(sd_bus *bus, const char *destination, const char *path, const char *interface,
                           const char *member, sd_bus_error *ret_error, sd_bus_message **ret_reply,
                           const char *types, ...) {
    sd_bus_message *m = NULL;
    va_list ap;
    int r;

    r = sd_bus_message_new_method_call(bus, &m, destination, path, interface, member);
    if (r >= 0 && types && *types) {
        va_start(ap, types);
        r = sd_bus_message_appendv(m, types, ap);
        va_end(ap);
    }
    if (r >= 0)
        r = call_through_signals(bus, m, ret_error, ret_reply);
    sd_bus_message_unref(m);
    return r;
}

int logind_call_manager(sd_bus *bus, const char *method, const char *types, ...) {
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
        r = call_through_signals(bus, m, &error, NULL);
    if (r < 0)
        r = logind_bus_error_to_errno(&error, r);
    sd_bus_message_unref(m);
    sd_bus_error_free(&error);
    return r;
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

/*
 * TerminateSession only queues the stop of the session's scope and replies;
 * logind announces SessionRemoved once the scope is gone and every process
 * with it. So: subscribe first, then terminate, then wait for the signal on a
 * monotonic deadline. A session stuck in "closing" (TerminateSession is a
 * no-op there) is forced with KillSession(all, SIGKILL) after the grace.
 */
int logind_bus_logoff(sd_bus *bus, const char *key, bool wait, const struct logoff_policy *policy) {
    struct removal_watch watch = {.key = key};
    sd_bus_slot *slot = NULL;
    uint64_t start, grace_at, deadline_at;
    bool forced = false;
    int r;

    if (wait) {
        /* AddMatch goes out before TerminateSession on the same connection,
         * and the bus handles a connection's messages in order: the match is
         * in place before logind can remove the session. (Asynchronous, so
         * that a signal to the caller cannot interrupt it.) */
        r = sd_bus_match_signal_async(bus, &slot, LOGIND_SERVICE, LOGIND_PATH, LOGIND_MANAGER, "SessionRemoved",
                                      on_session_removed, NULL, &watch);
        if (r < 0) {
            r = logind_bus_error_to_errno(NULL, r);
            goto out;
        }
    }
    r = logind_call_manager(bus, "TerminateSession", "s", key);
    if (r < 0 || !wait)
        goto out;

    start = now_monotonic_usec();
    grace_at = start + policy->grace_usec;
    deadline_at = start + policy->deadline_usec;
    for (;;) {
        uint64_t now, until;

        r = sd_bus_process(bus, NULL);
        if (r < 0) {
            r = logind_bus_error_to_errno(NULL, r);
            goto out;
        }
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
            r = logind_call_manager(bus, "KillSession", "ssi", key, "all", (int32_t) SIGKILL);
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
        if (r < 0 && r != -EINTR) { /* a signal to the caller does not end the wait */
            r = logind_bus_error_to_errno(NULL, r);
            goto out;
        }
    }
out:
    sd_bus_slot_unref(slot);
    return r < 0 ? r : 0;
}
