#include "rpc/srvs_client.h"

#include <errno.h>
#include <string.h>

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
