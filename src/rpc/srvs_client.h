/*
 * Whole MS-SRVS operations against a server: take the pooled connection,
 * call, hand it back. What the API layer calls.
 */
#ifndef WTSNET_RPC_SRVS_CLIENT_H
#define WTSNET_RPC_SRVS_CLIENT_H

#include "rpc/binding.h"
#include "rpc/srvsvc.h"
#include "rpc/wkssvc.h"

/* What came back besides the errno: the server's WERROR, the fault status
 * when the errno is -EREMOTEIO, and the NTSTATUS of a refused logon (with
 * -EKEYREJECTED and others: binding_acquire()), each mapped by the API. */
struct srvs_status {
    uint32_t werror;
    uint32_t fault;
    uint32_t ntstatus;
};

int srvs_client_server_get_info(const struct server_addr *a, struct srvs_server_info_101 *ret,
                                struct srvs_status *st);

/* NetrFileEnum / NetrConnectionEnum / NetrShareEnum (kind: SRVS_FILES …) at
 * level, every entry (the server's own paging followed to its end); in1/in2
 * as srvs_enum(). Files are always fetched at level 3, whatever level is
 * wanted: Samba refuses level 2 and ignores BasePath, so the caller filters
 * and derives (docs/netapi.md, "Open files"); ret->level says 3. Likewise
 * connections at level 1 (Samba's level 0 is one made-up entry). */
int srvs_client_enum(const struct server_addr *a, int kind, const char *in1, const char *in2, uint32_t level,
                     struct srvs_list *ret, struct srvs_status *st);
/* NetrFileClose, then enumerations until the id is no longer listed
 * (-ETIMEDOUT when it still is at the deadline of the caller's scope). */
int srvs_client_file_close(const struct server_addr *a, uint32_t file_id, struct srvs_status *st);
/* NetrWkstaUserEnum over \PIPE\wkssvc, every entry. */
int srvs_client_wksta_user_enum(const struct server_addr *a, uint32_t level, struct wkst_user_list *ret,
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
 * NERR_ClientNameNotFound (2312). After the server's success the deletion is
 * confirmed by enumerating again (srvs_confirm_deleted(), below) until the
 * sessions are no longer listed: -ETIMEDOUT when the server still lists them
 * WTSNET_TIMEOUT after the delete. When the caller's own session is among
 * them and the connection ends under the call, that counts only once a new
 * connection's enumeration confirms it: werror 0, *ret_own_ended true.
 * Where the caller may not enumerate, the server's answer stands. */
int srvs_client_session_del(const struct server_addr *a, const char *client, const char *user,
                            struct srvs_status *st, bool *ret_own_ended);

/* ---- NetSessionDel's confirmation (exposed for the unit tests) ----
 * Times are CLOCK_MONOTONIC milliseconds. */

/* What is known of a delete when its outcome is checked. */
struct srvs_del_check {
    const struct srvs_session_list *before; /* level 1, every session, just before the delete */
    const char *client, *user;              /* the delete's filters (NULL or "" = any) */
    int64_t before_ms;                      /* when that enumeration's answer arrived */
    int64_t del_ms;                         /* when the delete was sent */
};

/* One enumeration after the delete: now (level 1, every session), asked at
 * asked_ms and answered at answered_ms. When it was made on a connection
 * opened after the delete, own_client/own_user name that connection's own
 * session (else NULL): it is new, not one of the deleted. */
struct srvs_look {
    struct srvs_session_list now;
    int64_t asked_ms, answered_ms;
    const char *own_client, *own_user;
};

/* Does the look still list one of the deleted sessions? A listed session
 * matching the filters is one of them when its age (the level-1 `time`,
 * whole seconds since it began) shows that it began before the delete was
 * sent, or when it is consistent with a matching session of the enumeration
 * before the delete (same client and user, and at least as old as that one
 * plus the whole seconds between the two enumerations). A session that began
 * after the delete -- the same client reconnecting -- is younger than both
 * bounds, except within the seconds' rounding: a deleted session less than
 * about two seconds old cannot be told from such a reconnect and keeps
 * counting as listed (never a false success). docs/netapi.md. */
bool srvs_deleted_still_listed(const struct srvs_del_check *c, const struct srvs_look *l);

/* One look; wait_ms: the most any of its waits may take. Fills ret (also
 * its times) and returns 0 with *werror the server's answer, or -errno. */
typedef int (*srvs_look_fn)(void *ctx, int wait_ms, struct srvs_look *ret, uint32_t *werror);

/* Looks (the first at once, then backing off from 10 to 250 ms) until one
 * lists none of the deleted sessions: 0. None starts after deadline_ms: then
 * -ETIMEDOUT when the last look still listed them, or that look's own
 * failure (-errno, or 0 with *werror set). *ret_looks: how many were made. */
int srvs_confirm_deleted(const struct srvs_del_check *c, int64_t deadline_ms, srvs_look_fn look, void *ctx,
                         uint32_t *werror, unsigned *ret_looks);

/* Case-insensitive match of a session against filters (NULL/"" = any; leading
 * backslashes on either client name are ignored). A user name without a
 * backslash also matches a listed "DOMAIN\user" by its user part (a Samba AD
 * DC's winbind names; Windows lists the bare name). */
bool srvs_session_matches(const struct srvs_session *s, const char *client, const char *user);
/* That rule for one listed user name against a wanted one (non-empty). */
bool srvs_user_matches(const char *listed, const char *wanted);

/* The user names a delete by (client, user) sends, one NetrSessionDel each:
 * every distinct (case-insensitive) name l lists for the sessions matching
 * the filters, spelled as listed, the name of the session matching
 * (own_client, own_user) last (NULL: none is ours). ret has room for l->n
 * pointers into l; returns how many. user should be non-empty (NULL/"" is
 * "any user": one delete without a name). */
size_t srvs_del_user_names(const struct srvs_session_list *l, const char *client, const char *user,
                           const char *own_client, const char *own_user, const char **ret);

/* The round trips the last operation of this thread needed (benchmarks). */
unsigned srvs_client_last_round_trips(void);

#endif
