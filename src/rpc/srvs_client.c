#include "rpc/srvs_client.h"

#include "common/deadline.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

/* One read-only call on the pooled connection's srvsvc (or wkssvc) pipe,
 * repeated once on a new connection when the pooled one had died. */
typedef int (*srvs_call_fn)(struct rpc_client *rc, const struct server_addr *a, void *ctx, struct srvs_status *st);

static int call_pooled(const struct server_addr *a, bool wkssvc, bool may_repeat, srvs_call_fn call, void *ctx,
                       struct srvs_status *st) {
    memset(st, 0, sizeof(*st));
    for (int attempt = 0;; attempt++) {
        struct smb_session *s;
        struct rpc_client *rc;
        unsigned before;
        bool fresh;
        int r;

        if ((r = binding_acquire(a, NULL, &s, &st->ntstatus)) < 0)
            return r;
        fresh = binding_is_fresh(s);
        before = fresh ? 0 : smb2_conn_round_trips(binding_conn(s));
        if ((r = wkssvc ? binding_wkssvc(s, &rc) : binding_srvsvc(s, &rc)) >= 0)
            r = call(rc, a, ctx, st);
        if (r == -EREMOTEIO)
            st->fault = rc->fault;
        last_round_trips = smb2_conn_round_trips(binding_conn(s)) - before;
        binding_release(s);
        if (may_repeat && attempt == 0 && worth_retry(r, fresh))
            continue;
        return r;
    }
}

static int get_info_call(struct rpc_client *rc, const struct server_addr *a, void *ctx, struct srvs_status *st) {
    return srvs_server_get_info_101(rc, a->unc, ctx, &st->werror);
}

int srvs_client_server_get_info(const struct server_addr *a, struct srvs_server_info_101 *ret,
                                struct srvs_status *st) {
    return call_pooled(a, false, true, get_info_call, ret, st); /* only reads: safe to repeat */
}

/* ---- files, connections, shares, workstation users ---- */

#define WERR_MORE_DATA 234

struct enum_ctx {
    int kind;
    const char *in1, *in2;
    uint32_t level;
    struct srvs_list *ret;
};

/* Appends b's entries to a (same kind and level); b is emptied. */
static int list_append(struct srvs_list *a, struct srvs_list *b, size_t elem) {
    void *v;

    if (!a->v) {
        *a = *b;
        memset(b, 0, sizeof(*b));
        return 0;
    }
    if (!b->n)
        return 0;
    v = realloc(a->v, (a->n + b->n) * elem);
    if (!v)
        return -ENOMEM;
    memcpy((char *) v + a->n * elem, b->v, b->n * elem);
    a->v = v;
    a->n += b->n;
    free(b->v);
    memset(b, 0, sizeof(*b));
    return 0;
}

static size_t elem_size(int kind) {
    return kind == SRVS_FILES ? sizeof(struct srvs_file)
           : kind == SRVS_CONNS ? sizeof(struct srvs_conn)
                                : sizeof(struct srvs_share);
}

/* MAX_PREFERRED_LENGTH asks for everything; a server may still answer in
 * parts (ERROR_MORE_DATA with a resume handle): follow it, a bounded number of times. */
static int enum_call(struct rpc_client *rc, const struct server_addr *a, void *vctx, struct srvs_status *st) {
    struct enum_ctx *e = vctx;
    struct srvs_list all = {0};
    uint32_t resume = 0, total;
    int r = 0;

    for (int part = 0; part < 64; part++) {
        struct srvs_list l = {0};
        uint32_t next = 0;

        st->werror = 0;
        if ((r = srvs_enum(rc, e->kind, a->unc, e->in1, e->in2, e->level, 0xFFFFFFFFu, resume, &l, &total, &next,
                           &st->werror)) < 0)
            break;
        if (st->werror != 0 && st->werror != WERR_MORE_DATA) {
            srvs_list_free(&l);
            break;
        }
        r = list_append(&all, &l, elem_size(e->kind));
        srvs_list_free(&l);
        if (r < 0 || st->werror == 0)
            break;
        if (next == 0 || next == resume) {
            r = -EBADMSG; /* "more" without a way on */
            break;
        }
        resume = next;
    }
    if (r >= 0 && st->werror == WERR_MORE_DATA)
        r = -EBADMSG; /* never ended */
    if (r < 0 || st->werror != 0) {
        srvs_list_free(&all);
        return r;
    }
    all.kind = e->kind, all.level = e->level;
    *e->ret = all;
    return 0;
}

