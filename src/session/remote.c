/*
 * The remote provider: another host's systemd-logind, over D-Bus carried by
 * `ssh … -- host systemd-stdio-bridge` (what sd_bus_open_system_remote()
 * runs; logind.md, "Remote and containers"). No sd-login there: every read
 * is a bus call, and the logic shared with the local provider lives in
 * logind_bus.c.
 *
 * Why not sd_bus_open_system_remote() itself: it gives ssh no BatchMode and
 * no ConnectTimeout (a password prompt or a black-holed host would hang the
 * caller), lets ssh print to the caller's stderr (the library never prints)
 * and keeps ssh's exit reason to itself. So remote_spawn.c spawns ssh itself
 * (posix_spawn, argv only), reads its stderr to tell a refused login from
 * an unreachable host, and reaps it when the handle closes.
 *
 * Errors: logind_bus.h, plus: ssh refused the login → -EACCES; no connection,
 * a connection lost, or no answer within the timeout → -EHOSTDOWN.
 *
 * One connection per handle, made on first use and made again after it was
 * lost; calls on one handle are serialized (an sd_bus is not thread-safe).
 *
 * The files: remote.c (the provider operations), remote_bus.c (the sd-bus
 * connection), remote_spawn.c (the ssh child), remote_target.c (ssh://
 * destinations).
 */
#include "session/remote_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include "common/errors.h"
#include "common/settings.h"
#include "common/wintime.h"
#include "session/logind_bus.h"

static struct remote_provider *to_remote(struct session_provider *p) {
    return (struct remote_provider *) p;
}

/* WTSNET_REMOTE_TIMEOUT_MS (common/settings.h): 1 ms to one hour, else 10 s. */
static uint64_t timeout_from_env(void) {
    uint64_t ms;

    (void) setting_duration_ms(SETTING_REMOTE_TIMEOUT, &ms); /* malformed: the default */
    return ms * 1000;
}

static int remote_open(const char *target, struct session_provider **ret) {
    struct remote_provider *rp;
    const char *config = setting_text(SETTING_SSH_CONFIG);
    int r;

    if (!target)
        return -EINVAL;
    rp = calloc(1, sizeof(*rp));
    if (!rp)
        return -ENOMEM;
    r = remote_target_parse(target, &rp->target);
    if (r < 0) {
        free(rp);
        return r;
    }
    if (config && *config && !(rp->config = strdup(config))) {
        free(rp);
        return -ENOMEM;
    }
    rp->base.ops = &remote_provider_ops;
    rp->timeout_usec = timeout_from_env();
    rp->ssh.err_fd = -1;
    rp->ssh.pidfd = -1;
    pthread_mutex_init(&rp->lock, NULL);
    *ret = &rp->base;
    return 0;
}

static void remote_close(struct session_provider *p) {
    struct remote_provider *rp;

    if (!p)
        return;
    rp = to_remote(p);
    remote_disconnect(rp);
    pthread_mutex_destroy(&rp->lock);
    free(rp->config);
    free(rp);
}

/* One property read in flight (the list pipelines them). */
struct pending_read {
    struct session_record rec;
    sd_bus_slot *slot;
    int result; /* 1 while in flight */
    size_t *in_flight;
};

static int on_properties(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    struct pending_read *pr = userdata;
    const sd_bus_error *e = sd_bus_message_get_error(m);

    (void) error;
    if (e)
        pr->result = logind_bus_error_to_errno(e, -sd_bus_message_get_errno(m));
    else
        pr->result = logind_parse_session_properties(m, LOGIND_PROPS_ALL, &pr->rec);
    (*pr->in_flight)--;
    return 0;
}

