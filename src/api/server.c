#include "api/server.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/events.h"
#include "api/target.h"
#include "common/errors.h"
#include "session/remote.h"

struct wts_server {
    struct wts_server *next; /* in the registry of live handles */
    unsigned refs;
    bool closed;
    bool local;
    int open_error; /* a failed open: what every call on it fails with (negative errno) */
    pthread_mutex_t lock; /* guards provider, target and hub */
    struct session_provider *provider;
    struct server_target target; /* SERVER_DEST_AUTO until the first call probes it */
    struct event_hub *hub; /* WTSWaitSystemEvent's, from the first wait on */
    char host[256];
};

/* registry_lock guards the registry and every handle's next, refs and closed;
 * a handle's own lock guards its provider pointer (the provider locks its own
 * state: a handle is shared by every thread that holds it). The other fields
 * are fixed once server_open returns. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wts_server *registry;
/* WTS_CURRENT_SERVER_HANDLE: lives as long as the process. */
static struct wts_server this_host = {.refs = 1, .local = true, .lock = PTHREAD_MUTEX_INITIALIZER};
/* The failed open that could not even allocate its handle: never freed, never
 * local, every call on it fails with ERROR_NOT_ENOUGH_MEMORY. */
static struct wts_server no_memory = {.refs = 1, .open_error = -ENOMEM, .lock = PTHREAD_MUTEX_INITIALIZER};

static void registry_add(struct wts_server *s) {
    pthread_mutex_lock(&registry_lock);
    s->next = registry;
    registry = s;
    pthread_mutex_unlock(&registry_lock);
}

struct wts_server *server_failed(int error) {
    struct wts_server *s = calloc(1, sizeof(*s));

    if (!s)
        return &no_memory;
    s->refs = 1;
    s->open_error = error < 0 ? error : -EINVAL;
    pthread_mutex_init(&s->lock, NULL);
    registry_add(s);
    return s;
}

/* The provider of a remote destination (none for this host, "off" and a
 * destination still to be probed). */
static int open_remote_provider(const struct server_target *t, struct session_provider **ret) {
    char spec[300];

    if (t->dest == SERVER_DEST_SSH)
        return t->ssh[0] ? remote_provider_ops.open(t->ssh, ret) : -EHOSTDOWN;
    if (t->dest == SERVER_DEST_RDSH) {
        /* The SMB address again in the name grammar of rpc/binding.h. */
        if (strchr(t->smb.host, ':'))
            snprintf(spec, sizeof(spec), "[%s]:%u", t->smb.host, (unsigned) t->smb.port);
        else
            snprintf(spec, sizeof(spec), "%s:%u", t->smb.host, (unsigned) t->smb.port);
        return tsts_provider_ops.open(spec, ret);
    }
    return 0;
}

static int server_try_open(const char *name, struct wts_server **ret) {
    struct server_target t;
    struct wts_server *s;
    int r = server_resolve(SERVER_FOR_WTS, name, &t);

    if (r < 0)
        return r;
    s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->refs = 1;
    s->local = t.dest == SERVER_DEST_THIS_HOST;
    snprintf(s->host, sizeof(s->host), "%s", t.host);
    /* Opened now, without connecting: its settings (WTSNET_SSH_CONFIG,
     * WTSNET_REMOTE_TIMEOUT_MS) are those in force at WTSOpenServer. */
    if ((r = open_remote_provider(&t, &s->provider)) < 0) {
        free(s);
        return r;
    }
    s->target = t;
    pthread_mutex_init(&s->lock, NULL);
    registry_add(s);
    *ret = s;
    return 0;
}

int server_open(const char *name, struct wts_server **ret) {
    int r = server_try_open(name, ret);

    if (r < 0)
        *ret = server_failed(r);
    return r;
}

