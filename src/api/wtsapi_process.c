/*
 * Processes: WTSEnumerateProcesses{,Ex}W, WTSTerminateProcess,
 * ProcessIdToSessionId, WTSGetActiveConsoleSessionId, WTSQueryUserToken.
 * The provider's processes op gives a list; it is packed into one block:
 * the structures, then the SIDs, then the names (docs/api.md, "Processes").
 */
#include "api/wtsapi_internal.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "api/win32_error.h"
#include "common/errors.h"

/* S-1-22-1-<uid>: Samba's SID for a Unix user ("Unix User" authority 22,
 * sub-authority 1 = users, 2 = groups), so that tools that know Samba read
 * it as the Unix account it is. */
#define UNIX_USER_SID_SIZE (8 + 2 * sizeof(DWORD))

static void put_unix_user_sid(void *buf, uid_t uid) {
    /* SID's SubAuthority is declared [ANYSIZE_ARRAY]: the two sub-authorities
     * are written by offset into the block's room for them, not by index. */
    const DWORD sub[2] = {1, (DWORD) uid};
    SID head = {.Revision = 1, .SubAuthorityCount = 2, .IdentifierAuthority = {.Value = {0, 0, 0, 0, 0, 22}}};

    memcpy(buf, &head, offsetof(SID, SubAuthority));
    memcpy((char *) buf + offsetof(SID, SubAuthority), sub, sizeof(sub));
}

static DWORD clamp_dword(uint64_t v) {
    return v > UINT32_MAX ? UINT32_MAX : (DWORD) v;
}

/* One block for level 0 (WTS_PROCESS_INFOW) or 1 (WTS_PROCESS_INFO_EXW). */
static int pack(const struct session_process_list *l, DWORD level, void **ret) {
    size_t stride = level == 0 ? sizeof(WTS_PROCESS_INFOW) : sizeof(WTS_PROCESS_INFO_EXW);
    size_t size = l->count * stride, sid_bytes = 0;
    char *block, *sids, *cursor;

    for (size_t i = 0; i < l->count; i++) {
        size += wts_wide_size(l->items[i].name);
        sid_bytes += l->items[i].sid_len ? (l->items[i].sid_len + 3u) & ~3u /* DWORD-aligned */
                  : l->items[i].has_uid ? UNIX_USER_SID_SIZE
                                        : 0;
    }
    size += sid_bytes;
    block = calloc(1, size ? size : 1);
    if (!block)
        return -ENOMEM;
    sids = block + l->count * stride; /* SIDs next: DWORD-aligned after the structures */
    cursor = sids + sid_bytes;
    for (size_t i = 0; i < l->count; i++) {
        const struct session_process *pr = &l->items[i];
        /* Level 1 begins with level 0's fields, in the same order. */
        WTS_PROCESS_INFO_EXW *e = (WTS_PROCESS_INFO_EXW *) (void *) (block + i * stride);
        WTS_PROCESS_INFOW *w = (WTS_PROCESS_INFOW *) (void *) e;

        w->SessionId = pr->session;
        w->ProcessId = (DWORD) pr->pid;
        w->pProcessName = wts_put_wide(&cursor, pr->name);
        if (pr->sid_len) { /* a Windows host's own SID, as it sent it */
            memcpy(sids, pr->sid, pr->sid_len);
            w->pUserSid = sids;
            sids += (pr->sid_len + 3u) & ~3u;
        } else if (pr->has_uid) {
            put_unix_user_sid(sids, pr->uid);
            w->pUserSid = sids;
            sids += UNIX_USER_SID_SIZE;
        }
        if (level == 1) {
            e->NumberOfThreads = pr->threads;
            e->HandleCount = pr->handles;
            e->PagefileUsage = clamp_dword(pr->vm_bytes);
            e->PeakPagefileUsage = clamp_dword(pr->vm_peak_bytes);
            e->WorkingSetSize = clamp_dword(pr->rss_bytes);
            e->PeakWorkingSetSize = clamp_dword(pr->rss_peak_bytes);
            e->UserTime.QuadPart = (LONGLONG) pr->user_100ns;
            e->KernelTime.QuadPart = (LONGLONG) pr->kernel_100ns;
        }
    }
    *ret = block;
    return 0;
}

/* The processes of session (SESSION_ID_ANY, WTS_CURRENT_SESSION or an id) as one block. */
static int enumerate(HANDLE hServer, DWORD level, DWORD session, void **ret, DWORD *ret_count) {
    struct session_process_list l = {0};
    struct session_provider *p;
    struct wts_server *s;
    uint32_t id = SESSION_ID_ANY;
    int r;

    r = wts_open_provider(hServer, &s, &p);
    if (r < 0)
        return r;
    if (!p->ops->processes)
        r = -EOPNOTSUPP;
    else if (session != WTS_ANY_SESSION) {
        struct session_record rec = {0};

        /* One session: it must exist (ERROR_CTX_WINSTATION_NOT_FOUND otherwise). */
        r = wts_resolve_session_id(p, session, &id);
        if (r >= 0)
            r = p->ops->get(p, id, false, &rec);
        session_record_done(&rec);
    }
    if (r >= 0)
        r = p->ops->processes(p, id, &l);
    server_release(s);
    if (r < 0)
        return r;
    if (l.count > UINT32_MAX)
        r = -ENOMEM;
    else
        r = pack(&l, level, ret);
    if (r >= 0)
        *ret_count = (DWORD) l.count;
    session_process_list_free(&l);
    return r;
}

