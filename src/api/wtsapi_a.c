/*
 * wtsapi32, A entry points: UTF-8 in, the W call, UTF-8 out.
 * Each result is again one block, freed with WTSFreeMemory.
 */
#include <wtsapi32.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api/server.h"
#include "api/win32_error.h"
#include "common/wstr.h"
#include "common/wts_class.h"

/* Converts a W string returned by the library (always valid) to UTF-8 at *cursor. */
static char *put_utf8(char **cursor, const wchar_t *w) {
    char *s = *cursor;
    size_t len = 0;

    wcs_utf8len(w, &len);
    wcs_to_utf8_buf(w, s, len + 1);
    *cursor += len + 1;
    return s;
}

static size_t utf8_size(const wchar_t *w) {
    size_t len = 0;

    if (!w)
        return 0;
    wcs_utf8len(w, &len);
    return len + 1;
}

static char *put_utf8_or_null(char **cursor, const wchar_t *w) {
    return w ? put_utf8(cursor, w) : NULL;
}

static HANDLE open_server_a(LPSTR pServerName) {
    wchar_t *wide = NULL;
    HANDLE h;
    int r;

    if (!pServerName)
        return WTSOpenServerW(NULL);
    r = utf8_to_wcs(pServerName, &wide);
    if (r < 0) {
        /* Not UTF-8: a failed open, as in WTSOpenServerW, never NULL (this host). */
        r = r == -EILSEQ ? -EINVAL : r;
        fail(r);
        return (HANDLE) server_failed(r);
    }
    h = WTSOpenServerW(wide);
    free(wide);
    return h;
}

HANDLE WINAPI WTSOpenServerA(LPSTR pServerName) {
    return open_server_a(pServerName);
}

HANDLE WINAPI WTSOpenServerExA(LPSTR pServerName) {
    return open_server_a(pServerName);
}

BOOL WINAPI WTSEnumerateSessionsA(HANDLE hServer, DWORD Reserved, DWORD Version, PWTS_SESSION_INFOA *ppSessionInfo,
                                  DWORD *pCount) {
    PWTS_SESSION_INFOW w;
    PWTS_SESSION_INFOA a;
    DWORD count;
    size_t size;
    char *cursor;

    if (!ppSessionInfo || !pCount)
        return fail_win32(ERROR_INVALID_PARAMETER);
    if (!WTSEnumerateSessionsW(hServer, Reserved, Version, &w, &count))
        return FALSE;
    size = count * sizeof(*a);
    for (DWORD i = 0; i < count; i++)
        size += utf8_size(w[i].pWinStationName);
    a = malloc(size ? size : 1);
    if (!a) {
        WTSFreeMemory(w);
        return fail(-ENOMEM);
    }
    cursor = (char *) (a + count);
    for (DWORD i = 0; i < count; i++) {
        a[i].SessionId = w[i].SessionId;
        a[i].State = w[i].State;
        a[i].pWinStationName = put_utf8(&cursor, w[i].pWinStationName);
    }
    WTSFreeMemory(w);
    *ppSessionInfo = a;
    *pCount = count;
    return TRUE;
}

