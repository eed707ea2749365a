#include "api/win32_error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/errors.h"
#include "common/ntstatus.h"
#include "lmerr.h"
#include "common/wstr.h"

static _Thread_local DWORD last_error;

DWORD WINAPI GetLastError(void) {
    return last_error;
}

void WINAPI SetLastError(DWORD dwErrCode) {
    last_error = dwErrCode;
}

static const struct {
    int errnum;
    DWORD code;
} errno_table[] = {
    {EINVAL, ERROR_INVALID_PARAMETER},
    {ERANGE, ERROR_INVALID_PARAMETER},
    {ENAMETOOLONG, ERROR_INVALID_PARAMETER},
    {ENOMEM, ERROR_NOT_ENOUGH_MEMORY},
    {EACCES, ERROR_ACCESS_DENIED},
    {EPERM, ERROR_ACCESS_DENIED},
    {E_NO_SESSION, ERROR_CTX_WINSTATION_NOT_FOUND},
    {E_CLOSE_PENDING, ERROR_CTX_CLOSE_PENDING},
    {ETIMEDOUT, ERROR_TIMEOUT},
    {EOPNOTSUPP, ERROR_NOT_SUPPORTED},
    {ENOSYS, ERROR_CALL_NOT_IMPLEMENTED},
    {EBADF, ERROR_INVALID_HANDLE},
    {E_UNREACHABLE, RPC_S_SERVER_UNAVAILABLE},
    {ECONNREFUSED, RPC_S_SERVER_UNAVAILABLE},
    {ECONNRESET, RPC_S_SERVER_UNAVAILABLE},
    {ENOTCONN, RPC_S_SERVER_UNAVAILABLE},
    {EHOSTUNREACH, RPC_S_SERVER_UNAVAILABLE},
    {EILSEQ, ERROR_NO_UNICODE_TRANSLATION},
    {E_BAD_NETPATH, ERROR_BAD_NETPATH},
    {E_INVALID_COMPUTER, NERR_InvalidComputer},
    {E_LOGON_FAILURE, ERROR_LOGON_FAILURE},
    {E_TAMPERED, ERROR_ACCESS_DENIED}, /* a downgrade, or a DCE/RPC reply failing its signature, caught; docs/netapi.md says why this code */
    {ENXIO, ERROR_BAD_NET_NAME},
    {ENOENT, ERROR_FILE_NOT_FOUND},
    {EPROTO, RPC_S_PROTOCOL_ERROR},
    {EBADMSG, RPC_S_PROTOCOL_ERROR},
    {EMSGSIZE, RPC_S_PROTOCOL_ERROR},
    {EIO, RPC_S_CALL_FAILED},
    {ENOKEY, ERROR_LOGON_FAILURE},
    {E_RPC_FAULT, RPC_S_CALL_FAILED},
};

/* DCE/RPC fault statuses (C706 appendix E, MS-RPCE 3.1.1.5.5) as Win32 codes.
 * Statuses below 0x10000 already are Win32 codes (e.g. 5, access denied). */
static const struct {
    uint32_t nca;
    DWORD code;
} fault_table[] = {
    {0x1c010002, RPC_S_PROCNUM_OUT_OF_RANGE}, /* nca_s_op_rng_error */
    {0x1c010003, RPC_S_UNKNOWN_IF},           /* nca_s_unk_if */
    {0x1c01000b, RPC_S_PROTOCOL_ERROR},       /* nca_s_proto_error */
    {0x1c00001b, RPC_S_CALL_FAILED},          /* nca_s_fault_remote_no_memory */
    {0x000006f7, RPC_X_BAD_STUB_DATA},        /* nca_s_fault_ndr */
    {0x1c000018, RPC_X_BAD_STUB_DATA},        /* nca_s_fault_invalid_tag */
    {0x1c000019, RPC_X_BAD_STUB_DATA},        /* nca_s_fault_invalid_bound */
};

DWORD win32_error_from_rpc_fault(uint32_t status) {
    for (size_t i = 0; i < sizeof(fault_table) / sizeof(fault_table[0]); i++)
        if (fault_table[i].nca == status)
            return fault_table[i].code;
    if (status != 0 && status < 0x10000)
        return status;
    return RPC_S_CALL_FAILED;
}

/* Why a server refused a logon (MS-ERREF 2.3.1) as Windows reports it
 * (LsaNtStatusToWinError): a disabled or locked-out account is not a wrong
 * password. */
