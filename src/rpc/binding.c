#include "rpc/binding.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/creds.h"
#include "common/deadline.h"
#include "common/hostname.h"
#include "common/parse_int.h"
#include "common/settings.h"
#include "rpc/srvsvc.h"
#include "rpc/wkssvc.h"

/* "host:port": 1 … 65535, leading zeros allowed as they always were. */
static int parse_port(const char *s, uint16_t *ret) {
    return hostname_parse_port(s, strlen(s), PARSE_INT_LEADING_ZEROS, ret) < 0 ? -EADDRNOTAVAIL : 0;
}

static const char v6_suffix[] = ".ipv6-literal.net";

int server_addr_parse(const char *name, struct server_addr *ret) {
    struct server_addr a = {0};
    char tmp[256];
    const char *s = name ? name : "";
    struct in_addr in4;
    int r;

    a.port = SMB_DEFAULT_PORT;
    if (s[0] == '\\') {
        if (s[1] != '\\')
            return -EADDRNOTAVAIL;
        s += 2;
        if (!*s || strchr(s, '\\'))
            return -EADDRNOTAVAIL; /* "\\" alone, or a path */
    }
    if (strlen(s) >= sizeof(tmp))
        return -EADDRNOTAVAIL;
    if (!*s) {
        a.local = true;
        snprintf(a.host, sizeof(a.host), "127.0.0.1");
        snprintf(a.unc, sizeof(a.unc), "127.0.0.1");
        if (setting_port(SETTING_SMB_PORT, &a.port) < 0) /* WTSNET_SMB_PORT (common/settings.h) */
            return -EINVAL;
        goto done;
    }
    snprintf(tmp, sizeof(tmp), "%s", s);
    if (tmp[0] == '[') {
        char *close = strchr(tmp, ']');

        if (!close)
            return -EADDRNOTAVAIL;
        *close = '\0';
        if (close[1] == ':') {
            if ((r = parse_port(close + 2, &a.port)) < 0)
                return r;
        } else if (close[1])
            return -EADDRNOTAVAIL;
        if (!hostname_is_ipv6(tmp + 1, strlen(tmp + 1)))
            return -EADDRNOTAVAIL;
        snprintf(a.host, sizeof(a.host), "%s", tmp + 1);
    } else if (hostname_is_ipv6(tmp, strlen(tmp))) {
        snprintf(a.host, sizeof(a.host), "%s", tmp); /* a bare IPv6 address: no port possible */
    } else {
        char *colon = strrchr(tmp, ':');
        size_t n;

        if (colon) {
            *colon = '\0';
            if ((r = parse_port(colon + 1, &a.port)) < 0)
                return r;
        }
        n = strlen(tmp);
        if (n > sizeof(v6_suffix) - 1 && strcasecmp(tmp + n - (sizeof(v6_suffix) - 1), v6_suffix) == 0) {
            /* The UNC spelling of an IPv6 address: fe80--1s4.ipv6-literal.net = fe80::1%4 */
            char addr[256];

            tmp[n - (sizeof(v6_suffix) - 1)] = '\0';
            for (char *p = tmp; *p; p++)
                *p = *p == '-' ? ':' : (*p == 's' || *p == 'S') ? '%' : *p;
            snprintf(addr, sizeof(addr), "%.*s", (int) strcspn(tmp, "%"), tmp);
            if (!hostname_is_ipv6(addr, strlen(addr)))
                return -EADDRNOTAVAIL;
            snprintf(a.host, sizeof(a.host), "%s", tmp);
        } else if (inet_pton(AF_INET, tmp, &in4) == 1) {
            snprintf(a.host, sizeof(a.host), "%s", tmp);
        } else {
            bool digits_and_dots = true;

            for (const char *p = tmp; *p; p++)
                if (!isdigit((unsigned char) *p) && *p != '.')
                    digits_and_dots = false;
            if (digits_and_dots || !hostname_is_valid(tmp, strlen(tmp), HOSTNAME_LABELS))
                return -EADDRNOTAVAIL; /* "1.2.3" or "a b": never sent to a resolver */
            snprintf(a.host, sizeof(a.host), "%s", tmp);
        }
    }
    if (strchr(a.host, ':')) {
        /* The UNC form of an IPv6 address (':' cannot appear in \\server). */
        size_t o = 0;

        for (const char *p = a.host; *p && o + 20 < sizeof(a.unc); p++)
            a.unc[o++] = *p == ':' ? '-' : *p == '%' ? 's' : *p;
        snprintf(a.unc + o, sizeof(a.unc) - o, "%s", v6_suffix);
    } else
        snprintf(a.unc, sizeof(a.unc), "%s", a.host);
done:
    snprintf(a.key, sizeof(a.key), "%s:%u", a.host, a.port);
    for (char *p = a.key; *p; p++)
        *p = (char) tolower((unsigned char) *p);
    *ret = a;
    return 0;
}