BOOL WINAPI WTSEnumerateSessionsExA(HANDLE hServer, DWORD *pLevel, DWORD Filter, PWTS_SESSION_INFO_1A *ppSessionInfo,
                                    DWORD *pCount) {
    PWTS_SESSION_INFO_1W w;
    PWTS_SESSION_INFO_1A a;
    DWORD count;
    size_t size;
    char *cursor;

    if (!ppSessionInfo || !pCount)
        return fail_win32(ERROR_INVALID_PARAMETER);
    if (!WTSEnumerateSessionsExW(hServer, pLevel, Filter, &w, &count))
        return FALSE;
    size = count * sizeof(*a);
    for (DWORD i = 0; i < count; i++)
        size += utf8_size(w[i].pSessionName) + utf8_size(w[i].pHostName) + utf8_size(w[i].pUserName) +
                utf8_size(w[i].pDomainName) + utf8_size(w[i].pFarmName);
    a = malloc(size ? size : 1);
    if (!a) {
        WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, w, count);
        return fail(-ENOMEM);
    }
    cursor = (char *) (a + count);
    for (DWORD i = 0; i < count; i++) {
        a[i].ExecEnvId = w[i].ExecEnvId;
        a[i].State = w[i].State;
        a[i].SessionId = w[i].SessionId;
        a[i].pSessionName = put_utf8_or_null(&cursor, w[i].pSessionName);
        a[i].pHostName = put_utf8_or_null(&cursor, w[i].pHostName);
        a[i].pUserName = put_utf8_or_null(&cursor, w[i].pUserName);
        a[i].pDomainName = put_utf8_or_null(&cursor, w[i].pDomainName);
        a[i].pFarmName = put_utf8_or_null(&cursor, w[i].pFarmName);
    }
    WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, w, count);
    *ppSessionInfo = a;
    *pCount = count;
    return TRUE;
}

/* Fixed-size wide fields to fixed-size UTF-8 fields, cut at a character boundary. */
static void narrow_field(char *dst, size_t dst_size, const wchar_t *src) {
    char *s = NULL;

    if (wcs_to_utf8(src, &s) < 0) {
        dst[0] = '\0';
        return;
    }
    utf8_copy_truncated(dst, dst_size, s);
    free(s);
}

static void narrow_wtsinfo(const WTSINFOW *w, WTSINFOA *a) {
    memset(a, 0, sizeof(*a));
    a->State = w->State;
    a->SessionId = w->SessionId;
    a->IncomingBytes = w->IncomingBytes;
    a->OutgoingBytes = w->OutgoingBytes;
    a->IncomingFrames = w->IncomingFrames;
    a->OutgoingFrames = w->OutgoingFrames;
    a->IncomingCompressedBytes = w->IncomingCompressedBytes;
    a->OutgoingCompressedBy = w->OutgoingCompressedBytes; /* the SDK's spelling for WTSINFOA */
    narrow_field(a->WinStationName, sizeof(a->WinStationName), w->WinStationName);
    narrow_field(a->Domain, sizeof(a->Domain), w->Domain);
    narrow_field(a->UserName, sizeof(a->UserName), w->UserName);
    a->ConnectTime = w->ConnectTime;
    a->DisconnectTime = w->DisconnectTime;
    a->LastInputTime = w->LastInputTime;
    a->LogonTime = w->LogonTime;
    a->CurrentTime = w->CurrentTime;
}

static void narrow_wtsinfoex(const WTSINFOEXW *w, WTSINFOEXA *a) {
    const WTSINFOEX_LEVEL1_W *wl = &w->Data.WTSInfoExLevel1;
    WTSINFOEX_LEVEL1_A *al = &a->Data.WTSInfoExLevel1;

    memset(a, 0, sizeof(*a));
    a->Level = w->Level;
    al->SessionId = wl->SessionId;
    al->SessionState = wl->SessionState;
    al->SessionFlags = wl->SessionFlags;
    narrow_field(al->WinStationName, sizeof(al->WinStationName), wl->WinStationName);
    narrow_field(al->UserName, sizeof(al->UserName), wl->UserName);
    narrow_field(al->DomainName, sizeof(al->DomainName), wl->DomainName);
    al->LogonTime = wl->LogonTime;
    al->ConnectTime = wl->ConnectTime;
    al->DisconnectTime = wl->DisconnectTime;
    al->LastInputTime = wl->LastInputTime;
    al->CurrentTime = wl->CurrentTime;
    al->IncomingBytes = wl->IncomingBytes;
    al->OutgoingBytes = wl->OutgoingBytes;
    al->IncomingFrames = wl->IncomingFrames;
    al->OutgoingFrames = wl->OutgoingFrames;
    al->IncomingCompressedBytes = wl->IncomingCompressedBytes;
    al->OutgoingCompressedBytes = wl->OutgoingCompressedBytes;
}

