/* The one errno → Win32 table, and FormatMessage over it. */
#include <errno.h>
#include <stdlib.h>
#include <windows.h>

#include "api/win32_error.h"
#include "common/errors.h"
#include "tap.h"

static void session_errors_map_to_their_win32_codes(void) {
    CHECK_EQ_U(win32_error_from_errno(-E_NO_SESSION), ERROR_CTX_WINSTATION_NOT_FOUND);
    CHECK_EQ_U(win32_error_from_errno(-E_CLOSE_PENDING), ERROR_CTX_CLOSE_PENDING);
    CHECK_EQ_U(win32_error_from_errno(-E_UNREACHABLE), RPC_S_SERVER_UNAVAILABLE);
    CHECK_EQ_U(win32_error_from_errno(-EACCES), ERROR_ACCESS_DENIED);
    CHECK_EQ_U(win32_error_from_errno(-EPERM), ERROR_ACCESS_DENIED);
    CHECK_EQ_U(win32_error_from_errno(-ETIMEDOUT), ERROR_TIMEOUT);
    CHECK_EQ_U(win32_error_from_errno(-EOPNOTSUPP), ERROR_NOT_SUPPORTED);
    CHECK_EQ_U(win32_error_from_errno(-ENOSYS), ERROR_CALL_NOT_IMPLEMENTED);
    CHECK_EQ_U(win32_error_from_errno(-ENOMEM), ERROR_NOT_ENOUGH_MEMORY);
    CHECK_EQ_U(win32_error_from_errno(-EINVAL), ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(win32_error_from_errno(-EBADF), ERROR_INVALID_HANDLE);
}

static void unknown_errno_is_an_internal_error(void) {
    CHECK_EQ_U(win32_error_from_errno(-EXDEV), ERROR_INTERNAL_ERROR);
}

static void fail_sets_last_error_and_returns_false(void) {
    SetLastError(0xdeadbeef);
    CHECK_EQ_I(fail(-EACCES), FALSE);
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
}

static void format_message_gives_windows_wording(void) {
    char buf[256];
    wchar_t wbuf[256];

    CHECK_EQ_U(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, ERROR_ACCESS_DENIED, 0,
                              buf, sizeof(buf), NULL),
               strlen("Access is denied.\r\n"));
    CHECK_STREQ(buf, "Access is denied.\r\n");
    CHECK(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_MAX_WIDTH_MASK, NULL,
                         ERROR_CTX_WINSTATION_NOT_FOUND, 0, wbuf, 256, NULL) > 0);
    CHECK_WCSEQ(wbuf, L"The specified session cannot be found.");
}

static void format_message_allocates_when_asked(void) {
    char *text = NULL;

    CHECK(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_MAX_WIDTH_MASK,
                         NULL, ERROR_TIMEOUT, 0, (LPSTR) &text, 0, NULL) > 0);
    CHECK_STREQ(text, "This operation returned because the timeout period expired.");
    CHECK(LocalFree(text) == NULL);
}

static void format_message_reports_unknown_codes_and_small_buffers(void) {
    char buf[8];

    SetLastError(0);
    CHECK_EQ_U(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 999999, 0, buf, sizeof(buf), NULL), 0);
    CHECK_EQ_U(GetLastError(), ERROR_MR_MID_NOT_FOUND);
    CHECK_EQ_U(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_ACCESS_DENIED, 0, buf, sizeof(buf), NULL), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ_U(FormatMessageA(FORMAT_MESSAGE_FROM_STRING, "x", 0, 0, buf, sizeof(buf), NULL), 0);
    CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
}

TAP_MAIN(CASE(session_errors_map_to_their_win32_codes), CASE(unknown_errno_is_an_internal_error),
         CASE(fail_sets_last_error_and_returns_false), CASE(format_message_gives_windows_wording),
         CASE(format_message_allocates_when_asked), CASE(format_message_reports_unknown_codes_and_small_buffers))
