#include "rpc/srvs_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static _Thread_local unsigned last_round_trips;

unsigned srvs_client_last_round_trips(void) {
    return last_round_trips;
}

/* A pooled connection can die between calls (server restarted, idle
 * timeout); a call that failed on such a connection before the server could
 * have acted is tried once more on a new one. */
static bool worth_retry(int r, bool fresh) {
    return !fresh && (r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE);
}

int srvs_client_server_get_info(const struct server_addr *a, struct srvs_server_info_101 *ret,
                                struct srvs_status *st) {
    memset(st, 0, sizeof(*st));
    for (int attempt = 0;; attempt++) {
        struct smb_session *s;
        struct rpc_client *rc;
        unsigned before;
        bool fresh;
        int r;

        if ((r = binding_acquire(a, NULL, &s)) < 0)
            return r;
        fresh = binding_is_fresh(s);
        before = fresh ? 0 : binding_conn(s)->round_trips;
        if ((r = binding_srvsvc(s, &rc)) >= 0)
            r = srvs_server_get_info_101(rc, a->unc, ret, &st->werror);
        if (r == -EREMOTEIO)
            st->fault = rc->fault;
        last_round_trips = binding_conn(s)->round_trips - before;
        binding_release(s);
        if (attempt == 0 && worth_retry(r, fresh))
            continue; /* NetrServerGetInfo only reads: safe to repeat */
        return r;
    }
}


/* ---- sessions ---- */

#define WERR_INVALID_LEVEL 124
#define WERR_NETNAME_DELETED 64
#define NERR_CLIENT_NAME_NOT_FOUND 2312

static const char *strip_unc(const char *s) {
    return s && s[0] == '\\' && s[1] == '\\' ? s + 2 : s;
}

bool srvs_session_matches(const struct srvs_session *s, const char *client, const char *user) {
    if (client && *client && strcasecmp(strip_unc(s->client ? s->client : ""), strip_unc(client)) != 0)
        return false;
    if (user && *user && strcasecmp(s->user ? s->user : "", user) != 0)
        return false;
    return true;
}

/* What MS-SRVS wants on the wire for ClientName: NULL, or "\\name". */
static int wire_client(const char *client, char **ret) {
    *ret = NULL;
    if (!client || !*client || !*strip_unc(client))
        return 0;
    if (asprintf(ret, "\\\\%s", strip_unc(client)) < 0) {
        *ret = NULL;
        return -ENOMEM;
    }
    return 0;
}

static unsigned level_bit(uint32_t level) {
    return level == 2 ? 1u : level == 10 ? 2u : level == 502 ? 4u : 0u;
}

static int enum_on(struct smb_session *s, struct rpc_client *rc, const struct server_addr *a, const char *wclient,
                   const char *user, uint32_t level, struct srvs_session_list *ret, struct srvs_status *st) {
    uint32_t *refused = binding_refused_levels(s), total;
    int r;

    if (!(*refused & level_bit(level))) {
        r = srvs_session_enum(rc, a->unc, wclient, user, level, ret, &total, &st->werror);
        if (r < 0 || st->werror != WERR_INVALID_LEVEL || level == 0 || level == 1)
            return r;
        *refused |= level_bit(level); /* remembered for this connection: asked once */
        srvs_session_list_free(ret);
    }
    return srvs_session_enum(rc, a->unc, wclient, user, 1, ret, &total, &st->werror);
}

int srvs_client_session_enum(const struct server_addr *a, const char *client, const char *user, uint32_t level,
                             struct srvs_session_list *ret, struct srvs_status *st) {
    char *wclient = NULL;
    int r;

    memset(st, 0, sizeof(*st));
    if (!srvs_session_level_valid(level))
        return -EINVAL;
    if ((r = wire_client(client, &wclient)) < 0)
        return r;
    for (int attempt = 0;; attempt++) {
        struct smb_session *s;
        struct rpc_client *rc;
        unsigned before;
        bool fresh;

        if ((r = binding_acquire(a, NULL, &s)) < 0)
            break;
        fresh = binding_is_fresh(s);
        before = fresh ? 0 : binding_conn(s)->round_trips;
        if ((r = binding_srvsvc(s, &rc)) >= 0)
            r = enum_on(s, rc, a, wclient, user && *user ? user : NULL, level, ret, st);
        if (r == -EREMOTEIO)
            st->fault = rc->fault;
        last_round_trips = binding_conn(s)->round_trips - before;
        binding_release(s);
        if (attempt == 0 && worth_retry(r, fresh))
            continue; /* an enumeration only reads: safe to repeat */
        break;
    }
    free(wclient);
    return r;
}

/* The address the server sees us at: what it reports as our session's client. */
static void local_address(struct smb2_conn *c, char *buf, size_t size) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    buf[0] = '\0';
    if (getsockname(c->fd, (struct sockaddr *) &ss, &len) < 0)
        return;
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *) &ss)->sin_addr, buf, (socklen_t) size);
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *) &ss)->sin6_addr, buf, (socklen_t) size);
}

int srvs_client_session_del(const struct server_addr *a, const char *client, const char *user,
                            struct srvs_status *st, bool *ret_own_ended) {
    struct srvs_session_list l = {0};
    struct smb_session *s;
    struct rpc_client *rc = NULL;
    const struct auth_identity *me;
    char *wclient = NULL, here[INET6_ADDRSTRLEN];
    bool matched = false, own = false;
    unsigned before;
    int r;

    memset(st, 0, sizeof(*st));
    *ret_own_ended = false;
    if ((r = wire_client(client, &wclient)) < 0)
        return r;
    if ((r = binding_acquire(a, NULL, &s)) < 0)
        goto out_free;
    before = binding_is_fresh(s) ? 0 : binding_conn(s)->round_trips;
    if ((r = binding_srvsvc(s, &rc)) < 0)
        goto out;
    /* 1. Who would be deleted? Samba says ACCESS_DENIED both for "no right"
     *    and for "nothing matched"; an enumeration tells the two apart. */
    if ((r = enum_on(s, rc, a, NULL, NULL, 1, &l, st)) < 0)
        goto out;
    if (st->werror == 0) {
        me = binding_identity(s);
        local_address(binding_conn(s), here, sizeof(here));
        for (size_t i = 0; i < l.n; i++)
            if (srvs_session_matches(&l.v[i], client, user)) {
                matched = true;
                if (!auth_identity_is_anonymous(me) && srvs_session_matches(&l.v[i], here, me->user))
                    own = true;
            }
        if (!matched) {
            st->werror = NERR_CLIENT_NAME_NOT_FOUND;
            goto out;
        }
    }
    /* 2. Delete (where we could not enumerate, the server's answer stands). */
    st->werror = 0;
    r = srvs_session_del(rc, a->unc, wclient, user && *user ? user : NULL, &st->werror);
    if (own && (r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE ||
                (r >= 0 && st->werror == WERR_NETNAME_DELETED))) {
        /* Our own connection was among those ended: the reply died with it. */
        binding_conn(s)->broken = true;
        st->werror = 0;
        *ret_own_ended = true;
        r = 0;
    }
out:
    if (r == -EREMOTEIO && rc)
        st->fault = rc->fault;
    last_round_trips = binding_conn(s)->round_trips - before;
    binding_release(s);
out_free:
    srvs_session_list_free(&l);
    free(wclient);
    return r;
}
