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

#endif
