/*
 * libwtsnet-winpr.so: wtsnet as the WTS API provider of FreeRDP's WinPR 2.
 *
 * WinPR's WTS* functions forward to a table of function pointers that a
 * provider library fills: WinPR loads the library named by WTSAPI_LIBRARY
 * (dlopen, RTLD_LOCAL), calls its exported InitWtsApi() once and keeps the
 * returned WtsApiFunctionTable for the life of the process. A NULL slot makes
 * WinPR's function return FALSE (NULL, or nothing) without touching the last
 * error. WinPR reads neither dwVersion nor dwFlags (winpr/libwinpr/wtsapi/
 * wtsapi.c in FreeRDP 2.11); they are set to 1 and 0.
 *
 * WinPR's WCHAR is 16 bits (UTF-16) where wtsnet's is wchar_t (UTF-32), so
 * every result is rebuilt here in WinPR's layouts, field by field, as one
 * malloc() block that this table's pFreeMemory / pFreeMemoryEx* free.
 * docs/winpr.md describes the setup and what each slot does.
 */
#include <winpr/error.h>
#include <winpr/wtsapi.h>

#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf16.h"
#include "common/wstr.h"
#include "block.h"
#include "wtsnet_calls.h"

/* WinPR 2's layouts, as Microsoft's with a 2-byte WCHAR on LP64: the sizes
 * and offsets this file relies on when it writes WinPR's structures. */
_Static_assert(sizeof(WCHAR) == 2, "WinPR's WCHAR is UTF-16");
_Static_assert(sizeof(WTS_SESSION_INFOW) == 24 && sizeof(WTS_SESSION_INFOA) == 24, "WTS_SESSION_INFO");
_Static_assert(sizeof(WTS_SESSION_INFO_1W) == 56 && sizeof(WTS_SESSION_INFO_1A) == 56, "WTS_SESSION_INFO_1");
_Static_assert(offsetof(WTSINFOW, WinStationName) == 32 && offsetof(WTSINFOW, ConnectTime) == 176 &&
                   offsetof(WTSINFOW, _CurrentTime) == 208 && sizeof(WTSINFOW) == 216,
               "WTSINFOW");
_Static_assert(offsetof(WTSINFOA, ConnectTime) == 104 && sizeof(WTSINFOA) == 144, "WTSINFOA");
_Static_assert(offsetof(WTSINFOEXW, Data) == 8 && offsetof(WTSINFOEX_LEVEL1_W, LogonTime) == 160 &&
                   sizeof(WTSINFOEX_LEVEL1_W) == 224 && sizeof(WTSINFOEXW) == 232,
               "WTSINFOEXW");
_Static_assert(offsetof(WTSINFOEX_LEVEL1_A, LogonTime) == 88 && sizeof(WTSINFOEXA) == 160, "WTSINFOEXA");
_Static_assert(sizeof(WTS_CLIENT_ADDRESS) == 24 && sizeof(WTS_CLIENT_DISPLAY) == 12, "client address, display");
/* The table: two DWORDs, then 67 pointers in WinPR's order. */
_Static_assert(offsetof(WtsApiFunctionTable, pStopRemoteControlSession) == 8 &&
                   sizeof(WtsApiFunctionTable) == 8 + 67 * sizeof(void *),
               "WtsApiFunctionTable");

/* WinPR's SetLastError, looked up in libwinpr2 itself: libwtsnet (loaded
 * beside this module) exports the same name, and the caller's GetLastError
 * is WinPR's. */
#define WINPR_SONAME "libwinpr2.so.2"
static VOID (*winpr_set_last_error)(DWORD);

static void set_error(uint32_t error) {
    winpr_set_last_error(error);
}

static BOOL fail(uint32_t error) {
    set_error(error);
    return FALSE;
}

/* A result block (or none: out of memory) to the caller, with its size or count. */
static BOOL give(void *block, void **ret, DWORD *ret_size, size_t size) {
    if (!block)
        return fail(ERROR_NOT_ENOUGH_MEMORY);
    *ret = block;
    *ret_size = (DWORD) size;
    return TRUE;
}

/* ---- server handles ---- */

static HANDLE open_server(const char *name, BOOL ex) {
    void *h = NULL;
    uint32_t e = wn_open_server(name, ex, &h);

    if (e) {
        set_error(e);
        return NULL;
    }
    return h;
}

