#include "api/server.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/errors.h"
#include "session/remote.h"

struct wts_server {
    struct wts_server *next; /* in the registry of live handles */
    unsigned refs;
    bool closed;
    bool local;
    int open_error; /* a failed open: what every call on it fails with (negative errno) */
    pthread_mutex_t lock; /* guards provider */
    struct session_provider *provider;
    char *target; /* remote: "ssh://…" for the remote provider; NULL when remote access is off */
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

static void local_host_name(char *buf, size_t size) {
    if (gethostname(buf, size) < 0 || !buf[0])
        snprintf(buf, size, "localhost");
    buf[size - 1] = '\0';
}

int server_name_is_local(const char *name) {
    char host[256];
    size_t short_len;

    if (!name || !*name || strcmp(name, ".") == 0 || strcasecmp(name, "localhost") == 0)
        return 1;
    local_host_name(host, sizeof(host));
    if (strcasecmp(name, host) == 0)
        return 1;
    short_len = strcspn(host, ".");
    return strlen(name) == short_len && strncasecmp(name, host, short_len) == 0;
}

/* A host name as Windows takes it: an optional leading "\\", then letters,
 * digits, '-', '.', '_' (and ':' '[' ']' for addresses); at most 255 bytes. */
static int validate_server_name(const char *name, const char **ret_bare) {
    const char *bare = name;

    if (strncmp(bare, "\\\\", 2) == 0) {
        bare += 2;
        if (!*bare)
            return -EINVAL; /* "\\\\" alone names no server, not this one */
    }
    if (strlen(bare) > 255)
        return -ENAMETOOLONG;
    for (const char *c = bare; *c; c++)
        if (!isalnum((unsigned char) *c) && !strchr("-._:[]", *c))
            return -EINVAL;
    if (bare[0] == '-')
        return -EINVAL; /* never something that reads like an option */
    *ret_bare = bare;
    return 0;
}

/*
 * Where a name that is not this host goes (docs/api.md, "Remote hosts"):
 * "ssh://[user@]host[:port]" always over ssh; a plain name over ssh too,
 * unless WTSNET_REMOTE=none (then calls fail with ERROR_NOT_SUPPORTED).
 */
static int remote_target_for(const char *name, const char *bare, char **ret_target, char *host, size_t host_size) {
    struct remote_target t;
    const char *mode = secure_getenv("WTSNET_REMOTE");
    char spec[320];
    int r;

    if (strncasecmp(name, REMOTE_SCHEME, strlen(REMOTE_SCHEME)) == 0)
        r = remote_target_parse(name, &t);
    else if (mode && *mode && strcmp(mode, "ssh") != 0) {
        snprintf(host, host_size, "%s", bare);
        *ret_target = NULL;
        return 0;
    } else if (bare[0] == '[') { /* "[v6]" */
        r = snprintf(spec, sizeof(spec), "%s%s", REMOTE_SCHEME, bare) < (int) sizeof(spec)
                ? remote_target_parse(spec, &t)
                : -EINVAL;
    } else
        r = remote_target_from_host(bare, &t);
    if (r < 0)
        return r;
    r = remote_target_format(&t, spec, sizeof(spec));
    if (r < 0)
        return -EINVAL;
    if (!(*ret_target = strdup(spec)))
        return -ENOMEM;
    snprintf(host, host_size, "%s", t.host);
    return 0;
}

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

static int server_try_open(const char *name, struct wts_server **ret) {
    struct wts_server *s;
    const char *bare = "";
    bool ssh_url = name && strncasecmp(name, REMOTE_SCHEME, strlen(REMOTE_SCHEME)) == 0;
    int r;

    if (name && !ssh_url) {
        r = validate_server_name(name, &bare);
        if (r < 0)
            return r;
    }
    s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->refs = 1;
    s->local = !ssh_url && server_name_is_local(bare);
    if (s->local)
        local_host_name(s->host, sizeof(s->host));
    else {
        r = remote_target_for(name, bare, &s->target, s->host, sizeof(s->host));
        /* Opened now, without connecting: its settings (WTSNET_SSH_CONFIG,
         * WTSNET_REMOTE_TIMEOUT_MS) are those in force at WTSOpenServer. */
        if (r >= 0 && s->target)
            r = remote_provider_ops.open(s->target, &s->provider);
        if (r < 0) {
            free(s->target);
            free(s);
            return r;
        }
    }
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
    if (s->provider)
        s->provider->ops->close(s->provider); /* a remote one ends its ssh here */
    pthread_mutex_destroy(&s->lock);
    free(s->target);
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
    bool last = false;
    struct wts_server *s = NULL;

    if (!h || h == (HANDLE) &no_memory)
        return;
    pthread_mutex_lock(&registry_lock);
    for (struct wts_server *i = registry; i; i = i->next)
        if ((HANDLE) i == h && !i->closed) {
            s = i;
            s->closed = true;
            if (--s->refs == 0) {
                unlink_server(s);
                last = true;
            }
            break;
        }
    pthread_mutex_unlock(&registry_lock);
    if (last)
        server_free(s);
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

    if (!s->local && !s->target)
        return -EOPNOTSUPP; /* remote access turned off (WTSNET_REMOTE=none) */
    pthread_mutex_lock(&s->lock);
    /* Not cached on failure: logind may come up after the handle was opened.
     * (A remote handle has its provider from server_open on.) */
    if (!s->provider)
        r = session_provider_open_local(&s->provider);
    if (r >= 0)
        *ret = s->provider;
    pthread_mutex_unlock(&s->lock);
    return r;
}

static pthread_once_t this_host_named = PTHREAD_ONCE_INIT;

static void name_this_host(void) {
    local_host_name(this_host.host, sizeof(this_host.host));
}

const char *server_host_name(struct wts_server *s) {
    if (s == &this_host)
        pthread_once(&this_host_named, name_this_host);
    return s->host;
}