int srvs_client_enum(const struct server_addr *a, int kind, const char *in1, const char *in2, uint32_t level,
                     struct srvs_list *ret, struct srvs_status *st) {
    struct enum_ctx e = {kind, in1 && *in1 ? in1 : NULL, in2 && *in2 ? in2 : NULL, level, ret};

    if (kind == SRVS_FILES)
        e.level = 3; /* a superset of level 2, and what Samba answers */
    if (kind == SRVS_CONNS)
        e.level = 1; /* a superset of level 0, whose every answer Samba makes up (one entry, id 1) */
    if (!srvs_level_valid(kind, e.level))
        return -EINVAL;
    return call_pooled(a, false, true, enum_call, &e, st);
}

struct close_ctx {
    uint32_t id;
};

static void sleep_ms(int64_t ms);

static bool file_listed(const struct srvs_list *l, uint32_t id) {
    const struct srvs_file *v = l->v;

    for (size_t i = 0; i < l->n; i++)
        if (v[i].id == id)
            return true;
    return false;
}

/*
 * "Closed" means closed: Samba answers NetrFileClose once it has *asked*
 * the smbd holding the file to close it (MSG_SMB_CLOSE_FILE, acted on
 * asynchronously), so the close counts once an enumeration no longer lists
 * the id: -ETIMEDOUT when one still does at the call's deadline
 * (WTSNET_TIMEOUT). Windows closes before it answers; docs/netapi.md.
 */
static int confirm_closed(const struct server_addr *a, uint32_t id, struct srvs_status *st) {
    int64_t backoff = 10, left;
    int r = -ETIMEDOUT;

    while ((left = deadline_left_ms(deadline_scope())) > 0) {
        struct srvs_list l = {0};
        bool listed;

        if ((r = srvs_client_enum(a, SRVS_FILES, NULL, NULL, 3, &l, st)) < 0 || st->werror != 0)
            return r;
        listed = file_listed(&l, id);
        srvs_list_free(&l);
        if (!listed)
            return 0;
        r = -ETIMEDOUT;
        left = deadline_left_ms(deadline_scope());
        sleep_ms(backoff < left ? backoff : left);
        backoff = backoff * 2 > 250 ? 250 : backoff * 2;
    }
    return r;
}

static int close_call(struct rpc_client *rc, const struct server_addr *a, void *vctx, struct srvs_status *st) {
    return srvs_file_close(rc, a->unc, ((struct close_ctx *) vctx)->id, &st->werror);
}

int srvs_client_file_close(const struct server_addr *a, uint32_t file_id, struct srvs_status *st) {
    struct close_ctx c = {file_id};

    int r;

    /* Never repeated: a close the server did but whose reply was lost would
     * come back as "no such file", a false failure. */
    if ((r = call_pooled(a, false, false, close_call, &c, st)) < 0 || st->werror != 0)
        return r;
    return confirm_closed(a, file_id, st);
}

struct wksta_ctx {
    uint32_t level;
    struct wkst_user_list *ret;
};

static int wksta_call(struct rpc_client *rc, const struct server_addr *a, void *vctx, struct srvs_status *st) {
    struct wksta_ctx *w = vctx;
    uint32_t total;

    return wkst_user_enum(rc, a->unc, w->level, w->ret, &total, &st->werror);
}

int srvs_client_wksta_user_enum(const struct server_addr *a, uint32_t level, struct wkst_user_list *ret,
                                struct srvs_status *st) {
    struct wksta_ctx w = {level, ret};

    return call_pooled(a, true, true, wksta_call, &w, st);
}

/* ---- sessions ---- */

#define WERR_INVALID_LEVEL 124
#define WERR_NETNAME_DELETED 64
#define NERR_CLIENT_NAME_NOT_FOUND 2312

static const char *strip_unc(const char *s) {
    return s && s[0] == '\\' && s[1] == '\\' ? s + 2 : s;
}