static const struct {
    uint32_t ntstatus;
    DWORD code;
} ntstatus_table[] = {
    {STATUS_LOGON_FAILURE, ERROR_LOGON_FAILURE},
    {STATUS_WRONG_PASSWORD, ERROR_LOGON_FAILURE},
    {STATUS_NO_SUCH_USER, ERROR_LOGON_FAILURE},
    {STATUS_INVALID_LOGON_HOURS, ERROR_INVALID_LOGON_HOURS},
    {STATUS_INVALID_WORKSTATION, ERROR_INVALID_WORKSTATION},
    {STATUS_PASSWORD_EXPIRED, ERROR_PASSWORD_EXPIRED},
    {STATUS_ACCOUNT_DISABLED, ERROR_ACCOUNT_DISABLED},
    {STATUS_ACCOUNT_EXPIRED, ERROR_ACCOUNT_EXPIRED},
    {STATUS_PASSWORD_MUST_CHANGE, ERROR_PASSWORD_MUST_CHANGE},
    {STATUS_ACCOUNT_LOCKED_OUT, ERROR_ACCOUNT_LOCKED_OUT},
};

DWORD win32_error_from_status(int negative_errno, uint32_t ntstatus) {
    if (negative_errno < 0 && ntstatus != 0)
        for (size_t i = 0; i < sizeof(ntstatus_table) / sizeof(ntstatus_table[0]); i++)
            if (ntstatus_table[i].ntstatus == ntstatus)
                return ntstatus_table[i].code;
    return negative_errno < 0 ? win32_error_from_errno(negative_errno) : ERROR_SUCCESS;
}

DWORD win32_error_from_errno(int negative_errno) {
    int e = -negative_errno;

    for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
        if (errno_table[i].errnum == e)
            return errno_table[i].code;
    return ERROR_INTERNAL_ERROR;
}

BOOL fail(int negative_errno) {
    SetLastError(win32_error_from_errno(negative_errno));
    return FALSE;
}

BOOL fail_win32(DWORD code) {
    SetLastError(code);
    return FALSE;
}

