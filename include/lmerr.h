/*
 * lmerr.h — NERR_* codes (netapi32). Values are Microsoft's.
 */
#ifndef WTSNET_LMERR_H
#define WTSNET_LMERR_H

#ifndef NERR_Success
#define NERR_Success 0
#endif
#define NERR_BASE 2100
#define NERR_NetNotStarted (NERR_BASE + 2)
#define NERR_ServerNotStarted (NERR_BASE + 14)
#define NERR_BufTooSmall (NERR_BASE + 23)
#define NERR_InternalError (NERR_BASE + 40)
#define NERR_UserNotFound (NERR_BASE + 121)
#define NERR_NetNameNotFound (NERR_BASE + 210)
#define NERR_ClientNameNotFound (NERR_BASE + 212)
#define NERR_FileIdNotFound (NERR_BASE + 214)
#define NERR_InvalidComputer (NERR_BASE + 251)

#endif
