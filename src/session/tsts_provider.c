/*
 * The Windows RD Session Host provider: the WTS calls over MS-TSTS
 * (rpc/tsts_client.h) on the pooled, authenticated SMB connection of
 * rpc/binding.h — the same connection and credentials as the NetAPI calls
 * (WNetAddConnection2W on \\name\IPC$, the credentials file). The layers
 * still flow one way: api → session (here) → rpc → smb2.
 *
 *   list        RpcGetAllSessions level 2: id, state, WinStation, user, domain — one call
 *   get         RpcGetSessionInformationEx level 1 (state, lock, names, times)
 *               + RpcGetClientData (client name, address, display, build, protocol)
 *   logoff      LegacyApi RpcWinStationReset(hServer, id, bWait): with bWait
 *               the server returns when the session is gone; we then confirm
 *               it, and without the server's wait we wait for it ourselves,
 *               both within the call's deadline (never a fixed sleep)
 *   disconnect  LegacyApi RpcWinStationDisconnect(hServer, id, bWait)
 *   processes   LegacyApi RpcWinStationGetAllProcesses (level 0): every
 *               process of the sessions we may query, with its SID
 *   terminate_process  RpcWinStationTerminateProcess(hServer, pid, exit code)
 *   send_message       RpcWinStationSendMessage: the server shows the box and,
 *               with bWait, answers the button (or IDTIMEOUT) itself
 *
 * Each op is one public network call: it opens a deadline scope
 * (common/deadline.h, WTSNET_TIMEOUT) every RPC below it shares.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/deadline.h"
#include "common/errors.h"
#include "common/settings.h"
#include "common/wintime.h"
#include "rpc/tsts_client.h"
#include "session/provider.h"

/*
 * A program that lists the sessions and then asks about each (quser,
 * `wtsnet list`: WTSQuerySessionInformation for the client, the times, the
 * protocol …) would pay two round trips per session per question. So the
 * list remembers the ids it saw (the roster), and the first query of one of
 * them within WTSNET_TSTS_CACHE_MS (5 s) asks the server for every listed session's
 * details and client at once — two batches, one round trip each on a warm
 * connection (rpc_call_many) — and keeps the answers (the cache) as long:
 * the questions that follow are answered from it (a new list
 * drops it, so they are never older than the latest list). Listing
 * N sessions with their clients then costs a fixed number of round trips,
 * whatever N; a list alone costs what it did. Anything older is asked
 * afresh; a logoff or disconnect through this handle drops both. Behind the
 * provider's lock: handles are shared by threads.
 */
static uint64_t cache_usec(void) {
    uint64_t ms;

    (void) setting_duration_ms(SETTING_TSTS_CACHE, &ms); /* malformed: the default */
    return ms * 1000;
}

struct tsts_provider {
    struct session_provider base;
    struct server_addr addr;
    pthread_mutex_t lock;
    uint32_t *roster;          /* the ids of the latest list */
    size_t roster_n;
    uint64_t roster_at;        /* now_monotonic_usec() when it was answered; 0: none or used */
    struct session_list cache; /* records with details and client, by id */
    uint32_t *refused;         /* … and the sessions whose details the server refused, */
    int *refused_r;            /* with the errno of its answer (-EACCES, -ESRCH) */
    size_t refused_n;
    uint64_t cache_at;         /* when it was answered; 0: none */
    uint64_t ttl;              /* WTSNET_TSTS_CACHE_MS, read by each list */
};

static struct tsts_provider *to_tsts(struct session_provider *p) {
    return (struct tsts_provider *) p;
}

/* What a Windows caller sees when the host cannot be reached (MS-TSTS over
 * SMB): RPC_S_SERVER_UNAVAILABLE, whatever the transport said — no SMB server
 * answering, a connection lost, no TSTS pipe. Logon failures (1326), access
 * denied (5) and unknown sessions (7022) pass unchanged. */
static int unreachable(int r) {
    switch (r) {
    case -ENETUNREACH:
    case -ECONNREFUSED:
    case -EHOSTUNREACH:
    case -ECONNRESET:
    case -ENOTCONN:
    case -EPIPE:
    case -ENOENT: /* no such pipe: not an RD Session Host */
    case -ENXIO:  /* no IPC$ */
        return -E_UNREACHABLE;
    default:
        return r;
    }
}

