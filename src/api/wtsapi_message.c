/*
 * WTSSendMessageW: the text to the session's user through the provider's
 * send_message op (this host: every terminal of the session; docs/api.md,
 * "WTSSendMessage"), and the answer in Windows' terms.
 */
#include "api/wtsapi_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/win32_error.h"
#include "common/wstr.h"

/* bytes of W text (not necessarily terminated; it ends at a NUL too) as UTF-8. */
static int counted_to_utf8(const WCHAR *w, DWORD bytes, char **ret) {
    size_t n = bytes / sizeof(WCHAR);
    wchar_t *copy;
    int r;

    if (!w) {
        if (bytes)
            return -EINVAL;
        *ret = strdup("");
        return *ret ? 0 : -ENOMEM;
    }
    copy = malloc((n + 1) * sizeof(*copy));
    if (!copy)
        return -ENOMEM;
    memcpy(copy, w, n * sizeof(*copy));
    copy[n] = L'\0';
    r = wcs_to_utf8(copy, ret);
    free(copy);
    return r;
}

/* What the user's answer is in Windows' IDs (bWait = TRUE). */
static DWORD response_of(const struct session_message_result *res, DWORD style) {
    switch (res->answer) {
    case SESSION_ANSWER_BUTTON:
        return res->button;
    case SESSION_ANSWER_CLOSED:
        /* Closing a box: IDOK where OK is its only button, else IDCANCEL (as a message box). */
        return (style & 0xF) == MB_OK ? IDOK : IDCANCEL;
    case SESSION_ANSWER_TIMEOUT:
    case SESSION_ANSWER_NONE: /* a terminal cannot answer: no answer comes (docs/api.md) */
    default:
        return IDTIMEOUT;
    }
}

BOOL WINAPI WTSSendMessageW(HANDLE hServer, DWORD SessionId, LPWSTR pTitle, DWORD TitleLength, LPWSTR pMessage,
                            DWORD MessageLength, DWORD Style, DWORD Timeout, DWORD *pResponse, BOOL bWait) {
    struct session_message_result res = {0};
    struct session_message m = {.style = Style, .timeout_sec = Timeout, .wait = bWait != FALSE};
    struct session_provider *p;
    struct wts_server *s;
    char *title = NULL, *text = NULL;
    uint32_t id;
    int r;

    if (!pResponse)
        return fail_win32(ERROR_INVALID_PARAMETER);
    r = counted_to_utf8(pTitle, TitleLength, &title);
    if (r >= 0)
        r = counted_to_utf8(pMessage, MessageLength, &text);
    if (r < 0) {
        free(title);
        return fail(r == -EILSEQ ? -EINVAL : r);
    }
    m.title = title;
    m.text = text;
    r = wts_open_provider(hServer, &s, &p);
    if (r >= 0) {
        r = wts_resolve_session_id(p, SessionId, &id);
        if (r >= 0) {
            struct session_record rec = {0};

            r = p->ops->get(p, id, false, &rec); /* an unknown session: not found, before anything */
            session_record_done(&rec);
        }
        if (r >= 0)
            r = p->ops->send_message ? p->ops->send_message(p, id, &m, &res) : -EOPNOTSUPP;
        server_release(s);
    }
    free(title);
    free(text);
    if (r < 0)
        return fail(r);
    *pResponse = bWait ? response_of(&res, Style) : IDASYNC;
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}