BOOL WINAPI WTSQuerySessionInformationA(HANDLE hServer, DWORD SessionId, WTS_INFO_CLASS WTSInfoClass, LPSTR *ppBuffer,
                                        DWORD *pBytesReturned) {
    LPWSTR w;
    DWORD wbytes;
    void *a;
    size_t size;
    int r;

    if (!ppBuffer || !pBytesReturned)
        return fail_win32(ERROR_INVALID_USER_BUFFER);
    if (!WTSQuerySessionInformationW(hServer, SessionId, WTSInfoClass, &w, &wbytes))
        return FALSE;

    if (wts_class_is_text(WTSInfoClass)) {
        r = wcs_to_utf8(w, (char **) &a);
        size = r < 0 ? 0 : strlen(a) + 1;
    } else if (WTSInfoClass == WTSSessionInfo) {
        size = sizeof(WTSINFOA);
        a = malloc(size);
        r = a ? 0 : -ENOMEM;
        if (a)
            narrow_wtsinfo((const WTSINFOW *) w, a);
    } else if (WTSInfoClass == WTSSessionInfoEx) {
        size = sizeof(WTSINFOEXA);
        a = malloc(size);
        r = a ? 0 : -ENOMEM;
        if (a)
            narrow_wtsinfoex((const WTSINFOEXW *) w, a);
    } else {
        /* Numbers and address structures read the same in A and W. */
        *ppBuffer = (LPSTR) w;
        *pBytesReturned = wbytes;
        return TRUE;
    }
    WTSFreeMemory(w);
    if (r < 0)
        return fail(r);
    *ppBuffer = a;
    *pBytesReturned = (DWORD) size;
    return TRUE;
}

BOOL WINAPI WTSFreeMemoryExA(WTS_TYPE_CLASS WTSTypeClass, PVOID pMemory, ULONG NumberOfEntries) {
    return WTSFreeMemoryExW(WTSTypeClass, pMemory, NumberOfEntries);
}

/* A SID's length (MS-DTYP 2.4.2): the library's S-1-22-1-<uid> or a Windows host's own. */
static size_t sid_size_of(const void *sid) {
    return 8 + 4 * (size_t) ((const SID *) sid)->SubAuthorityCount;
}

/* Level 0 or 1 of the W process block, again as one block with UTF-8 names;
 * the SIDs are copied along (level 1 begins with level 0's fields). */
static int processes_to_a(DWORD level, const void *w, DWORD count, void **ret) {
    size_t wstride = level == 0 ? sizeof(WTS_PROCESS_INFOW) : sizeof(WTS_PROCESS_INFO_EXW);
    size_t astride = level == 0 ? sizeof(WTS_PROCESS_INFOA) : sizeof(WTS_PROCESS_INFO_EXA);
    size_t size = count * astride;
    char *a, *sids, *cursor;

    for (DWORD i = 0; i < count; i++) {
        const WTS_PROCESS_INFOW *wi = (const WTS_PROCESS_INFOW *) (const void *) ((const char *) w + i * wstride);

        size += utf8_size(wi->pProcessName) + (wi->pUserSid ? sid_size_of(wi->pUserSid) : 0);
    }
    a = calloc(1, size ? size : 1);
    if (!a)
        return -ENOMEM;
    sids = a + count * astride;
    cursor = sids;
    for (DWORD i = 0; i < count; i++) {
        const WTS_PROCESS_INFOW *wi = (const WTS_PROCESS_INFOW *) (const void *) ((const char *) w + i * wstride);

        if (wi->pUserSid)
            cursor += sid_size_of(wi->pUserSid);
    }
    for (DWORD i = 0; i < count; i++) {
        const WTS_PROCESS_INFO_EXW *we = (const WTS_PROCESS_INFO_EXW *) (const void *) ((const char *) w + i * wstride);
        WTS_PROCESS_INFO_EXA *ae = (WTS_PROCESS_INFO_EXA *) (void *) (a + i * astride);
        WTS_PROCESS_INFOA *ai = (WTS_PROCESS_INFOA *) (void *) ae;

        ai->SessionId = we->SessionId;
        ai->ProcessId = we->ProcessId;
        ai->pProcessName = put_utf8_or_null(&cursor, we->pProcessName);
        if (we->pUserSid) {
            memcpy(sids, we->pUserSid, sid_size_of(we->pUserSid));
            ai->pUserSid = sids;
            sids += sid_size_of(we->pUserSid);
        }
        if (level == 1) {
            ae->NumberOfThreads = we->NumberOfThreads;
            ae->HandleCount = we->HandleCount;
            ae->PagefileUsage = we->PagefileUsage;
            ae->PeakPagefileUsage = we->PeakPagefileUsage;
            ae->WorkingSetSize = we->WorkingSetSize;
            ae->PeakWorkingSetSize = we->PeakWorkingSetSize;
            ae->UserTime = we->UserTime;
            ae->KernelTime = we->KernelTime;
        }
    }
    *ret = a;
    return 0;
}