static int tsts_open(const char *target, struct session_provider **ret) {
    struct tsts_provider *tp;
    int r;

    if (!target || !*target)
        return -EINVAL; /* never this host */
    tp = calloc(1, sizeof(*tp));
    if (!tp)
        return -ENOMEM;
    if ((r = server_addr_parse(target, &tp->addr)) < 0) {
        free(tp);
        return r;
    }
    tp->base.ops = &tsts_provider_ops;
    pthread_mutex_init(&tp->lock, NULL);
    *ret = &tp->base;
    return 0;
}

/* Called with the lock held. */
static void cache_clear(struct tsts_provider *tp) {
    session_list_free(&tp->cache);
    free(tp->refused), free(tp->refused_r);
    tp->refused = NULL, tp->refused_r = NULL, tp->refused_n = 0;
    tp->cache_at = 0;
}

static void cache_drop(struct tsts_provider *tp) {
    pthread_mutex_lock(&tp->lock);
    cache_clear(tp);
    tp->roster_at = 0;
    pthread_mutex_unlock(&tp->lock);
}

static void tsts_close(struct session_provider *p) {
    struct tsts_provider *tp = to_tsts(p);

    cache_clear(tp);
    free(tp->roster);
    pthread_mutex_destroy(&tp->lock);
    free(tp);
}

/* A fresh enough answer for session id from the batch after the latest
 * list: 0 and a copy of the record, the server's refusal (a negative errno),
 * or -ENOENT when there is none. */
static int cache_get(struct tsts_provider *tp, uint32_t id, struct session_record *ret) {
    int r = -ENOENT;

    pthread_mutex_lock(&tp->lock);
    if (tp->cache_at && now_monotonic_usec() - tp->cache_at < tp->ttl) {
        for (size_t i = 0; i < tp->cache.count && r == -ENOENT; i++)
            if (tp->cache.items[i].id == id)
                r = session_record_copy(&tp->cache.items[i], ret);
        for (size_t i = 0; i < tp->refused_n && r == -ENOENT; i++)
            if (tp->refused[i] == id)
                r = tp->refused_r[i];
    }
    pthread_mutex_unlock(&tp->lock);
    return r;
}

/* WINSTATIONSTATECLASS (the order of WTS_CONNECTSTATE_CLASS) → the neutral state. */
static enum session_state state_of(uint32_t s) {
    switch (s) {
    case 0: /* Active */
    case 3: /* Shadow */
        return SESSION_STATE_ACTIVE;
    case 1: /* Connected */
    case 5: /* Idle */
        return SESSION_STATE_ONLINE;
    case 4: /* Disconnected */
        return SESSION_STATE_DISCONNECTED;
    case 6: /* Listen */
        return SESSION_STATE_LISTENING;
    case 7: /* Reset */
    case 8: /* Down */
        return SESSION_STATE_CLOSING;
    case 2: /* ConnectQuery */
    case 9: /* Init */
    default:
        return SESSION_STATE_OPENING;
    }
}

/* Fills what every record of this provider has: id, names, kind. */
static int fill_base(uint32_t id, uint32_t state, const char *winstation, const char *user, const char *domain,
                     struct session_record *r) {
    memset(r, 0, sizeof(*r));
    r->id = id;
    snprintf(r->key, sizeof(r->key), "%u", id);
    r->state = id == 0 ? SESSION_STATE_SERVICES : state_of(state);
    r->lock = SESSION_LOCK_UNKNOWN;
    r->kind = id == 0                                  ? SESSION_KIND_SERVICES
              : strncmp(winstation, "RDP-Tcp#", 8) == 0 ? SESSION_KIND_RDP
              : strcmp(winstation, "Console") == 0      ? SESSION_KIND_CONSOLE
                                                        : SESSION_KIND_OTHER;
    r->remote = r->kind == SESSION_KIND_RDP;
    r->service = strdup(r->kind == SESSION_KIND_RDP ? "rdp" : "");
    r->winstation = strdup(winstation);
    r->user = strdup(user);
    r->domain = strdup(domain);
    if (!r->service || !r->winstation || !r->user || !r->domain || session_record_fill_strings(r) < 0) {
        session_record_done(r);
        return -ENOMEM;
    }
    return 0;
}

