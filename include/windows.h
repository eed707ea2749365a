/*
 * windows.h — the Win32 base types wtsnet's public headers are written in.
 *
 * On Linux WCHAR is wchar_t (32-bit), so that L"..." literals, wcslen() and
 * wprintf() work unchanged in ported code. The wire encodings (UTF-16LE for
 * SMB, UTF-8 for D-Bus) are the library's business, never the caller's.
 * The "A" variants take and return UTF-8.
 */
#ifndef WTSNET_WINDOWS_H
#define WTSNET_WINDOWS_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WINAPI
#define WINAPI
#endif
#ifndef WINAPIV
#define WINAPIV
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef APIENTRY
#define APIENTRY
#endif

#ifndef VOID
#define VOID void
#endif
typedef void *PVOID, *LPVOID, *HANDLE, **PHANDLE;
typedef const void *LPCVOID;
typedef HANDLE HLOCAL;

typedef int BOOL, *PBOOL, *LPBOOL;
typedef unsigned char BYTE, BOOLEAN, UCHAR, *PBYTE, *LPBYTE, *PUCHAR;
typedef char CHAR, *PCHAR, *LPCH;
typedef int16_t SHORT;
typedef uint16_t WORD, USHORT, *PWORD, *PUSHORT, *LPWORD;
typedef int32_t INT, LONG, *PLONG, *LPLONG;
typedef uint32_t UINT, DWORD, ULONG, *PDWORD, *LPDWORD, *PULONG, *PUINT;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG, DWORD64;
typedef uintptr_t ULONG_PTR, DWORD_PTR, SIZE_T, *PULONG_PTR, *PDWORD_PTR;
typedef PVOID PSECURITY_DESCRIPTOR;
typedef intptr_t LONG_PTR;

typedef wchar_t WCHAR, *PWCHAR, *PWSTR, *LPWSTR, *NWPSTR;
typedef const wchar_t *PCWSTR, *LPCWSTR;
typedef char *PSTR, *LPSTR, *NPSTR;
typedef const char *PCSTR, *LPCSTR;

#ifdef UNICODE
typedef WCHAR TCHAR, *PTCHAR;
typedef LPWSTR LPTSTR, PTSTR;
typedef LPCWSTR LPCTSTR, PCTSTR;
#define __TEXT(q) L##q
#else
typedef CHAR TCHAR, *PTCHAR;
typedef LPSTR LPTSTR, PTSTR;
typedef LPCSTR LPCTSTR, PCTSTR;
#define __TEXT(q) q
#endif
#ifndef TEXT
#define TEXT(q) __TEXT(q)
#endif
#ifndef _T
#define _T(q) __TEXT(q)
#endif

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#ifndef MAX_PATH
#define MAX_PATH 260
#endif
#define MAX_COMPUTERNAME_LENGTH 15

typedef union _LARGE_INTEGER {
    struct {
        DWORD LowPart;
        LONG HighPart;
    };
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    struct {
        DWORD LowPart;
        DWORD HighPart;
    };
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* 100-nanosecond intervals since 1601-01-01 UTC. */
typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

/* Last-error: per thread, as on Windows. */
DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);

/*
 * FormatMessage, for the system message table only (the Win32 codes wtsnet
 * returns). Supported flags: FORMAT_MESSAGE_FROM_SYSTEM (required),
 * FORMAT_MESSAGE_IGNORE_INSERTS, FORMAT_MESSAGE_ALLOCATE_BUFFER (free the
 * result with LocalFree) and FORMAT_MESSAGE_MAX_WIDTH_MASK. Anything else
 * fails with ERROR_NOT_SUPPORTED; an unknown code with ERROR_MR_MID_NOT_FOUND.
 * Returns the number of characters written, not counting the terminator.
 */
#define FORMAT_MESSAGE_ALLOCATE_BUFFER 0x00000100
#define FORMAT_MESSAGE_IGNORE_INSERTS 0x00000200
#define FORMAT_MESSAGE_FROM_STRING 0x00000400
#define FORMAT_MESSAGE_FROM_HMODULE 0x00000800
#define FORMAT_MESSAGE_FROM_SYSTEM 0x00001000
#define FORMAT_MESSAGE_ARGUMENT_ARRAY 0x00002000
#define FORMAT_MESSAGE_MAX_WIDTH_MASK 0x000000FF
#define LANG_NEUTRAL 0x00
#define SUBLANG_DEFAULT 0x01
#define MAKELANGID(p, s) ((((WORD)(s)) << 10) | (WORD)(p))

DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId,
                            LPSTR lpBuffer, DWORD nSize, void *Arguments);
DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId,
                            LPWSTR lpBuffer, DWORD nSize, void *Arguments);
HLOCAL WINAPI LocalFree(HLOCAL hMem);

/* Security identifiers, as winnt.h lays them out. PSID is opaque (PVOID) there too. */
typedef PVOID PSID;
typedef struct _SID_IDENTIFIER_AUTHORITY {
    BYTE Value[6];
} SID_IDENTIFIER_AUTHORITY, *PSID_IDENTIFIER_AUTHORITY;
#ifndef ANYSIZE_ARRAY
#define ANYSIZE_ARRAY 1
#endif
typedef struct _SID {
    BYTE Revision;
    BYTE SubAuthorityCount;
    SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
    DWORD SubAuthority[ANYSIZE_ARRAY];
} SID;

/* The session a process of this host is in (docs/api.md, "Processes"):
 * FALSE with ERROR_INVALID_PARAMETER when there is no such process. */
BOOL WINAPI ProcessIdToSessionId(DWORD dwProcessId, DWORD *pSessionId);
/* The session in the foreground of the physical console (logind's seat0),
 * 0xFFFFFFFF when there is none. */
DWORD WINAPI WTSGetActiveConsoleSessionId(void);

#ifdef UNICODE
#define FormatMessage FormatMessageW
#else
#define FormatMessage FormatMessageA
#endif

#ifdef __cplusplus
}
#endif

#include <winerror.h>
#include <stringapiset.h>

#endif
