/*
 * The libwtsnet half of the WinPR provider (see wtsnet_calls.h).
 *
 * libwtsnet and libwinpr2 export the same Win32 names (WTSEnumerateSessionsW,
 * SetLastError, …), and libwinpr2, loaded by the program, comes first in the
 * process's global symbol scope. A plain call from this module to
 * WTSEnumerateSessionsW would therefore bind to WinPR's stub, which calls
 * back into this module's table: endless recursion. So nothing here names a
 * libwtsnet function directly: each is looked up in libwtsnet's own scope
 * with dlsym() on its handle. (libwtsnet is linked -Bsymbolic-functions, so
 * its calls to itself stay inside it too: src/meson.build.)
 */
#include <wtsapi32.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/wts_class.h"
#include "common/wstr.h"
#include "wtsnet_calls.h"

#ifndef ERROR_MOD_NOT_FOUND
#define ERROR_MOD_NOT_FOUND 126L
#endif

/* libwtsnet's soname: the module is linked against it, so it is already loaded. */
#define WTSNET_SONAME "libwtsnet.so.0"

static struct {
    DWORD (*GetLastError)(void);
    HANDLE (*WTSOpenServerA)(LPSTR);
    HANDLE (*WTSOpenServerExA)(LPSTR);
    void (*WTSCloseServer)(HANDLE);
    BOOL (*WTSEnumerateSessionsA)(HANDLE, DWORD, DWORD, PWTS_SESSION_INFOA *, DWORD *);
    BOOL (*WTSEnumerateSessionsExA)(HANDLE, DWORD *, DWORD, PWTS_SESSION_INFO_1A *, DWORD *);
    BOOL (*WTSQuerySessionInformationA)(HANDLE, DWORD, WTS_INFO_CLASS, LPSTR *, DWORD *);
    BOOL (*WTSQuerySessionInformationW)(HANDLE, DWORD, WTS_INFO_CLASS, LPWSTR *, DWORD *);
    BOOL (*WTSLogoffSession)(HANDLE, DWORD, BOOL);
    BOOL (*WTSDisconnectSession)(HANDLE, DWORD, BOOL);
    BOOL (*WTSWaitSystemEvent)(HANDLE, DWORD, DWORD *);
    void (*WTSFreeMemory)(PVOID);
    BOOL (*WTSFreeMemoryExA)(WTS_TYPE_CLASS, PVOID, ULONG);
} fn;
static DWORD init_error;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void resolve(void) {
    void *h = dlopen(WTSNET_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);

    if (!h)
        h = dlopen(WTSNET_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        init_error = ERROR_MOD_NOT_FOUND;
        return;
    }
    /* The handle is kept for the life of the process: the table points into it. */
#define RESOLVE(name)                                   \
    do {                                                \
        *(void **) &fn.name = dlsym(h, #name);          \
        if (!fn.name)                                   \
            init_error = ERROR_MOD_NOT_FOUND;           \
    } while (0)
    RESOLVE(GetLastError);
    RESOLVE(WTSOpenServerA);
    RESOLVE(WTSOpenServerExA);
    RESOLVE(WTSCloseServer);
    RESOLVE(WTSEnumerateSessionsA);
    RESOLVE(WTSEnumerateSessionsExA);
    RESOLVE(WTSQuerySessionInformationA);
    RESOLVE(WTSQuerySessionInformationW);
    RESOLVE(WTSLogoffSession);
    RESOLVE(WTSDisconnectSession);
    RESOLVE(WTSWaitSystemEvent);
    RESOLVE(WTSFreeMemory);
    RESOLVE(WTSFreeMemoryExA);
#undef RESOLVE
}

uint32_t wn_init(void) {
    pthread_once(&init_once, resolve);
    return init_error;
}

/* The reason libwtsnet gave, never 0 for a failed call. */
static uint32_t last_error(void) {
    DWORD e = fn.GetLastError();

    return e ? e : ERROR_NOT_SUPPORTED;
}

static char *dup_or_null(const char *s, bool *oom) {
    char *d;

    if (!s)
        return NULL;
    d = strdup(s);
    if (!d)
        *oom = true;
    return d;
}

uint32_t wn_open_server(const char *name, bool ex, void **ret) {
    HANDLE h = (ex ? fn.WTSOpenServerExA : fn.WTSOpenServerA)((LPSTR) name);

    if (!h)
        return last_error();
    *ret = h;
    return 0;
}

void wn_close_server(void *server) {
    fn.WTSCloseServer(server);
}

void wn_sessions_free(struct wn_session *s, uint32_t count) {
    if (!s)
        return;
    for (uint32_t i = 0; i < count; i++)
        free(s[i].station);
    free(s);
}

uint32_t wn_enumerate(void *server, uint32_t reserved, uint32_t version, struct wn_session **ret, uint32_t *ret_count) {
    PWTS_SESSION_INFOA info = NULL;
    struct wn_session *out;
    DWORD count = 0;
    bool oom = false;

    if (!fn.WTSEnumerateSessionsA(server, reserved, version, &info, &count))
        return last_error();
    out = calloc(count ? count : 1, sizeof(*out));
    for (DWORD i = 0; out && i < count; i++) {
        out[i].id = info[i].SessionId;
        out[i].state = info[i].State;
        out[i].station = dup_or_null(info[i].pWinStationName ? info[i].pWinStationName : "", &oom);
    }
    fn.WTSFreeMemory(info);
    if (!out || oom) {
        wn_sessions_free(out, count);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    *ret = out;
    *ret_count = count;
    return 0;
}

void wn_sessions1_free(struct wn_session1 *s, uint32_t count) {
    if (!s)
        return;
    for (uint32_t i = 0; i < count; i++)
        for (size_t t = 0; t < WN_SESSION1_NAMES; t++)
            free(s[i].names[t]);
    free(s);
}

uint32_t wn_enumerate_ex(void *server, uint32_t *level, uint32_t filter, struct wn_session1 **ret,
                         uint32_t *ret_count) {
    PWTS_SESSION_INFO_1A info = NULL;
    struct wn_session1 *out;
    DWORD count = 0, lvl = *level;
    bool oom = false;

    if (!fn.WTSEnumerateSessionsExA(server, &lvl, filter, &info, &count))
        return last_error();
    *level = lvl;
    out = calloc(count ? count : 1, sizeof(*out));
    for (DWORD i = 0; out && i < count; i++) {
        out[i].exec_env_id = info[i].ExecEnvId;
        out[i].state = info[i].State;
        out[i].id = info[i].SessionId;
        out[i].names[WN_SESSION_NAME] = dup_or_null(info[i].pSessionName, &oom);
        out[i].names[WN_HOST_NAME] = dup_or_null(info[i].pHostName, &oom);
        out[i].names[WN_USER_NAME] = dup_or_null(info[i].pUserName, &oom);
        out[i].names[WN_DOMAIN_NAME] = dup_or_null(info[i].pDomainName, &oom);
        out[i].names[WN_FARM_NAME] = dup_or_null(info[i].pFarmName, &oom);
    }
    fn.WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, info, count);
    if (!out || oom) {
        wn_sessions1_free(out, count);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    *ret = out;
    *ret_count = count;
    return 0;
}

/* Classes whose value is a fixed layout without WCHAR: the same bytes in WinPR. */
static bool bytes_class(WTS_INFO_CLASS c) {
    switch (c) {
    case WTSSessionId:
    case WTSConnectState:
    case WTSClientBuildNumber:
    case WTSClientProductId:
    case WTSClientHardwareId:
    case WTSClientAddress:
    case WTSClientDisplay:
    case WTSClientProtocolType:
    case WTSIdleTime:
    case WTSLogonTime:
    case WTSIncomingBytes:
    case WTSOutgoingBytes:
    case WTSIncomingFrames:
    case WTSOutgoingFrames:
    case WTSSessionAddressV4:
    case WTSIsRemoteSession:
        return true;
    default:
        return false;
    }
}

static void name_to_utf8(char *dst, size_t size, const wchar_t *w, size_t chars) {
    wchar_t tmp[64];
    size_t n = 0;

    /* The field is terminated by libwtsnet; copy defensively up to its size. */
    while (n < chars && n < 63 && w[n])
        tmp[n] = w[n], n++;
    tmp[n] = L'\0';
    if (wcs_to_utf8_buf(tmp, dst, size) < 0)
        dst[0] = '\0';
}

/* The counters and times WTSINFOW and WTSINFOEX_LEVEL1_W share, by the same names. */
#define GET_NUMBERS(w, o)                                              \
    do {                                                               \
        (o)->incoming_bytes = (w)->IncomingBytes;                      \
        (o)->outgoing_bytes = (w)->OutgoingBytes;                      \
        (o)->incoming_frames = (w)->IncomingFrames;                    \
        (o)->outgoing_frames = (w)->OutgoingFrames;                    \
        (o)->incoming_compressed_bytes = (w)->IncomingCompressedBytes; \
        (o)->outgoing_compressed_bytes = (w)->OutgoingCompressedBytes; \
        (o)->connect_time = (w)->ConnectTime.QuadPart;                 \
        (o)->disconnect_time = (w)->DisconnectTime.QuadPart;           \
        (o)->last_input_time = (w)->LastInputTime.QuadPart;            \
        (o)->logon_time = (w)->LogonTime.QuadPart;                     \
        (o)->current_time = (w)->CurrentTime.QuadPart;                 \
    } while (0)

static void info_from(const WTSINFOW *w, struct wn_info *o) {
    o->state = (uint32_t) w->State;
    o->session_id = w->SessionId;
    o->flags = 0;
    GET_NUMBERS(w, o);
    name_to_utf8(o->station, sizeof(o->station), w->WinStationName, WINSTATIONNAME_LENGTH);
    name_to_utf8(o->domain, sizeof(o->domain), w->Domain, DOMAIN_LENGTH);
    name_to_utf8(o->user, sizeof(o->user), w->UserName, USERNAME_LENGTH + 1);
}

static void infoex_from(const WTSINFOEXW *x, struct wn_info *o) {
    const WTSINFOEX_LEVEL1_W *w = &x->Data.WTSInfoExLevel1;

    o->state = (uint32_t) w->SessionState;
    o->session_id = w->SessionId;
    o->flags = w->SessionFlags;
    GET_NUMBERS(w, o);
    name_to_utf8(o->station, sizeof(o->station), w->WinStationName, WINSTATIONNAME_LENGTH + 1);
    name_to_utf8(o->domain, sizeof(o->domain), w->DomainName, DOMAIN_LENGTH + 1);
    name_to_utf8(o->user, sizeof(o->user), w->UserName, USERNAME_LENGTH + 1);
}

uint32_t wn_query(void *server, uint32_t session_id, int cls, struct wn_value *ret) {
    WTS_INFO_CLASS c = (WTS_INFO_CLASS) cls;
    LPWSTR wbuf = NULL;
    LPSTR buf = NULL;
    DWORD bytes = 0;

    memset(ret, 0, sizeof(*ret));
    if (c == WTSSessionInfo || c == WTSSessionInfoEx) {
        if (!fn.WTSQuerySessionInformationW(server, session_id, c, &wbuf, &bytes))
            return last_error();
        if (c == WTSSessionInfo && bytes == sizeof(WTSINFOW)) {
            ret->kind = WN_INFO;
            info_from((const WTSINFOW *) wbuf, &ret->info);
        } else if (c == WTSSessionInfoEx && bytes == sizeof(WTSINFOEXW) && ((WTSINFOEXW *) wbuf)->Level == 1) {
            ret->kind = WN_INFOEX;
            infoex_from((const WTSINFOEXW *) wbuf, &ret->info);
        } else {
            fn.WTSFreeMemory(wbuf);
            return ERROR_NOT_SUPPORTED;
        }
        fn.WTSFreeMemory(wbuf);
        return 0;
    }
    if (!fn.WTSQuerySessionInformationA(server, session_id, c, &buf, &bytes))
        return last_error();
    if (wts_class_is_text(cls)) {
        ret->kind = WN_TEXT;
        ret->text = strdup(buf);
        fn.WTSFreeMemory(buf);
        return ret->text ? 0 : ERROR_NOT_ENOUGH_MEMORY;
    }
    if (bytes_class(c) && bytes <= sizeof(ret->bytes)) {
        ret->kind = WN_BYTES;
        memcpy(ret->bytes, buf, bytes);
        ret->size = bytes;
        fn.WTSFreeMemory(buf);
        return 0;
    }
    /* A structure with WCHAR inside (WTSClientInfo, WTSConfigInfo, …) that
     * this module has no conversion for: refuse rather than hand on a
     * layout WinPR would misread. */
    fn.WTSFreeMemory(buf);
    return ERROR_NOT_SUPPORTED;
}

void wn_value_done(struct wn_value *v) {
    free(v->text);
    v->text = NULL;
}

uint32_t wn_logoff(void *server, uint32_t session_id, bool wait) {
    return fn.WTSLogoffSession(server, session_id, wait) ? 0 : last_error();
}

uint32_t wn_disconnect(void *server, uint32_t session_id, bool wait) {
    return fn.WTSDisconnectSession(server, session_id, wait) ? 0 : last_error();
}

uint32_t wn_wait_system_event(void *server, uint32_t mask, uint32_t *ret_flags) {
    DWORD flags = 0;

    if (!fn.WTSWaitSystemEvent(server, mask, ret_flags ? &flags : NULL))
        return last_error();
    if (ret_flags)
        *ret_flags = flags;
    return 0;
}