/* A listed user name against a wanted one, case-insensitively. A bare name
 * (no backslash) also matches the user part of a listed "DOMAIN\user": a Samba
 * AD DC lists its users as winbind names ("WTSLAB\carol") where Windows
 * lists the bare "carol", and a caller written for Windows says "carol". */
bool srvs_user_matches(const char *listed, const char *wanted) {
    const char *part;

    listed = listed ? listed : "";
    if (strcasecmp(listed, wanted) == 0)
        return true;
    part = strchr(listed, '\\');
    return part && !strchr(wanted, '\\') && strcasecmp(part + 1, wanted) == 0;
}

bool srvs_session_matches(const struct srvs_session *s, const char *client, const char *user) {
    if (client && *client && strcasecmp(strip_unc(s->client ? s->client : ""), strip_unc(client)) != 0)
        return false;
    if (user && *user && !srvs_user_matches(s->user, user))
        return false;
    return true;
}

size_t srvs_del_user_names(const struct srvs_session_list *l, const char *client, const char *user,
                           const char *own_client, const char *own_user, const char **ret) {
    size_t n = 0, own = SIZE_MAX;

    for (size_t i = 0; i < l->n; i++) {
        const struct srvs_session *s = &l->v[i];
        size_t j;

        if (!s->user || !*s->user || !srvs_session_matches(s, client, user))
            continue;
        for (j = 0; j < n && strcasecmp(ret[j], s->user) != 0; j++)
            ;
        if (j == n)
            ret[n++] = s->user;
        if (own == SIZE_MAX && own_client && own_user && srvs_session_matches(s, own_client, own_user))
            own = j;
    }
    if (own != SIZE_MAX && own != n - 1) { /* our own session's name last: its delete may end our connection */
        const char *t = ret[own];

        memmove(&ret[own], &ret[own + 1], (n - own - 1) * sizeof(*ret));
        ret[n - 1] = t;
    }
    return n;
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

        if ((r = binding_acquire(a, NULL, &s, &st->ntstatus)) < 0)
            break;
        fresh = binding_is_fresh(s);
        before = fresh ? 0 : smb2_conn_round_trips(binding_conn(s));
        if ((r = binding_srvsvc(s, &rc)) >= 0)
            r = enum_on(s, rc, a, wclient, user && *user ? user : NULL, level, ret, st);
        if (r == -EREMOTEIO)
            st->fault = rc->fault;
        last_round_trips = smb2_conn_round_trips(binding_conn(s)) - before;
        binding_release(s);
        if (attempt == 0 && worth_retry(r, fresh))
            continue; /* an enumeration only reads: safe to repeat */
        break;
    }
    free(wclient);
    return r;
}

/* ---- NetSessionDel: delete, then confirm ---- */

/* A level-1 `time` as a signed age: Samba's 0xFFFFFFFF for a session begun
 * this second is its clock rounding to -1 (time(NULL) minus a start rounded
 * up), not 136 years. */
static int64_t age_of(const struct srvs_session *s) {
    return s->time == 0xFFFFFFFFu ? -1 : (int64_t) s->time;
}

static bool same_session_names(const struct srvs_session *a, const struct srvs_session *b) {
    return strcasecmp(strip_unc(a->client ? a->client : ""), strip_unc(b->client ? b->client : "")) == 0 &&
           strcasecmp(a->user ? a->user : "", b->user ? b->user : "") == 0;
}

