/*
 * NetSessionEnum / NetSessionGetInfo / NetSessionDel: the Windows contract on
 * top of whatever the server does (docs/netapi.md "Sessions"). Samba answers
 * only levels 0 and 1, ignores the filters and prefmaxlen and says
 * ACCESS_DENIED when a delete matches nothing; the answers here are
 * Windows' anyway: levels derived, filters and paging applied in the client,
 * a no-match told apart by enumeration, and a delete reported done only once
 * an enumeration no longer lists the deleted sessions, ERROR_TIMEOUT when the
 * server keeps them past WTSNET_TIMEOUT (src/rpc/srvs_client.c).
 */
#include <lm.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/netapi.h"
#include "common/deadline.h"
#include "common/errors.h"
#include "common/wstr.h"

/* Values for what a level-1 answer cannot tell (docs/netapi.md). */
#define DERIVED_CLTYPE_NAME ""
#define DERIVED_TRANSPORT ""

static size_t level_struct_size(DWORD level) {
    switch (level) {
    case 0:
        return sizeof(SESSION_INFO_0);
    case 1:
        return sizeof(SESSION_INFO_1);
    case 2:
        return sizeof(SESSION_INFO_2);
    case 10:
        return sizeof(SESSION_INFO_10);
    case 502:
        return sizeof(SESSION_INFO_502);
    default:
        return 0;
    }
}

static const char *or_derived(const char *s, const char *def) {
    return s ? s : def;
}

/* Bytes one entry takes in the returned block at this level. */
static size_t entry_size(const struct srvs_session *s, DWORD level) {
    size_t n = level_struct_size(level) + netapi_wcs_size(or_derived(s->client, ""));

    if (level != 0)
        n += netapi_wcs_size(or_derived(s->user, ""));
    if (level == 2 || level == 502)
        n += netapi_wcs_size(or_derived(s->cltype, DERIVED_CLTYPE_NAME));
    if (level == 502)
        n += netapi_wcs_size(or_derived(s->transport, DERIVED_TRANSPORT));
    return n;
}

static void put_entry(char *fixed, char **strings, const struct srvs_session *in, DWORD level) {
    struct srvs_session norm = *in, *s = &norm;
    /* Samba reports 0xffffffff for a session created this very second: no
     * session is 136 years old; Windows would say 0. */
    if (norm.time == 0xFFFFFFFFu)
        norm.time = 0;
    LMSTR cname = netapi_put_wcs(strings, or_derived(s->client, ""));
    LMSTR user = level != 0 ? netapi_put_wcs(strings, or_derived(s->user, "")) : NULL;

    switch (level) {
    case 0:
        ((SESSION_INFO_0 *) fixed)->sesi0_cname = cname;
        break;
    case 1: {
        SESSION_INFO_1 *i = (SESSION_INFO_1 *) fixed;

        *i = (SESSION_INFO_1){cname, user, s->num_opens, s->time, s->idle_time, s->user_flags};
        break;
    }
    case 2: {
        SESSION_INFO_2 *i = (SESSION_INFO_2 *) fixed;

        *i = (SESSION_INFO_2){cname, user, s->num_opens, s->time, s->idle_time, s->user_flags, NULL};
        i->sesi2_cltype_name = netapi_put_wcs(strings, or_derived(s->cltype, DERIVED_CLTYPE_NAME));
        break;
    }
    case 10: {
        SESSION_INFO_10 *i = (SESSION_INFO_10 *) fixed;

        *i = (SESSION_INFO_10){cname, user, s->time, s->idle_time};
        break;
    }
    case 502: {
        SESSION_INFO_502 *i = (SESSION_INFO_502 *) fixed;

        *i = (SESSION_INFO_502){cname, user, s->num_opens, s->time, s->idle_time, s->user_flags, NULL, NULL};
        i->sesi502_cltype_name = netapi_put_wcs(strings, or_derived(s->cltype, DERIVED_CLTYPE_NAME));
        i->sesi502_transport = netapi_put_wcs(strings, or_derived(s->transport, DERIVED_TRANSPORT));
        break;
    }
    }
}

struct session_pack {
    const struct srvs_session *const *v;
    DWORD level;
};

static size_t pack_size(const void *ctx, size_t i) {
    const struct session_pack *p = ctx;

    return entry_size(p->v[i], p->level);
}

static void pack_put(const void *ctx, size_t i, void *fixed, char **strings) {
    const struct session_pack *p = ctx;

    put_entry(fixed, strings, p->v[i], p->level);
}

static struct netapi_packer packer(const struct session_pack *sp) {
    return (struct netapi_packer){level_struct_size(sp->level), pack_size, pack_put, sp};
}