/* WinPR hands a UTF-16 name; an unpaired surrogate is no name at all. */
static HANDLE open_server_w(LPWSTR pServerName, BOOL ex) {
    char *name = NULL;
    HANDLE h;
    size_t units = 0;

    if (pServerName) {
        uint8_t *le;

        while (pServerName[units])
            units++;
        le = malloc(units * 2 + 1);
        if (!le) {
            set_error(ERROR_NOT_ENOUGH_MEMORY);
            return NULL;
        }
        for (size_t i = 0; i < units; i++)
            le[2 * i] = (uint8_t) pServerName[i], le[2 * i + 1] = (uint8_t) (pServerName[i] >> 8);
        int r = utf16_to_utf8(le, units, &name);
        free(le);
        if (r < 0) {
            set_error(r == -ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER);
            return NULL;
        }
    }
    h = open_server(name, ex);
    free(name);
    return h;
}

static HANDLE WINAPI open_server_w_fn(LPWSTR pServerName) {
    return open_server_w(pServerName, FALSE);
}
static HANDLE WINAPI open_server_ex_w_fn(LPWSTR pServerName) {
    return open_server_w(pServerName, TRUE);
}
static HANDLE WINAPI open_server_a_fn(LPSTR pServerName) {
    return open_server(pServerName, FALSE);
}
static HANDLE WINAPI open_server_ex_a_fn(LPSTR pServerName) {
    return open_server(pServerName, TRUE);
}
static VOID WINAPI close_server_fn(HANDLE hServer) {
    wn_close_server(hServer);
}

/* ---- enumeration ---- */

/* WTS_SESSION_INFO(_1) W and A name their fields alike: one list of assignments for both. */
#define PUT_SESSION(o, s, at) \
    ((o)->SessionId = (s)->id, (o)->State = (WTS_CONNECTSTATE_CLASS) (s)->state, (o)->pWinStationName = (at)[0])
#define PUT_SESSION1(o, s, at)                                                                                      \
    ((o)->ExecEnvId = (s)->exec_env_id, (o)->State = (WTS_CONNECTSTATE_CLASS) (s)->state, (o)->SessionId = (s)->id, \
     (o)->pSessionName = (at)[WN_SESSION_NAME], (o)->pHostName = (at)[WN_HOST_NAME],                                \
     (o)->pUserName = (at)[WN_USER_NAME], (o)->pDomainName = (at)[WN_DOMAIN_NAME], (o)->pFarmName = (at)[WN_FARM_NAME])

static char *const *session_texts(const void *list, uint32_t i) {
    return &((const struct wn_session *) list)[i].station;
}

static void put_session(BOOL wide, void *block, const void *list, uint32_t i, void *const at[]) {
    const struct wn_session *s = (const struct wn_session *) list + i;

    if (wide)
        PUT_SESSION((WTS_SESSION_INFOW *) block + i, s, at);
    else
        PUT_SESSION((WTS_SESSION_INFOA *) block + i, s, at);
}

static const struct listing sessions = {sizeof(WTS_SESSION_INFOW), sizeof(WTS_SESSION_INFOA), 1, session_texts,
                                        put_session};

static char *const *session1_texts(const void *list, uint32_t i) {
    return ((const struct wn_session1 *) list)[i].names;
}

static void put_session1(BOOL wide, void *block, const void *list, uint32_t i, void *const at[]) {
    const struct wn_session1 *s = (const struct wn_session1 *) list + i;

    if (wide)
        PUT_SESSION1((WTS_SESSION_INFO_1W *) block + i, s, at);
    else
        PUT_SESSION1((WTS_SESSION_INFO_1A *) block + i, s, at);
}

static const struct listing sessions1 = {sizeof(WTS_SESSION_INFO_1W), sizeof(WTS_SESSION_INFO_1A), WN_SESSION1_NAMES,
                                         session1_texts, put_session1};

static BOOL enumerate(BOOL wide, HANDLE hServer, DWORD Reserved, DWORD Version, void **ppSessionInfo, DWORD *pCount) {
    struct wn_session *list = NULL;
    uint32_t count = 0, e;
    void *block;

    if (!ppSessionInfo || !pCount)
        return fail(ERROR_INVALID_PARAMETER);
    e = wn_enumerate(hServer, Reserved, Version, &list, &count);
    if (e)
        return fail(e);
    block = pack(wide, &sessions, list, count);
    wn_sessions_free(list, count);
    return give(block, ppSessionInfo, pCount, count);
}