BOOL WINAPI WTSEnumerateProcessesW(HANDLE hServer, DWORD Reserved, DWORD Version, PWTS_PROCESS_INFOW *ppProcessInfo,
                                   DWORD *pCount) {
    void *block;
    DWORD count;
    int r;

    if (Reserved != 0 || Version != 1 || !ppProcessInfo || !pCount)
        return fail_win32(ERROR_INVALID_PARAMETER);
    r = enumerate(hServer, 0, WTS_ANY_SESSION, &block, &count);
    if (r < 0)
        return fail(r);
    *ppProcessInfo = block;
    *pCount = count;
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

BOOL WINAPI WTSEnumerateProcessesExW(HANDLE hServer, DWORD *pLevel, DWORD SessionId, LPWSTR *ppProcessInfo,
                                     DWORD *pCount) {
    void *block;
    DWORD count;
    int r;

    if (!pLevel || *pLevel > 1 || !ppProcessInfo || !pCount)
        return fail_win32(ERROR_INVALID_PARAMETER);
    r = enumerate(hServer, *pLevel, SessionId, &block, &count);
    if (r < 0)
        return fail(r);
    *ppProcessInfo = block;
    *pCount = count;
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

BOOL WINAPI WTSTerminateProcess(HANDLE hServer, DWORD ProcessId, DWORD ExitCode) {
    struct session_provider *p;
    struct wts_server *s;
    int r;

    /* On this host a killed process's status is its signal (Linux lets no one
     * choose it); a provider that can set it (a Windows host) gets it. */
    r = wts_open_provider(hServer, &s, &p);
    if (r < 0)
        return fail(r);
    if (ProcessId == 0 || ProcessId > INT32_MAX)
        r = -ESRCH;
    else
        r = p->ops->terminate_process_code ? p->ops->terminate_process_code(p, (pid_t) ProcessId, ExitCode)
            : p->ops->terminate_process    ? p->ops->terminate_process(p, (pid_t) ProcessId)
                                           : -EOPNOTSUPP;
    server_release(s);
    if (r == -ESRCH)
        return fail_win32(ERROR_INVALID_PARAMETER); /* no such process: what OpenProcess answers */
    if (r < 0)
        return fail(r);
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

BOOL WINAPI ProcessIdToSessionId(DWORD dwProcessId, DWORD *pSessionId) {
    struct session_provider *p;
    struct wts_server *s;
    uint32_t id = SESSION_ID_SERVICES;
    int r;

    if (!pSessionId)
        return fail_win32(ERROR_INVALID_PARAMETER);
    if (dwProcessId == 0 || dwProcessId > INT32_MAX)
        return fail_win32(ERROR_INVALID_PARAMETER);
    r = wts_open_provider(WTS_CURRENT_SERVER_HANDLE, &s, &p);
    if (r < 0)
        return fail(r);
    r = p->ops->pid_session ? p->ops->pid_session(p, (pid_t) dwProcessId, &id) : -EOPNOTSUPP;
    server_release(s);
    if (r == -E_NO_SESSION) {
        /* In no session, or no such process: /proc tells which. */
        if (kill((pid_t) dwProcessId, 0) < 0 && errno == ESRCH)
            return fail_win32(ERROR_INVALID_PARAMETER);
        id = SESSION_ID_SERVICES, r = 0;
    } else if (r == -ENOENT)
        return fail_win32(ERROR_INVALID_PARAMETER);
    if (r < 0)
        return fail(r);
    *pSessionId = id;
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

DWORD WINAPI WTSGetActiveConsoleSessionId(void) {
    struct session_provider *p;
    struct wts_server *s;
    uint32_t id = 0xFFFFFFFFu;

    if (wts_open_provider(WTS_CURRENT_SERVER_HANDLE, &s, &p) < 0)
        return 0xFFFFFFFFu;
    if (!p->ops->console_session || p->ops->console_session(p, &id) < 0)
        id = 0xFFFFFFFFu;
    server_release(s);
    return id;
}

BOOL WINAPI WTSQueryUserToken(ULONG SessionId, PHANDLE phToken) {
    (void) SessionId;
    if (!phToken)
        return fail_win32(ERROR_INVALID_PARAMETER);
    /* Linux has no access tokens to hand out (docs/api.md). */
    return fail(-EOPNOTSUPP);
}
