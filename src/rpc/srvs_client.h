/*
 * Whole MS-SRVS operations against a server: take the pooled connection,
 * call, hand it back. What the API layer calls.
 */
#ifndef WTSNET_RPC_SRVS_CLIENT_H
#define WTSNET_RPC_SRVS_CLIENT_H

#include "rpc/binding.h"
#include "rpc/srvsvc.h"

/* What came back besides the errno: the server's WERROR, or the fault
 * status when the errno is -EREMOTEIO. */
struct srvs_status {
    uint32_t werror;
    uint32_t fault;
};

int srvs_client_server_get_info(const struct server_addr *a, struct srvs_server_info_101 *ret,
                                struct srvs_status *st);

/* The round trips the last operation of this thread needed (benchmarks). */
unsigned srvs_client_last_round_trips(void);

#endif
