/*
 * lmshare.h — network sessions (MS-SRVS NetrSessionEnum / NetrSessionDel over
 * \PIPE\srvsvc). Share functions are not provided.
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

#ifdef __cplusplus
}
#endif

#endif
