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

/* NetrSessionEnum at level, all entries. When the server refuses the level
 * (ERROR_INVALID_LEVEL, as Samba does for 2/10/502), level 1 is fetched
 * instead and ret->level says so (the caller derives). client/user are sent
 * as filters (client with its leading backslashes); servers may ignore them. */
int srvs_client_session_enum(const struct server_addr *a, const char *client, const char *user, uint32_t level,
                             struct srvs_session_list *ret, struct srvs_status *st);

/* NetrSessionDel with Windows' answers: sessions matching (client, user) --
 * NULL or "" = any, client with or without leading backslashes, both
 * case-insensitive -- are found by an enumeration first: none gives werror
 * NERR_ClientNameNotFound (2312). When the caller's own session is among them
 * and the connection ends under the call, that is the deletion succeeding:
 * werror 0, *ret_own_ended true. Where the caller may not enumerate, the
 * server's answer stands. */
int srvs_client_session_del(const struct server_addr *a, const char *client, const char *user,
                            struct srvs_status *st, bool *ret_own_ended);

/* Case-insensitive match of a session against filters (NULL/"" = any; leading
 * backslashes on either client name are ignored). */
bool srvs_session_matches(const struct srvs_session *s, const char *client, const char *user);

/* The round trips the last operation of this thread needed (benchmarks). */
unsigned srvs_client_last_round_trips(void);

#endif
