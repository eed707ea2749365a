/*
 * wtsapi32, W entry points: handles (open, close), memory, and the helpers
 * the other W files share (wtsapi_internal.h). By job: enumeration in
 * wtsapi_enum.c, the query classes in wtsapi_query.c, logoff and disconnect
 * in wtsapi_logoff.c. The A entry points (wtsapi_a.c) wrap these.
 */
#include "api/wtsapi_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/win32_error.h"
#include "common/wstr.h"

/* docs/api.md, "States". */
WTS_CONNECTSTATE_CLASS wts_connect_state(enum session_state s) {
    switch (s) {
    case SESSION_STATE_OPENING:
        return WTSInit;
    case SESSION_STATE_ONLINE:
        return WTSConnected;
    case SESSION_STATE_ACTIVE:
        return WTSActive;
    case SESSION_STATE_CLOSING:
        return WTSDown;
    case SESSION_STATE_LISTENING:
        return WTSListen;
    case SESSION_STATE_DISCONNECTED:
    case SESSION_STATE_SERVICES:
    default:
        return WTSDisconnected;
    }
}

int wts_open_provider(HANDLE h, struct wts_server **ret_server, struct session_provider **ret_provider) {
    struct wts_server *s;
    int r = server_acquire(h, &s);

    if (r < 0)
        return r;
    r = server_provider(s, ret_provider);
    if (r < 0) {
        server_release(s);
        return r;
    }
    *ret_server = s;
    return 0;
}

/* WTS_CURRENT_SESSION means the caller's own; WTS_ANY_SESSION names none. */
int wts_resolve_session_id(struct session_provider *p, DWORD id, uint32_t *ret) {
    if (id == WTS_CURRENT_SESSION)
        return p->ops->current(p, ret);
    if (id == WTS_ANY_SESSION)
        return -EINVAL;
    *ret = id;
    return 0;
}

/* Local accounts belong to the machine, as on Windows: the short host name
 * (an address literal, for a remote host named by one, is kept whole). */
void wts_domain_name(struct wts_server *s, const struct session_record *r, char *buf, size_t size) {
    const char *host = server_host_name(s);
    unsigned char addr[16];
    size_t len = inet_pton(AF_INET, host, addr) == 1 || strchr(host, ':') ? strlen(host) : strcspn(host, ".");

    if (!r->user[0]) {
        buf[0] = '\0';
        return;
    }
    if (r->domain[0]) { /* the server's own answer (a Windows host) */
        snprintf(buf, size, "%s", r->domain);
        return;
    }
    if (len >= size)
        len = size - 1;
    memcpy(buf, host, len);
    buf[len] = '\0';
}

void wts_winstation_name(const struct session_record *r, char buf[WINSTATIONNAME_LENGTH + 1]) {
    if (r->winstation[0]) { /* the server's own name (a Windows host) */
        snprintf(buf, WINSTATIONNAME_LENGTH + 1, "%s", r->winstation);
        return;
    }
    if (session_winstation_name(r, buf, WINSTATIONNAME_LENGTH + 1) < 0)
        buf[0] = '\0';
}

size_t wts_wide_size(const char *s) {
    return (utf8_wcslen_lossy(s) + 1) * sizeof(wchar_t);
}

/* Copies s as wide text to *cursor, advances it, and returns where it went. */
wchar_t *wts_put_wide(char **cursor, const char *s) {
    wchar_t *w = (wchar_t *) *cursor;

    utf8_to_wcs_lossy(s, w);
    *cursor += wts_wide_size(s);
    return w;
}

/*
 * A failed open returns a handle all the same: Windows documents it as "a
 * handle that is not valid; test it by using it in another call", and
 * callers do exactly that (WTSLogoffSession(WTSOpenServerW(name), …)). NULL
 * would be WTS_CURRENT_SERVER_HANDLE, this host: so the handle is a real
 * one that every call rejects with the open's error, also left in
 * last-error here (ERROR_SUCCESS after a good open).
 */
HANDLE WINAPI WTSOpenServerW(LPWSTR pServerName) {
    struct wts_server *s;
    char *name = NULL;
    int r = 0;

    if (pServerName)
        r = wcs_to_utf8(pServerName, &name);
    if (r == -EILSEQ)
        r = -EINVAL; /* not a name at all */
    if (r >= 0)
        r = server_open(name, &s);
    else
        s = server_failed(r);
    free(name);
    if (r < 0)
        fail(r);
    else
        SetLastError(ERROR_SUCCESS);
    return (HANDLE) s;
}

HANDLE WINAPI WTSOpenServerExW(LPWSTR pServerName) {
    return WTSOpenServerW(pServerName);
}

void WINAPI WTSCloseServer(HANDLE hServer) {
    server_close(hServer);
}

void WINAPI WTSFreeMemory(PVOID pMemory) {
    free(pMemory);
}

BOOL WINAPI WTSFreeMemoryExW(WTS_TYPE_CLASS WTSTypeClass, PVOID pMemory, ULONG NumberOfEntries) {
    (void) NumberOfEntries; /* one block, whatever the count */
    if (!pMemory || (unsigned) WTSTypeClass > (unsigned) WTSTypeSessionInfoLevel1)
        return fail_win32(ERROR_INVALID_PARAMETER);
    free(pMemory);
    return TRUE;
}