/* Sessions matching the filters, in server order; NERR_* when a filter matches nothing. */
static NET_API_STATUS select_matches(const struct srvs_session_list *l, const char *client, const char *user,
                                     const struct srvs_session ***ret, size_t *ret_n) {
    const struct srvs_session **m;
    size_t n = 0;
    bool client_seen = false;

    m = calloc(l->n ? l->n : 1, sizeof(*m));
    if (!m)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (size_t i = 0; i < l->n; i++) {
        if (srvs_session_matches(&l->v[i], client, NULL))
            client_seen = true;
        if (srvs_session_matches(&l->v[i], client, user))
            m[n++] = &l->v[i];
    }
    if (n == 0 && client && *client && !client_seen) {
        free(m);
        return NERR_ClientNameNotFound;
    }
    if (n == 0 && user && *user) {
        free(m);
        return NERR_UserNotFound;
    }
    *ret = m;
    *ret_n = n;
    return NERR_Success;
}

static NET_API_STATUS fetch(LMSTR servername, LMSTR w_client, LMSTR w_user, DWORD level, char **ret_client,
                            char **ret_user, struct srvs_session_list *ret) {
    struct srvs_status st = {0};
    struct server_addr a;
    NET_API_STATUS status;
    int r;

    if ((r = netapi_server(servername, &a)) < 0)
        return netapi_status(r, NULL);
    if (netapi_utf8(w_client, ret_client) < 0 || netapi_utf8(w_user, ret_user) < 0)
        return ERROR_INVALID_PARAMETER;
    deadline_scope_begin(); /* one deadline for the whole call (docs/netapi.md, "Timeouts") */
    r = srvs_client_session_enum(&a, *ret_client, *ret_user, level, ret, &st);
    deadline_scope_end();
    status = netapi_status(r, &st);
    if (status != NERR_Success)
        srvs_session_list_free(ret);
    return status;
}

NET_API_STATUS NET_API_FUNCTION NetSessionEnum(LMSTR servername, LMSTR UncClientName, LMSTR username, DWORD level,
                                               LPBYTE *bufptr, DWORD prefmaxlen, LPDWORD entriesread,
                                               LPDWORD totalentries, LPDWORD resume_handle) {
    struct srvs_session_list l = {0};
    const struct srvs_session **m = NULL;
    char *client = NULL, *user = NULL;
    size_t n = 0;
    NET_API_STATUS status;

    if (!bufptr || !entriesread || !totalentries)
        return ERROR_INVALID_PARAMETER;
    if (!level_struct_size(level))
        return ERROR_INVALID_LEVEL;
    status = fetch(servername, UncClientName, username, level, &client, &user, &l);
    if (status != NERR_Success)
        goto out;
    if ((status = select_matches(&l, client, user, &m, &n)) != NERR_Success)
        goto out;
    /* The resume handle is the index of the next entry (0 = from the start). */
    {
        struct session_pack sp = {m, level};
        struct netapi_packer p = packer(&sp);
        size_t resume = resume_handle ? *resume_handle : 0;

        status = netapi_page(&p, n, prefmaxlen, resume_handle ? &resume : NULL, bufptr, entriesread, totalentries);
        if (resume_handle && (status == NERR_Success || status == ERROR_MORE_DATA))
            *resume_handle = (DWORD) resume;
    }
out:
    free(m);
    free(client);
    free(user);
    srvs_session_list_free(&l);
    return status;
}

NET_API_STATUS NET_API_FUNCTION NetSessionGetInfo(LMSTR servername, LMSTR UncClientName, LMSTR username,
                                                  DWORD level, LPBYTE *bufptr) {
    struct srvs_session_list l = {0};
    const struct srvs_session **m = NULL;
    char *client = NULL, *user = NULL;
    size_t n = 0;
    NET_API_STATUS status;

    if (!bufptr)
        return ERROR_INVALID_PARAMETER;
    if (level != 0 && level != 1 && level != 2 && level != 10)
        return ERROR_INVALID_LEVEL;
    if (!UncClientName || !*UncClientName || !username || !*username)
        return ERROR_INVALID_PARAMETER;
    status = fetch(servername, UncClientName, username, level, &client, &user, &l);
    if (status == NERR_Success)
        status = select_matches(&l, client, user, &m, &n);
    if (status == NERR_Success) { /* n ≥ 1 here: filters were given */
        struct session_pack sp = {m, level};
        struct netapi_packer p = packer(&sp);

        if (netapi_pack(&p, 0, 1, bufptr) < 0)
            status = ERROR_NOT_ENOUGH_MEMORY;
    }
    free(m);
    free(client);
    free(user);
    srvs_session_list_free(&l);
    return status;
}

NET_API_STATUS NET_API_FUNCTION NetSessionDel(LMSTR servername, LMSTR UncClientName, LMSTR username) {
    struct srvs_status st = {0};
    struct server_addr a;
    char *client = NULL, *user = NULL;
    bool own_ended;
    NET_API_STATUS status;
    int r;

    if ((r = netapi_server(servername, &a)) < 0)
        return netapi_status(r, NULL);
    if (netapi_utf8(UncClientName, &client) < 0 || netapi_utf8(username, &user) < 0)
        status = ERROR_INVALID_PARAMETER;
    else {
        deadline_scope_begin();
        status = netapi_status(srvs_client_session_del(&a, client, user, &st, &own_ended), &st);
        deadline_scope_end();
    }
    free(client);
    free(user);
    return status;
}