static int cmp_id(const void *a, const void *b) {
    uint32_t x = ((const struct session_record *) a)->id, y = ((const struct session_record *) b)->id;

    return x < y ? -1 : x > y;
}

/* A whole record: the session's details (RpcGetSessionInformationEx) and,
 * for a session other than 0, its client when client_r is 0 (RpcGetClientData;
 * another failure leaves the client unknown: the session itself was answered). */
static int record_of(uint32_t id, const struct tsts_session_info *info, const struct tsts_client *client, int client_r,
                     struct session_record *ret) {
    struct session_record r;
    int k;

    if ((k = fill_base(id, info->state, info->name, info->user, info->domain, &r)) < 0)
        return k;
    r.lock = info->flags == 0 ? SESSION_LOCK_LOCKED : info->flags == 1 ? SESSION_LOCK_UNLOCKED : SESSION_LOCK_UNKNOWN;
    r.logon_usec = tsts_filetime_to_usec(info->logon_time);
    r.connect_usec = tsts_filetime_to_usec(info->connect_time);
    r.disconnect_usec = tsts_filetime_to_usec(info->disconnect_time);
    r.idle_since_usec = tsts_filetime_to_usec(info->last_input_time);
    r.idle = r.idle_since_usec != 0;
    r.has_times = true;
    if (id != 0 && client_r >= 0) {
        free(r.client_name);
        free(r.remote_host);
        r.client_name = strdup(client->name);
        r.remote_host = strdup(client->address);
        r.client_known = true;
        r.client_build = client->build;
        r.client_protocol = client->protocol;
        if (!r.client_name || !r.remote_host) {
            session_record_done(&r);
            return -ENOMEM;
        }
    }
    *ret = r;
    return 0;
}

static void cache_fill(struct tsts_provider *tp, const uint32_t *ids, size_t n);

/* A query of a session the latest list (still fresh) saw, not yet batched:
 * the roster, for one batch (0), or -ENOENT. Used once. */
static int take_roster(struct tsts_provider *tp, uint32_t id, uint32_t **ret, size_t *ret_n) {
    int r = -ENOENT;

    pthread_mutex_lock(&tp->lock);
    if (tp->roster_at && now_monotonic_usec() - tp->roster_at < tp->ttl)
        for (size_t i = 0; i < tp->roster_n && r == -ENOENT; i++)
            if (tp->roster[i] == id && (*ret = malloc(tp->roster_n * sizeof(**ret)))) {
                memcpy(*ret, tp->roster, tp->roster_n * sizeof(**ret));
                *ret_n = tp->roster_n;
                tp->roster_at = 0;
                r = 0;
            }
    pthread_mutex_unlock(&tp->lock);
    return r;
}

static int get_on(struct tsts_provider *tp, uint32_t id, struct session_record *ret) {
    struct tsts_session_info info;
    struct tsts_client client;
    struct tsts_status st;
    uint32_t *ids;
    size_t n;
    int k, client_r = -EOPNOTSUPP;

    if ((k = cache_get(tp, id, ret)) != -ENOENT)
        return k;
    if (take_roster(tp, id, &ids, &n) == 0) {
        cache_fill(tp, ids, n);
        free(ids);
        if ((k = cache_get(tp, id, ret)) != -ENOENT)
            return k;
    }
    if ((k = tsts_client_session_info(&tp->addr, id, &info, &st)) < 0)
        return k;
    if (id != 0 && (client_r = tsts_client_client_data(&tp->addr, id, &client, &st)) == -ESRCH)
        return client_r; /* gone between the two calls */
    return record_of(id, &info, &client, client_r, ret);
}

/*
 * After a list: every session's details and client in two batches (one
 * round trip each on a warm connection, rpc_call_many), kept as the cache.
 * What a query would have answered is kept: the record, or the server's
 * refusal (access denied, no such session) as the error the query would
 * have returned; anything else is left for its query to ask. A failed
 * batch leaves no cache.
 */
