/* The one place where wtsnet's internal errors become Win32 codes. */
#ifndef WTSNET_API_WIN32_ERROR_H
#define WTSNET_API_WIN32_ERROR_H

#include <windows.h>

/* Maps a negative errno (src/common/errors.h) to a Win32 error code. */
DWORD win32_error_from_errno(int negative_errno);

/* Maps a failure whose cause the server said as an NTSTATUS (a refused
 * logon: binding_acquire(), smb2_connect()) through the one NTSTATUS table;
 * a status not in it, or 0, leaves the errno's mapping. */
DWORD win32_error_from_status(int negative_errno, uint32_t ntstatus);

/* Maps a DCE/RPC fault status (carried beside -EREMOTEIO) to a Win32 code. */
DWORD win32_error_from_rpc_fault(uint32_t status);

/* Sets last-error from a negative errno and returns FALSE: `return fail(r);` */
BOOL fail(int negative_errno);
/* Sets last-error to a Win32 code and returns FALSE. */
BOOL fail_win32(DWORD code);

/* The English message for a code, or NULL when it is not in the table. */
const char *win32_error_message(DWORD code);

#endif
