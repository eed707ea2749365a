/* The bounded record queue every subscription shares (session_events.h). */
#include "session/session_events.h"

#include <errno.h>
#include <sys/epoll.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

uint32_t session_event_flags(uint32_t code) {
    switch (code) {
    case SESSION_EVENT_CONSOLE_CONNECT:
    case SESSION_EVENT_REMOTE_CONNECT:
        return SESSION_EVENT_FLAG_CONNECT | SESSION_EVENT_FLAG_STATECHANGE;
    case SESSION_EVENT_CONSOLE_DISCONNECT:
    case SESSION_EVENT_REMOTE_DISCONNECT:
        return SESSION_EVENT_FLAG_DISCONNECT | SESSION_EVENT_FLAG_STATECHANGE;
    case SESSION_EVENT_LOGON:
        return SESSION_EVENT_FLAG_CREATE | SESSION_EVENT_FLAG_LOGON;
    case SESSION_EVENT_LOGOFF:
        return SESSION_EVENT_FLAG_DELETE | SESSION_EVENT_FLAG_LOGOFF;
    case SESSION_EVENT_CREATE:
        return SESSION_EVENT_FLAG_CREATE;
    case SESSION_EVENT_TERMINATE:
        return SESSION_EVENT_FLAG_DELETE;
    case SESSION_EVENT_LOCK:
    case SESSION_EVENT_UNLOCK:
    case SESSION_EVENT_REMOTE_CONTROL:
    case SESSION_EVENT_STATE_CHANGE:
        return SESSION_EVENT_FLAG_STATECHANGE;
    default:
        return 0;
    }
}

static uint64_t now_realtime_usec(void) {
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

void session_event_queue_push(struct session_event_queue *q, uint32_t code, uint32_t session_id, const char *key) {
    struct session_event *e;

    if (q->count == SESSION_EVENT_QUEUE_MAX) {
        /* Full: the oldest record becomes the overflow mark (once), and the
         * mark then moves over the record after it, which frees one slot. */
        if (!q->overflowed) {
            e = &q->items[q->head];
            memset(e, 0, sizeof(*e));
            e->code = SESSION_EVENT_OVERFLOW;
            e->session_id = 0xFFFFFFFFu;
            e->time_usec = now_realtime_usec();
            q->overflowed = true;
        }
        q->items[(q->head + 1) % SESSION_EVENT_QUEUE_MAX] = q->items[q->head];
        q->head = (q->head + 1) % SESSION_EVENT_QUEUE_MAX;
        q->count--;
    }
    e = &q->items[(q->head + q->count) % SESSION_EVENT_QUEUE_MAX];
    memset(e, 0, sizeof(*e));
    e->code = code;
    e->flags = session_event_flags(code);
    e->session_id = session_id;
    e->time_usec = now_realtime_usec();
    snprintf(e->key, sizeof(e->key), "%s", key ? key : "");
    q->count++;
}

bool session_event_queue_pop(struct session_event_queue *q, struct session_event *ret) {
    if (q->count == 0)
        return false;
    *ret = q->items[q->head];
    q->head = (q->head + 1) % SESSION_EVENT_QUEUE_MAX;
    q->count--;
    if (ret->code == SESSION_EVENT_OVERFLOW)
        q->overflowed = false;
    return true;
}

int session_events_watch_fd(int epoll_fd, int fd) {
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}