static void cache_fill(struct tsts_provider *tp, const uint32_t *ids, size_t n) {
    struct tsts_session_info *infos = calloc(n ? n : 1, sizeof(*infos));
    struct tsts_client *clients = calloc(n ? n : 1, sizeof(*clients));
    int *info_r = calloc(n ? n : 1, sizeof(*info_r)), *client_r = calloc(n ? n : 1, sizeof(*client_r));
    struct session_list c = {0};
    uint32_t *refused = calloc(n ? n : 1, sizeof(*refused));
    int *refused_r = calloc(n ? n : 1, sizeof(*refused_r));
    size_t refused_n = 0;
    struct tsts_status st;

    if (!infos || !clients || !info_r || !client_r || !refused || !refused_r ||
        (n && !(c.items = calloc(n, sizeof(*c.items)))))
        goto out;
    if (tsts_client_session_infos(&tp->addr, ids, n, infos, info_r, &st) < 0 ||
        tsts_client_clients(&tp->addr, ids, n, clients, client_r, &st) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        int e = info_r[i] < 0 ? info_r[i] : ids[i] && client_r[i] == -ESRCH ? -ESRCH : 0;

        if (e == -EACCES || e == -ESRCH) { /* the server's own answer for it, kept as well */
            refused[refused_n] = ids[i];
            refused_r[refused_n++] = e;
        } else if (e == 0 &&
                   record_of(ids[i], &infos[i], &clients[i], ids[i] ? client_r[i] : -EOPNOTSUPP, &c.items[c.count]) >= 0)
            c.count++;
        /* anything else (a reply we could not read …): asked again by its query */
    }
    pthread_mutex_lock(&tp->lock);
    cache_clear(tp);
    tp->cache = c;
    tp->refused = refused, tp->refused_r = refused_r, tp->refused_n = refused_n;
    refused = NULL, refused_r = NULL;
    tp->cache_at = now_monotonic_usec(); /* the answers' age counts from when the last came */
    pthread_mutex_unlock(&tp->lock);
    c = (struct session_list){0};
out:
    session_list_free(&c);
    free(infos), free(clients), free(info_r), free(client_r), free(refused), free(refused_r);
}

/* The ids a list saw, for the first query that follows (get_on). */
static void remember_roster(struct tsts_provider *tp, const struct tsts_session_list *l) {
    uint64_t ttl = cache_usec();
    uint32_t *ids = ttl ? malloc((l->n ? l->n : 1) * sizeof(*ids)) : NULL;

    if (!ids) {
        cache_drop(tp); /* no roster (WTSNET_TSTS_CACHE_MS=0): the queries ask one by one */
        return;
    }
    for (size_t i = 0; i < l->n; i++)
        ids[i] = l->v[i].id;
    pthread_mutex_lock(&tp->lock);
    free(tp->roster);
    tp->roster = ids;
    tp->roster_n = l->n;
    tp->roster_at = now_monotonic_usec();
    tp->ttl = ttl;
    cache_clear(tp); /* a new list: its queries get answers at least as new */
    pthread_mutex_unlock(&tp->lock);
}

static int tsts_list(struct session_provider *p, struct session_list *ret) {
    struct tsts_session_list l = {0};
    struct session_list out = {0};
    struct tsts_status st;
    int r;

    deadline_scope_begin();
    r = tsts_client_sessions(&to_tsts(p)->addr, &l, &st);
    deadline_scope_end();
    if (r < 0)
        return unreachable(r);
    remember_roster(to_tsts(p), &l);
    if (l.n && !(out.items = calloc(l.n, sizeof(*out.items)))) {
        tsts_session_list_free(&l);
        return -ENOMEM;
    }
    for (size_t i = 0; i < l.n; i++) {
        if ((r = fill_base(l.v[i].id, l.v[i].state, l.v[i].name, l.v[i].user, l.v[i].domain, &out.items[i])) < 0) {
            session_list_free(&out);
            tsts_session_list_free(&l);
            return r;
        }
        out.count++;
    }
    tsts_session_list_free(&l);
    qsort(out.items, out.count, sizeof(*out.items), cmp_id); /* session 0 first, as every provider */
    *ret = out;
    return 0;
}

static int tsts_get(struct session_provider *p, uint32_t id, bool with_times, struct session_record *ret) {
    int r;

    (void) with_times; /* one call answers the times with everything else */
    deadline_scope_begin();
    r = get_on(to_tsts(p), id, ret);
    deadline_scope_end();
    return unreachable(r);
}

