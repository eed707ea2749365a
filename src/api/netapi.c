/*
 * netapi32 entry points over MS-SRVS: argument checks, server names, the
 * call, one result block, and translation to NET_API_STATUS (which these
 * functions return without touching last-error, as on Windows).
 */
#include <lm.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/netapi.h"
#include "api/target.h"
#include "api/win32_error.h"
#include "common/deadline.h"
#include "common/errors.h"
#include "common/wstr.h"
#include "rpc/srvs_client.h"

NET_API_STATUS NET_API_FUNCTION NetApiBufferFree(LPVOID Buffer) {
    free(Buffer);
    return NERR_Success;
}

NET_API_STATUS NET_API_FUNCTION NetApiBufferAllocate(DWORD ByteCount, LPVOID *Buffer) {
    void *p;

    if (!Buffer)
        return ERROR_INVALID_PARAMETER;
    p = malloc(ByteCount ? ByteCount : 1);
    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    *Buffer = p;
    return NERR_Success;
}

NET_API_STATUS netapi_status(int r, const struct srvs_status *st) {
    if (r == -E_RPC_FAULT)
        return win32_error_from_rpc_fault(st->fault);
    if (r < 0)
        return win32_error_from_status(r, st ? st->ntstatus : 0);
    return st ? st->werror : NERR_Success;
}

int netapi_server(LMSTR servername, struct server_addr *ret) {
    struct server_target t;
    char *name = NULL;
    int r;

    if (servername && (r = wcs_to_utf8(servername, &name)) < 0)
        return r == -EILSEQ ? -E_INVALID_COMPUTER : r;
    r = server_resolve(SERVER_FOR_NETAPI, name, &t); /* the one resolver (api/target.h) */
    free(name);
    if (r >= 0)
        *ret = t.smb;
    return r;
}

size_t netapi_wcs_size(const char *s) {
    return s ? (utf8_wcslen_lossy(s) + 1) * sizeof(WCHAR) : 0;
}

LMSTR netapi_put_wcs(char **cursor, const char *s) {
    LMSTR w;

    if (!s)
        return NULL;
    w = (LMSTR) *cursor;
    utf8_to_wcs_lossy(s, w);
    *cursor += (wcslen(w) + 1) * sizeof(WCHAR);
    return w;
}

int netapi_utf8(LMSTR w, char **ret) {
    *ret = NULL;
    return w ? wcs_to_utf8(w, ret) : 0;
}

int netapi_pack(const struct netapi_packer *p, size_t first, size_t n, LPBYTE *ret) {
    size_t total = 0;
    char *block, *strings;

    if (n == 0) {
        *ret = NULL;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        total += p->size(p->ctx, first + i);
    if (total > UINT32_MAX || NetApiBufferAllocate((DWORD) total, (LPVOID *) &block) != NERR_Success)
        return -ENOMEM;
    memset(block, 0, total);
    strings = block + n * p->fixed;
    for (size_t i = 0; i < n; i++)
        p->put(p->ctx, first + i, block + i * p->fixed, &strings);
    *ret = (LPBYTE) block;
    return 0;
}

NET_API_STATUS netapi_page(const struct netapi_packer *p, size_t n, DWORD prefmaxlen, size_t *resume, LPBYTE *bufptr,
                           LPDWORD entriesread, LPDWORD totalentries) {
    size_t start = resume ? *resume : 0, count = 0, bytes = 0;
    LPBYTE block;

    if (start > n)
        start = n;
    while (start + count < n) {
        size_t e = p->size(p->ctx, start + count);

        if (prefmaxlen != MAX_PREFERRED_LENGTH && count > 0 && bytes + e > prefmaxlen)
            break;
        bytes += e;
        count++;
    }
    if (netapi_pack(p, start, count, &block) < 0)
        return ERROR_NOT_ENOUGH_MEMORY;
    *bufptr = block;
    *entriesread = (DWORD) count;
    *totalentries = (DWORD) (n - start);
    if (resume)
        *resume = start + count < n ? start + count : 0;
    return start + count < n ? ERROR_MORE_DATA : NERR_Success;
}

NET_API_STATUS NET_API_FUNCTION NetServerGetInfo(LMSTR servername, DWORD level, LPBYTE *bufptr) {
    struct srvs_server_info_101 info = {0};
    struct srvs_status st = {0};
    struct server_addr a;
    size_t size;
    char *block, *strings;
    NET_API_STATUS status;
    int r;

    if (!bufptr)
        return ERROR_INVALID_PARAMETER;
    if (level != 100 && level != 101)
        return ERROR_INVALID_LEVEL;
    if ((r = netapi_server(servername, &a)) < 0)
        return netapi_status(r, NULL);
    deadline_scope_begin(); /* one deadline for the whole call (docs/netapi.md, "Timeouts") */
    r = srvs_client_server_get_info(&a, &info, &st);
    deadline_scope_end();
    status = netapi_status(r, &st);
    if (status != NERR_Success)
        goto out;
    size = (level == 100 ? sizeof(SERVER_INFO_100) : sizeof(SERVER_INFO_101)) + netapi_wcs_size(info.name) +
           netapi_wcs_size(info.comment);
    block = calloc(1, size);
    if (!block) {
        status = ERROR_NOT_ENOUGH_MEMORY;
        goto out;
    }
    if (level == 100) {
        SERVER_INFO_100 *i = (SERVER_INFO_100 *) block;

        strings = block + sizeof(*i);
        i->sv100_platform_id = info.platform_id;
        i->sv100_name = netapi_put_wcs(&strings, info.name);
    } else {
        SERVER_INFO_101 *i = (SERVER_INFO_101 *) block;

        strings = block + sizeof(*i);
        i->sv101_platform_id = info.platform_id;
        i->sv101_name = netapi_put_wcs(&strings, info.name);
        i->sv101_version_major = info.version_major;
        i->sv101_version_minor = info.version_minor;
        i->sv101_type = info.type;
        i->sv101_comment = netapi_put_wcs(&strings, info.comment);
    }
    *bufptr = (LPBYTE) block;
out:
    srvs_server_info_101_free(&info);
    return status;
}