bool srvs_deleted_still_listed(const struct srvs_del_check *c, const struct srvs_look *l) {
    /* Ages are whole seconds of the server's clock (time(NULL) differences):
     * between two readings at least floor(local gap) seconds pass; a session
     * begun after the delete was sent is at most ceil(local span) + 1 old
     * (+1 for a start time rounded either way). */
    int64_t gap_s = (l->asked_ms - c->before_ms) / 1000;
    int64_t new_max = (l->answered_ms - c->del_ms + 999) / 1000 + 1;
    size_t ours = SIZE_MAX;

    /* Our own new connection's session: the youngest one listed under its
     * address and user (a same-age twin, if any, is still judged below). */
    if (l->own_client && l->own_user)
        for (size_t i = 0; i < l->now.n; i++) {
            const struct srvs_session *s = &l->now.v[i];

            if (srvs_session_matches(s, l->own_client, l->own_user) &&
                (ours == SIZE_MAX || age_of(s) < age_of(&l->now.v[ours])))
                ours = i;
        }
    for (size_t i = 0; i < l->now.n; i++) {
        const struct srvs_session *s = &l->now.v[i];

        if (i == ours || !srvs_session_matches(s, c->client, c->user))
            continue;
        if (age_of(s) > new_max)
            return true; /* began before the delete: the server should have ended it */
        for (size_t j = 0; j < c->before->n; j++) {
            const struct srvs_session *b = &c->before->v[j];

            if (srvs_session_matches(b, c->client, c->user) && same_session_names(s, b) &&
                age_of(s) >= age_of(b) + gap_s)
                return true; /* may be b, still there */
        }
    }
    return false;
}

