/*
 * winnetwk.h — WNet connections, for the one thing wtsnet uses them for:
 * giving the credentials for a server's IPC$ share, as Windows programs do
 * before calling NetSession* on another computer.
 */
#ifndef WTSNET_WINNETWK_H
#define WTSNET_WINNETWK_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RESOURCE_CONNECTED 0x00000001
#define RESOURCE_GLOBALNET 0x00000002
#define RESOURCE_REMEMBERED 0x00000003
#define RESOURCETYPE_ANY 0x00000000
#define RESOURCETYPE_DISK 0x00000001
#define RESOURCETYPE_PRINT 0x00000002
#define RESOURCEDISPLAYTYPE_GENERIC 0x00000000
#define RESOURCEUSAGE_CONNECTABLE 0x00000001

#define CONNECT_UPDATE_PROFILE 0x00000001
#define CONNECT_INTERACTIVE 0x00000008
#define CONNECT_PROMPT 0x00000010
#define CONNECT_TEMPORARY 0x00000004

typedef struct _NETRESOURCEA {
    DWORD dwScope;
    DWORD dwType;
    DWORD dwDisplayType;
    DWORD dwUsage;
    LPSTR lpLocalName;
    LPSTR lpRemoteName;
    LPSTR lpComment;
    LPSTR lpProvider;
} NETRESOURCEA, *LPNETRESOURCEA;

typedef struct _NETRESOURCEW {
    DWORD dwScope;
    DWORD dwType;
    DWORD dwDisplayType;
    DWORD dwUsage;
    LPWSTR lpLocalName;
    LPWSTR lpRemoteName;
    LPWSTR lpComment;
    LPWSTR lpProvider;
} NETRESOURCEW, *LPNETRESOURCEW;

/*
 * Connects this process to \\server\IPC$ (lpRemoteName) as lpUserName
 * ("user", "DOMAIN\user" or "user@domain"; NULL = the default credentials,
 * see docs/credentials.md) with lpPassword (NULL = the default's), now:
 * wrong credentials fail here. Later Net* calls on that server use them.
 * Only IPC$ is supported; lpLocalName must be NULL or "".
 * Returns NO_ERROR, ERROR_INVALID_PARAMETER, ERROR_BAD_NET_NAME (not IPC$),
 * ERROR_BAD_DEV_TYPE, ERROR_BAD_NETPATH, ERROR_LOGON_FAILURE,
 * ERROR_SESSION_CREDENTIAL_CONFLICT (already connected as someone else).
 * Last-error is set to the same code.
 */
DWORD WINAPI WNetAddConnection2W(LPNETRESOURCEW lpNetResource, LPCWSTR lpPassword, LPCWSTR lpUserName,
                                 DWORD dwFlags);
DWORD WINAPI WNetAddConnection2A(LPNETRESOURCEA lpNetResource, LPCSTR lpPassword, LPCSTR lpUserName,
                                 DWORD dwFlags);
/* Forgets the credentials for \\server\IPC$ and closes its connections.
 * ERROR_NOT_CONNECTED when there is no such connection. */
DWORD WINAPI WNetCancelConnection2W(LPCWSTR lpName, DWORD dwFlags, BOOL fForce);
DWORD WINAPI WNetCancelConnection2A(LPCSTR lpName, DWORD dwFlags, BOOL fForce);

#ifdef UNICODE
#define NETRESOURCE NETRESOURCEW
#define LPNETRESOURCE LPNETRESOURCEW
#define WNetAddConnection2 WNetAddConnection2W
#define WNetCancelConnection2 WNetCancelConnection2W
#else
#define NETRESOURCE NETRESOURCEA
#define LPNETRESOURCE LPNETRESOURCEA
#define WNetAddConnection2 WNetAddConnection2A
#define WNetCancelConnection2 WNetCancelConnection2A
#endif

#ifdef __cplusplus
}
#endif

#endif