static int send_properties_read(sd_bus *bus, const char *key, struct pending_read *pr) {
    char *path = NULL;
    int r;

    r = sd_bus_path_encode(LOGIND_SESSION_PATH_PREFIX, key, &path);
    if (r < 0)
        return r;
    r = sd_bus_call_method_async(bus, &pr->slot, LOGIND_SERVICE, path, "org.freedesktop.DBus.Properties", "GetAll",
                                 on_properties, pr, "s", LOGIND_SESSION);
    free(path);
    if (r >= 0) {
        pr->result = 1;
        (*pr->in_flight)++;
    }
    return r;
}

/* The dbus-daemon allows 128 pending replies per connection by default
 * (max_replies_per_connection): stay well below. */
#define READS_IN_FLIGHT 64

int remote_read_session_keys(sd_bus_message *m, bool ex, char ***ret, size_t *ret_count) {
    char **keys = NULL;
    size_t n = 0;
    int r;

    r = sd_bus_message_enter_container(m, 'a', ex ? "(sussussbto)" : "(susso)");
    while (r >= 0) {
        const char *id;
        char **grown;

        r = ex ? sd_bus_message_read(m, "(sussussbto)", &id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
               : sd_bus_message_read(m, "(susso)", &id, NULL, NULL, NULL, NULL);
        if (r <= 0)
            break;
        grown = realloc(keys, (n + 2) * sizeof(*keys));
        if (!grown) {
            r = -ENOMEM;
            break;
        }
        keys = grown;
        keys[n + 1] = NULL;
        if (!(keys[n] = strdup(id))) {
            r = -ENOMEM;
            break;
        }
        n++;
    }
    if (r >= 0)
        r = sd_bus_message_exit_container(m);
    if (r < 0) {
        for (size_t i = 0; i < n; i++)
            free(keys[i]);
        free(keys);
        return r == -ENOMEM ? r : -EIO;
    }
    *ret = keys;
    *ret_count = n;
    return 0;
}

/*
 * Session keys: ListSessionsEx where logind has it (systemd ≥ 256); else
 * ListSessions (systemd 252, Debian 12). Either way the record comes from
 * GetAll, because neither list carries State, Service, Type or RemoteHost.
 */
static int list_keys(struct remote_provider *rp, char ***ret, size_t *ret_count) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    bool ex = !rp->no_list_ex;
    int r;

    if (ex) {
        r = logind_bus_call_method(rp->bus, LOGIND_SERVICE, LOGIND_PATH, LOGIND_MANAGER, "ListSessionsEx", &error,
                                   &reply, NULL);
        /* An older logind answers UnknownMethod to root; to anyone else the
         * bus itself answers AccessDenied, its policy listing only the
         * methods that logind had when it was written. */
        if (r < 0 && sd_bus_error_has_names(&error, SD_BUS_ERROR_UNKNOWN_METHOD, SD_BUS_ERROR_ACCESS_DENIED)) {
            rp->no_list_ex = true; /* as loginctl does: fall back for good on this handle */
            ex = false;
            sd_bus_error_free(&error);
        } else if (r < 0)
            goto fail;
    }
    if (!ex) {
        r = logind_bus_call_method(rp->bus, LOGIND_SERVICE, LOGIND_PATH, LOGIND_MANAGER, "ListSessions", &error,
                                   &reply, NULL);
        if (r < 0)
            goto fail;
    }

    r = remote_read_session_keys(reply, ex, ret, ret_count);
    goto out;
fail:
    r = remote_call_failed(rp, &error, r);
out:
    sd_bus_message_unref(reply);
    sd_bus_error_free(&error);
    return r;
}

/*
 * Ends a call: a call reads whatever the connection brings, so logind's
 * signals for a subscription sharing it may now wait in sd-bus's queue,
 * where no poll sees them. They are dispatched here, into the subscriptions'
 * own queues, whose descriptors then wake their readers (logind_events.c).
 */
static void remote_unlock(struct remote_provider *rp) {
    if (rp->bus && rp->subscribed)
        while (sd_bus_process(rp->bus, NULL) > 0)
            ;
    pthread_mutex_unlock(&rp->lock);
}