/* WTS_CURRENT_SESSION names the caller's session: never one on another host. */
static int tsts_current(struct session_provider *p, uint32_t *ret) {
    (void) p, (void) ret;
    return -EINVAL;
}

/* Gone (or going down) yet? 1 yes, 0 no, negative errno. */
static int is_gone(struct tsts_provider *tp, uint32_t id, bool disconnected_is_enough) {
    struct tsts_session_info info;
    struct tsts_status st;
    int r = tsts_client_session_info(&tp->addr, id, &info, &st);

    if (r == -ESRCH)
        return 1;
    if (r < 0)
        return r;
    if (disconnected_is_enough)
        return info.state == 4 || info.state >= 7; /* Disconnected, or past it */
    return info.state == 7 || info.state == 8;     /* Reset, Down */
}

/* Waits (polling the server, the pause doubling from 20 ms to 500 ms) until
 * the session reached the state, within the call's deadline and the policy's. */
static int wait_for(struct tsts_provider *tp, uint32_t id, bool disconnected, const struct logoff_policy *policy) {
    int64_t until = deadline_for(policy && policy->deadline_usec ? (int) (policy->deadline_usec / 1000) : 0);
    int pause = 20;

    for (;;) {
        int r = is_gone(tp, id, disconnected);

        if (r != 0)
            return r < 0 ? r : 0;
        if (deadline_left_ms(until) <= 0)
            return -ETIMEDOUT;
        (void) poll(NULL, 0, pause < deadline_left_ms(until) ? pause : deadline_left_ms(until));
        pause = pause < 250 ? pause * 2 : 500;
    }
}

static int act(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy,
               bool disconnect) {
    struct tsts_provider *tp = to_tsts(p);
    struct tsts_status st;
    int r;

    if (id == SESSION_ID_SERVICES)
        return -EACCES; /* session 0 cannot be logged off or disconnected, as on Windows */
    cache_drop(tp); /* what the latest list said of the sessions is about to change */
    deadline_scope_begin();
    r = disconnect ? tsts_client_disconnect(&tp->addr, id, wait, &st) : tsts_client_reset(&tp->addr, id, wait, &st);
    if (r >= 0 && wait)
        r = wait_for(tp, id, disconnect, policy); /* confirm what bWait promised */
    deadline_scope_end();
    return unreachable(r);
}

static int tsts_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    return act(p, id, wait, policy, false);
}

static int tsts_disconnect(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    return act(p, id, wait, policy, true);
}

static int tsts_client_address(struct session_provider *p, const struct session_record *r, char **ret) {
    char *s;

    (void) p;
    if (!r->client_known)
        return -EOPNOTSUPP;
    if (!(s = strdup(r->remote_host)))
        return -ENOMEM;
    *ret = s;
    return 0;
}

/* WINSTATIONCLIENT.ColorDepth is WTS_CLIENT_DISPLAY's code: back to bits per pixel. */
static uint32_t bpp_of(uint16_t code) {
    switch (code) {
    case 1:
        return 4;
    case 2:
        return 8;
    case 4:
        return 16;
    case 16:
        return 15;
    default:
        return code; /* 24 and 32 are themselves */
    }
}

static int tsts_client_display(struct session_provider *p, const struct session_record *r,
                               struct session_client_display *ret) {
    struct tsts_client client;
    struct tsts_status st;
    int k;

    deadline_scope_begin();
    k = tsts_client_client_data(&to_tsts(p)->addr, r->id, &client, &st);
    deadline_scope_end();
    if (k < 0)
        return unreachable(k);
    ret->width = client.hres;
    ret->height = client.vres;
    ret->bpp = bpp_of(client.color_depth);
    return 0;
}

