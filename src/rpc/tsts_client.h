/*
 * MS-TSTS calls to a Windows RD Session Host over its pooled, authenticated
 * SMB connection (rpc/binding.h): each pipe is bound once per connection and
 * kept, so a warm connection pays one round trip per call. Every function
 * returns >= 0 or a negative errno (common/errors.h); the server's HRESULT or
 * NTSTATUS, a refused logon's NTSTATUS and an RPC fault travel as data in
 * struct tsts_status. Safe from many threads (calls on one pooled connection
 * take turns).
 */
#ifndef WTSNET_RPC_TSTS_CLIENT_H
#define WTSNET_RPC_TSTS_CLIENT_H

#include "rpc/binding.h"
#include "rpc/tsts.h"

struct tsts_status {
    uint32_t logon;  /* NTSTATUS of a refused SMB logon */
    uint32_t result; /* the call's HRESULT / NTSTATUS */
    uint32_t fault;  /* an RPC fault or refused bind (-EREMOTEIO) */
};

/* Is this an RD Session Host? Binds TermSrvEnumeration on \pipe\LSM_API_service:
 * 0 yes, -ENOENT no such pipe (an SMB server that is not one), another errno
 * when the server could not be asked. */
int tsts_client_probe(const struct server_addr *a, struct tsts_status *st);
/* Every session with its user, domain, state and WinStation name: RpcGetAllSessions level 2, one call. */
int tsts_client_sessions(const struct server_addr *a, struct tsts_session_list *ret, struct tsts_status *st);
/* One session: RpcGetSessionInformationEx level 1 (times, lock state). -ESRCH when there is none. */
int tsts_client_session_info(const struct server_addr *a, uint32_t id, struct tsts_session_info *ret,
                             struct tsts_status *st);
/* Its client (RCMPublic RpcGetClientData). */
int tsts_client_client_data(const struct server_addr *a, uint32_t id, struct tsts_client *ret,
                            struct tsts_status *st);
/* The same two for many sessions at once: one call per id, all sent before
 * any answer is read where the pipe's bind agreed multiplexing
 * (rpc_call_many; one after the other elsewhere), so a warm connection pays
 * one round trip for up to 128 sessions. ret[i] and ret_results[i] (0, or
 * the errno of that session's answer: -ESRCH, -EACCES …) belong to ids[i].
 * The return value is < 0 only when the batch as a whole failed. */
int tsts_client_session_infos(const struct server_addr *a, const uint32_t *ids, size_t n,
                              struct tsts_session_info *ret, int *ret_results, struct tsts_status *st);
int tsts_client_clients(const struct server_addr *a, const uint32_t *ids, size_t n, struct tsts_client *ret,
                        int *ret_results, struct tsts_status *st);
/* LegacyApi RpcWinStationReset(hServer, id, bWait): the logoff; with wait the server returns when it is done. */
int tsts_client_reset(const struct server_addr *a, uint32_t id, bool wait, struct tsts_status *st);
/* LegacyApi RpcWinStationDisconnect(hServer, id, bWait). */
int tsts_client_disconnect(const struct server_addr *a, uint32_t id, bool wait, struct tsts_status *st);
/* LegacyApi RpcWinStationTerminateProcess(hServer, pid, exit_code). */
int tsts_client_terminate(const struct server_addr *a, uint32_t pid, uint32_t exit_code, struct tsts_status *st);

/* LegacyApi RpcWinStationGetAllProcesses (level 0): every process of the
 * sessions the caller may query, with its SID. */
int tsts_client_processes(const struct server_addr *a, struct tsts_process_list *ret, struct tsts_status *st);

/* LegacyApi RpcWinStationSendMessage: a message box in session id; *ret_response
 * is the button (IDOK …), IDASYNC 32001 when do_not_wait, IDTIMEOUT 32000. */
int tsts_client_send_message(const struct server_addr *a, uint32_t id, const char *title, const char *message,
                             uint32_t style, uint32_t timeout_sec, bool do_not_wait, uint32_t *ret_response,
                             struct tsts_status *st);

/* SMB round trips the calling thread's latest call took (benchmarks, tests). */
unsigned tsts_client_last_round_trips(void);
/* …and every call's of the calling thread so far (a benchmark takes differences). */
unsigned tsts_client_round_trips(void);

#endif