static int remote_list(struct session_provider *p, struct session_list *ret) {
    struct remote_provider *rp = to_remote(p);
    struct session_list list = {0};
    struct pending_read *reads = NULL;
    char **keys = NULL;
    size_t n = 0, sent = 0, in_flight = 0;
    int r;

    pthread_mutex_lock(&rp->lock);
    r = remote_connect(rp);
    if (r < 0)
        goto out;
    r = list_keys(rp, &keys, &n);
    if (r < 0)
        goto out;
    reads = calloc(n ? n : 1, sizeof(*reads));
    if (!reads) {
        r = -ENOMEM;
        goto out;
    }
    r = session_list_begin(&list, n);
    if (r < 0)
        goto out;

    /* Every read sent before the replies are awaited: one round trip for
     * the whole list (in windows of READS_IN_FLIGHT), not one per session. */
    while (sent < n || in_flight > 0) {
        while (sent < n && in_flight < READS_IN_FLIGHT) {
            reads[sent].in_flight = &in_flight;
            reads[sent].rec.lock = SESSION_LOCK_UNKNOWN;
            r = send_properties_read(rp->bus, keys[sent], &reads[sent]);
            if (r < 0) {
                r = remote_call_failed(rp, NULL, r);
                goto out;
            }
            sent++;
        }
        /* All sent: wait for the last reply; else until half the window is free. */
        r = remote_run_bus(rp->bus, &in_flight, sent < n ? READS_IN_FLIGHT / 2 : 0,
                    now_monotonic_usec() + rp->timeout_usec);
        if (r < 0) {
            r = remote_call_failed(rp, NULL, r);
            goto out;
        }
    }

    for (size_t i = 0; i < n; i++) {
        struct pending_read *pr = &reads[i];
        uint32_t id;

        if (pr->result == -E_NO_SESSION || session_id_from_logind(pr->rec.key, &id) < 0) {
            session_record_done(&pr->rec); /* ended while we were reading, or not addressable */
            continue;
        }
        if (pr->result < 0) {
            r = logind_bus_connection_lost(pr->result) ? remote_connection_failed(rp, pr->result) : pr->result;
            goto out;
        }
        pr->rec.id = id;
        list.items[list.count++] = pr->rec;
        memset(&pr->rec, 0, sizeof(pr->rec));
    }
    *ret = list;
    list = (struct session_list){0};
    r = 0;
out:
    if (reads) {
        for (size_t i = 0; i < n; i++) {
            sd_bus_slot_unref(reads[i].slot);
            session_record_done(&reads[i].rec);
        }
        free(reads);
    }
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    session_list_free(&list);
    remote_unlock(rp);
    return r;
}

static int remote_get(struct session_provider *p, uint32_t id, bool with_times, struct session_record *ret) {
    struct remote_provider *rp = to_remote(p);
    struct session_record rec = {.id = id, .lock = SESSION_LOCK_UNKNOWN};
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    char key[32], *path = NULL;
    int r;

    (void) with_times; /* one GetAll brings everything */
    if (id == SESSION_ID_SERVICES)
        return session_record_services(ret);
    if (session_id_to_logind(id, key, sizeof(key)) < 0)
        return -E_NO_SESSION;
    r = sd_bus_path_encode(LOGIND_SESSION_PATH_PREFIX, key, &path);
    if (r < 0)
        return r;

    pthread_mutex_lock(&rp->lock);
    r = remote_connect(rp);
    if (r < 0)
        goto out;
    r = logind_bus_call_method(rp->bus, LOGIND_SERVICE, path, "org.freedesktop.DBus.Properties", "GetAll", &error, &reply,
                           "s", LOGIND_SESSION);
    if (r < 0) {
        r = remote_call_failed(rp, &error, r);
        goto out;
    }
    r = logind_parse_session_properties(reply, LOGIND_PROPS_ALL, &rec);
    if (r < 0)
        goto out;
    rec.id = id;
    *ret = rec;
    rec = (struct session_record){0};
out:
    /* Under the lock: a message holds a reference on the bus, and sd-bus
     * counts references without atomics. */
    sd_bus_message_unref(reply);
    remote_unlock(rp);
    session_record_done(&rec);
    sd_bus_error_free(&error);
    free(path);
    return r;
}

