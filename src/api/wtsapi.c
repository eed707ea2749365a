/*
 * wtsapi32, W entry points: argument checks, the call into the session
 * provider, packing of the result into one block, and error translation.
 * The A entry points (wtsapi_a.c) wrap these.
 */
#include <wtsapi32.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/server.h"
#include "api/win32_error.h"
#include "common/errors.h"
#include "common/wintime.h"
#include "common/wstr.h"

/* docs/api.md, "States". */
static WTS_CONNECTSTATE_CLASS connect_state(enum session_state s) {
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

static int open_provider(HANDLE h, struct wts_server **ret_server, struct session_provider **ret_provider) {
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
static int resolve_session_id(struct session_provider *p, DWORD id, uint32_t *ret) {
    if (id == WTS_CURRENT_SESSION)
        return p->ops->current(p, ret);
    if (id == WTS_ANY_SESSION)
        return -EINVAL;
    *ret = id;
    return 0;
}

/* Local accounts belong to the machine, as on Windows: the short host name
 * (an address literal, for a remote host named by one, is kept whole). */
static void domain_name(struct wts_server *s, const struct session_record *r, char *buf, size_t size) {
    const char *host = server_host_name(s);
    unsigned char addr[16];
    size_t len = inet_pton(AF_INET, host, addr) == 1 || strchr(host, ':') ? strlen(host) : strcspn(host, ".");

    if (!r->user[0]) {
        buf[0] = '\0';
        return;
    }
    if (len >= size)
        len = size - 1;
    memcpy(buf, host, len);
    buf[len] = '\0';
}

static void winstation_name(const struct session_record *r, char buf[WINSTATIONNAME_LENGTH + 1]) {
    if (session_winstation_name(r, buf, WINSTATIONNAME_LENGTH + 1) < 0)
        buf[0] = '\0';
}

static size_t wide_size(const char *s) {
    return (utf8_wcslen_lossy(s) + 1) * sizeof(wchar_t);
}

/* Copies s as wide text to *cursor, advances it, and returns where it went. */
static wchar_t *put_wide(char **cursor, const char *s) {
    wchar_t *w = (wchar_t *) *cursor;

    utf8_to_wcs_lossy(s, w);
    *cursor += wide_size(s);
    return w;
}

BOOL WINAPI WTSEnumerateSessionsW(HANDLE hServer, DWORD Reserved, DWORD Version, PWTS_SESSION_INFOW *ppSessionInfo,
                                  DWORD *pCount) {
    struct session_provider *p;
    struct session_list list = {0};
    struct wts_server *s;
    char (*names)[WINSTATIONNAME_LENGTH + 1] = NULL;
    PWTS_SESSION_INFOW out;
    size_t size;
    char *cursor;
    int r;

    if (Reserved != 0 || Version != 1 || !ppSessionInfo || !pCount)
        return fail_win32(ERROR_INVALID_PARAMETER);
    r = open_provider(hServer, &s, &p);
    if (r < 0)
        return fail(r);
    r = p->ops->list(p, &list);
    server_release(s);
    if (r < 0)
        return fail(r);

    names = calloc(list.count ? list.count : 1, sizeof(*names));
    if (!names) {
        session_list_free(&list);
        return fail(-ENOMEM);
    }
    size = list.count * sizeof(*out);
    for (size_t i = 0; i < list.count; i++) {
        winstation_name(&list.items[i], names[i]);
        size += wide_size(names[i]);
    }
    out = malloc(size ? size : 1);
    if (!out) {
        free(names);
        session_list_free(&list);
        return fail(-ENOMEM);
    }
    cursor = (char *) (out + list.count);
    for (size_t i = 0; i < list.count; i++) {
        out[i].SessionId = list.items[i].id;
        out[i].State = connect_state(list.items[i].state);
        out[i].pWinStationName = put_wide(&cursor, names[i]);
    }
    *ppSessionInfo = out;
    *pCount = (DWORD) list.count;
    free(names);
    session_list_free(&list);
    return TRUE;
}

BOOL WINAPI WTSEnumerateSessionsExW(HANDLE hServer, DWORD *pLevel, DWORD Filter, PWTS_SESSION_INFO_1W *ppSessionInfo,
                                    DWORD *pCount) {
    struct session_provider *p;
    struct session_list list = {0};
    struct wts_server *s;
    struct names {
        char station[WINSTATIONNAME_LENGTH + 1];
        char domain[256];
    } *names = NULL;
    const char *host;
    PWTS_SESSION_INFO_1W out;
    size_t size;
    char *cursor;
    int r;

    if (!pLevel || *pLevel != 1 || Filter != 0 || !ppSessionInfo || !pCount)
        return fail_win32(ERROR_INVALID_PARAMETER);
    r = open_provider(hServer, &s, &p);
    if (r < 0)
        return fail(r);
    r = p->ops->list(p, &list);
    if (r < 0) {
        server_release(s);
        return fail(r);
    }
    host = server_host_name(s);

    names = calloc(list.count ? list.count : 1, sizeof(*names));
    if (!names) {
        r = -ENOMEM;
        goto out;
    }
    size = list.count * sizeof(*out);
    for (size_t i = 0; i < list.count; i++) {
        const struct session_record *rec = &list.items[i];

        winstation_name(rec, names[i].station);
        domain_name(s, rec, names[i].domain, sizeof(names[i].domain));
        size += wide_size(names[i].station) + wide_size(host);
        /* As on Windows, a session without a user has NULL user and domain. */
        if (rec->user[0])
            size += wide_size(rec->user) + wide_size(names[i].domain);
    }
    out = malloc(size ? size : 1);
    if (!out) {
        r = -ENOMEM;
        goto out;
    }
    cursor = (char *) (out + list.count);
    for (size_t i = 0; i < list.count; i++) {
        const struct session_record *rec = &list.items[i];

        out[i] = (WTS_SESSION_INFO_1W){.ExecEnvId = rec->id, .State = connect_state(rec->state), .SessionId = rec->id};
        out[i].pSessionName = put_wide(&cursor, names[i].station);
        out[i].pHostName = put_wide(&cursor, host);
        if (rec->user[0]) {
            out[i].pUserName = put_wide(&cursor, rec->user);
            out[i].pDomainName = put_wide(&cursor, names[i].domain);
        }
    }
    *ppSessionInfo = out;
    *pCount = (DWORD) list.count;
    r = 0;
out:
    free(names);
    session_list_free(&list);
    server_release(s);
    return r < 0 ? fail(r) : TRUE;
}

/* Fills a WTS_CLIENT_ADDRESS from an address literal; a name or nothing
 * gives AF_UNSPEC, which is what Windows reports for console sessions. */
static void client_address(const char *host, WTS_CLIENT_ADDRESS *a) {
    unsigned char v6[16];

    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, host, &a->Address[2]) == 1) {
        a->AddressFamily = WTS_AF_INET;
    } else if (inet_pton(AF_INET6, host, v6) == 1) {
        static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

        if (memcmp(v6, v4_mapped, sizeof(v4_mapped)) == 0) {
            a->AddressFamily = WTS_AF_INET;
            memcpy(&a->Address[2], v6 + 12, 4);
        } else {
            a->AddressFamily = WTS_AF_INET6;
            memcpy(&a->Address[2], v6, 16);
        }
    }
}

