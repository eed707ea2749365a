/*
 * WTSEnumerateSessionsW and WTSEnumerateSessionsExW: the provider's list,
 * packed into one block (structures first, their strings after them).
 */
#include "api/wtsapi_internal.h"

#include <errno.h>
#include <stdlib.h>

#include "api/win32_error.h"

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
    r = wts_open_provider(hServer, &s, &p);
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
        wts_winstation_name(&list.items[i], names[i]);
        size += wts_wide_size(names[i]);
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
        out[i].State = wts_connect_state(list.items[i].state);
        out[i].pWinStationName = wts_put_wide(&cursor, names[i]);
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
    r = wts_open_provider(hServer, &s, &p);
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

        wts_winstation_name(rec, names[i].station);
        wts_domain_name(s, rec, names[i].domain, sizeof(names[i].domain));
        size += wts_wide_size(names[i].station) + wts_wide_size(host);
        /* As on Windows, a session without a user has NULL user and domain. */
        if (rec->user[0])
            size += wts_wide_size(rec->user) + wts_wide_size(names[i].domain);
    }
    out = malloc(size ? size : 1);
    if (!out) {
        r = -ENOMEM;
        goto out;
    }
    cursor = (char *) (out + list.count);
    for (size_t i = 0; i < list.count; i++) {
        const struct session_record *rec = &list.items[i];

        out[i] = (WTS_SESSION_INFO_1W){.ExecEnvId = rec->id, .State = wts_connect_state(rec->state), .SessionId = rec->id};
        out[i].pSessionName = wts_put_wide(&cursor, names[i].station);
        out[i].pHostName = wts_put_wide(&cursor, host);
        if (rec->user[0]) {
            out[i].pUserName = wts_put_wide(&cursor, rec->user);
            out[i].pDomainName = wts_put_wide(&cursor, names[i].domain);
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