/* The caller's session on that host is the one ssh opened for the bridge:
 * logind resolves pid 0 to the sender of the call, which is the bridge. */
static int remote_current(struct session_provider *p, uint32_t *ret) {
    struct remote_provider *rp = to_remote(p);
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    const char *path;
    char *key = NULL;
    int r;

    pthread_mutex_lock(&rp->lock);
    r = remote_connect(rp);
    if (r < 0)
        goto out;
    r = logind_bus_call_method(rp->bus, LOGIND_SERVICE, LOGIND_PATH, LOGIND_MANAGER, "GetSessionByPID", &error, &reply,
                           "u", (uint32_t) 0);
    if (r < 0) {
        if (sd_bus_error_has_name(&error, "org.freedesktop.login1.NoSessionForPID")) {
            *ret = SESSION_ID_SERVICES; /* ssh without pam_systemd: like a service */
            r = 0;
        } else
            r = remote_call_failed(rp, &error, r);
        goto out;
    }
    r = sd_bus_message_read(reply, "o", &path);
    if (r >= 0)
        r = sd_bus_path_decode(path, LOGIND_SESSION_PATH_PREFIX, &key);
    if (r <= 0) {
        r = r < 0 ? r : -EIO;
        goto out;
    }
    r = session_id_from_logind(key, ret) < 0 ? -E_NO_SESSION : 0;
out:
    sd_bus_message_unref(reply); /* under the lock: it holds a reference on the bus */
    remote_unlock(rp);
    free(key);
    sd_bus_error_free(&error);
    return r;
}

/* TerminateSession and the wait for SessionRemoved, over the same
 * connection: the signal comes from the remote logind (logind_bus.c). */
static int remote_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    struct remote_provider *rp = to_remote(p);
    char key[32];
    int r;

    if (id == SESSION_ID_SERVICES)
        return -EACCES; /* session 0 holds the system's services: never ended */
    if (session_id_to_logind(id, key, sizeof(key)) < 0)
        return -E_NO_SESSION;
    pthread_mutex_lock(&rp->lock);
    r = remote_connect(rp);
    if (r >= 0) {
        r = logind_bus_logoff(rp->bus, key, wait, policy);
        if (logind_bus_connection_lost(r) && r != -ETIMEDOUT)
            r = remote_connection_failed(rp, r);
    }
    remote_unlock(rp);
    return r;
}

/* logind's signals through the provider's own connection (the same ssh). */
static int remote_subscribe(struct session_provider *p, struct session_subscription **ret) {
    struct remote_provider *rp = to_remote(p);
    sd_bus *bus = NULL;
    int r;

    pthread_mutex_lock(&rp->lock);
    r = remote_connect(rp);
    if (r >= 0) {
        bus = sd_bus_ref(rp->bus);
        rp->subscribed = true;
    }
    pthread_mutex_unlock(&rp->lock);
    if (r < 0)
        return r;
    r = logind_subscribe_shared(bus, &rp->lock, false, ret);
    pthread_mutex_lock(&rp->lock);
    sd_bus_unref(bus); /* under the lock: sd-bus counts references without atomics */
    pthread_mutex_unlock(&rp->lock);
    return r;
}

const struct session_provider_ops remote_provider_ops = {
    .name = "remote",
    .open = remote_open,
    .close = remote_close,
    .list = remote_list,
    .get = remote_get,
    .current = remote_current,
    .logoff = remote_logoff,
    .processes = remote_processes,
    .subscribe = remote_subscribe,
};