static void fill_wtsinfo(struct wts_server *s, const struct session_record *r, WTSINFOW *info) {
    char station[WINSTATIONNAME_LENGTH + 1], domain[DOMAIN_LENGTH + 1];

    memset(info, 0, sizeof(*info));
    winstation_name(r, station);
    domain_name(s, r, domain, sizeof(domain));
    info->State = connect_state(r->state);
    info->SessionId = r->id;
    wcs_copy_truncated_from_utf8(info->WinStationName, WINSTATIONNAME_LENGTH, station);
    wcs_copy_truncated_from_utf8(info->Domain, DOMAIN_LENGTH, domain);
    wcs_copy_truncated_from_utf8(info->UserName, USERNAME_LENGTH + 1, r->user);
    info->ConnectTime.QuadPart = filetime_from_unix_usec(r->logon_usec);
    info->LogonTime.QuadPart = filetime_from_unix_usec(r->logon_usec);
    if (r->idle)
        info->LastInputTime.QuadPart = filetime_from_unix_usec(r->idle_since_usec);
    info->CurrentTime.QuadPart = filetime_from_unix_usec(now_realtime_usec());
}

static void fill_wtsinfoex(struct wts_server *s, const struct session_record *r, WTSINFOEXW *ex) {
    WTSINFOEX_LEVEL1_W *l1 = &ex->Data.WTSInfoExLevel1;
    char station[WINSTATIONNAME_LENGTH + 1], domain[DOMAIN_LENGTH + 1];

    memset(ex, 0, sizeof(*ex));
    winstation_name(r, station);
    domain_name(s, r, domain, sizeof(domain));
    ex->Level = 1;
    l1->SessionId = r->id;
    l1->SessionState = connect_state(r->state);
    l1->SessionFlags = r->lock == SESSION_LOCK_LOCKED     ? (LONG) WTS_SESSIONSTATE_LOCK
                       : r->lock == SESSION_LOCK_UNLOCKED ? (LONG) WTS_SESSIONSTATE_UNLOCK
                                                          : (LONG) WTS_SESSIONSTATE_UNKNOWN;
    wcs_copy_truncated_from_utf8(l1->WinStationName, WINSTATIONNAME_LENGTH + 1, station);
    wcs_copy_truncated_from_utf8(l1->UserName, USERNAME_LENGTH + 1, r->user);
    wcs_copy_truncated_from_utf8(l1->DomainName, DOMAIN_LENGTH + 1, domain);
    l1->LogonTime.QuadPart = filetime_from_unix_usec(r->logon_usec);
    l1->ConnectTime.QuadPart = l1->LogonTime.QuadPart;
    if (r->idle)
        l1->LastInputTime.QuadPart = filetime_from_unix_usec(r->idle_since_usec);
    l1->CurrentTime.QuadPart = filetime_from_unix_usec(now_realtime_usec());
}

