/*
 * Private to the W entry points of wtsapi32, split by job: wtsapi.c (handles,
 * memory, these helpers), wtsapi_enum.c (enumeration), wtsapi_query.c (the
 * query classes), wtsapi_logoff.c (logoff and disconnect).
 */
#ifndef WTSNET_API_WTSAPI_INTERNAL_H
#define WTSNET_API_WTSAPI_INTERNAL_H

#include <wtsapi32.h>

#include <stddef.h>
#include <stdint.h>

#include "api/server.h"

/* docs/api.md, "States". */
WTS_CONNECTSTATE_CLASS wts_connect_state(enum session_state s);

/* Holds the handle and its provider; the caller releases the server. */
int wts_open_provider(HANDLE h, struct wts_server **ret_server, struct session_provider **ret_provider);

/* WTS_CURRENT_SESSION means the caller's own; WTS_ANY_SESSION names none. */
int wts_resolve_session_id(struct session_provider *p, DWORD id, uint32_t *ret);

/* The session's domain: the host's short name for a session with a user, else "". */
void wts_domain_name(struct wts_server *s, const struct session_record *r, char *buf, size_t size);
/* The WinStation name ("" when it has none). */
void wts_winstation_name(const struct session_record *r, char buf[WINSTATIONNAME_LENGTH + 1]);

/* Bytes s takes as wide text, terminator included. */
size_t wts_wide_size(const char *s);
/* Copies s as wide text to *cursor, advances it, and returns where it went. */
wchar_t *wts_put_wide(char **cursor, const char *s);

#endif
