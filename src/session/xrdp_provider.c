/*
 * The xrdp layer as a decorator over another provider (provider.h,
 * xrdp_provider_wrap): the inner provider reports the sessions, xrdp-sesman's
 * among them; this layer adds the RDP listener and what only xrdp knows about
 * an RDP session (xrdp.h), and passes everything else through unchanged.
 */
#include <errno.h>
#include <stdlib.h>

#include "common/errors.h"
#include "common/wintime.h"
#include "session/provider.h"
#include "session/xrdp.h"

struct xrdp_provider {
    struct session_provider base;
    struct session_provider *inner;
};

static const struct session_provider_ops xrdp_provider_ops;

static struct session_provider *inner_of(struct session_provider *p) {
    return ((struct xrdp_provider *) p)->inner;
}

/* An RDP session with no client attached is disconnected, though the inner
 * provider (logind) calls it active. */
static void refine(struct session_record *r) {
    if (r->kind == SESSION_KIND_RDP)
        xrdp_refine_state(r);
}

int xrdp_provider_wrap(struct session_provider *inner, struct session_provider **ret) {
    struct xrdp_provider *xp = calloc(1, sizeof(*xp));

    if (!xp)
        return -ENOMEM;
    xp->base.ops = &xrdp_provider_ops;
    xp->inner = inner;
    *ret = &xp->base;
    return 0;
}

static int xrdp_open(const char *target, struct session_provider **ret) {
    (void) target, (void) ret;
    return -EOPNOTSUPP; /* a decorator: made by xrdp_provider_wrap around another provider */
}

static void xrdp_close(struct session_provider *p) {
    if (!p)
        return;
    inner_of(p)->ops->close(inner_of(p));
    free(p);
}

/* The inner provider's sessions, then the listener (when xrdp listens). */
static int xrdp_list(struct session_provider *p, struct session_list *ret) {
    struct session_list l = {0};
    struct session_record *bigger;
    int r = inner_of(p)->ops->list(inner_of(p), &l);

    if (r < 0)
        return r;
    for (size_t i = 0; i < l.count; i++)
        refine(&l.items[i]);
    bigger = realloc(l.items, (l.count + 1) * sizeof(*l.items));
    if (!bigger) {
        session_list_free(&l);
        return -ENOMEM;
    }
    l.items = bigger;
    if (xrdp_listener_record(&l.items[l.count]) >= 0)
        l.count++;
    *ret = l;
    return 0;
}

static int xrdp_get(struct session_provider *p, uint32_t id, bool with_times, struct session_record *ret) {
    struct session_record rec;
    int r;

    if (id == SESSION_ID_RDP_LISTENER)
        return xrdp_listener_record(ret);
    r = inner_of(p)->ops->get(inner_of(p), id, with_times, &rec);
    if (r < 0)
        return r;
    refine(&rec);
    *ret = rec;
    return 0;
}

static int xrdp_current(struct session_provider *p, uint32_t *ret) {
    return inner_of(p)->ops->current(inner_of(p), ret);
}

/* The inner provider ends the session; for an RDP session a waited logoff
 * also waits until its client was told (what to wait for is taken first,
 * best effort, while the session still exists). */
static int xrdp_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    struct xrdp_logoff_watch watch = {.server_fd = -1, .leader_fd = -1};
    uint64_t deadline_at = now_monotonic_usec() + policy->deadline_usec;
    struct session_provider *inner = inner_of(p);
    struct session_record rec;
    int r;

    if (wait && id != SESSION_ID_SERVICES && id != SESSION_ID_RDP_LISTENER &&
        inner->ops->get(inner, id, false, &rec) >= 0) {
        xrdp_logoff_prepare(&rec, &watch);
        session_record_done(&rec);
    }
    r = inner->ops->logoff(inner, id, wait, policy);
    /* An RDP session is gone for its user once its client was told. */
    if (r >= 0 && wait)
        r = xrdp_logoff_wait(&watch, deadline_at);
    xrdp_logoff_done(&watch);
    return r;
}

