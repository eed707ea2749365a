/*
 * Server handles: what WTSOpenServer returns. A handle is only ever
 * dereferenced after it was found in the registry of live handles, so a
 * stale, closed or made-up HANDLE yields ERROR_INVALID_HANDLE, not a crash.
 */
#ifndef WTSNET_API_SERVER_H
#define WTSNET_API_SERVER_H

#include <windows.h>

#include "session/provider.h"

struct wts_server;

/*
 * name: UTF-8; NULL for this host; where it leads is api/target.h's. Returns 0 or a negative errno, and sets
 * *ret either way: a failed open still yields a handle, never NULL (which is
 * WTS_CURRENT_SERVER_HANDLE, this host), that every call rejects with the
 * error of the open (docs/api.md, "Server handles").
 */
int server_open(const char *name, struct wts_server **ret);
/* Such a failed handle, for an error found before server_open (never NULL). */
struct wts_server *server_failed(int error);
/* WTSCloseServer: any live handle, failed or not; ignores anything else. */
void server_close(HANDLE h);

/* Looks a HANDLE up (NULL = this host) and holds it until server_release.
 * -EBADF for anything that is not a live handle; a failed open's own error
 * for a handle from a failed open. */
int server_acquire(HANDLE h, struct wts_server **ret);
void server_release(struct wts_server *s);

/* The session provider behind a held handle, opened on first use. */
int server_provider(struct wts_server *s, struct session_provider **ret);

/* The handle's WTSWaitSystemEvent hub (api/events.h), made on first use. */
struct event_hub;
int server_event_hub(struct wts_server *s, struct event_hub **ret);

/* The name results report as the host: this host's name, or the one opened. */
const char *server_host_name(struct wts_server *s);

#endif