static BOOL WINAPI enumerate_sessions_w_fn(HANDLE hServer, DWORD Reserved, DWORD Version,
                                           PWTS_SESSION_INFOW *ppSessionInfo, DWORD *pCount) {
    return enumerate(TRUE, hServer, Reserved, Version, (void **) ppSessionInfo, pCount);
}
static BOOL WINAPI enumerate_sessions_a_fn(HANDLE hServer, DWORD Reserved, DWORD Version,
                                           PWTS_SESSION_INFOA *ppSessionInfo, DWORD *pCount) {
    return enumerate(FALSE, hServer, Reserved, Version, (void **) ppSessionInfo, pCount);
}

static BOOL enumerate_ex(BOOL wide, HANDLE hServer, DWORD *pLevel, DWORD Filter, void **ppSessionInfo, DWORD *pCount) {
    struct wn_session1 *list = NULL;
    uint32_t count = 0, level, e;
    void *block;

    if (!pLevel || !ppSessionInfo || !pCount)
        return fail(ERROR_INVALID_PARAMETER);
    level = *pLevel;
    e = wn_enumerate_ex(hServer, &level, Filter, &list, &count);
    if (e)
        return fail(e);
    block = pack(wide, &sessions1, list, count);
    wn_sessions1_free(list, count);
    if (block)
        *pLevel = level;
    return give(block, ppSessionInfo, pCount, count);
}

static BOOL WINAPI enumerate_sessions_ex_w_fn(HANDLE hServer, DWORD *pLevel, DWORD Filter,
                                              PWTS_SESSION_INFO_1W *ppSessionInfo, DWORD *pCount) {
    return enumerate_ex(TRUE, hServer, pLevel, Filter, (void **) ppSessionInfo, pCount);
}
static BOOL WINAPI enumerate_sessions_ex_a_fn(HANDLE hServer, DWORD *pLevel, DWORD Filter,
                                              PWTS_SESSION_INFO_1A *ppSessionInfo, DWORD *pCount) {
    return enumerate_ex(FALSE, hServer, pLevel, Filter, (void **) ppSessionInfo, pCount);
}

/* ---- query ---- */

/* A fixed name field, W (UTF-16) or A (UTF-8) by its type; its capacity is its size. */
#define PUT_NAME(field, s) \
    _Generic((field), WCHAR *: field16, char *: utf8_copy_truncated)(field, sizeof(field) / sizeof((field)[0]), s)

/* The counters and times WTSINFO and WTSINFOEX level 1 share, named alike in
 * WinPR's four layouts but for WTSINFOA's OutgoingCompressedBy (the parameter). */
#define PUT_NUMBERS(o, i, OutgoingCompressed)                          \
    do {                                                               \
        (o)->IncomingBytes = (i)->incoming_bytes;                      \
        (o)->OutgoingBytes = (i)->outgoing_bytes;                      \
        (o)->IncomingFrames = (i)->incoming_frames;                    \
        (o)->OutgoingFrames = (i)->outgoing_frames;                    \
        (o)->IncomingCompressedBytes = (i)->incoming_compressed_bytes; \
        (o)->OutgoingCompressed = (i)->outgoing_compressed_bytes;      \
        (o)->ConnectTime.QuadPart = (i)->connect_time;                 \
        (o)->DisconnectTime.QuadPart = (i)->disconnect_time;           \
        (o)->LastInputTime.QuadPart = (i)->last_input_time;            \
        (o)->LogonTime.QuadPart = (i)->logon_time;                     \
        (o)->_CurrentTime.QuadPart = (i)->current_time;                \
    } while (0)

/* WTSINFO, W or A: one body for both. */
#define PUT_WTSINFO(type, out, i, OutgoingCompressed)   \
    do {                                                \
        type *o = (out);                                \
                                                        \
        memset(o, 0, sizeof(*o));                       \
        o->State = (WTS_CONNECTSTATE_CLASS) (i)->state; \
        o->SessionId = (i)->session_id;                 \
        PUT_NUMBERS(o, i, OutgoingCompressed);          \
        PUT_NAME(o->WinStationName, (i)->station);      \
        PUT_NAME(o->Domain, (i)->domain);               \
        PUT_NAME(o->UserName, (i)->user);               \
    } while (0)