/* ---- the pool ----
 *
 * One entry per (server, identity). Locks, always taken in this order when
 * nested: an entry's lock, then pool_lock (never the other way round, and
 * pool_lock is never held across network I/O).
 *
 * - pool_lock guards the list (pool, ->next, ->in_pool), every entry's refs
 *   and the outcome of its latest failed connection attempt.
 * - An entry's lock guards everything about its connection (conn, ipc_tid,
 *   srvsvc, srvs_refused_levels, fresh): it is held from binding_acquire to
 *   binding_release, so calls on one pooled connection take turns.
 *
 * An entry lives while it is in the pool or while anyone holds a reference
 * (refs counts the threads between acquire and release, including those
 * still waiting for its lock). A reference is taken under pool_lock when the
 * entry is found, so it cannot be freed between "found" and "locked"; an
 * entry whose connection failed leaves the pool at once (nobody new finds
 * it) and is freed by whoever drops the last reference.
 *
 * Threads that waited for a connection attempt share its failure instead of
 * each trying again in turn: 16 threads against a silent server then fail
 * after one WTSNET_TIMEOUT, not sixteen.
 */

struct smb_session {
    struct smb_session *next; /* pool_lock */
    unsigned refs;            /* pool_lock */
    bool in_pool;             /* pool_lock */
    unsigned connect_failures; /* pool_lock: failed connection attempts so far */
    int connect_error;         /* pool_lock: the latest one's error */
    uint32_t connect_status;   /* pool_lock: and the NTSTATUS of a refused logon (or 0) */
    pthread_mutex_t lock;     /* the connection's state below; held from acquire to release */
    struct server_addr addr;  /* fixed after creation */
    struct auth_identity id;  /* fixed after creation */
    char *ambient;            /* fixed after creation: for an anonymous id, the caller's
                               * ticket cache principal it logs on as (NULL: none) */
    struct smb2_conn *conn;
    uint32_t ipc_tid;
    struct rpc_client srvsvc;
    struct rpc_client wkssvc; /* \PIPE\wkssvc, bound on first use as srvsvc is */
    struct rpc_client pipes[BINDING_PIPE_SLOTS]; /* binding_rpc(): other interfaces, one pipe each */
    uint32_t srvs_refused_levels; /* NetrSessionEnum levels this server said 124 to */
    bool fresh;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct smb_session *pool;

static bool str_eq(const char *a, const char *b) {
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool same_identity(const struct auth_identity *a, const struct auth_identity *b) {
    if (auth_identity_is_anonymous(a) || auth_identity_is_anonymous(b))
        return auth_identity_is_anonymous(a) && auth_identity_is_anonymous(b);
    return strcasecmp(a->user, b->user) == 0 && strcasecmp(a->domain ? a->domain : "", b->domain ? b->domain : "") == 0 &&
           str_eq(a->password, b->password);
}

/* Only for an entry nobody can reach: out of the pool, no references. */
static void session_free(struct smb_session *s) {
    if (!s)
        return;
    if (s->conn && !smb2_conn_is_broken(s->conn)) {
        rpc_client_close(&s->srvsvc);
        rpc_client_close(&s->wkssvc);
        for (size_t i = 0; i < BINDING_PIPE_SLOTS; i++)
            rpc_client_close(&s->pipes[i]);
        if (s->ipc_tid)
            (void) smb2_tree_disconnect(s->conn, s->ipc_tid);
        (void) smb2_logoff(s->conn);
    }
    smb2_conn_free(s->conn);
    auth_identity_clear(&s->id);
    free(s->ambient);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Called with pool_lock held. */
static void pool_unlink(struct smb_session *s) {
    if (!s->in_pool)
        return;
    for (struct smb_session **p = &pool; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    s->next = NULL;
    s->in_pool = false;
}

/* Called with s->lock held. A refused logon's NTSTATUS goes to *ret_status.
 * IPC$ is connected by the first pipe open, in the same compound (np.c). */
static int session_connect(struct smb_session *s, uint32_t *ret_status) {
    struct smb2_options o = {.timeout_ms = deadline_timeout_ms()};

    return smb2_connect(s->addr.host, s->addr.port, s->addr.unc, &o, &s->id, &s->conn, ret_status);
}

/* Called with s->lock held: forgets a connection that cannot be used again. */
static void session_disconnect(struct smb_session *s) {
    smb2_conn_free(s->conn);
    s->conn = NULL;
    s->ipc_tid = 0;
    memset(&s->srvsvc, 0, sizeof(s->srvsvc));
    memset(&s->wkssvc, 0, sizeof(s->wkssvc));
    memset(s->pipes, 0, sizeof(s->pipes));
    s->srvs_refused_levels = 0; /* per connection: a new one may be another server */
}

/* Drops a reference taken under pool_lock (s->lock not held). */
static void session_unref(struct smb_session *s) {
    bool last;

    pthread_mutex_lock(&pool_lock);
    last = --s->refs == 0 && !s->in_pool;
    pthread_mutex_unlock(&pool_lock);
    if (last)
        session_free(s); /* unreachable now: out of the pool, no reference left */
}

/* A connection's lock, waited for no longer than the call's deadline
 * (common/deadline.h): a call queued behind another on one pooled
 * connection ends at its own deadline, not at the other call's. */
static int lock_by_deadline(pthread_mutex_t *m) {
    int64_t d = deadline_scope();
    struct timespec at;
    int r;

    if (d == INT64_MAX)
        return -pthread_mutex_lock(m);
#if defined(__SANITIZE_THREAD__)
    /* GCC's ThreadSanitizer intercepts pthread_mutex_timedlock but not
     * pthread_mutex_clocklock: a lock it does not see makes the unlock look
     * like one of an unlocked mutex. Under TSan only, the same deadline is
     * waited for on CLOCK_REALTIME (a clock jump there is no concern). */
    {
        int64_t left = d - deadline_now_ms();

        clock_gettime(CLOCK_REALTIME, &at);
        left = left > 0 ? left : 0;
        at.tv_sec += (time_t) (left / 1000);
        at.tv_nsec += (long) (left % 1000) * 1000000L;
        if (at.tv_nsec >= 1000000000L)
            at.tv_sec++, at.tv_nsec -= 1000000000L;
        r = pthread_mutex_timedlock(m, &at);
    }
#else
    at.tv_sec = (time_t) (d / 1000);
    at.tv_nsec = (long) (d % 1000) * 1000000L;
    r = pthread_mutex_clocklock(m, CLOCK_MONOTONIC, &at);
#endif
    return r == 0 ? 0 : -r; /* -ETIMEDOUT at the deadline */
}

/* Would the SMB logon to server offer Kerberos first (WTSNET_AUTH, a DNS name)? */
static bool kerberos_offered(const char *server) {
    const struct auth_mech_ops *mechs[2];
    size_t n = 0;

    return auth_negotiate_mechs(server, &auth_mech_krb5, mechs, &n) >= 0 && n > 0 && mechs[0] == &auth_mech_krb5;
}

int binding_acquire(const struct server_addr *a, const struct auth_identity *given, struct smb_session **ret,
                    uint32_t *ret_status) {
    struct auth_identity id = {0};
    struct smb_session *s = NULL;
    uint32_t status = 0;
    char *ambient = NULL;
    unsigned failures;
    int r;

    if (ret_status)
        *ret_status = 0;

    if (given)
        r = auth_identity_copy(given, &id);
    else if ((r = creds_wnet_lookup(a->key, &id)) == 0)
        r = creds_default(&id);
    if (r < 0)
        return r;
    /* No identity given: the logon may be Kerberos with the caller's ticket,
     * so callers with different tickets (KRB5CCNAME) must not share one.
     * (Read only where Kerberos would be offered: it parses krb5.conf.) */
    if (auth_identity_is_anonymous(&id) && kerberos_offered(a->unc))
        ambient = auth_krb5_ambient_principal();

    pthread_mutex_lock(&pool_lock);
    for (struct smb_session *i = pool; i; i = i->next)
        if (strcmp(i->addr.key, a->key) == 0 && same_identity(&i->id, &id) && str_eq(i->ambient, ambient)) {
            s = i;
            break;
        }
    if (!s) {
        s = calloc(1, sizeof(*s));
        if (!s) {
            pthread_mutex_unlock(&pool_lock);
            auth_identity_clear(&id);
            free(ambient);
            return -ENOMEM;
        }
        pthread_mutex_init(&s->lock, NULL);
        s->addr = *a;
        s->id = id;
        s->ambient = ambient;
        ambient = NULL;
        memset(&id, 0, sizeof(id));
        s->next = pool;
        s->in_pool = true;
        pool = s;
    }
    s->refs++; /* under pool_lock: s outlives our wait for its lock */
    failures = s->connect_failures;
    pthread_mutex_unlock(&pool_lock);
    auth_identity_clear(&id);
    free(ambient);

    if ((r = lock_by_deadline(&s->lock)) < 0) { /* another call holds it past ours */
        session_unref(s);
        return r;
    }
    pthread_mutex_lock(&pool_lock);
    r = s->connect_failures != failures ? s->connect_error : 0;
    status = s->connect_failures != failures ? s->connect_status : 0;
    pthread_mutex_unlock(&pool_lock);
    if (r < 0) { /* an attempt made while we waited failed: its outcome is ours too */
        if (ret_status)
            *ret_status = status;
        binding_release(s);
        return r;
    }
    s->fresh = false;
    if (s->conn && !smb2_conn_alive(s->conn))
        session_disconnect(s);
    if (!s->conn) {
        /* Also when the entry left the pool while we waited (the previous
         * user's connection failed): this call makes its own attempt, on an
         * entry only those already waiting share, freed after the last. */
        s->fresh = true;
        if ((r = session_connect(s, &status)) < 0) {
            pthread_mutex_lock(&pool_lock);
            s->connect_failures++;
            s->connect_error = r;
            s->connect_status = status;
            pool_unlink(s); /* before anyone else finds it */
            pthread_mutex_unlock(&pool_lock);
            binding_release(s);
            if (ret_status)
                *ret_status = status;
            return r;
        }
    }
    *ret = s;
    return 0;
}

int rpc_protection_setting(uint8_t *ret_type, uint8_t *ret_level) {
    static const struct {
        const char *word;
        uint8_t level;
    } levels[] = {{"none", RPC_C_AUTHN_LEVEL_NONE},
                  {"connect", RPC_C_AUTHN_LEVEL_CONNECT},
                  {"sign", RPC_C_AUTHN_LEVEL_PKT_INTEGRITY},
                  {"seal", RPC_C_AUTHN_LEVEL_PKT_PRIVACY}};
    const char *p = setting_text(SETTING_RPC_PROTECTION), *a = setting_text(SETTING_RPC_AUTH);
    uint8_t type, level = 0;

    if (!p || !*p)
        p = "none";
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (strcmp(p, levels[i].word) == 0)
            level = levels[i].level;
    if (!a || !*a || strcmp(a, "spnego") == 0)
        type = RPC_C_AUTHN_GSS_NEGOTIATE;
    else if (strcmp(a, "ntlmssp") == 0)
        type = RPC_C_AUTHN_WINNT;
    else
        return -EINVAL; /* a word we do not know must not weaken protection silently */
    if (level == 0)
        return -EINVAL;
    *ret_type = level == RPC_C_AUTHN_LEVEL_NONE ? RPC_C_AUTHN_NONE : type;
    *ret_level = level;
    return 0;
}

/* Binds rc on first use, at the given protection (type RPC_C_AUTHN_NONE: none). */
static int bind_at(struct smb_session *s, struct rpc_client *rc, const char *pipe, const struct rpc_syntax *iface,
                   uint8_t type, uint8_t level, bool multiplex) {
    int r;

    /* A pooled binding made under another setting is not the one asked for. */
    if (rc->bound && (rc->auth_type != type || (type && rc->auth_level != level)))
        rpc_client_close(rc);
    if (!rc->bound) {
        struct rpc_auth_opts o = {
            .type = type, .level = level, .id = &s->id, .target_host = s->addr.host, .multiplex = multiplex};
        const struct auth_mech_ops *mechs[2];

        /* An anonymous session has no key to sign or seal with (one with the
         * caller's Kerberos ticket is not anonymous: smb2_conn_is_anonymous). */
        if (type != RPC_C_AUTHN_NONE && smb2_conn_is_anonymous(s->conn))
            return -EACCES;
        /* SPNEGO offers Kerberos as for the SMB logon (WTSNET_AUTH), in DCE
         * style and for this level (issue 12). */
        if (type == RPC_C_AUTHN_GSS_NEGOTIATE) {
            if ((r = auth_negotiate_mechs(s->addr.unc,
                                          level == RPC_C_AUTHN_LEVEL_PKT_PRIVACY ? &auth_mech_krb5_dce_seal
                                                                                 : &auth_mech_krb5_dce_sign,
                                          mechs, &o.n_mechs)) < 0)
                return r;
            o.mechs = mechs;
        }
        if ((r = rpc_bind_np_auth(rc, s->conn, &s->ipc_tid, pipe, iface, &o)) < 0) {
            if (rc->pipe.open)
                np_close(&rc->pipe);
            return r;
        }
    }
    return 0;
}

/* The client of one pipe on that connection, bound on first use under the
 * protection WTSNET_RPC_PROTECTION asks for; *ret is set even on failure, so
 * that a refused bind's status (->fault) can be read. */
static int bind_pipe(struct smb_session *s, struct rpc_client *rc, const char *pipe, const struct rpc_syntax *iface,
                     struct rpc_client **ret) {
    uint8_t type, level;
    int r;

    *ret = rc;
    if ((r = rpc_protection_setting(&type, &level)) < 0)
        return r;
    return bind_at(s, rc, pipe, iface, type, level, false);
}

int binding_srvsvc(struct smb_session *s, struct rpc_client **ret) {
    return bind_pipe(s, &s->srvsvc, "srvsvc", &srvsvc_syntax, ret);
}

int binding_wkssvc(struct smb_session *s, struct rpc_client **ret) {
    return bind_pipe(s, &s->wkssvc, "wkssvc", &wkssvc_syntax, ret);
}

int binding_rpc(struct smb_session *s, unsigned slot, const char *pipe, const struct rpc_syntax *iface,
                uint8_t auth_type, uint8_t auth_level, struct rpc_client **ret) {
    if (slot >= BINDING_PIPE_SLOTS)
        return -EINVAL;
    *ret = &s->pipes[slot]; /* also on failure: a refused bind leaves its status there */
    /* These pipes may carry batches (rpc_call_many): ask for concurrent multiplexing. */
    return bind_at(s, *ret, pipe, iface, auth_type, auth_level, true);
}

uint32_t *binding_refused_levels(struct smb_session *s) {
    return &s->srvs_refused_levels;
}

const struct auth_identity *binding_identity(const struct smb_session *s) {
    return &s->id;
}

struct smb2_conn *binding_conn(struct smb_session *s) {
    return s->conn;
}

bool binding_is_fresh(const struct smb_session *s) {
    return s->fresh;
}

void binding_release(struct smb_session *s) {
    if (!s)
        return;
    if (!s->conn || smb2_conn_is_broken(s->conn)) {
        pthread_mutex_lock(&pool_lock);
        pool_unlink(s); /* nobody new finds it; those holding a reference may still try */
        pthread_mutex_unlock(&pool_lock);
    }
    /* Unlocked before the reference goes: once refs is 0, binding_drop_server
     * may free s at any moment. */
    pthread_mutex_unlock(&s->lock);
    session_unref(s);
}

int binding_pin(const struct server_addr *a, const struct auth_identity *id, uint32_t *ret_status) {
    struct smb_session *s;
    int r = binding_acquire(a, id, &s, ret_status);

    if (r < 0)
        return r;
    binding_release(s); /* pooled entries stay until dropped: authenticated is enough */
    return 0;
}

int binding_drop_server(const char *key) {
    struct smb_session *victims = NULL;
    int r = -ENOENT;

    pthread_mutex_lock(&pool_lock);
    for (struct smb_session *s = pool, *next; s; s = next) {
        next = s->next;
        if (strcmp(s->addr.key, key) != 0)
            continue;
        r = 0;
        pool_unlink(s);
        if (s->refs == 0) { /* idle: ours to free; otherwise its last user frees it */
            s->next = victims;
            victims = s;
        }
    }
    pthread_mutex_unlock(&pool_lock);
    while (victims) {
        struct smb_session *s = victims;

        victims = s->next;
        session_free(s);
    }
    return r;
}

void binding_drop_all(void) {
    for (;;) {
        char key[300];

        pthread_mutex_lock(&pool_lock);
        if (!pool) {
            pthread_mutex_unlock(&pool_lock);
            return;
        }
        snprintf(key, sizeof(key), "%s", pool->addr.key);
        pthread_mutex_unlock(&pool_lock);
        binding_drop_server(key);
    }
}
