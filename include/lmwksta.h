/*
 * lmwksta.h — the users logged on to a workstation (MS-WKST
 * NetrWkstaUserEnum over \PIPE\wkssvc).
 */
#ifndef WTSNET_LMWKSTA_H
#define WTSNET_LMWKSTA_H

#include <lmcons.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _WKSTA_USER_INFO_0 {
    LMSTR wkui0_username;
} WKSTA_USER_INFO_0, *PWKSTA_USER_INFO_0, *LPWKSTA_USER_INFO_0;

typedef struct _WKSTA_USER_INFO_1 {
    LMSTR wkui1_username;
    LMSTR wkui1_logon_domain;
    LMSTR wkui1_oth_domains;
    LMSTR wkui1_logon_server;
} WKSTA_USER_INFO_1, *PWKSTA_USER_INFO_1, *LPWKSTA_USER_INFO_1;

/*
 * The users logged on to servername (levels 0 and 1), as its wkssvc says
 * (docs/netapi.md, "Workstation users"). Paging as NetSessionEnum. Needs
 * administrator rights on the server.
 */
NET_API_STATUS NET_API_FUNCTION NetWkstaUserEnum(LMSTR servername, DWORD level, LPBYTE *bufptr, DWORD prefmaxlen,
                                                 LPDWORD entriesread, LPDWORD totalentries, LPDWORD resumehandle);

#ifdef __cplusplus
}
#endif

#endif
