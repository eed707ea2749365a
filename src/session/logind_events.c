/*
 * logind's session changes as a subscription (session_events.h), from its
 * D-Bus signals alone — no polling (org.freedesktop.login1(5)):
 *   Manager.SessionNew(s id, o path)        → LOGON
 *   Manager.SessionRemoved(s id, o path)    → LOGOFF
 *   Properties.PropertiesChanged on a session object, Session interface:
 *     Active  true/false → CONSOLE_CONNECT/CONSOLE_DISCONNECT (only seat
 *                          sessions change Active: that is the console's
 *                          foreground, as on Windows)
 *     LockedHint true/false → LOCK/UNLOCK
 *     State (changed or invalidated) → STATE_CHANGE
 *   Session.Lock / Session.Unlock (what `loginctl lock-session` sends to the
 *     session's screen locker) → LOCK/UNLOCK
 * A session's lock is reported once per change: a locker that obeys Lock and
 * then sets LockedHint gives one LOCK, not two (the last state is kept per
 * session, for up to LOCK_STATES sessions).
 *
 * The subscription owns its bus connection (or, for the remote provider,
 * shares one under that provider's lock): matches are installed
 * synchronously, so a change after subscribe returns is never missed. A
 * connection that ends (bus daemon gone, ssh ended) makes read fail with
 * -EHOSTDOWN.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "common/errors.h"
#include "session/logind_bus.h"
#include "session/session_events.h"

#define LOCK_STATES 256

struct logind_sub {
    struct session_subscription base;
    sd_bus *bus;
    pthread_mutex_t *bus_lock; /* a shared connection's lock (NULL: the bus is ours alone) */
    bool own_bus;
    sd_bus_slot *slots[6];
    struct session_event_queue queue; /* (under bus_lock, when shared) */
    int ready_fd; /* eventfd: readable while queue has records */
    int epoll_fd; /* what callers poll: the connection and ready_fd */
    int error; /* the connection ended: every later read fails with it */
    struct {
        uint32_t id;
        bool locked;
    } locks[LOCK_STATES];
    size_t n_locks;
};

static int id_of_key(const char *key, uint32_t *ret) {
    return session_id_from_logind(key, ret) < 0 ? -EBADMSG : 0;
}

/* The session a session object's path names ("…/session/_31" is "1"). */
static int key_of_path(const char *path, char *buf, size_t size) {
    char *key = NULL;
    int r = sd_bus_path_decode(path, LOGIND_SESSION_PATH_PREFIX, &key);

    if (r <= 0 || !key || strlen(key) >= size) {
        free(key);
        return -EBADMSG;
    }
    strcpy(buf, key);
    free(key);
    return 0;
}

static void push(struct logind_sub *s, uint32_t code, const char *key) {
    uint32_t id;

    if (id_of_key(key, &id) < 0)
        return; /* not a session id we can name (a newer logind's?): nothing to report */
    session_event_queue_push(&s->queue, code, id, key);
    eventfd_write(s->ready_fd, 1);
}

/* Reports a lock state once per change. */
static void push_lock(struct logind_sub *s, const char *key, bool locked) {
    uint32_t id;
    size_t i;

    if (id_of_key(key, &id) < 0)
        return;
    for (i = 0; i < s->n_locks && s->locks[i].id != id; i++)
        ;
    if (i < s->n_locks && s->locks[i].locked == locked)
        return;
    if (i == s->n_locks) {
        if (s->n_locks == LOCK_STATES) /* forget the oldest */
            memmove(&s->locks[0], &s->locks[1], sizeof(s->locks[0]) * --s->n_locks), i = s->n_locks;
        s->n_locks++;
    }
    s->locks[i].id = id;
    s->locks[i].locked = locked;
    session_event_queue_push(&s->queue, locked ? SESSION_EVENT_LOCK : SESSION_EVENT_UNLOCK, id, key);
    eventfd_write(s->ready_fd, 1);
}

static void forget_lock(struct logind_sub *s, const char *key) {
    uint32_t id;

    if (id_of_key(key, &id) < 0)
        return;
    for (size_t i = 0; i < s->n_locks; i++)
        if (s->locks[i].id == id) {
            memmove(&s->locks[i], &s->locks[i + 1], sizeof(s->locks[0]) * (s->n_locks - i - 1));
            s->n_locks--;
            return;
        }
}

