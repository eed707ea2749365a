/*
 * lmserver.h — NetServerGetInfo (MS-SRVS NetrServerGetInfo over \PIPE\srvsvc).
 */
#ifndef WTSNET_LMSERVER_H
#define WTSNET_LMSERVER_H

#include <lmcons.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _SERVER_INFO_100 {
    DWORD sv100_platform_id;
    LMSTR sv100_name;
} SERVER_INFO_100, *PSERVER_INFO_100, *LPSERVER_INFO_100;

typedef struct _SERVER_INFO_101 {
    DWORD sv101_platform_id;
    LMSTR sv101_name;
    DWORD sv101_version_major;
    DWORD sv101_version_minor;
    DWORD sv101_type;
    LMSTR sv101_comment;
} SERVER_INFO_101, *PSERVER_INFO_101, *LPSERVER_INFO_101;

/* sv101_type bits (MS-SRVS 2.2.2.7) */
#define SV_TYPE_WORKSTATION 0x00000001
#define SV_TYPE_SERVER 0x00000002
#define SV_TYPE_SQLSERVER 0x00000004
#define SV_TYPE_DOMAIN_CTRL 0x00000008
#define SV_TYPE_DOMAIN_BAKCTRL 0x00000010
#define SV_TYPE_TIME_SOURCE 0x00000020
#define SV_TYPE_AFP 0x00000040
#define SV_TYPE_NOVELL 0x00000080
#define SV_TYPE_DOMAIN_MEMBER 0x00000100
#define SV_TYPE_PRINTQ_SERVER 0x00000200
#define SV_TYPE_DIALIN_SERVER 0x00000400
#define SV_TYPE_XENIX_SERVER 0x00000800
#define SV_TYPE_SERVER_UNIX SV_TYPE_XENIX_SERVER
#define SV_TYPE_NT 0x00001000
#define SV_TYPE_WFW 0x00002000
#define SV_TYPE_SERVER_MFPN 0x00004000
#define SV_TYPE_SERVER_NT 0x00008000
#define SV_TYPE_POTENTIAL_BROWSER 0x00010000
#define SV_TYPE_BACKUP_BROWSER 0x00020000
#define SV_TYPE_MASTER_BROWSER 0x00040000
#define SV_TYPE_DOMAIN_MASTER 0x00080000
#define SV_TYPE_WINDOWS 0x00400000
#define SV_TYPE_DFS 0x00800000
#define SV_TYPE_CLUSTER_NT 0x01000000
#define SV_TYPE_TERMINALSERVER 0x02000000
#define SV_TYPE_DCE 0x10000000
#define SV_TYPE_ALTERNATE_XPORT 0x20000000
#define SV_TYPE_LOCAL_LIST_ONLY 0x40000000
#define SV_TYPE_DOMAIN_ENUM 0x80000000

/*
 * Information about a server, levels 100 and 101, in one buffer the caller
 * frees with NetApiBufferFree. servername: see docs/netapi.md "Server names"
 * (NULL = this host's SMB server). Returns NERR_Success; ERROR_INVALID_LEVEL;
 * ERROR_INVALID_PARAMETER (NULL bufptr); NERR_InvalidComputer (a name that is
 * not one); ERROR_BAD_NETPATH (nothing answers); ERROR_LOGON_FAILURE;
 * ERROR_ACCESS_DENIED; the server's own code. Last-error is not set.
 */
NET_API_STATUS NET_API_FUNCTION NetServerGetInfo(LMSTR servername, DWORD level, LPBYTE *bufptr);

#ifdef __cplusplus
}
#endif

#endif
