/*
 * lmshare.h — network sessions, open files, connections and shares (MS-SRVS
 * over \PIPE\srvsvc). Of the share functions only NetShareEnum is provided.
 */
#ifndef WTSNET_LMSHARE_H
#define WTSNET_LMSHARE_H

#include <lmcons.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _SESSION_INFO_0 {
    LMSTR sesi0_cname;
} SESSION_INFO_0, *PSESSION_INFO_0, *LPSESSION_INFO_0;

typedef struct _SESSION_INFO_1 {
    LMSTR sesi1_cname;
    LMSTR sesi1_username;
    DWORD sesi1_num_opens;
    DWORD sesi1_time;
    DWORD sesi1_idle_time;
    DWORD sesi1_user_flags;
} SESSION_INFO_1, *PSESSION_INFO_1, *LPSESSION_INFO_1;

typedef struct _SESSION_INFO_2 {
    LMSTR sesi2_cname;
    LMSTR sesi2_username;
    DWORD sesi2_num_opens;
    DWORD sesi2_time;
    DWORD sesi2_idle_time;
    DWORD sesi2_user_flags;
    LMSTR sesi2_cltype_name;
} SESSION_INFO_2, *PSESSION_INFO_2, *LPSESSION_INFO_2;

typedef struct _SESSION_INFO_10 {
    LMSTR sesi10_cname;
    LMSTR sesi10_username;
    DWORD sesi10_time;
    DWORD sesi10_idle_time;
} SESSION_INFO_10, *PSESSION_INFO_10, *LPSESSION_INFO_10;

typedef struct _SESSION_INFO_502 {
    LMSTR sesi502_cname;
    LMSTR sesi502_username;
    DWORD sesi502_num_opens;
    DWORD sesi502_time;
    DWORD sesi502_idle_time;
    DWORD sesi502_user_flags;
    LMSTR sesi502_cltype_name;
    LMSTR sesi502_transport;
} SESSION_INFO_502, *PSESSION_INFO_502, *LPSESSION_INFO_502;

/* sesiX_user_flags */
#define SESS_GUEST 0x00000001
#define SESS_NOENCRYPTION 0x00000002

#define SESI1_NUM_ELEMENTS 8
#define SESI2_NUM_ELEMENTS 9

/*
 * The sessions on a server (docs/netapi.md "NetSessionEnum"): levels 0, 1, 2,
 * 10, 502. UncClientName and username filter (NULL or "" = all; the leading
 * "\\" of the client is optional; case-insensitive). prefmaxlen limits the
 * bytes returned (MAX_PREFERRED_LENGTH = all): ERROR_MORE_DATA then, with
 * *resume_handle set for the next call; the buffer is the caller's to free
 * with NetApiBufferFree even then. *totalentries counts the entries from the
 * resume position on. NERR_ClientNameNotFound / NERR_UserNotFound when a
 * filter matches nothing. Last-error is not set.
 */
NET_API_STATUS NET_API_FUNCTION NetSessionEnum(LMSTR servername, LMSTR UncClientName, LMSTR username, DWORD level,
                                               LPBYTE *bufptr, DWORD prefmaxlen, LPDWORD entriesread,
                                               LPDWORD totalentries, LPDWORD resume_handle);

/* One session, found by client and user (both required): levels 0, 1, 2, 10. */
NET_API_STATUS NET_API_FUNCTION NetSessionGetInfo(LMSTR servername, LMSTR UncClientName, LMSTR username,
                                                  DWORD level, LPBYTE *bufptr);

/*
 * Ends the sessions from UncClientName (NULL: any client) of username (NULL:
 * any user); both NULL ends every session on the server. NERR_ClientNameNotFound
 * when none matches; ERROR_ACCESS_DENIED without the right (nothing is then
 * deleted). When the caller's own connection is among those ended, the call
 * still reports NERR_Success.
 */
NET_API_STATUS NET_API_FUNCTION NetSessionDel(LMSTR servername, LMSTR UncClientName, LMSTR username);


/* ---- shares (NetShareEnum) ---- */

typedef struct _SHARE_INFO_0 {
    LMSTR shi0_netname;
} SHARE_INFO_0, *PSHARE_INFO_0, *LPSHARE_INFO_0;

typedef struct _SHARE_INFO_1 {
    LMSTR shi1_netname;
    DWORD shi1_type;
    LMSTR shi1_remark;
} SHARE_INFO_1, *PSHARE_INFO_1, *LPSHARE_INFO_1;

typedef struct _SHARE_INFO_2 {
    LMSTR shi2_netname;
    DWORD shi2_type;
    LMSTR shi2_remark;
    DWORD shi2_permissions;
    DWORD shi2_max_uses;
    DWORD shi2_current_uses;
    LMSTR shi2_path;
    LMSTR shi2_passwd;
} SHARE_INFO_2, *PSHARE_INFO_2, *LPSHARE_INFO_2;

