/*
 * Session events at the API edge (docs/api.md, "Session events"):
 * WTSWaitSystemEvent, and the wtsnet_events.h subscriptions.
 *
 * Both sit on a provider's subscription (session/session_events.h), which
 * is driven by the component's signals.
 *
 * WTSWaitSystemEvent: each server handle gets, on its first wait, an event
 * hub — one subscription and one thread that reads it for as long as the
 * handle lives (signals blocked; it sleeps in poll on the subscription's
 * descriptor and a stop descriptor, so a connection that dies wakes it with
 * POLLHUP and its read fails). A change goes to every pending wait whose
 * mask has one of its bits; bits no wait took are kept for the next wait:
 * the per-handle queue is the OR of the kinds not yet reported, one bit per
 * kind (WTS_EVENT_* of wtsapi32.h), so it is bounded by construction and
 * never drops a kind — several changes of one kind between two waits are
 * reported as one, which is all the OR of WTSWaitSystemEvent can tell.
 */
#include <wtsapi32.h>
#include <wtsnet_events.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "api/events.h"
#include "api/win32_error.h"
#include "api/wtsapi_internal.h"
#include "common/wintime.h"
#include "session/session_events.h"

/* ---- WTSWaitSystemEvent ---- */

struct event_waiter {
    struct event_waiter *next;
    uint32_t mask;
    uint32_t result;
    int error;
    bool done;
};

struct event_hub {
    pthread_mutex_t lock; /* everything below */
    pthread_cond_t cond;  /* a waiter was done */
    struct session_subscription *sub;
    int stop_fd; /* eventfd: the pump ends */
    pthread_t pump;
    bool pump_started, running, closed;
    uint32_t pending; /* kinds no wait took yet */
    struct event_waiter *waiters;
};

int event_hub_new(struct event_hub **ret) {
    struct event_hub *h = calloc(1, sizeof(*h));

    if (!h)
        return -ENOMEM;
    h->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (h->stop_fd < 0) {
        free(h);
        return -errno;
    }
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    *ret = h;
    return 0;
}

/* Called with the lock held. */
static void finish_all(struct event_hub *h, uint32_t result, int error) {
    for (struct event_waiter *w = h->waiters; w; w = w->next)
        if (!w->done) {
            w->done = true;
            w->result = result;
            w->error = error;
        }
    pthread_cond_broadcast(&h->cond);
}

/* Called with the lock held. */
static void dispatch(struct event_hub *h, uint32_t flags) {
    uint32_t taken = 0;

    for (struct event_waiter *w = h->waiters; w; w = w->next)
        if (!w->done && (w->mask & flags)) {
            w->result |= w->mask & flags;
            w->done = true;
            taken |= w->mask & flags;
        }
    h->pending |= flags & ~taken;
    if (taken)
        pthread_cond_broadcast(&h->cond);
}

static void *pump_main(void *arg) {
    struct event_hub *h = arg;
    struct session_event ev;
    int r = 0;

    for (;;) {
        struct pollfd fds[2] = {{.fd = h->sub->ops->fd(h->sub), .events = POLLIN}, {.fd = h->stop_fd, .events = POLLIN}};

        if (poll(fds, 2, -1) < 0) { /* signals are blocked here; only a real failure */
            if (errno == EINTR)
                continue;
            r = -errno;
        }
        if (fds[1].revents)
            return NULL;
        pthread_mutex_lock(&h->lock);
        while (r >= 0 && (r = h->sub->ops->read(h->sub, &ev)) > 0)
            dispatch(h, ev.flags);
        if (r < 0) {
            /* The connection ended: every wait learns it; the next wait subscribes anew. */
            h->running = false;
            finish_all(h, 0, r);
            pthread_mutex_unlock(&h->lock);
            return NULL;
        }
        pthread_mutex_unlock(&h->lock);
    }
}

/* Called with the lock held: a running pump, (re)subscribed when needed. */
static int ensure_pump(struct event_hub *h, struct session_provider *p) {
    sigset_t all, old;
    int r;

    if (h->running)
        return 0;
    if (h->pump_started) { /* it ended after a failure, and touches nothing any more */
        pthread_join(h->pump, NULL);
        h->pump_started = false;
    }
    if (h->sub) {
        h->sub->ops->close(h->sub);
        h->sub = NULL;
    }
    if (!p->ops->subscribe)
        return -EOPNOTSUPP;
    r = p->ops->subscribe(p, &h->sub);
    if (r < 0)
        return r;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the pump inherits: no signal handler runs there */
    r = -pthread_create(&h->pump, NULL, pump_main, h);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r < 0) {
        h->sub->ops->close(h->sub);
        h->sub = NULL;
        return r;
    }
    h->pump_started = h->running = true;
    return 0;
}

