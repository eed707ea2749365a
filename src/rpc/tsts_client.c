#include "rpc/tsts_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/settings.h"

/* Our slots of binding_rpc(): one pipe per interface. */
enum { TSTS_SLOT_ENUM, TSTS_SLOT_SESSION, TSTS_SLOT_RCM, TSTS_SLOT_LEGACY };

static const struct {
    const char *pipe;
    const struct rpc_syntax *iface;
} slots[] = {
    [TSTS_SLOT_ENUM] = {TSTS_PIPE_LSM, &tsts_syntax_enumeration},
    [TSTS_SLOT_SESSION] = {TSTS_PIPE_LSM, &tsts_syntax_session},
    [TSTS_SLOT_RCM] = {TSTS_PIPE_TERMSRV, &tsts_syntax_rcm},
    [TSTS_SLOT_LEGACY] = {TSTS_PIPE_LEGACY, &tsts_syntax_legacy},
};

static _Thread_local unsigned last_round_trips, all_round_trips;

unsigned tsts_client_last_round_trips(void) {
    return last_round_trips;
}

unsigned tsts_client_round_trips(void) {
    return all_round_trips;
}

/*
 * The protection of the TSTS binds: packet privacy, as Windows clients bind
 * these interfaces (ms-tsts.md), with WTSNET_RPC_AUTH's provider (SPNEGO by
 * default). WTSNET_RPC_PROTECTION, when set, overrides it (as for srvsvc;
 * the test double, which takes no authenticated bind, needs "none").
 */
static int tsts_protection(uint8_t *ret_type, uint8_t *ret_level) {
    const char *p = setting_text(SETTING_RPC_PROTECTION), *a = setting_text(SETTING_RPC_AUTH);

    if (p && *p)
        return rpc_protection_setting(ret_type, ret_level);
    if (!a || !*a || strcmp(a, "spnego") == 0)
        *ret_type = RPC_C_AUTHN_GSS_NEGOTIATE;
    else if (strcmp(a, "ntlmssp") == 0)
        *ret_type = RPC_C_AUTHN_WINNT;
    else
        return -EINVAL; /* a word we do not know must not weaken protection silently */
    *ret_level = RPC_C_AUTHN_LEVEL_PKT_PRIVACY;
    return 0;
}

/* One step of a call on a held connection: decode is given the reply stub. */
typedef int (*tsts_step_fn)(struct rpc_client *rc, void *ctx, struct tsts_status *st);

/*
 * Runs step on the slot's bound client of the pooled connection to a. A
 * pooled connection can die between calls; a call that only reads (retry) is
 * tried once more on a new one, as srvs_client.c does.
 */
static int with_pipe(const struct server_addr *a, unsigned slot, bool retry, tsts_step_fn step, void *ctx,
                     struct tsts_status *st) {
    memset(st, 0, sizeof(*st));
    for (int attempt = 0;; attempt++) {
        struct smb_session *s;
        struct rpc_client *rc = NULL;
        uint8_t auth_type, auth_level;
        unsigned before;
        bool fresh;
        int r;

        if ((r = tsts_protection(&auth_type, &auth_level)) < 0)
            return r;
        if ((r = binding_acquire(a, NULL, &s, &st->logon)) < 0)
            return r;
        fresh = binding_is_fresh(s);
        before = fresh ? 0 : smb2_conn_round_trips(binding_conn(s));
        if ((r = binding_rpc(s, slot, slots[slot].pipe, slots[slot].iface, auth_type, auth_level, &rc)) >= 0)
            r = step(rc, ctx, st);
        if (r == -EREMOTEIO && !st->result && rc)
            st->fault = rc->fault;
        last_round_trips = smb2_conn_round_trips(binding_conn(s)) - before;
        all_round_trips += last_round_trips;
        binding_release(s);
        if (attempt == 0 && retry && !fresh && (r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE))
            continue;
        return r;
    }
}