/* WTSINFOEX at level 1, W or A: one body for both. */
#define PUT_WTSINFOEX(type, out, i)                                        \
    do {                                                                   \
        type *x = (out);                                                   \
        __typeof__(x->Data.WTSInfoExLevel1) *o = &x->Data.WTSInfoExLevel1; \
                                                                           \
        memset(x, 0, sizeof(*x));                                          \
        x->Level = 1;                                                      \
        o->SessionId = (i)->session_id;                                    \
        o->SessionState = (WTS_CONNECTSTATE_CLASS) (i)->state;             \
        o->SessionFlags = (i)->flags;                                      \
        PUT_NAME(o->WinStationName, (i)->station);                         \
        PUT_NAME(o->UserName, (i)->user);                                  \
        PUT_NAME(o->DomainName, (i)->domain);                              \
        PUT_NUMBERS(o, i, OutgoingCompressedBytes);                        \
    } while (0)

static void wtsinfo_w(const struct wn_info *i, void *out) {
    PUT_WTSINFO(WTSINFOW, out, i, OutgoingCompressedBytes);
}
static void wtsinfo_a(const struct wn_info *i, void *out) {
    PUT_WTSINFO(WTSINFOA, out, i, OutgoingCompressedBy); /* WinPR's spelling */
}
static void wtsinfoex_w(const struct wn_info *i, void *out) {
    PUT_WTSINFOEX(WTSINFOEXW, out, i);
}
static void wtsinfoex_a(const struct wn_info *i, void *out) {
    PUT_WTSINFOEX(WTSINFOEXA, out, i);
}

/* WinPR's session-info layouts, [WTSINFOEX?][wide?]: each one's size and filler. */
static const struct {
    size_t size;
    void (*put)(const struct wn_info *i, void *out);
} info_layouts[2][2] = {
    {{sizeof(WTSINFOA), wtsinfo_a}, {sizeof(WTSINFOW), wtsinfo_w}},
    {{sizeof(WTSINFOEXA), wtsinfoex_a}, {sizeof(WTSINFOEXW), wtsinfoex_w}},
};

static BOOL query(BOOL wide, HANDLE hServer, DWORD SessionId, WTS_INFO_CLASS WTSInfoClass, void **ppBuffer,
                  DWORD *pBytesReturned) {
    struct wn_value v;
    size_t size = 0;
    char *block = NULL, *cursor;
    uint32_t e;

    /* wtsnet checks these first too; checked here so nothing is allocated for nothing. */
    if (!ppBuffer || !pBytesReturned)
        return fail(ERROR_INVALID_USER_BUFFER);
    e = wn_query(hServer, SessionId, (int) WTSInfoClass, &v);
    if (e)
        return fail(e);
    switch (v.kind) {
    case WN_TEXT:
        if (text_size(wide, v.text, &size) < 0 || !(block = malloc(size)))
            break;
        cursor = block;
        if (!put_text(wide, &cursor, v.text)) {
            free(block);
            block = NULL;
        }
        break;
    case WN_BYTES:
        size = v.size;
        block = malloc(size ? size : 1);
        if (block)
            memcpy(block, v.bytes, size);
        break;
    case WN_INFO:
    case WN_INFOEX:
        size = info_layouts[v.kind == WN_INFOEX][wide != FALSE].size;
        block = malloc(size);
        if (block)
            info_layouts[v.kind == WN_INFOEX][wide != FALSE].put(&v.info, block);
        break;
    }
    wn_value_done(&v);
    return give(block, ppBuffer, pBytesReturned, size);
}

static BOOL WINAPI query_session_information_w_fn(HANDLE hServer, DWORD SessionId, WTS_INFO_CLASS WTSInfoClass,
                                                  LPWSTR *ppBuffer, DWORD *pBytesReturned) {
    return query(TRUE, hServer, SessionId, WTSInfoClass, (void **) ppBuffer, pBytesReturned);
}
static BOOL WINAPI query_session_information_a_fn(HANDLE hServer, DWORD SessionId, WTS_INFO_CLASS WTSInfoClass,
                                                  LPSTR *ppBuffer, DWORD *pBytesReturned) {
    return query(FALSE, hServer, SessionId, WTSInfoClass, (void **) ppBuffer, pBytesReturned);
}

/* ---- actions ---- */

static BOOL WINAPI logoff_session_fn(HANDLE hServer, DWORD SessionId, BOOL bWait) {
    uint32_t e = wn_logoff(hServer, SessionId, bWait != FALSE);

    return e ? fail(e) : TRUE;
}

static BOOL WINAPI disconnect_session_fn(HANDLE hServer, DWORD SessionId, BOOL bWait) {
    uint32_t e = wn_disconnect(hServer, SessionId, bWait != FALSE);

    return e ? fail(e) : TRUE;
}