typedef struct _SHARE_INFO_502 {
    LMSTR shi502_netname;
    DWORD shi502_type;
    LMSTR shi502_remark;
    DWORD shi502_permissions;
    DWORD shi502_max_uses;
    DWORD shi502_current_uses;
    LMSTR shi502_path;
    LMSTR shi502_passwd;
    DWORD shi502_reserved;
    PSECURITY_DESCRIPTOR shi502_security_descriptor; /* self-relative, inside the block; NULL when none */
} SHARE_INFO_502, *PSHARE_INFO_502, *LPSHARE_INFO_502;

/* shiX_type */
#define STYPE_DISKTREE 0
#define STYPE_PRINTQ 1
#define STYPE_DEVICE 2
#define STYPE_IPC 3
#define STYPE_MASK 0x000000FF
#define STYPE_TEMPORARY 0x40000000
#define STYPE_SPECIAL 0x80000000
#define SHI_USES_UNLIMITED ((DWORD) -1)

/*
 * The shares of a server, hidden ($) ones included: levels 0, 1, 2, 502
 * (2 and 502 need administrator rights on the server). Paging as NetSessionEnum.
 */
NET_API_STATUS NET_API_FUNCTION NetShareEnum(LMSTR servername, DWORD level, LPBYTE *bufptr, DWORD prefmaxlen,
                                             LPDWORD entriesread, LPDWORD totalentries, LPDWORD resume_handle);

/* ---- connections (NetConnectionEnum) ---- */

typedef struct _CONNECTION_INFO_0 {
    DWORD coni0_id;
} CONNECTION_INFO_0, *PCONNECTION_INFO_0, *LPCONNECTION_INFO_0;

typedef struct _CONNECTION_INFO_1 {
    DWORD coni1_id;
    DWORD coni1_type;
    DWORD coni1_num_opens;
    DWORD coni1_num_users;
    DWORD coni1_time;
    LMSTR coni1_username;
    LMSTR coni1_netname;
} CONNECTION_INFO_1, *PCONNECTION_INFO_1, *LPCONNECTION_INFO_1;

/*
 * The tree connections to a share (qualifier = share name: coni1_netname is
 * then the client) or made by a client (qualifier = "\\client": netname is
 * then the share); levels 0 and 1. A NULL or empty qualifier is
 * ERROR_INVALID_PARAMETER. docs/netapi.md, "Connections".
 */
NET_API_STATUS NET_API_FUNCTION NetConnectionEnum(LMSTR servername, LMSTR qualifier, DWORD level, LPBYTE *bufptr,
                                                  DWORD prefmaxlen, LPDWORD entriesread, LPDWORD totalentries,
                                                  LPDWORD resume_handle);

/* ---- open files (NetFileEnum, NetFileGetInfo, NetFileClose) ---- */

typedef struct _FILE_INFO_2 {
    DWORD fi2_id;
} FILE_INFO_2, *PFILE_INFO_2, *LPFILE_INFO_2;

typedef struct _FILE_INFO_3 {
    DWORD fi3_id;
    DWORD fi3_permissions;
    DWORD fi3_num_locks;
    LMSTR fi3_pathname;
    LMSTR fi3_username;
} FILE_INFO_3, *PFILE_INFO_3, *LPFILE_INFO_3;

/* fi3_permissions */
#define PERM_FILE_READ 0x1
#define PERM_FILE_WRITE 0x2
#define PERM_FILE_CREATE 0x4

/*
 * The files open on a server: levels 2 and 3. basepath keeps those whose
 * path begins with it, username those opened by that user (NULL or "" = no
 * filter; both case-insensitive). Paging as NetSessionEnum; the resume
 * handle is a DWORD_PTR, as on Windows. Needs administrator rights.
 */
NET_API_STATUS NET_API_FUNCTION NetFileEnum(LMSTR servername, LMSTR basepath, LMSTR username, DWORD level,
                                            LPBYTE *bufptr, DWORD prefmaxlen, LPDWORD entriesread,
                                            LPDWORD totalentries, PDWORD_PTR resume_handle);
/* One open file by its id: levels 2 and 3; NERR_FileIdNotFound when none. */
NET_API_STATUS NET_API_FUNCTION NetFileGetInfo(LMSTR servername, DWORD fileid, DWORD level, LPBYTE *bufptr);
/* Forces a file closed: the client's handle is gone (its next use fails).
 * NERR_FileIdNotFound when no file has that id. */
NET_API_STATUS NET_API_FUNCTION NetFileClose(LMSTR servername, DWORD fileid);

#ifdef __cplusplus
}
#endif

#endif
