/*
 * Session-change subscriptions: what a provider's optional `subscribe` op
 * returns (provider.h). Each provider drives its subscription from the
 * component's own signals (logind's D-Bus signals; the kernel audit
 * multicast), never by a timer where such a signal exists (docs/providers.md,
 * "Session events").
 *
 * A subscription has one file descriptor that becomes readable when a change
 * may be waiting (poll/epoll: POLLIN), and `read`, which never blocks: it
 * hands out the next change, or 0 when there is none now. Records keep the
 * order the component sent them in. One subscription is used by one thread at
 * a time (the API layer locks around it).
 */
#ifndef WTSNET_SESSION_EVENTS_H
#define WTSNET_SESSION_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/provider.h"

/* WM_WTSSESSION_CHANGE's wParam codes (Windows' winuser.h values). */
enum session_event_code {
    SESSION_EVENT_CONSOLE_CONNECT = 0x1,
    SESSION_EVENT_CONSOLE_DISCONNECT = 0x2,
    SESSION_EVENT_REMOTE_CONNECT = 0x3,
    SESSION_EVENT_REMOTE_DISCONNECT = 0x4,
    SESSION_EVENT_LOGON = 0x5,
    SESSION_EVENT_LOGOFF = 0x6,
    SESSION_EVENT_LOCK = 0x7,
    SESSION_EVENT_UNLOCK = 0x8,
    SESSION_EVENT_REMOTE_CONTROL = 0x9,
    SESSION_EVENT_CREATE = 0xA,
    SESSION_EVENT_TERMINATE = 0xB,
    /* wtsnet's own, outside Windows' range (include/wtsnet_events.h). */
    SESSION_EVENT_STATE_CHANGE = 0x100, /* the session's state changed, nothing above says how */
    SESSION_EVENT_OVERFLOW = 0x101,     /* records were dropped here: re-read what you track */
};

/* The WTS_EVENT_* bits of WTSWaitSystemEvent (wtsapi32.h values). */
enum {
    SESSION_EVENT_FLAG_CREATE = 0x1,
    SESSION_EVENT_FLAG_DELETE = 0x2,
    SESSION_EVENT_FLAG_RENAME = 0x4,
    SESSION_EVENT_FLAG_CONNECT = 0x8,
    SESSION_EVENT_FLAG_DISCONNECT = 0x10,
    SESSION_EVENT_FLAG_LOGON = 0x20,
    SESSION_EVENT_FLAG_LOGOFF = 0x40,
    SESSION_EVENT_FLAG_STATECHANGE = 0x80,
};

struct session_event {
    uint32_t code;       /* enum session_event_code */
    uint32_t flags;      /* the WTS_EVENT_* bits this change stands for */
    uint32_t session_id; /* the DWORD id (docs/api.md, "Session ids") */
    uint64_t time_usec;  /* CLOCK_REALTIME when the signal was read, µs since the Unix epoch */
    char key[64];        /* the provider's own id ("3", "c2"), "" when none */
};

/* The WTS_EVENT_* bits of a code (0 for OVERFLOW: it stands for any). */
uint32_t session_event_flags(uint32_t code);

struct session_subscription;

struct session_subscription_ops {
    /* Readable (POLLIN) when read may have something. Owned by the subscription. */
    int (*fd)(struct session_subscription *s);
    /* 1 and *ret: the next change; 0: none now; < 0: the subscription is
     * broken (-EHOSTDOWN: the component's connection is gone) — close it. */
    int (*read)(struct session_subscription *s, struct session_event *ret);
    void (*close)(struct session_subscription *s);
};

struct session_subscription {
    const struct session_subscription_ops *ops;
};

/*
 * The bounded queue a subscription keeps between a signal and its read
 * (session_events.c). SESSION_EVENT_QUEUE_MAX records; past that the oldest
 * records are dropped and one SESSION_EVENT_OVERFLOW record takes their place
 * at the head, so a reader always learns that it missed something.
 */
#define SESSION_EVENT_QUEUE_MAX 1024
struct session_event_queue {
    struct session_event items[SESSION_EVENT_QUEUE_MAX];
    size_t head, count;
    bool overflowed; /* an OVERFLOW record waits at the head */
};
void session_event_queue_push(struct session_event_queue *q, uint32_t code, uint32_t session_id, const char *key);
bool session_event_queue_pop(struct session_event_queue *q, struct session_event *ret);

/* Adds fd, for reading, to a subscription's epoll set (its pollable descriptor). */
int session_events_watch_fd(int epoll_fd, int fd);

#endif