/* Copies UTF-8 text into size bytes, cut (if it must be) before a whole character. */
static void copy_utf8(char *dst, size_t size, const char *src) {
    size_t n = strlen(src);

    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char) src[n] & 0xC0) == 0x80)
            n--; /* src[n] is a continuation byte: the character would be cut */
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int tsts_processes(struct session_provider *p, uint32_t session, struct session_process_list *ret) {
    struct tsts_process_list l = {0};
    struct session_process_list out = {0};
    struct tsts_status st;
    int r;

    deadline_scope_begin();
    r = tsts_client_processes(&to_tsts(p)->addr, &l, &st);
    deadline_scope_end();
    if (r < 0)
        return unreachable(r);
    for (size_t i = 0; i < l.n && r >= 0; i++) {
        const struct tsts_process *t = &l.v[i];
        struct session_process pr;

        if (session != SESSION_ID_ANY && t->session != session)
            continue;
        memset(&pr, 0, sizeof(pr));
        pr.pid = (pid_t) t->pid;
        pr.session = t->session;
        copy_utf8(pr.name, sizeof(pr.name), t->name);
        memcpy(pr.sid, t->sid, t->sid_len);
        pr.sid_len = t->sid_len;
        pr.has_stats = true;
        pr.threads = t->threads;
        pr.handles = t->handles;
        pr.vm_bytes = t->pagefile; /* WTS_PROCESS_INFO_EX's PagefileUsage is the server's own */
        pr.vm_peak_bytes = t->pagefile_peak;
        pr.rss_bytes = t->ws;
        pr.rss_peak_bytes = t->ws_peak;
        pr.user_100ns = t->user_time;
        pr.kernel_100ns = t->kernel_time;
        r = session_process_list_add(&out, &pr);
    }
    tsts_process_list_free(&l);
    if (r < 0) {
        session_process_list_free(&out);
        return r;
    }
    *ret = out;
    return 0;
}

static int tsts_terminate_code(struct session_provider *p, pid_t pid, uint32_t exit_code) {
    struct tsts_status st;
    int r;

    deadline_scope_begin();
    r = tsts_client_terminate(&to_tsts(p)->addr, (uint32_t) pid, exit_code, &st);
    deadline_scope_end();
    return unreachable(r); /* STATUS_INVALID_CID: -ESRCH, no such process */
}

/* Without an exit code (a caller of the plain op): what TerminateProcess callers most use. */
static int tsts_terminate(struct session_provider *p, pid_t pid) {
    return tsts_terminate_code(p, pid, 1);
}

/* The server's pResponse, as Windows returns it to WTSSendMessage's caller. */
#define TSTS_IDTIMEOUT 32000u
#define TSTS_IDASYNC 32001u

static int tsts_send_message(struct session_provider *p, uint32_t id, const struct session_message *m,
                             struct session_message_result *ret) {
    struct tsts_status st;
    uint32_t response = 0;
    int r;

    deadline_scope_begin();
    r = tsts_client_send_message(&to_tsts(p)->addr, id, m->title, m->text, m->style, m->timeout_sec, !m->wait,
                                 &response, &st);
    deadline_scope_end();
    if (r < 0)
        return unreachable(r);
    memset(ret, 0, sizeof(*ret));
    ret->notifications = 1; /* one message box, on the session's desktop */
    if (response == TSTS_IDTIMEOUT)
        ret->answer = SESSION_ANSWER_TIMEOUT;
    else if (response == TSTS_IDASYNC)
        ret->answer = SESSION_ANSWER_NONE;
    else {
        ret->answer = SESSION_ANSWER_BUTTON; /* IDOK … IDNO, whatever the user chose */
        ret->button = response;
    }
    return 0;
}

/* The server's LastInputTime is the idle time's start; 0 (none, or out of
 * range on the wire) is unknown, not "idle for no time" (an idle hint's
 * meaning, which a Windows host does not send). */
static int tsts_idle_time(struct session_provider *p, const struct session_record *r, uint64_t now_usec,
                          uint64_t *ret) {
    (void) p;
    if (!r->idle_since_usec)
        return -EOPNOTSUPP;
    *ret = now_usec > r->idle_since_usec ? now_usec - r->idle_since_usec : 0;
    return 0;
}

const struct session_provider_ops tsts_provider_ops = {
    .name = "tsts",
    .open = tsts_open,
    .close = tsts_close,
    .list = tsts_list,
    .get = tsts_get,
    .current = tsts_current,
    .logoff = tsts_logoff,
    .client_address = tsts_client_address,
    .client_display = tsts_client_display,
    .disconnect = tsts_disconnect,
    .processes = tsts_processes,
    .idle_time = tsts_idle_time,
    .terminate_process = tsts_terminate,
    .send_message = tsts_send_message,
    .terminate_process_code = tsts_terminate_code,
};