/* A request stub, the call, and the reply stub. */
static int call(struct rpc_client *rc, uint16_t opnum, struct buf *q, struct buf *a) {
    int r = buf_error(q);

    return r < 0 ? r : rpc_call(rc, opnum, q->data, q->len, a);
}

static int outcome(int r, struct tsts_status *st, uint32_t status) {
    if (r < 0)
        return r;
    st->result = status;
    return tsts_status_errno(status);
}

static int step_probe(struct rpc_client *rc, void *ctx, struct tsts_status *st) {
    (void) rc, (void) ctx, (void) st;
    return 0; /* bound: it is one */
}

int tsts_client_probe(const struct server_addr *a, struct tsts_status *st) {
    return with_pipe(a, TSTS_SLOT_ENUM, true, step_probe, NULL, st);
}

static int step_sessions(struct rpc_client *rc, void *ctx, struct tsts_status *st) {
    struct buf q, a;
    uint32_t status = 0;
    int r;

    buf_init(&q), buf_init(&a);
    tsts_req_get_all_sessions(&q, 2);
    if ((r = call(rc, TSTS_OP_GET_ALL_SESSIONS, &q, &a)) >= 0)
        r = tsts_decode_get_all_sessions(a.data, a.len, ctx, &status);
    buf_free(&q), buf_free(&a);
    return outcome(r, st, status);
}

int tsts_client_sessions(const struct server_addr *a, struct tsts_session_list *ret, struct tsts_status *st) {
    struct tsts_session_list l = {0};
    int r = with_pipe(a, TSTS_SLOT_ENUM, true, step_sessions, &l, st);

    if (r < 0) {
        tsts_session_list_free(&l);
        return r;
    }
    *ret = l;
    return 0;
}

struct info_ctx {
    uint32_t id;
    struct tsts_session_info info;
    struct tsts_client client;
};

static int step_info(struct rpc_client *rc, void *ctx, struct tsts_status *st) {
    struct info_ctx *x = ctx;
    struct buf q, a;
    uint32_t status = 0;
    int r;

    buf_init(&q), buf_init(&a);
    tsts_req_get_session_information_ex(&q, x->id, 1);
    if ((r = call(rc, TSTS_OP_GET_SESSION_INFORMATION_EX, &q, &a)) >= 0)
        r = tsts_decode_session_information_ex(a.data, a.len, &x->info, &status);
    buf_free(&q), buf_free(&a);
    return outcome(r, st, status);
}

int tsts_client_session_info(const struct server_addr *a, uint32_t id, struct tsts_session_info *ret,
                             struct tsts_status *st) {
    struct info_ctx x = {.id = id};
    int r = with_pipe(a, TSTS_SLOT_SESSION, true, step_info, &x, st);

    if (r >= 0)
        *ret = x.info;
    return r;
}

static int step_client(struct rpc_client *rc, void *ctx, struct tsts_status *st) {
    struct info_ctx *x = ctx;
    struct buf q, a;
    uint32_t status = 0;
    int r;

    buf_init(&q), buf_init(&a);
    tsts_req_session_id(&q, x->id);
    if ((r = call(rc, TSTS_OP_GET_CLIENT_DATA, &q, &a)) >= 0)
        r = tsts_decode_client_data(a.data, a.len, &x->client, &status);
    buf_free(&q), buf_free(&a);
    return outcome(r, st, status);
}

int tsts_client_client_data(const struct server_addr *a, uint32_t id, struct tsts_client *ret,
                            struct tsts_status *st) {
    struct info_ctx x = {.id = id};
    int r = with_pipe(a, TSTS_SLOT_RCM, true, step_client, &x, st);

    if (r >= 0)
        *ret = x.client;
    return r;
}

/* ---- batches: one call per session, all at once (rpc_call_many) ---- */

struct batch_ctx {
    const uint32_t *ids;
    size_t n;
    struct tsts_session_info *infos; /* RpcGetSessionInformationEx, or … */
    struct tsts_client *clients;     /* … RpcGetClientData */
    int *results;
};

