/*
 * From a Win32 server name to a bound RPC client: name parsing, the
 * identity to use (auth/creds.h), and one authenticated SMB2 connection per
 * (server, identity) reused within the process, with \PIPE\srvsvc bound on
 * it once.
 *
 * Server names (docs/netapi.md, "Server names"): NULL or "" = this host's SMB
 * server over loopback; "\\name" or "name" (DNS or NetBIOS name, IPv4);
 * "[v6addr]" or "v6addr" written "…ipv6-literal.net" (':'→'-', '%'→'s');
 * and a wtsnet extension ":port" after the name ("[v6]:port" for IPv6).
 * Anything else is -EADDRNOTAVAIL (NERR_InvalidComputer), and is never
 * looked up. The grammar of SMB names only: where a name leads is decided
 * by api/target.h, the one resolver, which calls server_addr_parse.
 */
#ifndef WTSNET_RPC_BINDING_H
#define WTSNET_RPC_BINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "rpc/dcerpc.h"
#include "smb2/smb2.h"

#define SMB_DEFAULT_PORT 445
/* The port for NULL/local servers when not 445 (tests, unprivileged smbd):
 * SETTING_SMB_PORT in common/settings.h. */
#define SMB_LOCAL_PORT_ENV "WTSNET_SMB_PORT"

struct server_addr {
    char host[256];      /* what we connect to: name or address, no brackets */
    char unc[272];       /* the name as it goes into \\server\IPC$ and server_unc */
    uint16_t port;
    bool local;
    char key[300];       /* lower-case host:port, the pool and WNet key */
};

/* name: UTF-8, as the caller gave it. */
int server_addr_parse(const char *name, struct server_addr *ret);

struct smb_session;

/* Takes the connection for (server, identity from creds) out of the pool,
 * connecting and authenticating if there is none; the caller has it alone
 * until binding_release(). id NULL = resolve through auth/creds.h.
 * When the server refused the logon, *ret_status (may be NULL; else 0) is
 * its NTSTATUS, for the API's table (smb2_connect()).
 * Safe from many threads: they share the pooled connection, taking turns
 * (the entry is reference-counted, see binding.c). */
int binding_acquire(const struct server_addr *a, const struct auth_identity *id, struct smb_session **ret,
                    uint32_t *ret_status);
/* The srvsvc client on that connection (bound on first use). *ret is set even
 * on failure, so that a refused bind's status (->fault) can be read. */
int binding_srvsvc(struct smb_session *s, struct rpc_client **ret);
/* The same for \PIPE\wkssvc (MS-WKST). */
int binding_wkssvc(struct smb_session *s, struct rpc_client **ret);
/* Another interface on that connection, on a pipe of its own, bound on
 * first use at the given DCE/RPC protection (RPC_C_AUTHN_*, _LEVEL_*; type
 * RPC_C_AUTHN_NONE: none) and kept while the connection lives (a warm
 * connection costs no bind; a binding at another protection is made again).
 * slot < BINDING_PIPE_SLOTS names it; each user owns its slots
 * (rpc/tsts_client.c: TSTS_SLOT_*). Its bind asks for concurrent
 * multiplexing, for rpc_call_many's batches. *ret is set even on failure. */
#define BINDING_PIPE_SLOTS 4
int binding_rpc(struct smb_session *s, unsigned slot, const char *pipe, const struct rpc_syntax *iface,
                uint8_t auth_type, uint8_t auth_level, struct rpc_client **ret);
/* WTSNET_RPC_PROTECTION and WTSNET_RPC_AUTH (docs/settings.md) as a DCE/RPC
 * security provider and level (RPC_C_AUTHN_NONE with LEVEL_NONE for "none");
 * -EINVAL for a word neither knows. */
int rpc_protection_setting(uint8_t *ret_type, uint8_t *ret_level);
/* Hands it back; a connection whose transport failed leaves the pool at once
 * and is freed when the last thread holding it has released it. */
void binding_release(struct smb_session *s);
struct smb2_conn *binding_conn(struct smb_session *s);
const struct auth_identity *binding_identity(const struct smb_session *s);
/* Per-connection memory of NetrSessionEnum levels the server refused (a bit per level). */
uint32_t *binding_refused_levels(struct smb_session *s);
/* True when this acquire made a new connection (for retry decisions). */
bool binding_is_fresh(const struct smb_session *s);

/* Keeps (pins) or drops the pooled connections of a server: WNet*. A dropped
 * connection still in use by a call is freed when that call releases it. */
int binding_pin(const struct server_addr *a, const struct auth_identity *id, uint32_t *ret_status);
int binding_drop_server(const char *key);
/* Logs off and closes every pooled connection (tests; process exit). */
void binding_drop_all(void);

#endif
