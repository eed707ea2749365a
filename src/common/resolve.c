#include "common/resolve.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/deadline.h"

/* One lookup, shared by the caller and the resolver thread; the last of the
 * two to let go frees it (and the result, when the caller never took it). */
struct lookup {
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    unsigned refs;
    bool done;
    int rc;
    struct addrinfo hints, *ai;
    char host[256], port[8];
};

static atomic_uint running; /* resolver threads alive, abandoned or not */

static void lookup_unref(struct lookup *l) {
    bool last;

    pthread_mutex_lock(&l->lock);
    last = --l->refs == 0;
    pthread_mutex_unlock(&l->lock);
    if (!last)
        return;
    if (l->ai)
        freeaddrinfo(l->ai);
    pthread_cond_destroy(&l->done_cond);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

static void *resolver(void *arg) {
    struct lookup *l = arg;
    struct addrinfo *ai = NULL;
    int rc = getaddrinfo(l->host, l->port, &l->hints, &ai);

    pthread_mutex_lock(&l->lock);
    l->rc = rc;
    l->ai = rc == 0 ? ai : NULL;
    l->done = true;
    pthread_cond_signal(&l->done_cond);
    pthread_mutex_unlock(&l->lock);
    lookup_unref(l);
    atomic_fetch_sub(&running, 1);
    return NULL;
}

static int gai_to_errno(int rc) {
    return rc == EAI_MEMORY ? -ENOMEM : rc == EAI_SYSTEM && errno == ENOMEM ? -ENOMEM : -ENETUNREACH;
}

static int start_thread(struct lookup *l) {
    pthread_attr_t attr;
    pthread_t t;
    sigset_t all, old;
    int e;

    if (atomic_fetch_add(&running, 1) >= RESOLVE_MAX_ABANDONED) {
        atomic_fetch_sub(&running, 1);
        return -ETIMEDOUT; /* the resolver is stuck for earlier calls already */
    }
    if (pthread_attr_init(&attr) != 0) {
        atomic_fetch_sub(&running, 1);
        return -ENOMEM;
    }
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    /* The application's signal handlers never run on our thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    e = pthread_create(&t, &attr, resolver, l);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (e != 0) {
        atomic_fetch_sub(&running, 1);
        return -ENOMEM;
    }
    return 0;
}

int resolve_with_deadline(const char *host, uint16_t port, int socktype, int64_t deadline, struct addrinfo **ret) {
    struct addrinfo hints = {.ai_socktype = socktype, .ai_flags = AI_NUMERICSERV | AI_NUMERICHOST};
    struct lookup *l;
    pthread_condattr_t ca;
    char portstr[8];
    int rc, r;

    snprintf(portstr, sizeof(portstr), "%u", port);
    /* An address needs no resolver: answered at once, without a thread. */
    rc = getaddrinfo(host, portstr, &hints, ret);
    if (rc == 0)
        return 0;
    if (rc != EAI_NONAME)
        return gai_to_errno(rc);
    if (strlen(host) >= sizeof(l->host))
        return -ENETUNREACH;
    if (deadline_left_ms(deadline) == 0)
        return -ETIMEDOUT;

    l = calloc(1, sizeof(*l));
    if (!l)
        return -ENOMEM;
    snprintf(l->host, sizeof(l->host), "%s", host);
    snprintf(l->port, sizeof(l->port), "%s", portstr);
    l->hints = hints;
    l->hints.ai_flags = AI_NUMERICSERV;
    l->refs = 2;
    pthread_mutex_init(&l->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->done_cond, &ca);
    pthread_condattr_destroy(&ca);
    if ((r = start_thread(l)) < 0) {
        l->refs = 1;
        lookup_unref(l);
        return r;
    }

    pthread_mutex_lock(&l->lock);
    while (!l->done) {
        struct timespec ts;

        if (deadline == INT64_MAX) {
            pthread_cond_wait(&l->done_cond, &l->lock);
            continue;
        }
        ts.tv_sec = deadline / 1000;
        ts.tv_nsec = (long) (deadline % 1000) * 1000000;
        if (pthread_cond_timedwait(&l->done_cond, &l->lock, &ts) == ETIMEDOUT && !l->done)
            break;
    }
    if (l->done) {
        rc = l->rc;
        *ret = l->ai;
        l->ai = NULL; /* ours now */
        r = rc == 0 ? 0 : gai_to_errno(rc);
    } else
        r = -ETIMEDOUT; /* abandoned: the thread frees what it finds */
    pthread_mutex_unlock(&l->lock);
    lookup_unref(l);
    return r;
}
