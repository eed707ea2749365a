/* Helpers shared by the netapi32 entry points (netapi.c, and NetSession* later). */
#ifndef WTSNET_API_NETAPI_H
#define WTSNET_API_NETAPI_H

#include <lm.h>

#include "rpc/srvs_client.h"

/* The one translation of (errno, WERROR/fault) into NET_API_STATUS. st may be NULL. */
NET_API_STATUS netapi_status(int r, const struct srvs_status *st);
/* Parses a W server name (NULL = local). */
int netapi_server(LMSTR servername, struct server_addr *ret);
/* Bytes a UTF-8 string needs as a terminated WCHAR string in a result block (0 for NULL). */
size_t netapi_wcs_size(const char *s);
/* Writes s at *cursor as WCHARs, advances the cursor, returns where it went (NULL for NULL). */
LMSTR netapi_put_wcs(char **cursor, const char *s);


/* How an enumeration's entries become one block, as Windows returns them:
 * the fixed structs first, then every string. size: entry i's bytes (its
 * struct and strings); put: fills entry i's struct, its strings at *strings. */
struct netapi_packer {
    size_t fixed;
    size_t (*size)(const void *ctx, size_t i);
    void (*put)(const void *ctx, size_t i, void *fixed, char **strings);
    const void *ctx;
};
/* Entries first .. first+n-1 of what p describes, in one block (NULL when n is 0). */
int netapi_pack(const struct netapi_packer *p, size_t first, size_t n, LPBYTE *ret);
/*
 * The paging every Net*Enum shares (docs/netapi.md, "Paging"): from entry
 * *resume (0 = the start) as many whole entries as prefmaxlen holds, but at
 * least one, so that a caller looping on ERROR_MORE_DATA always advances.
 * Sets the outputs (*resume to the next entry, or 0 at the end; resume may
 * be NULL) and returns NERR_Success or ERROR_MORE_DATA; on failure
 * (ERROR_NOT_ENOUGH_MEMORY) touches none of them.
 */
NET_API_STATUS netapi_page(const struct netapi_packer *p, size_t n, DWORD prefmaxlen, size_t *resume, LPBYTE *bufptr,
                           LPDWORD entriesread, LPDWORD totalentries);
/* A W argument as UTF-8 (NULL stays NULL): 0 or -errno. */
int netapi_utf8(LMSTR w, char **ret);

#endif