void event_hub_close(struct event_hub *h) {
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->closed = true;
    finish_all(h, 0, -EBADF);
    pthread_mutex_unlock(&h->lock);
}

void event_hub_free(struct event_hub *h) {
    if (!h)
        return;
    if (h->pump_started) {
        eventfd_write(h->stop_fd, 1);
        pthread_join(h->pump, NULL);
    }
    if (h->sub)
        h->sub->ops->close(h->sub);
    close(h->stop_fd);
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

static int hub_wait(struct event_hub *h, struct session_provider *p, uint32_t mask, uint32_t *ret) {
    struct event_waiter self = {.mask = mask};
    int r;

    pthread_mutex_lock(&h->lock);
    if (h->closed) {
        pthread_mutex_unlock(&h->lock);
        return -EBADF;
    }
    if (mask & WTS_EVENT_FLUSH) {
        finish_all(h, WTS_EVENT_NONE, 0);
        pthread_mutex_unlock(&h->lock);
        *ret = WTS_EVENT_NONE;
        return 0;
    }
    r = ensure_pump(h, p);
    if (r < 0) {
        pthread_mutex_unlock(&h->lock);
        return r;
    }
    if (h->pending & mask) {
        *ret = h->pending & mask;
        h->pending &= ~mask;
        pthread_mutex_unlock(&h->lock);
        return 0;
    }
    self.next = h->waiters;
    h->waiters = &self;
    while (!self.done)
        pthread_cond_wait(&h->cond, &h->lock); /* signals do not end it; spurious wake-ups loop */
    for (struct event_waiter **i = &h->waiters; *i; i = &(*i)->next)
        if (*i == &self) {
            *i = self.next;
            break;
        }
    pthread_mutex_unlock(&h->lock);
    if (self.error < 0)
        return self.error;
    *ret = self.result;
    return 0;
}

BOOL WINAPI WTSWaitSystemEvent(HANDLE hServer, DWORD EventMask, DWORD *pEventFlags) {
    struct wts_server *s;
    struct session_provider *p;
    struct event_hub *h;
    uint32_t flags;
    int r;

    if (!pEventFlags)
        return fail(-EINVAL);
    r = wts_open_provider(hServer, &s, &p);
    if (r < 0)
        return fail(r);
    r = server_event_hub(s, &h);
    if (r >= 0)
        r = hub_wait(h, p, EventMask, &flags);
    server_release(s);
    if (r < 0)
        return fail(r);
    *pEventFlags = flags;
    return TRUE;
}

/* ---- wtsnet_events.h subscriptions ---- */

struct _WTSNET_EVENTS {
    struct _WTSNET_EVENTS *next; /* in the registry of live subscriptions */
    unsigned refs;
    bool closed; /* (subs_lock) */
    pthread_mutex_t lock; /* sub, ended, and the wake descriptor's count */
    bool ended;  /* closed, as the readers see it */
    struct wts_server *server; /* held: the provider lives as long as the subscription */
    struct session_subscription *sub;
    int epoll_fd; /* what callers poll: the subscription's descriptor and wake_fd */
    int wake_fd;  /* eventfd: readable while a record may be queued, or once closed */
};

static pthread_mutex_t subs_lock = PTHREAD_MUTEX_INITIALIZER; /* the registry, refs, closed */
static struct _WTSNET_EVENTS *subs;

static struct _WTSNET_EVENTS *sub_acquire(HWTSNET_EVENTS h) {
    struct _WTSNET_EVENTS *found = NULL;

    pthread_mutex_lock(&subs_lock);
    for (struct _WTSNET_EVENTS *i = subs; i; i = i->next)
        if (i == h && !i->closed) {
            i->refs++;
            found = i;
            break;
        }
    pthread_mutex_unlock(&subs_lock);
    return found;
}

static void sub_free(struct _WTSNET_EVENTS *e) {
    if (e->sub)
        e->sub->ops->close(e->sub);
    if (e->server)
        server_release(e->server);
    if (e->epoll_fd >= 0)
        close(e->epoll_fd);
    if (e->wake_fd >= 0)
        close(e->wake_fd);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

static void sub_release(struct _WTSNET_EVENTS *e) {
    bool last;

    pthread_mutex_lock(&subs_lock);
    last = --e->refs == 0;
    if (last)
        for (struct _WTSNET_EVENTS **i = &subs; *i; i = &(*i)->next)
            if (*i == e) {
                *i = e->next;
                break;
            }
    pthread_mutex_unlock(&subs_lock);
    if (last)
        sub_free(e);
}

static int epoll_add(int ep, int fd) {
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

HWTSNET_EVENTS WINAPI WTSNetOpenSessionEvents(HANDLE hServer) {
    struct _WTSNET_EVENTS *e = calloc(1, sizeof(*e));
    struct session_provider *p;
    int r;

    if (!e) {
        fail(-ENOMEM);
        return NULL;
    }
    e->refs = 1;
    e->epoll_fd = e->wake_fd = -1;
    pthread_mutex_init(&e->lock, NULL);
    r = wts_open_provider(hServer, &e->server, &p);
    if (r >= 0)
        r = p->ops->subscribe ? p->ops->subscribe(p, &e->sub) : -EOPNOTSUPP;
    if (r >= 0) {
        e->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        e->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        r = e->epoll_fd < 0 || e->wake_fd < 0 ? -errno : 0;
    }
    if (r >= 0)
        r = epoll_add(e->epoll_fd, e->sub->ops->fd(e->sub));
    if (r >= 0)
        r = epoll_add(e->epoll_fd, e->wake_fd);
    if (r < 0) {
        sub_free(e);
        fail(r);
        return NULL;
    }
    pthread_mutex_lock(&subs_lock);
    e->next = subs;
    subs = e;
    pthread_mutex_unlock(&subs_lock);
    SetLastError(ERROR_SUCCESS);
    return e;
}

int WINAPI WTSNetSessionEventsFd(HWTSNET_EVENTS hEvents) {
    struct _WTSNET_EVENTS *e = sub_acquire(hEvents);
    int fd;

    if (!e) {
        fail(-EBADF);
        return -1;
    }
    fd = e->epoll_fd;
    sub_release(e);
    return fd;
}

/* One non-blocking read: 1 with a record, 0 none, < 0 failure. The wake
 * descriptor stays readable after a record (another may be queued) and is
 * drained when a read finds nothing: the descriptor is readable exactly
 * while a read may succeed. */
static int read_once(struct _WTSNET_EVENTS *e, struct session_event *ev) {
    eventfd_t v;
    int r;

    pthread_mutex_lock(&e->lock);
    r = e->ended ? -EBADF : e->sub->ops->read(e->sub, ev);
    if (r > 0)
        eventfd_write(e->wake_fd, 1);
    else if (r == 0)
        eventfd_read(e->wake_fd, &v);
    pthread_mutex_unlock(&e->lock);
    return r;
}

BOOL WINAPI WTSNetReadSessionEvent(HWTSNET_EVENTS hEvents, PWTSNET_SESSION_EVENT pEvent, DWORD dwMilliseconds) {
    struct _WTSNET_EVENTS *e;
    struct session_event ev;
    uint64_t deadline = dwMilliseconds == INFINITE ? UINT64_MAX : now_monotonic_usec() + dwMilliseconds * UINT64_C(1000);
    int r;

    if (!pEvent)
        return fail(-EINVAL);
    e = sub_acquire(hEvents);
    if (!e)
        return fail(-EBADF);
    while ((r = read_once(e, &ev)) == 0) {
        uint64_t now = now_monotonic_usec();
        struct pollfd pfd = {.fd = e->epoll_fd, .events = POLLIN};
        int timeout;

        if (now >= deadline)
            break;
        timeout = deadline == UINT64_MAX ? -1 : (int) ((deadline - now + 999) / 1000);
        if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
            r = -errno;
            break;
        }
    }
    sub_release(e);
    if (r < 0)
        return fail(r);
    if (r == 0)
        return fail_win32(ERROR_NO_MORE_ITEMS);
    pEvent->Code = ev.code;
    pEvent->SessionId = ev.session_id;
    pEvent->EventFlags = ev.flags;
    pEvent->Reserved = 0;
    pEvent->Time.QuadPart = filetime_from_unix_usec(ev.time_usec);
    return TRUE;
}

void WINAPI WTSNetCloseSessionEvents(HWTSNET_EVENTS hEvents) {
    struct _WTSNET_EVENTS *e = NULL;

    pthread_mutex_lock(&subs_lock);
    for (struct _WTSNET_EVENTS *i = subs; i; i = i->next)
        if (i == hEvents && !i->closed) {
            i->closed = true;
            e = i;
            break;
        }
    pthread_mutex_unlock(&subs_lock);
    if (!e)
        return;
    pthread_mutex_lock(&e->lock);
    e->ended = true;
    eventfd_write(e->wake_fd, 1); /* a read waiting in poll wakes and finds it closed */
    pthread_mutex_unlock(&e->lock);
    sub_release(e); /* the registry's reference */
}