static int xrdp_client_address_op(struct session_provider *p, const struct session_record *r, char **ret) {
    struct session_provider *inner = inner_of(p);

    if (r->kind == SESSION_KIND_RDP)
        return xrdp_client_address(r, ret);
    return inner->ops->client_address ? inner->ops->client_address(inner, r, ret) : -EOPNOTSUPP;
}

static int xrdp_client_display_op(struct session_provider *p, const struct session_record *r,
                                  struct session_client_display *ret) {
    struct session_provider *inner = inner_of(p);

    if (r->kind == SESSION_KIND_RDP)
        return xrdp_client_display(inner, r, ret);
    return inner->ops->client_display ? inner->ops->client_display(inner, r, ret) : -EOPNOTSUPP;
}

/* xorgxrdp detaches an RDP session's client, and the right to ask it is
 * checked first, whatever the session's state (xrdp_disconnect.c). */
static int xrdp_disconnect_op(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    struct session_provider *inner = inner_of(p);
    struct session_record rec;
    int r;

    r = xrdp_get(p, id, false, &rec);
    if (r < 0)
        return r;
    if (rec.kind == SESSION_KIND_RDP)
        r = xrdp_disconnect(&rec, wait, now_monotonic_usec() + policy->deadline_usec);
    else
        r = inner->ops->disconnect ? inner->ops->disconnect(inner, id, wait, policy) : -EOPNOTSUPP;
    session_record_done(&rec);
    return r;
}

static int xrdp_pid_session(struct session_provider *p, pid_t pid, uint32_t *ret) {
    struct session_provider *inner = inner_of(p);

    return inner->ops->pid_session ? inner->ops->pid_session(inner, pid, ret) : -EOPNOTSUPP;
}

/* Processes, kills and the console are the inner provider's: xrdp adds nothing to them. */
static int xrdp_processes(struct session_provider *p, uint32_t session, struct session_process_list *ret) {
    struct session_provider *inner = inner_of(p);

    return inner->ops->processes ? inner->ops->processes(inner, session, ret) : -EOPNOTSUPP;
}

static int xrdp_terminate_process(struct session_provider *p, pid_t pid) {
    struct session_provider *inner = inner_of(p);

    return inner->ops->terminate_process ? inner->ops->terminate_process(inner, pid) : -EOPNOTSUPP;
}

static int xrdp_console_session(struct session_provider *p, uint32_t *ret) {
    struct session_provider *inner = inner_of(p);

    return inner->ops->console_session ? inner->ops->console_session(inner, ret) : -EOPNOTSUPP;
}

static int xrdp_idle_time(struct session_provider *p, const struct session_record *r, uint64_t now_usec,
                          uint64_t *ret) {
    struct session_provider *inner = inner_of(p);

    return inner->ops->idle_time ? inner->ops->idle_time(inner, r, now_usec, ret)
                                 : session_idle_from_hint(r, now_usec, ret);
}

static int xrdp_send_message(struct session_provider *p, uint32_t id, const struct session_message *m,
                             struct session_message_result *ret) {
    struct session_provider *inner = inner_of(p);

    return inner->ops->send_message ? inner->ops->send_message(inner, id, m, ret) : -EOPNOTSUPP;
}

/* The inner provider's changes, and RDP clients' connects and disconnects (xrdp_events.c). */
static int xrdp_subscribe_op(struct session_provider *p, struct session_subscription **ret) {
    return xrdp_subscribe(inner_of(p), ret);
}

static const struct session_provider_ops xrdp_provider_ops = {
    .name = "xrdp",
    .open = xrdp_open,
    .close = xrdp_close,
    .list = xrdp_list,
    .get = xrdp_get,
    .current = xrdp_current,
    .logoff = xrdp_logoff,
    .client_address = xrdp_client_address_op,
    .client_display = xrdp_client_display_op,
    .disconnect = xrdp_disconnect_op,
    .pid_session = xrdp_pid_session,
    .processes = xrdp_processes,
    .terminate_process = xrdp_terminate_process,
    .console_session = xrdp_console_session,
    .idle_time = xrdp_idle_time,
    .send_message = xrdp_send_message,
    .subscribe = xrdp_subscribe_op,
};