static int dup_block(const void *value, size_t size, void **ret) {
    void *b = malloc(size);

    if (!b)
        return -ENOMEM;
    memcpy(b, value, size);
    *ret = b;
    return 0;
}

static int wide_block(const char *s, void **ret, DWORD *ret_bytes) {
    size_t size = wide_size(s);
    char *b = malloc(size), *cursor = b;

    if (!b)
        return -ENOMEM;
    put_wide(&cursor, s);
    *ret = b;
    *ret_bytes = (DWORD) size;
    return 0;
}

/* An RDP client's address, live from xrdp (docs/api.md, "xrdp sessions"). */
static int rdp_client_address(struct session_provider *p, const struct session_record *r, char **ret) {
    return p->ops->client_address ? p->ops->client_address(p, r, ret) : -EOPNOTSUPP;
}

/* WTS_CLIENT_DISPLAY.ColorDepth is a code, not a bit count (Microsoft's WTS_CLIENT_DISPLAY page). */
static int color_depth_code(uint32_t bpp, DWORD *ret) {
    switch (bpp) {
    case 4:
        *ret = 1;
        return 0;
    case 8:
        *ret = 2;
        return 0;
    case 15:
        *ret = 16;
        return 0;
    case 16:
        *ret = 4;
        return 0;
    case 24:
    case 32:
        *ret = bpp;
        return 0;
    default:
        return -EOPNOTSUPP;
    }
}

