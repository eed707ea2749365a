/*
 * WTSQuerySessionInformationW: one WTS_INFO_CLASS answered from the session
 * record (or an optional provider op), as one block. The table of classes is
 * query_value(); docs/api.md, "Query classes", says what each answers on Linux.
 */
#include "api/wtsapi_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/win32_error.h"
#include "common/errors.h"
#include "common/wintime.h"
#include "common/wstr.h"

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

/* How long the session has been idle at now (µs): the provider's reading
 * (a terminal's access time on this host), else its idle hint. */
static int idle_usec(struct session_provider *p, const struct session_record *r, uint64_t now, uint64_t *ret) {
    return p->ops->idle_time ? p->ops->idle_time(p, r, now, ret) : session_idle_from_hint(r, now, ret);
}

/* LastInputTime: now less the idle time; 0 when it is not known. */
static LONGLONG last_input_filetime(struct session_provider *p, const struct session_record *r, uint64_t now) {
    uint64_t idle;

    if (idle_usec(p, r, now, &idle) < 0 || idle > now)
        return 0;
    return filetime_from_unix_usec(now - idle);
}

static void fill_wtsinfo(struct wts_server *s, struct session_provider *p, const struct session_record *r,
                         WTSINFOW *info) {
    uint64_t now = now_realtime_usec();
    char station[WINSTATIONNAME_LENGTH + 1], domain[DOMAIN_LENGTH + 1];

    memset(info, 0, sizeof(*info));
    wts_winstation_name(r, station);
    wts_domain_name(s, r, domain, sizeof(domain));
    info->State = wts_connect_state(r->state);
    info->SessionId = r->id;
    wcs_copy_truncated_from_utf8(info->WinStationName, WINSTATIONNAME_LENGTH, station);
    wcs_copy_truncated_from_utf8(info->Domain, DOMAIN_LENGTH, domain);
    wcs_copy_truncated_from_utf8(info->UserName, USERNAME_LENGTH + 1, r->user);
    info->ConnectTime.QuadPart = filetime_from_unix_usec(r->connect_usec ? r->connect_usec : r->logon_usec);
    info->DisconnectTime.QuadPart = filetime_from_unix_usec(r->disconnect_usec);
    info->LogonTime.QuadPart = filetime_from_unix_usec(r->logon_usec);
    info->LastInputTime.QuadPart = last_input_filetime(p, r, now);
    info->CurrentTime.QuadPart = filetime_from_unix_usec(now);
}

static void fill_wtsinfoex(struct wts_server *s, struct session_provider *p, const struct session_record *r,
                           WTSINFOEXW *ex) {
    uint64_t now = now_realtime_usec();
    WTSINFOEX_LEVEL1_W *l1 = &ex->Data.WTSInfoExLevel1;
    char station[WINSTATIONNAME_LENGTH + 1], domain[DOMAIN_LENGTH + 1];

    memset(ex, 0, sizeof(*ex));
    wts_winstation_name(r, station);
    wts_domain_name(s, r, domain, sizeof(domain));
    ex->Level = 1;
    l1->SessionId = r->id;
    l1->SessionState = wts_connect_state(r->state);
    l1->SessionFlags = r->lock == SESSION_LOCK_LOCKED     ? (LONG) WTS_SESSIONSTATE_LOCK
                       : r->lock == SESSION_LOCK_UNLOCKED ? (LONG) WTS_SESSIONSTATE_UNLOCK
                                                          : (LONG) WTS_SESSIONSTATE_UNKNOWN;
    wcs_copy_truncated_from_utf8(l1->WinStationName, WINSTATIONNAME_LENGTH + 1, station);
    wcs_copy_truncated_from_utf8(l1->UserName, USERNAME_LENGTH + 1, r->user);
    wcs_copy_truncated_from_utf8(l1->DomainName, DOMAIN_LENGTH + 1, domain);
    l1->LogonTime.QuadPart = filetime_from_unix_usec(r->logon_usec);
    l1->ConnectTime.QuadPart = r->connect_usec ? filetime_from_unix_usec(r->connect_usec) : l1->LogonTime.QuadPart;
    l1->DisconnectTime.QuadPart = filetime_from_unix_usec(r->disconnect_usec);
    l1->LastInputTime.QuadPart = last_input_filetime(p, r, now);
    l1->CurrentTime.QuadPart = filetime_from_unix_usec(now);
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
    size_t size = wts_wide_size(s);
    char *b = malloc(size), *cursor = b;

    if (!b)
        return -ENOMEM;
    wts_put_wide(&cursor, s);
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
        LARGE_INTEGER li;
    } v;
    uint64_t idle;
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
        wts_winstation_name(r, text);
        return wide_block(text, ret, ret_bytes);
    case WTSDomainName:
        wts_domain_name(s, r, text, sizeof(text));
        return wide_block(text, ret, ret_bytes);
    case WTSConnectState:
        v.dw = (DWORD) wts_connect_state(r->state), size = sizeof(DWORD);
        break;
    case WTSClientName:
        if (r->client_known) /* the server's answer (a Windows host) */
            return wide_block(r->client_name, ret, ret_bytes);
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
        if (r->client_known && cls == WTSClientBuildNumber) { /* the server's answer (a Windows host) */
            v.ul = r->client_build, size = sizeof(ULONG);
            break;
        }
        /* A session without an RDP client has no client build or product: 0, as
         * Windows answers for its console. An RDP client's are not known (xrdp keeps them). */
        if (r->kind == SESSION_KIND_RDP && !r->client_known)
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
        if (r->client_known) {
            v.us = r->client_protocol, size = sizeof(USHORT);
            break;
        }
        v.us = r->kind == SESSION_KIND_RDP || r->kind == SESSION_KIND_LISTENER ? WTS_PROTOCOL_TYPE_RDP
                                                                               : WTS_PROTOCOL_TYPE_CONSOLE,
        size = sizeof(USHORT);
        break;
    case WTSIsRemoteSession:
        v.b = r->remote ? TRUE : FALSE, size = sizeof(BOOL);
        break;
    case WTSSessionInfo:
        fill_wtsinfo(s, p, r, &v.info), size = sizeof(v.info);
        break;
    case WTSSessionInfoEx:
        fill_wtsinfoex(s, p, r, &v.infoex), size = sizeof(v.infoex);
        break;
    case WTSIdleTime:
        /* Microsoft documents no type: a LARGE_INTEGER duration in 100 ns
         * units (0: not idle), as the WTSINFO times count (docs/api.md). */
        k = idle_usec(p, r, now_realtime_usec(), &idle);
        if (k < 0)
            return k;
        v.li.QuadPart = (LONGLONG) (idle * 10), size = sizeof(v.li);
        break;
    case WTSLogonTime:
        /* A FILETIME in a LARGE_INTEGER, as WTSINFO's LogonTime. */
        if (!r->logon_usec)
            return -EOPNOTSUPP;
        v.li.QuadPart = filetime_from_unix_usec(r->logon_usec), size = sizeof(v.li);
        break;
    default:
        /* No truthful answer on Linux (or, like the byte and frame
         * counters, documented by Microsoft to fail with this code). */
        return -EOPNOTSUPP;
    }
    *ret_bytes = (DWORD) size;
    return dup_block(&v, size, ret);
}

static bool class_needs_times(WTS_INFO_CLASS cls) {
    return cls == WTSSessionInfo || cls == WTSSessionInfoEx || cls == WTSIdleTime || cls == WTSLogonTime;
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
    r = wts_open_provider(hServer, &s, &p);
    if (r < 0)
        return fail(r);
    r = wts_resolve_session_id(p, SessionId, &id);
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