static int on_session_new(sd_bus_message *m, void *userdata, sd_bus_error *e) {
    const char *key;

    (void) e;
    if (sd_bus_message_read(m, "s", &key) >= 0)
        push(userdata, SESSION_EVENT_LOGON, key);
    return 0;
}

static int on_session_removed(sd_bus_message *m, void *userdata, sd_bus_error *e) {
    const char *key;

    (void) e;
    if (sd_bus_message_read(m, "s", &key) >= 0) {
        forget_lock(userdata, key);
        push(userdata, SESSION_EVENT_LOGOFF, key);
    }
    return 0;
}

static int on_lock_signal(sd_bus_message *m, void *userdata, sd_bus_error *e) {
    char key[64];

    (void) e;
    if (key_of_path(sd_bus_message_get_path(m), key, sizeof(key)) >= 0)
        push_lock(userdata, key, strcmp(sd_bus_message_get_member(m), "Lock") == 0);
    return 0;
}

/* PropertiesChanged(s interface, a{sv} changed, as invalidated). */
static int on_properties(sd_bus_message *m, void *userdata, sd_bus_error *e) {
    struct logind_sub *s = userdata;
    const char *iface, *name;
    char key[64];
    int r, b;

    (void) e;
    if (key_of_path(sd_bus_message_get_path(m), key, sizeof(key)) < 0 ||
        sd_bus_message_read(m, "s", &iface) < 0 || strcmp(iface, LOGIND_SESSION) != 0 ||
        sd_bus_message_enter_container(m, 'a', "{sv}") < 0)
        return 0;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        if (sd_bus_message_read(m, "s", &name) < 0)
            return 0;
        if ((strcmp(name, "Active") == 0 || strcmp(name, "LockedHint") == 0) &&
            sd_bus_message_enter_container(m, 'v', "b") > 0) {
            if (sd_bus_message_read(m, "b", &b) < 0)
                return 0;
            if (name[0] == 'A')
                push(s, b ? SESSION_EVENT_CONSOLE_CONNECT : SESSION_EVENT_CONSOLE_DISCONNECT, key);
            else
                push_lock(s, key, b);
            sd_bus_message_exit_container(m);
        } else {
            if (strcmp(name, "State") == 0)
                push(s, SESSION_EVENT_STATE_CHANGE, key);
            if (sd_bus_message_skip(m, "v") < 0)
                return 0;
        }
        if (sd_bus_message_exit_container(m) < 0)
            return 0;
    }
    if (r < 0 || sd_bus_message_exit_container(m) < 0 || sd_bus_message_enter_container(m, 'a', "s") < 0)
        return 0;
    while (sd_bus_message_read(m, "s", &name) > 0)
        if (strcmp(name, "State") == 0)
            push(s, SESSION_EVENT_STATE_CHANGE, key);
    return 0;
}

static void lock_bus(struct logind_sub *s) {
    if (s->bus_lock)
        pthread_mutex_lock(s->bus_lock);
}

static void unlock_bus(struct logind_sub *s) {
    if (s->bus_lock)
        pthread_mutex_unlock(s->bus_lock);
}

/* Readable when the connection has bytes, or when records wait in the queue
 * (another user of a shared connection dispatched them: remote.c). */
static int sub_fd(struct session_subscription *base) {
    struct logind_sub *s = (struct logind_sub *) base;

    return s->epoll_fd;
}

/* Takes what the connection has (never waits); 1 with a record, 0 none. */
static int sub_read(struct session_subscription *base, struct session_event *ret) {
    struct logind_sub *s = (struct logind_sub *) base;
    eventfd_t v;
    bool got;
    int r = 0;

    lock_bus(s);
    /* One message per sd_bus_process; a burst is read until a record is ready
     * or the connection has nothing more. */
    while (s->error == 0 && s->queue.count == 0 && (r = sd_bus_process(s->bus, NULL)) > 0)
        ;
    if (r >= 0 && s->error == 0 && !sd_bus_is_open(s->bus))
        r = -ENOTCONN;
    if (r < 0 && r != -EINTR && s->error == 0)
        s->error = logind_bus_connection_lost(r) || r == -ENOTCONN ? -E_UNREACHABLE : r;
    got = session_event_queue_pop(&s->queue, ret);
    if (s->queue.count == 0)
        eventfd_read(s->ready_fd, &v); /* empty: not readable for this reason any more */
    r = got ? 1 : s->error;
    unlock_bus(s);
    return r;
}