static int step_batch(struct rpc_client *rc, void *ctx, struct tsts_status *st) {
    struct batch_ctx *x = ctx;
    struct rpc_batch_call *calls = calloc(x->n, sizeof(*calls));
    struct buf *q = calloc(x->n, sizeof(*q));
    int r = 0;

    (void) st;
    if (!calls || !q) {
        free(calls), free(q);
        return -ENOMEM;
    }
    for (size_t i = 0; i < x->n; i++) {
        buf_init(&q[i]);
        buf_init(&calls[i].out);
        if (x->infos)
            tsts_req_get_session_information_ex(&q[i], x->ids[i], 1);
        else
            tsts_req_session_id(&q[i], x->ids[i]);
        if (r >= 0)
            r = buf_error(&q[i]);
        calls[i].opnum = x->infos ? TSTS_OP_GET_SESSION_INFORMATION_EX : TSTS_OP_GET_CLIENT_DATA;
        calls[i].stub = q[i].data;
        calls[i].stub_len = q[i].len;
    }
    if (r >= 0 && (r = rpc_call_many(rc, calls, x->n)) >= 0)
        for (size_t i = 0; i < x->n; i++) {
            uint32_t status = 0;
            int k = calls[i].result;

            if (k >= 0)
                k = x->infos ? tsts_decode_session_information_ex(calls[i].out.data, calls[i].out.len, &x->infos[i],
                                                                  &status)
                             : tsts_decode_client_data(calls[i].out.data, calls[i].out.len, &x->clients[i], &status);
            x->results[i] = k < 0 ? k : tsts_status_errno(status);
        }
    for (size_t i = 0; i < x->n; i++)
        buf_free(&q[i]), buf_free(&calls[i].out);
    free(calls), free(q);
    return r;
}

int tsts_client_session_infos(const struct server_addr *a, const uint32_t *ids, size_t n,
                              struct tsts_session_info *ret, int *ret_results, struct tsts_status *st) {
    struct batch_ctx x = {.ids = ids, .n = n, .infos = ret, .results = ret_results};

    memset(st, 0, sizeof(*st));
    return n == 0 ? 0 : with_pipe(a, TSTS_SLOT_SESSION, true, step_batch, &x, st);
}

int tsts_client_clients(const struct server_addr *a, const uint32_t *ids, size_t n, struct tsts_client *ret,
                        int *ret_results, struct tsts_status *st) {
    struct batch_ctx x = {.ids = ids, .n = n, .clients = ret, .results = ret_results};

    memset(st, 0, sizeof(*st));
    return n == 0 ? 0 : with_pipe(a, TSTS_SLOT_RCM, true, step_batch, &x, st);
}

/* ---- LegacyApi: open the server handle, act, close it ---- */

struct ws_ctx {
    uint16_t opnum;
    uint32_t id, arg;
    bool wait;
    const char *title, *message; /* RpcWinStationSendMessage */
    uint32_t timeout, response;
    struct tsts_process_list procs; /* RpcWinStationGetAllProcesses */
};

static int ws_simple(struct rpc_client *rc, uint16_t opnum, struct buf *q, uint32_t *status) {
    struct buf a;
    int r;

    buf_init(&a);
    if ((r = call(rc, opnum, q, &a)) >= 0)
        r = tsts_decode_ws_result(a.data, a.len, status);
    buf_free(&a);
    return r;
}

