/*
 * WTSLogoffSession and WTSDisconnectSession: one path for both, through the
 * provider's op and the logoff policy (grace, then deadline) from the settings.
 */
#include "api/wtsapi_internal.h"

#include <errno.h>

#include "api/win32_error.h"

enum session_action { SESSION_LOGOFF, SESSION_DISCONNECT };

/* Logoff and disconnect share their checks, policy and error path. */
static BOOL act_on_session(HANDLE hServer, DWORD SessionId, BOOL bWait, enum session_action action) {
    int (*op)(struct session_provider *, uint32_t, bool, const struct logoff_policy *);
    struct session_provider *p;
    struct logoff_policy policy;
    struct wts_server *s;
    uint32_t id;
    int r;

    r = wts_open_provider(hServer, &s, &p);
    if (r < 0)
        return fail(r);
    logoff_policy_from_env(&policy);
    r = wts_resolve_session_id(p, SessionId, &id);
    /* Only a session whose client can be detached (xrdp) can be disconnected:
     * a Linux login session has no disconnected state to move to. */
    op = action == SESSION_LOGOFF ? p->ops->logoff : p->ops->disconnect;
    if (r >= 0)
        r = op ? op(p, id, bWait != FALSE, &policy) : -EOPNOTSUPP;
    server_release(s);
    return r < 0 ? fail(r) : TRUE;
}

BOOL WINAPI WTSLogoffSession(HANDLE hServer, DWORD SessionId, BOOL bWait) {
    return act_on_session(hServer, SessionId, bWait, SESSION_LOGOFF);
}

BOOL WINAPI WTSDisconnectSession(HANDLE hServer, DWORD SessionId, BOOL bWait) {
    return act_on_session(hServer, SessionId, bWait, SESSION_DISCONNECT);
}