static void sub_close(struct session_subscription *base) {
    struct logind_sub *s = (struct logind_sub *) base;

    lock_bus(s);
    for (size_t i = 0; i < sizeof(s->slots) / sizeof(s->slots[0]); i++)
        sd_bus_slot_unref(s->slots[i]);
    if (s->own_bus)
        sd_bus_flush_close_unref(s->bus);
    else
        sd_bus_unref(s->bus);
    unlock_bus(s);
    if (s->epoll_fd >= 0)
        close(s->epoll_fd);
    if (s->ready_fd >= 0)
        close(s->ready_fd);
    free(s);
}

static const struct session_subscription_ops logind_sub_ops = {
    .fd = sub_fd,
    .read = sub_read,
    .close = sub_close,
};

/* AddMatch is a method call: a signal to this thread must not make it fail. */
static int add_match(sd_bus *bus, sd_bus_slot **slot, const char *match, sd_bus_message_handler_t cb, void *ud) {
    int r;

    for (int tries = 0; tries < 100; tries++)
        if ((r = sd_bus_add_match(bus, slot, match, cb, ud)) != -EINTR)
            break;
    return r;
}

int logind_subscribe_shared(sd_bus *bus, pthread_mutex_t *bus_lock, bool own_bus, struct session_subscription **ret) {
    static const char sender[] = "type='signal',sender='" LOGIND_SERVICE "',";
    struct logind_sub *s = calloc(1, sizeof(*s));
    struct {
        const char *rule;
        sd_bus_message_handler_t cb;
    } const matches[] = {
        {"path='" LOGIND_PATH "',interface='" LOGIND_MANAGER "',member='SessionNew'", on_session_new},
        {"path='" LOGIND_PATH "',interface='" LOGIND_MANAGER "',member='SessionRemoved'", on_session_removed},
        {"path_namespace='" LOGIND_SESSION_PATH_PREFIX "',interface='org.freedesktop.DBus.Properties',"
         "member='PropertiesChanged',arg0='" LOGIND_SESSION "'",
         on_properties},
        {"path_namespace='" LOGIND_SESSION_PATH_PREFIX "',interface='" LOGIND_SESSION "',member='Lock'",
         on_lock_signal},
        {"path_namespace='" LOGIND_SESSION_PATH_PREFIX "',interface='" LOGIND_SESSION "',member='Unlock'",
         on_lock_signal},
    };
    char rule[512];
    int r = 0;

    if (!s)
        return -ENOMEM;
    s->base.ops = &logind_sub_ops;
    s->ready_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    s->bus = bus;
    s->bus_lock = bus_lock;
    s->own_bus = own_bus;
    lock_bus(s);
    sd_bus_ref(bus); /* the caller keeps, and drops, its own reference (under the lock: no atomics) */
    if (s->ready_fd < 0 || s->epoll_fd < 0)
        r = -errno;
    else {
        struct epoll_event a = {.events = EPOLLIN, .data.fd = s->ready_fd};
        struct epoll_event b = {.events = EPOLLIN, .data.fd = sd_bus_get_fd(bus)};

        if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->ready_fd, &a) < 0 ||
            epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, b.data.fd, &b) < 0)
            r = -errno;
    }
    for (size_t i = 0; r >= 0 && i < sizeof(matches) / sizeof(matches[0]); i++) {
        snprintf(rule, sizeof(rule), "%s%s", sender, matches[i].rule);
        r = add_match(bus, &s->slots[i], rule, matches[i].cb, s);
    }
    unlock_bus(s);
    if (r < 0) {
        s->own_bus = false; /* on failure the caller's bus is left open */
        sub_close(&s->base);
        return logind_bus_error_to_errno(NULL, r);
    }
    *ret = &s->base;
    return 0;
}
