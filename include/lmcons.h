/*
 * lmcons.h — LAN Manager constants and types (netapi32). Values are Microsoft's.
 */
#ifndef WTSNET_LMCONS_H
#define WTSNET_LMCONS_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef NET_API_FUNCTION
#define NET_API_FUNCTION
#endif

typedef DWORD NET_API_STATUS;
typedef NET_API_STATUS API_RET_TYPE;
typedef WCHAR *LMSTR;
typedef const WCHAR *LMCSTR;

#define CNLEN 15
#define LM20_CNLEN 15
#define DNLEN CNLEN
#define UNLEN 256
#define PWLEN 256
#define NNLEN 80
#define RMLEN (2 + CNLEN + 1 + NNLEN)
#define MAXCOMMENTSZ 256

/* "As much as you have": the prefmaxlen of the Net*Enum functions. */
#define MAX_PREFERRED_LENGTH ((DWORD)-1)

#define PLATFORM_ID_DOS 300
#define PLATFORM_ID_OS2 400
#define PLATFORM_ID_NT 500
#define PLATFORM_ID_OSF 600
#define PLATFORM_ID_VMS 700

#define NERR_Success 0

#ifdef __cplusplus
}
#endif

#endif