static BOOL WINAPI wait_system_event_fn(HANDLE hServer, DWORD EventMask, DWORD *pEventFlags) {
    uint32_t flags = 0, e = wn_wait_system_event(hServer, EventMask, pEventFlags ? &flags : NULL);

    if (e)
        return fail(e);
    if (pEventFlags)
        *pEventFlags = flags;
    return TRUE;
}

/*
 * Session notifications go to a window (WM_WTSSESSION_CHANGE). A program on
 * WinPR registering without one (hWnd NULL) has asked for nothing that could
 * be delivered: accepted, so portable code that registers unconditionally
 * goes on; nothing is ever sent. A real window: ERROR_NOT_SUPPORTED — no
 * event would reach it (docs/winpr.md).
 */
static BOOL WINAPI register_session_notification_fn(HWND hWnd, DWORD dwFlags) {
    if (dwFlags != NOTIFY_FOR_THIS_SESSION && dwFlags != NOTIFY_FOR_ALL_SESSIONS)
        return fail(ERROR_INVALID_PARAMETER);
    return hWnd ? fail(ERROR_NOT_SUPPORTED) : TRUE;
}

static BOOL WINAPI unregister_session_notification_fn(HWND hWnd) {
    return hWnd ? fail(ERROR_NOT_SUPPORTED) : TRUE;
}

/* ---- memory: every block above is one malloc() ---- */

static VOID WINAPI free_memory_fn(PVOID pMemory) {
    free(pMemory);
}

static BOOL free_memory_ex(WTS_TYPE_CLASS WTSTypeClass, PVOID pMemory) {
    /* Only session lists come from here; process lists are not provided. */
    if (!pMemory || WTSTypeClass != WTSTypeSessionInfoLevel1)
        return fail(ERROR_INVALID_PARAMETER);
    free(pMemory);
    return TRUE;
}

static BOOL WINAPI free_memory_ex_w_fn(WTS_TYPE_CLASS WTSTypeClass, PVOID pMemory, ULONG NumberOfEntries) {
    (void) NumberOfEntries; /* one block, whatever the count */
    return free_memory_ex(WTSTypeClass, pMemory);
}
static BOOL WINAPI free_memory_ex_a_fn(WTS_TYPE_CLASS WTSTypeClass, PVOID pMemory, ULONG NumberOfEntries) {
    (void) NumberOfEntries;
    return free_memory_ex(WTSTypeClass, pMemory);
}

/*
 * Every slot wtsnet implements; the others stay NULL. Deliberately NULL:
 * pShutdownSystem — WinPR's own test calls WTSShutdownSystem(…,
 * WTS_WSD_SHUTDOWN), and a library that only lists and logs off sessions
 * must never power a machine down by accident.
 */
static WtsApiFunctionTable table = {
    .dwVersion = 1,
    .dwFlags = 0,
    .pOpenServerW = open_server_w_fn,
    .pOpenServerA = open_server_a_fn,
    .pOpenServerExW = open_server_ex_w_fn,
    .pOpenServerExA = open_server_ex_a_fn,
    .pCloseServer = close_server_fn,
    .pEnumerateSessionsW = enumerate_sessions_w_fn,
    .pEnumerateSessionsA = enumerate_sessions_a_fn,
    .pEnumerateSessionsExW = enumerate_sessions_ex_w_fn,
    .pEnumerateSessionsExA = enumerate_sessions_ex_a_fn,
    .pQuerySessionInformationW = query_session_information_w_fn,
    .pQuerySessionInformationA = query_session_information_a_fn,
    .pDisconnectSession = disconnect_session_fn,
    .pLogoffSession = logoff_session_fn,
    .pShutdownSystem = NULL,
    .pWaitSystemEvent = wait_system_event_fn,
    .pFreeMemory = free_memory_fn,
    .pRegisterSessionNotification = register_session_notification_fn,
    .pUnRegisterSessionNotification = unregister_session_notification_fn,
    .pFreeMemoryExW = free_memory_ex_w_fn,
    .pFreeMemoryExA = free_memory_ex_a_fn,
};

/* WinPR's INIT_WTSAPI_FN. NULL when libwtsnet or WinPR's SetLastError cannot
 * be reached: WinPR then answers every WTS call with FALSE, as without a provider. */
__attribute__((visibility("default"))) PWtsApiFunctionTable CDECL InitWtsApi(void);
PWtsApiFunctionTable CDECL InitWtsApi(void) {
    void *winpr = dlopen(WINPR_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);

    if (winpr)
        *(void **) &winpr_set_last_error = dlsym(winpr, "SetLastError");
    if (!winpr_set_last_error || wn_init())
        return NULL;
    return &table;
}
