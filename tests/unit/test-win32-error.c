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

/* Why a logon was refused reaches the caller as Windows reports it. The
 * values are written out from MS-ERREF 2.3.1 and winerror.h, not taken from
 * our headers, so a wrong constant there fails here. */
static void logon_ntstatus_maps_to_its_own_win32_code(void) {
    static const struct {
        uint32_t ntstatus;
        DWORD code;
    } want[] = {
        {0xC000006D, 1326}, /* STATUS_LOGON_FAILURE → ERROR_LOGON_FAILURE */
        {0xC000006A, 1326}, /* STATUS_WRONG_PASSWORD */
        {0xC0000064, 1326}, /* STATUS_NO_SUCH_USER */
        {0xC000006F, 1328}, /* STATUS_INVALID_LOGON_HOURS → ERROR_INVALID_LOGON_HOURS */
        {0xC0000070, 1329}, /* STATUS_INVALID_WORKSTATION → ERROR_INVALID_WORKSTATION */
        {0xC0000071, 1330}, /* STATUS_PASSWORD_EXPIRED → ERROR_PASSWORD_EXPIRED */
        {0xC0000072, 1331}, /* STATUS_ACCOUNT_DISABLED → ERROR_ACCOUNT_DISABLED */
        {0xC0000193, 1793}, /* STATUS_ACCOUNT_EXPIRED → ERROR_ACCOUNT_EXPIRED */
        {0xC0000224, 1907}, /* STATUS_PASSWORD_MUST_CHANGE → ERROR_PASSWORD_MUST_CHANGE */
        {0xC0000234, 1909}, /* STATUS_ACCOUNT_LOCKED_OUT → ERROR_ACCOUNT_LOCKED_OUT */
    };

    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        CHECK_EQ_U(win32_error_from_status(-E_LOGON_FAILURE, want[i].ntstatus), want[i].code);
        CHECK(win32_error_message(want[i].code) != NULL); /* FormatMessage knows each */
    }
    /* A status outside the table, or none, leaves the errno's mapping. */
    CHECK_EQ_U(win32_error_from_status(-E_LOGON_FAILURE, 0), ERROR_LOGON_FAILURE);
    CHECK_EQ_U(win32_error_from_status(-EACCES, 0xC0000022), ERROR_ACCESS_DENIED);
    CHECK_EQ_U(win32_error_from_status(-ECONNRESET, 0), RPC_S_SERVER_UNAVAILABLE);
    CHECK_EQ_U(win32_error_from_status(0, 0), ERROR_SUCCESS);
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
         CASE(logon_ntstatus_maps_to_its_own_win32_code),
         CASE(fail_sets_last_error_and_returns_false), CASE(format_message_gives_windows_wording),
         CASE(format_message_allocates_when_asked), CASE(format_message_reports_unknown_codes_and_small_buffers))
