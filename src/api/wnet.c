/*
 * WNetAddConnection2 / WNetCancelConnection2 on \\server\IPC$: the Windows
 * way to give credentials for later Net* calls on that server (docs/credentials.md).
 */
#include <winnetwk.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/target.h"
#include "api/win32_error.h"
#include "auth/creds.h"
#include "common/deadline.h"
#include "common/errors.h"
#include "common/wstr.h"
#include "rpc/binding.h"

/* Guards nothing but the sequence: an add's "conflicting user?" check, its
 * authentication and its record, and a cancel's removal and drop, happen as
 * one step against each other (two threads adding different users for one
 * server cannot both pass the check). Held across the authentication, which
 * has its deadline (WTSNET_TIMEOUT). */
static pthread_mutex_t wnet_change_lock = PTHREAD_MUTEX_INITIALIZER;

static DWORD done(DWORD code) {
    SetLastError(code);
    return code;
}

/* "\\server\IPC$" → the server's address (api/target.h). -ENXIO for another share. */
static int parse_ipc_name(const char *remote, struct server_addr *ret) {
    struct server_target t;
    int r = server_resolve_ipc(remote, &t);

    if (r >= 0)
        *ret = t.smb;
    return r;
}

static bool same_user(const struct auth_identity *a, const struct auth_identity *b) {
    if (auth_identity_is_anonymous(a) || auth_identity_is_anonymous(b))
        return auth_identity_is_anonymous(a) && auth_identity_is_anonymous(b);
    return strcasecmp(a->user, b->user) == 0 &&
           strcasecmp(a->domain ? a->domain : "", b->domain ? b->domain : "") == 0;
}

static DWORD add_connection(DWORD type, const char *local, const char *remote, const char *password,
                            const char *user) {
    struct auth_identity def = {0}, id = {0}, old = {0};
    struct server_addr a;
    uint32_t logon_status = 0; /* the NTSTATUS of a refused logon */
    DWORD code;
    int r;

    if (type != RESOURCETYPE_ANY)
        return type == RESOURCETYPE_DISK || type == RESOURCETYPE_PRINT ? ERROR_BAD_DEV_TYPE
                                                                       : ERROR_INVALID_PARAMETER;
    if (local && *local)
        return ERROR_NOT_SUPPORTED; /* no drive letters here: IPC$ only */
    if (!remote)
        return ERROR_INVALID_PARAMETER;
    r = parse_ipc_name(remote, &a);
    if (r == -ENXIO)
        return ERROR_BAD_NET_NAME;
    if (r < 0)
        return ERROR_BAD_NETPATH;
    /* NULL user or password: the defaults (credentials file), as Windows uses the logon's. */
    if ((!user || !password) && (r = creds_default(&def)) < 0)
        return win32_error_from_errno(r);
    if (user) {
        if (*user && (r = creds_split_user(user, &id)) < 0)
            goto fail;
    } else if (def.user && !(id.user = strdup(def.user))) {
        r = -ENOMEM;
        goto fail;
    }
    if (!user && def.domain && !(id.domain = strdup(def.domain))) {
        r = -ENOMEM;
        goto fail;
    }
    id.password = strdup(password ? password : def.password ? def.password : "");
    if (!id.password) {
        r = -ENOMEM;
        goto fail;
    }
    pthread_mutex_lock(&wnet_change_lock);
    if ((r = creds_wnet_lookup(a.key, &old)) < 0)
        goto fail_locked;
    if (r == 1 && !same_user(&old, &id)) {
        pthread_mutex_unlock(&wnet_change_lock);
        code = ERROR_SESSION_CREDENTIAL_CONFLICT;
        goto out;
    }
    /* Authenticate now: wrong credentials fail here, as on Windows. */
    deadline_scope_begin(); /* connecting and authenticating: one deadline */
    r = binding_pin(&a, &id, &logon_status);
    deadline_scope_end();
    if (r < 0 || (r = creds_wnet_add(a.key, &id)) < 0)
        goto fail_locked;
    pthread_mutex_unlock(&wnet_change_lock);
    code = NO_ERROR;
    goto out;
fail_locked:
    pthread_mutex_unlock(&wnet_change_lock);
fail:
    code = win32_error_from_status(r, logon_status); /* a disabled account is not a wrong password */
out:
    auth_identity_clear(&def);
    auth_identity_clear(&id);
    auth_identity_clear(&old);
    return code;
}

static DWORD cancel_connection(const char *name) {
    struct server_addr a;
    int r;

    if (!name)
        return ERROR_INVALID_PARAMETER;
    if (parse_ipc_name(name, &a) < 0)
        return ERROR_NOT_CONNECTED;
    pthread_mutex_lock(&wnet_change_lock);
    r = creds_wnet_remove(a.key);
    if (r >= 0) {
        deadline_scope_begin(); /* the polite logoff waits no longer than a call */
        (void) binding_drop_server(a.key);
        deadline_scope_end();
    }
    pthread_mutex_unlock(&wnet_change_lock);
    return r < 0 ? ERROR_NOT_CONNECTED : NO_ERROR;
}

static int to_utf8(LPCWSTR w, char **ret) {
    *ret = NULL;
    return w ? wcs_to_utf8(w, ret) : 0;
}

DWORD WINAPI WNetAddConnection2W(LPNETRESOURCEW res, LPCWSTR lpPassword, LPCWSTR lpUserName, DWORD dwFlags) {
    char *local = NULL, *remote = NULL, *pw = NULL, *user = NULL;
    DWORD code;
    int r;

    (void) dwFlags; /* CONNECT_UPDATE_PROFILE etc.: nothing is remembered across processes */
    if (!res)
        return done(ERROR_INVALID_PARAMETER);
    if ((r = to_utf8(res->lpLocalName, &local)) < 0 || (r = to_utf8(res->lpRemoteName, &remote)) < 0 ||
        (r = to_utf8(lpPassword, &pw)) < 0 || (r = to_utf8(lpUserName, &user)) < 0)
        code = win32_error_from_errno(r);
    else
        code = add_connection(res->dwType, local, remote, pw, user);
    if (pw)
        explicit_bzero(pw, strlen(pw));
    free(local), free(remote), free(pw), free(user);
    return done(code);
}

DWORD WINAPI WNetAddConnection2A(LPNETRESOURCEA res, LPCSTR lpPassword, LPCSTR lpUserName, DWORD dwFlags) {
    (void) dwFlags;
    if (!res)
        return done(ERROR_INVALID_PARAMETER);
    /* A strings are UTF-8, the internal form. */
    return done(add_connection(res->dwType, res->lpLocalName, res->lpRemoteName, lpPassword, lpUserName));
}

DWORD WINAPI WNetCancelConnection2W(LPCWSTR lpName, DWORD dwFlags, BOOL fForce) {
    char *name = NULL;
    DWORD code;
    int r;

    (void) dwFlags, (void) fForce;
    if ((r = to_utf8(lpName, &name)) < 0)
        return done(win32_error_from_errno(r));
    code = cancel_connection(name);
    free(name);
    return done(code);
}

DWORD WINAPI WNetCancelConnection2A(LPCSTR lpName, DWORD dwFlags, BOOL fForce) {
    (void) dwFlags, (void) fForce;
    return done(cancel_connection(lpName));
}