static int client_display(struct session_provider *p, const struct session_record *r, WTS_CLIENT_DISPLAY *ret) {
    struct session_client_display d;
    int k;

    if (!p->ops->client_display)
        return -EOPNOTSUPP;
    k = p->ops->client_display(p, r, &d);
    if (k < 0)
        return k;
    ret->HorizontalResolution = d.width;
    ret->VerticalResolution = d.height;
    return color_depth_code(d.bpp, &ret->ColorDepth);
}

/* docs/api.md, "Query classes": what each class answers on Linux. */
static int query_value(struct wts_server *s, struct session_provider *p, const struct session_record *r,
                       WTS_INFO_CLASS cls, void **ret, DWORD *ret_bytes) {
    union {
        ULONG ul;
        USHORT us;
        BOOL b;
        DWORD dw;
        WTS_CLIENT_ADDRESS address;
        WTS_CLIENT_DISPLAY display;
        WTSINFOW info;
        WTSINFOEXW infoex;
    } v;
    char text[256], *owned = NULL;
    size_t size;
    int k;

    switch (cls) {
    case WTSSessionId:
        v.ul = r->id, size = sizeof(ULONG);
        break;
    case WTSUserName:
        return wide_block(r->user, ret, ret_bytes);
    case WTSWinStationName:
        winstation_name(r, text);
        return wide_block(text, ret, ret_bytes);
    case WTSDomainName:
        domain_name(s, r, text, sizeof(text));
        return wide_block(text, ret, ret_bytes);
    case WTSConnectState:
        v.dw = (DWORD) connect_state(r->state), size = sizeof(DWORD);
        break;
    case WTSClientName:
        /* The client's name as the session records it; console sessions have none.
         * The computer name an RDP client sends reaches only xrdp's log. */
        if (r->kind == SESSION_KIND_RDP)
            return -EOPNOTSUPP;
        return wide_block(r->remote ? r->remote_host : "", ret, ret_bytes);
    case WTSClientAddress:
        if (r->kind == SESSION_KIND_RDP) {
            k = rdp_client_address(p, r, &owned);
            if (k < 0)
                return k;
            client_address(owned, &v.address), size = sizeof(v.address);
            free(owned);
            break;
        }
        client_address(r->remote ? r->remote_host : "", &v.address), size = sizeof(v.address);
        break;
    case WTSClientBuildNumber:
    case WTSClientProductId:
        /* A session without an RDP client has no client build or product: 0, as
         * Windows answers for its console. An RDP client's are not known (xrdp keeps them). */
        if (r->kind == SESSION_KIND_RDP)
            return -EOPNOTSUPP;
        if (cls == WTSClientProductId)
            v.us = 0, size = sizeof(USHORT);
        else
            v.ul = 0, size = sizeof(ULONG);
        break;
    case WTSClientHardwareId:
        v.ul = 0, size = sizeof(ULONG); /* "reserved for future use", always 0 (Microsoft's WTS_INFO_CLASS) */
        break;
    case WTSClientDisplay:
        if (r->kind != SESSION_KIND_RDP) { /* no client display: zeros */
            memset(&v.display, 0, sizeof(v.display)), size = sizeof(v.display);
            break;
        }
        k = client_display(p, r, &v.display);
        if (k < 0)
            return k;
        size = sizeof(v.display);
        break;
    case WTSClientProtocolType:
        v.us = r->kind == SESSION_KIND_RDP || r->kind == SESSION_KIND_LISTENER ? WTS_PROTOCOL_TYPE_RDP
                                                                               : WTS_PROTOCOL_TYPE_CONSOLE,
        size = sizeof(USHORT);
        break;
    case WTSIsRemoteSession:
        v.b = r->remote ? TRUE : FALSE, size = sizeof(BOOL);
        break;
    case WTSSessionInfo:
        fill_wtsinfo(s, r, &v.info), size = sizeof(v.info);
        break;
    case WTSSessionInfoEx:
        fill_wtsinfoex(s, r, &v.infoex), size = sizeof(v.infoex);
        break;
    default:
        /* No truthful answer on Linux (or, like WTSIdleTime and the byte
         * counters, documented by Microsoft to fail with this code). */
        return -EOPNOTSUPP;
    }
    *ret_bytes = (DWORD) size;
    return dup_block(&v, size, ret);
}