static void server_free(struct wts_server *s) {
    event_hub_free(s->hub); /* before the provider its subscription came from */
    if (s->provider)
        s->provider->ops->close(s->provider); /* a remote one ends its ssh here */
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Called with registry_lock held. */
static void unlink_server(struct wts_server *s) {
    for (struct wts_server **p = &registry; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            return;
        }
}

void server_close(HANDLE h) {
    struct wts_server *s = NULL;

    if (!h || h == (HANDLE) &no_memory)
        return;
    pthread_mutex_lock(&registry_lock);
    for (struct wts_server *i = registry; i; i = i->next)
        if ((HANDLE) i == h && !i->closed) {
            s = i;
            s->closed = true; /* no new call finds it */
            break;
        }
    pthread_mutex_unlock(&registry_lock);
    if (!s)
        return;
    /* Waits still holding it end now (docs/api.md, "WTSWaitSystemEvent").
     * The handle's own reference keeps s alive until this is done: another
     * thread's release may be the last one the moment we drop it. */
    pthread_mutex_lock(&s->lock);
    event_hub_close(s->hub);
    pthread_mutex_unlock(&s->lock);
    server_release(s);
}

int server_acquire(HANDLE h, struct wts_server **ret) {
    int r = -EBADF;

    if (!h) {
        *ret = &this_host;
        return 0;
    }
    if (h == (HANDLE) &no_memory)
        return no_memory.open_error;
    pthread_mutex_lock(&registry_lock);
    for (struct wts_server *i = registry; i; i = i->next)
        if ((HANDLE) i == h && !i->closed) {
            if (i->open_error < 0) {
                r = i->open_error; /* a failed open: its error, never this host */
                break;
            }
            i->refs++;
            *ret = i;
            r = 0;
            break;
        }
    pthread_mutex_unlock(&registry_lock);
    return r;
}

void server_release(struct wts_server *s) {
    bool last = false;

    if (!s || s == &this_host || s == &no_memory)
        return;
    pthread_mutex_lock(&registry_lock);
    if (--s->refs == 0) {
        unlink_server(s);
        last = true;
    }
    pthread_mutex_unlock(&registry_lock);
    if (last)
        server_free(s);
}

int server_provider(struct wts_server *s, struct session_provider **ret) {
    int r = 0;

    pthread_mutex_lock(&s->lock);
    /* A plain name: the first call asks whether it is an RD Session Host
     * (api/target.h); the answer stays with the handle. */
    if (!s->local && !s->provider && s->target.dest == SERVER_DEST_AUTO) {
        server_target_probe(&s->target);
        if ((r = open_remote_provider(&s->target, &s->provider)) < 0) {
            pthread_mutex_unlock(&s->lock);
            return r;
        }
    }
    /* Not this host and no remote provider: remote access turned off
     * (WTSNET_REMOTE=none, SERVER_DEST_OFF). A remote one's is fixed at open. */
    if (!s->local && !s->provider) {
        pthread_mutex_unlock(&s->lock);
        return -EOPNOTSUPP;
    }
    /* Not cached on failure: logind may come up after the handle was opened.
     * (A remote handle has its provider from server_open on.) */
    if (!s->provider)
        r = session_provider_open_local(&s->provider);
    if (r >= 0)
        *ret = s->provider;
    pthread_mutex_unlock(&s->lock);
    return r;
}

int server_event_hub(struct wts_server *s, struct event_hub **ret) {
    bool closed;
    int r = 0;

    pthread_mutex_lock(&s->lock);
    /* A wait that took its reference before WTSCloseServer but comes here
     * after it: server_close has closed the hub (or found none) already, so
     * a hub made now would never be closed and the wait never end. Read
     * under s->lock: a close that sets closed after this takes s->lock next
     * and closes the hub this returns. (Lock order: s->lock, registry_lock.) */
    pthread_mutex_lock(&registry_lock);
    closed = s->closed;
    pthread_mutex_unlock(&registry_lock);
    if (closed)
        r = -EBADF;
    else if (!s->hub)
        r = event_hub_new(&s->hub);
    if (r >= 0)
        *ret = s->hub;
    pthread_mutex_unlock(&s->lock);
    return r;
}

static pthread_once_t this_host_named = PTHREAD_ONCE_INIT;

static void name_this_host(void) {
    server_this_host_name(this_host.host, sizeof(this_host.host));
}

const char *server_host_name(struct wts_server *s) {
    if (s == &this_host)
        pthread_once(&this_host_named, name_this_host);
    return s->host;
}