static int step_ws(struct rpc_client *rc, void *ctx, struct tsts_status *st) {
    struct ws_ctx *x = ctx;
    struct tsts_handle server;
    struct buf q, a;
    uint32_t status = 0, close_status;
    int r;

    buf_init(&q), buf_init(&a);
    if ((r = call(rc, TSTS_OP_WS_OPEN_SERVER, &q, &a)) < 0 ||
        (r = tsts_decode_ws_open_server(a.data, a.len, &server, &status)) < 0 || status != 0)
        goto out;
    buf_free(&q);
    if (x->opnum == TSTS_OP_WS_TERMINATE_PROCESS)
        tsts_req_ws_terminate(&q, &server, x->id, x->arg);
    else if (x->opnum == TSTS_OP_WS_GET_ALL_PROCESSES)
        r = tsts_req_ws_get_all_processes(&q, &server, TSTS_MAX_PROCESSES);
    else if (x->opnum == TSTS_OP_WS_SEND_MESSAGE)
        r = tsts_req_ws_send_message(&q, &server, x->id, x->title, x->message, x->arg, x->timeout, !x->wait);
    else
        tsts_req_ws_session(&q, &server, x->id, x->wait);
    if (r >= 0 && x->opnum == TSTS_OP_WS_SEND_MESSAGE) {
        buf_free(&a);
        if ((r = call(rc, x->opnum, &q, &a)) >= 0)
            r = tsts_decode_ws_send_message(a.data, a.len, &x->response, &status);
    } else if (r >= 0 && x->opnum == TSTS_OP_WS_GET_ALL_PROCESSES) {
        buf_free(&a);
        tsts_process_list_free(&x->procs); /* a retried call starts afresh */
        if ((r = call(rc, x->opnum, &q, &a)) >= 0)
            r = tsts_decode_ws_get_all_processes(a.data, a.len, &x->procs, &status);
    } else if (r >= 0)
        r = ws_simple(rc, x->opnum, &q, &status);
    buf_free(&q);
    tsts_req_handle(&q, &server);
    if (r >= 0 || r == -EREMOTEIO)
        (void) ws_simple(rc, TSTS_OP_WS_CLOSE_SERVER, &q, &close_status); /* the handle is the server's to free */
out:
    buf_free(&q), buf_free(&a);
    return outcome(r, st, status);
}

int tsts_client_reset(const struct server_addr *a, uint32_t id, bool wait, struct tsts_status *st) {
    struct ws_ctx x = {.opnum = TSTS_OP_WS_RESET, .id = id, .wait = wait};

    return with_pipe(a, TSTS_SLOT_LEGACY, false, step_ws, &x, st);
}

int tsts_client_disconnect(const struct server_addr *a, uint32_t id, bool wait, struct tsts_status *st) {
    struct ws_ctx x = {.opnum = TSTS_OP_WS_DISCONNECT, .id = id, .wait = wait};

    return with_pipe(a, TSTS_SLOT_LEGACY, false, step_ws, &x, st);
}

int tsts_client_terminate(const struct server_addr *a, uint32_t pid, uint32_t exit_code, struct tsts_status *st) {
    struct ws_ctx x = {.opnum = TSTS_OP_WS_TERMINATE_PROCESS, .id = pid, .arg = exit_code};

    return with_pipe(a, TSTS_SLOT_LEGACY, false, step_ws, &x, st);
}

int tsts_client_send_message(const struct server_addr *a, uint32_t id, const char *title, const char *message,
                             uint32_t style, uint32_t timeout_sec, bool do_not_wait, uint32_t *ret_response,
                             struct tsts_status *st) {
    struct ws_ctx x = {.opnum = TSTS_OP_WS_SEND_MESSAGE, .id = id, .arg = style, .wait = !do_not_wait,
                       .title = title, .message = message, .timeout = timeout_sec};
    int r = with_pipe(a, TSTS_SLOT_LEGACY, false, step_ws, &x, st);

    if (r >= 0)
        *ret_response = x.response;
    return r;
}

int tsts_client_processes(const struct server_addr *a, struct tsts_process_list *ret, struct tsts_status *st) {
    struct ws_ctx x = {.opnum = TSTS_OP_WS_GET_ALL_PROCESSES};
    int r;

    /* Only reads: a pooled connection found dead is retried once. */
    r = with_pipe(a, TSTS_SLOT_LEGACY, true, step_ws, &x, st);
    if (r < 0) {
        tsts_process_list_free(&x.procs);
        return r;
    }
    *ret = x.procs;
    return 0;
}