BOOL WINAPI WTSEnumerateProcessesA(HANDLE hServer, DWORD Reserved, DWORD Version, PWTS_PROCESS_INFOA *ppProcessInfo,
                                   DWORD *pCount) {
    PWTS_PROCESS_INFOW w;
    void *a;
    DWORD count;
    int r;

    if (!ppProcessInfo || !pCount)
        return fail_win32(ERROR_INVALID_PARAMETER);
    if (!WTSEnumerateProcessesW(hServer, Reserved, Version, &w, &count))
        return FALSE;
    r = processes_to_a(0, w, count, &a);
    WTSFreeMemory(w);
    if (r < 0)
        return fail(r);
    *ppProcessInfo = a;
    *pCount = count;
    return TRUE;
}

BOOL WINAPI WTSEnumerateProcessesExA(HANDLE hServer, DWORD *pLevel, DWORD SessionId, LPSTR *ppProcessInfo,
                                     DWORD *pCount) {
    LPWSTR w;
    void *a;
    DWORD count;
    int r;

    if (!pLevel || !ppProcessInfo || !pCount)
        return fail_win32(ERROR_INVALID_PARAMETER);
    if (!WTSEnumerateProcessesExW(hServer, pLevel, SessionId, &w, &count))
        return FALSE;
    r = processes_to_a(*pLevel, w, count, &a);
    WTSFreeMemory(w);
    if (r < 0)
        return fail(r);
    *ppProcessInfo = a;
    *pCount = count;
    return TRUE;
}

BOOL WINAPI WTSSendMessageA(HANDLE hServer, DWORD SessionId, LPSTR pTitle, DWORD TitleLength, LPSTR pMessage,
                            DWORD MessageLength, DWORD Style, DWORD Timeout, DWORD *pResponse, BOOL bWait) {
    wchar_t *title = NULL, *text = NULL;
    char *copy;
    BOOL ok;
    int r = 0;

    if (!pResponse || (!pTitle && TitleLength) || (!pMessage && MessageLength))
        return fail_win32(ERROR_INVALID_PARAMETER);
    /* Counted UTF-8 (it may also end at a NUL) to terminated wide text. */
    for (int i = 0; i < 2 && r >= 0; i++) {
        const char *src = i ? pMessage : pTitle;
        DWORD len = i ? MessageLength : TitleLength;

        copy = strndup(src ? src : "", src ? len : 0);
        if (!copy) {
            r = -ENOMEM;
            break;
        }
        r = utf8_to_wcs(copy, i ? &text : &title);
        free(copy);
    }
    if (r < 0) {
        free(title);
        free(text);
        return fail(r == -EILSEQ ? -EINVAL : r);
    }
    ok = WTSSendMessageW(hServer, SessionId, title, (DWORD) (wcslen(title) * sizeof(WCHAR)), text,
                         (DWORD) (wcslen(text) * sizeof(WCHAR)), Style, Timeout, pResponse, bWait);
    free(title);
    free(text);
    return ok;
}