static bool class_needs_times(WTS_INFO_CLASS cls) {
    return cls == WTSSessionInfo || cls == WTSSessionInfoEx;
}

BOOL WINAPI WTSQuerySessionInformationW(HANDLE hServer, DWORD SessionId, WTS_INFO_CLASS WTSInfoClass,
                                        LPWSTR *ppBuffer, DWORD *pBytesReturned) {
    struct session_record rec = {0};
    struct session_provider *p;
    struct wts_server *s;
    uint32_t id;
    void *value = NULL;
    DWORD bytes = 0;
    int r;

    if (!ppBuffer || !pBytesReturned)
        return fail_win32(ERROR_INVALID_USER_BUFFER);
    if ((unsigned) WTSInfoClass > (unsigned) WTSIsRemoteSession)
        return fail_win32(ERROR_INVALID_PARAMETER);
    r = open_provider(hServer, &s, &p);
    if (r < 0)
        return fail(r);
    r = resolve_session_id(p, SessionId, &id);
    if (r >= 0)
        r = p->ops->get(p, id, class_needs_times(WTSInfoClass), &rec);
    if (r >= 0 && rec.state == SESSION_STATE_CLOSING)
        r = -E_CLOSE_PENDING; /* being logged off: as Windows after an async logoff */
    if (r >= 0)
        r = query_value(s, p, &rec, WTSInfoClass, &value, &bytes);
    session_record_done(&rec);
    server_release(s);
    if (r < 0)
        return fail(r);
    *ppBuffer = value;
    *pBytesReturned = bytes;
    return TRUE;
}

enum session_action { SESSION_LOGOFF, SESSION_DISCONNECT };

/* Logoff and disconnect share their checks, policy and error path. */
static BOOL act_on_session(HANDLE hServer, DWORD SessionId, BOOL bWait, enum session_action action) {
    int (*op)(struct session_provider *, uint32_t, bool, const struct logoff_policy *);
    struct session_provider *p;
    struct logoff_policy policy;
    struct wts_server *s;
    uint32_t id;
    int r;

    r = open_provider(hServer, &s, &p);
    if (r < 0)
        return fail(r);
    logoff_policy_from_env(&policy);
    r = resolve_session_id(p, SessionId, &id);
    /* Only a session whose client can be detached (xrdp) can be disconnected:
     * a Linux login session has no disconnected state to move to. */
    op = action == SESSION_LOGOFF ? p->ops->logoff : p->ops->disconnect;
    if (r >= 0)
        r = op ? op(p, id, bWait != FALSE, &policy) : -EOPNOTSUPP;
    server_release(s);
    return r < 0 ? fail(r) : TRUE;
}

BOOL WINAPI WTSLogoffSession(HANDLE hServer, DWORD SessionId, BOOL bWait) {
    return act_on_session(hServer, SessionId, bWait, SESSION_LOGOFF);
}

BOOL WINAPI WTSDisconnectSession(HANDLE hServer, DWORD SessionId, BOOL bWait) {
    return act_on_session(hServer, SessionId, bWait, SESSION_DISCONNECT);
}

/* For calls that only need a live handle before they answer. */
static int check_handle(HANDLE h) {
    struct wts_server *s;
    int r = server_acquire(h, &s);

    if (r >= 0)
        server_release(s);
    return r;
}

BOOL WINAPI WTSWaitSystemEvent(HANDLE hServer, DWORD EventMask, DWORD *pEventFlags) {
    int r = check_handle(hServer);

    (void) EventMask, (void) pEventFlags;
    return fail(r < 0 ? r : -ENOSYS);
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
