/*
 * wtsnet_events.h — which session changed, for programs without window
 * messages. A wtsnet extension, not part of any Windows header.
 *
 * On Windows a program learns *which* session logged on, locked … only
 * through WM_WTSSESSION_CHANGE (wParam: what happened, lParam: the session
 * id), after WTSRegisterSessionNotification. Linux has no window handles, so
 * the same facts come as records from a subscription that can be read,
 * polled (a file descriptor for poll/epoll) and closed. WTSWaitSystemEvent
 * (wtsapi32.h) stays the portable way to wait for *kinds* of events.
 * docs/api.md, "Session events", says where each record comes from.
 */
#ifndef WTSNET_EVENTS_H
#define WTSNET_EVENTS_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* WM_WTSSESSION_CHANGE's wParam codes (Windows' winuser.h values). */
#ifndef WTS_CONSOLE_CONNECT
#define WTS_CONSOLE_CONNECT 0x1
#define WTS_CONSOLE_DISCONNECT 0x2
#define WTS_REMOTE_CONNECT 0x3
#define WTS_REMOTE_DISCONNECT 0x4
#define WTS_SESSION_LOGON 0x5
#define WTS_SESSION_LOGOFF 0x6
#define WTS_SESSION_LOCK 0x7
#define WTS_SESSION_UNLOCK 0x8
#define WTS_SESSION_REMOTE_CONTROL 0x9
#define WTS_SESSION_CREATE 0xA
#define WTS_SESSION_TERMINATE 0xB
#endif
#ifndef INFINITE
#define INFINITE 0xFFFFFFFF
#endif

/* wtsnet's own codes, outside Windows' range. */
#define WTSNET_SESSION_STATE_CHANGE 0x100 /* the session's state changed; no code above says how */
#define WTSNET_SESSION_OVERFLOW 0x101     /* records were dropped before this one (SessionId 0xFFFFFFFF) */

typedef struct _WTSNET_SESSION_EVENT {
    DWORD Code;           /* WTS_* above: WM_WTSSESSION_CHANGE's wParam */
    DWORD SessionId;      /* its lParam */
    DWORD EventFlags;     /* the WTS_EVENT_* bits (wtsapi32.h) this change stands for */
    DWORD Reserved;
    LARGE_INTEGER Time;   /* when it was received: FILETIME units, 100 ns since 1601-01-01 UTC */
} WTSNET_SESSION_EVENT, *PWTSNET_SESSION_EVENT;

typedef struct _WTSNET_EVENTS *HWTSNET_EVENTS;

/*
 * Subscribes to the session changes of a server (WTS_CURRENT_SERVER_HANDLE:
 * this host; a handle of WTSOpenServer, e.g. ssh://host). Changes after this
 * returns are not missed. NULL on failure, with last-error (ERROR_NOT_SUPPORTED:
 * the server's provider has no change signals). The subscription holds the
 * server handle: closing the handle first is allowed and changes nothing.
 */
HWTSNET_EVENTS WINAPI WTSNetOpenSessionEvents(HANDLE hServer);

/* A descriptor that is readable (POLLIN) while WTSNetReadSessionEvent may
 * return a record; owned by the subscription. -1 for a bad handle. */
int WINAPI WTSNetSessionEventsFd(HWTSNET_EVENTS hEvents);

/*
 * The next record, waiting up to dwMilliseconds (0: do not wait; INFINITE).
 * FALSE with ERROR_NO_MORE_ITEMS when none came in that time;
 * RPC_S_SERVER_UNAVAILABLE when the connection to the component ended (the
 * subscription is then dead: close it and open another);
 * ERROR_INVALID_HANDLE when the subscription is closed, also for a read
 * that was waiting. Safe from many threads (each record goes to one reader);
 * signals do not end the wait.
 */
BOOL WINAPI WTSNetReadSessionEvent(HWTSNET_EVENTS hEvents, PWTSNET_SESSION_EVENT pEvent, DWORD dwMilliseconds);

/* Ends the subscription; a read waiting on it returns ERROR_INVALID_HANDLE. */
void WINAPI WTSNetCloseSessionEvents(HWTSNET_EVENTS hEvents);

#ifdef __cplusplus
}
#endif

#endif