/* Windows' own wording, so that messages read the same on both systems. */
static const struct {
    DWORD code;
    const char *text;
} message_table[] = {
    {ERROR_SUCCESS, "The operation completed successfully."},
    {ERROR_INVALID_FUNCTION, "Incorrect function."},
    {ERROR_FILE_NOT_FOUND, "The system cannot find the file specified."},
    {ERROR_ACCESS_DENIED, "Access is denied."},
    {ERROR_INVALID_HANDLE, "The handle is invalid."},
    {ERROR_NOT_ENOUGH_MEMORY, "Not enough memory resources are available to process this command."},
    {ERROR_INVALID_DATA, "The data is invalid."},
    {ERROR_OUTOFMEMORY, "Not enough memory resources are available to complete this operation."},
    {ERROR_GEN_FAILURE, "A device attached to the system is not functioning."},
    {ERROR_NOT_SUPPORTED, "The request is not supported."},
    {ERROR_BAD_NETPATH, "The network path was not found."},
    {ERROR_NETNAME_DELETED, "The specified network name is no longer available."},
    {ERROR_BAD_NET_NAME, "The network name cannot be found."},
    {ERROR_INVALID_PARAMETER, "The parameter is incorrect."},
    {ERROR_BROKEN_PIPE, "The pipe has been ended."},
    {ERROR_CALL_NOT_IMPLEMENTED, "This function is not supported on this system."},
    {ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small."},
    {ERROR_INVALID_NAME, "The filename, directory name, or volume label syntax is incorrect."},
    {ERROR_INVALID_LEVEL, "The system call level is not correct."},
    {ERROR_MORE_DATA, "More data is available."},
    {ERROR_NO_MORE_ITEMS, "No more data is available."},
    {ERROR_MR_MID_NOT_FOUND,
     "The system cannot find message text for message number 0x%1 in the message file for %2."},
    {ERROR_INVALID_FLAGS, "Invalid flags."},
    {ERROR_NO_UNICODE_TRANSLATION, "No mapping for the Unicode character exists in the target multi-byte code page."},
    {ERROR_CONNECTION_REFUSED, "The remote computer refused the network connection."},
    {ERROR_LOGON_FAILURE, "The user name or password is incorrect."},
    {ERROR_INVALID_LOGON_HOURS, "Your account has time restrictions that keep you from signing in right now."},
    {ERROR_INVALID_WORKSTATION, "This user isn't allowed to sign in to this computer."},
    {ERROR_PASSWORD_EXPIRED, "The password for this account has expired."},
    {ERROR_ACCOUNT_DISABLED, "This user can't sign in because this account is currently disabled."},
    {ERROR_ACCOUNT_EXPIRED, "The user's account has expired."},
    {ERROR_PASSWORD_MUST_CHANGE, "The user's password must be changed before signing in."},
    {ERROR_ACCOUNT_LOCKED_OUT, "The referenced account is currently locked out and may not be logged on to."},
    {ERROR_INTERNAL_ERROR, "An internal error occurred."},
    {ERROR_TIMEOUT, "This operation returned because the timeout period expired."},
    {RPC_S_SERVER_UNAVAILABLE, "The RPC server is unavailable."},
    {RPC_S_CALL_FAILED, "The remote procedure call failed."},
    {RPC_S_PROTOCOL_ERROR, "A remote procedure call (RPC) protocol error occurred."},
    {RPC_S_UNKNOWN_IF, "The interface is unknown."},
    {RPC_S_PROCNUM_OUT_OF_RANGE, "The procedure number is out of range."},
    {RPC_X_BAD_STUB_DATA, "The stub received bad data."},
    {ERROR_SESSION_CREDENTIAL_CONFLICT, "Multiple connections to a server or shared resource by the same user, using more than one user name, are not allowed. Disconnect all previous connections to the server or shared resource and try again."},
    {ERROR_NOT_CONNECTED, "This network connection does not exist."},
    {NERR_InvalidComputer, "This computer name is invalid."},
    {NERR_ClientNameNotFound, "A session does not exist with that computer name."},
    {NERR_UserNotFound, "The user name could not be found."},
    {NERR_BufTooSmall, "The API return buffer is too small."},
    {ERROR_INVALID_USER_BUFFER, "The supplied user buffer is not valid for the requested operation."},
    {ERROR_CTX_CLOSE_PENDING, "A close operation is pending on the session."},
    {ERROR_CTX_WINSTATION_NOT_FOUND, "The specified session cannot be found."},
    {ERROR_CTX_WINSTATION_ACCESS_DENIED, "The requested operation cannot be completed because the terminal connection is currently busy processing a connect, disconnect, reset, or delete operation."},
};

const char *win32_error_message(DWORD code) {
    for (size_t i = 0; i < sizeof(message_table) / sizeof(message_table[0]); i++)
        if (message_table[i].code == code)
            return message_table[i].text;
    return NULL;
}

#define SUPPORTED_FLAGS                                                                                 \
    (FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS | FORMAT_MESSAGE_ALLOCATE_BUFFER | \
     FORMAT_MESSAGE_MAX_WIDTH_MASK)

/* The message as FormatMessage gives it: with "\r\n" unless a width is set. */
static int format_system_message(DWORD flags, DWORD code, char **ret) {
    const char *text;
    size_t len;
    char *s;

    if ((flags & ~(DWORD) SUPPORTED_FLAGS) || !(flags & FORMAT_MESSAGE_FROM_SYSTEM))
        return -EOPNOTSUPP;
    text = win32_error_message(code);
    if (!text)
        return -ENOENT;
    len = strlen(text);
    s = malloc(len + 3);
    if (!s)
        return -ENOMEM;
    memcpy(s, text, len + 1);
    if (!(flags & FORMAT_MESSAGE_MAX_WIDTH_MASK))
        memcpy(s + len, "\r\n", 3);
    *ret = s;
    return 0;
}

static DWORD format_error(int r) {
    SetLastError(r == -ENOENT ? ERROR_MR_MID_NOT_FOUND : win32_error_from_errno(r));
    return 0;
}

/* Hands text (len characters of unit bytes, malloc'd) to the caller the way
 * the flags ask: the pointer itself, or a copy into lpBuffer[nSize]. */
static DWORD deliver_message(void *text, size_t len, size_t unit, DWORD flags, void *lpBuffer, DWORD nSize) {
    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
        *(void **) lpBuffer = text; /* freed by LocalFree */
        return (DWORD) len;
    }
    if (len + 1 > nSize) {
        free(text);
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    memcpy(lpBuffer, text, (len + 1) * unit);
    free(text);
    return (DWORD) len;
}

DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId, LPSTR lpBuffer,
                            DWORD nSize, void *Arguments) {
    char *text = NULL;
    int r;

    (void) lpSource, (void) dwLanguageId, (void) Arguments;
    if (!lpBuffer)
        return format_error(-EINVAL);
    r = format_system_message(dwFlags, dwMessageId, &text);
    if (r < 0)
        return format_error(r);
    return deliver_message(text, strlen(text), sizeof(char), dwFlags, lpBuffer, nSize);
}

DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId, LPWSTR lpBuffer,
                            DWORD nSize, void *Arguments) {
    char *text = NULL;
    wchar_t *wide = NULL;
    int r;

    (void) lpSource, (void) dwLanguageId, (void) Arguments;
    if (!lpBuffer)
        return format_error(-EINVAL);
    r = format_system_message(dwFlags, dwMessageId, &text);
    if (r >= 0)
        r = utf8_to_wcs(text, &wide);
    free(text);
    if (r < 0)
        return format_error(r);
    return deliver_message(wide, wcslen(wide), sizeof(wchar_t), dwFlags, lpBuffer, nSize);
}

HLOCAL WINAPI LocalFree(HLOCAL hMem) {
    free(hMem);
    return NULL;
}