static void sleep_ms(int64_t ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000};

    while (ms > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int srvs_confirm_deleted(const struct srvs_del_check *c, int64_t deadline_ms, srvs_look_fn look, void *ctx,
                         uint32_t *werror, unsigned *ret_looks) {
    int64_t backoff = 10, left;
    int r = -ETIMEDOUT;

    *ret_looks = 0;
    /* Samba ends each matching connection asynchronously (MSG_SHUTDOWN to
     * its smbd): usually gone by the first look, sometimes a few ms later. */
    while ((left = deadline_ms - deadline_now_ms()) > 0) {
        struct srvs_look l = {0};
        bool listed;

        *werror = 0;
        r = look(ctx, (int) (left < INT32_MAX ? left : INT32_MAX), &l, werror);
        (*ret_looks)++;
        listed = r >= 0 && *werror == 0 && srvs_deleted_still_listed(c, &l);
        srvs_session_list_free(&l.now);
        if (r >= 0 && *werror == 0 && !listed)
            return 0;
        if (listed)
            r = -ETIMEDOUT; /* what stands if the deadline comes now */
        left = deadline_ms - deadline_now_ms();
        sleep_ms(backoff < left ? backoff : left);
        backoff = backoff * 2 > 250 ? 250 : backoff * 2;
    }
    if (r == -ETIMEDOUT)
        *werror = 0;
    return r;
}


/* The real look: the pooled connection (a new one once ours was ended). */
struct pool_look {
    const struct server_addr *a;
    bool reconnected;    /* a look ran on a connection opened after the delete */
    char here[INET6_ADDRSTRLEN], me[256];
    unsigned round_trips;
    uint32_t fault;      /* the last look's, when it ended in -EREMOTEIO */
};

static int pool_look(void *vctx, int wait_ms, struct srvs_look *ret, uint32_t *werror) {
    struct pool_look *p = vctx;
    struct srvs_status st = {0};
    struct smb_session *s;
    struct rpc_client *rc = NULL;
    struct smb2_conn *conn;
    unsigned before;
    int r;

    ret->asked_ms = deadline_now_ms();
    if ((r = binding_acquire(p->a, NULL, &s, NULL)) < 0)
        return r;
    conn = binding_conn(s);
    if (binding_is_fresh(s))
        p->reconnected = true;
    before = binding_is_fresh(s) ? 0 : smb2_conn_round_trips(conn);
    /* wait_ms needs no enforcing here: the confirmation's deadline is the
     * call's (deadline_for below), and every wait under it stops there. */
    (void) wait_ms;
    if ((r = binding_srvsvc(s, &rc)) >= 0)
        r = enum_on(s, rc, p->a, NULL, NULL, 1, &ret->now, &st);
    ret->answered_ms = deadline_now_ms();
    if (r == -EREMOTEIO && rc)
        p->fault = rc->fault;
    *werror = st.werror;
    if (p->reconnected && !auth_identity_is_anonymous(binding_identity(s))) {
        (void) smb2_conn_local_address(conn, p->here, sizeof(p->here));
        snprintf(p->me, sizeof(p->me), "%s", binding_identity(s)->user);
        ret->own_client = p->here, ret->own_user = p->me;
    }
    p->round_trips += smb2_conn_round_trips(conn) - before;
    binding_release(s); /* a failed transport is dropped: the next look reconnects */
    return r;
}

static bool transport_lost(int r) {
    return r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE;
}

int srvs_client_session_del(const struct server_addr *a, const char *client, const char *user,
                            struct srvs_status *st, bool *ret_own_ended) {
    struct srvs_session_list l = {0};
    struct smb_session *s;
    struct rpc_client *rc = NULL;
    const struct auth_identity *me;
    char *wclient = NULL, here[INET6_ADDRSTRLEN];
    const char **names = NULL; /* the user names to send, as the server lists them */
    size_t n_names = 0;
    bool matched = false, own = false, confirm = false;
    struct srvs_del_check check = {.before = &l, .client = client, .user = user};
    int timeout_ms;
    unsigned before;
    int r;

    memset(st, 0, sizeof(*st));
    *ret_own_ended = false;
    if ((r = wire_client(client, &wclient)) < 0)
        return r;
    if ((r = binding_acquire(a, NULL, &s, &st->ntstatus)) < 0)
        goto out_free;
    before = binding_is_fresh(s) ? 0 : smb2_conn_round_trips(binding_conn(s));
    timeout_ms = smb2_conn_timeout_ms(binding_conn(s)); /* WTSNET_TIMEOUT, as the connection took it */
    if ((r = binding_srvsvc(s, &rc)) < 0)
        goto out;
    /* 1. Who would be deleted? Samba says ACCESS_DENIED both for "no right"
     *    and for "nothing matched"; an enumeration tells the two apart. */
    if ((r = enum_on(s, rc, a, NULL, NULL, 1, &l, st)) < 0)
        goto out;
    check.before_ms = deadline_now_ms();
    if (st->werror == 0) {
        me = binding_identity(s);
        (void) smb2_conn_local_address(binding_conn(s), here, sizeof(here)); /* as the server sees our client */
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
        confirm = true;
        /* A user filter goes out as the server spells it: Samba deletes only
         * by the exact listed name, and a bare "carol" matched "WTSLAB\carol". */
        if (user && *user) {
            if (!(names = calloc(l.n, sizeof(*names)))) {
                r = -ENOMEM;
                goto out;
            }
            n_names = srvs_del_user_names(&l, client, user, here,
                                          auth_identity_is_anonymous(me) ? NULL : me->user, names);
        }
    }
    /* 2. Delete (where we could not enumerate, the server's answer stands):
     *    once, or once per distinct listed name, our own session's last. */
    st->werror = 0;
    check.del_ms = deadline_now_ms();
    if (n_names == 0)
        r = srvs_session_del(rc, a->unc, wclient, user && *user ? user : NULL, &st->werror);
    for (size_t k = 0; k < n_names && r >= 0 && st->werror == 0; k++)
        r = srvs_session_del(rc, a->unc, wclient, names[k], &st->werror);
    if (own && (transport_lost(r) || (r >= 0 && st->werror == WERR_NETNAME_DELETED))) {
        /* Our own connection was among those ended and the reply died with
         * it -- or the connection died for another reason: only the server's
         * list, seen over a new connection, can tell (step 3). */
        smb2_conn_mark_broken(binding_conn(s));
        st->werror = 0;
        *ret_own_ended = true;
        r = 0;
    }
    if (r < 0 || st->werror != 0)
        confirm = false;
out:
    if (r == -EREMOTEIO && rc)
        st->fault = rc->fault;
    last_round_trips = smb2_conn_round_trips(binding_conn(s)) - before;
    binding_release(s);
    /* 3. "Deleted" means gone: the server acts asynchronously, so look until
     *    its list no longer holds the deleted sessions, for at most
     *    WTSNET_TIMEOUT after the delete (docs/netapi.md). */
    if (confirm) {
        struct pool_look p = {.a = a};
        unsigned looks;

        r = srvs_confirm_deleted(&check, deadline_for(timeout_ms), pool_look, &p, &st->werror, &looks);
        last_round_trips += p.round_trips;
        if (r == -EREMOTEIO)
            st->fault = p.fault;
        if (r < 0 || st->werror != 0)
            *ret_own_ended = false;
    }
out_free:
    free(names);
    srvs_session_list_free(&l);
    free(wclient);
    return r;
}
