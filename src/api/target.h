/*
 * The one resolver from a server name, as a caller of WTSOpenServer,
 * NetSession*, NetServerGetInfo or WNetAddConnection2 wrote it, to where it
 * leads. Every public entry point that takes a server name asks here, and
 * the CLI's -s/--server reaches it through those same calls, so a name
 * means the same everywhere (docs/api.md "Remote hosts", docs/netapi.md
 * "Server names").
 *
 * Only syntax and settings decide: nothing is looked up and nothing is
 * connected here (a name that could be an option or a path is refused
 * before anything sees it) — except server_target_probe(), which the
 * handle's first call runs for a plain WTS name (SERVER_DEST_AUTO).
 */
#ifndef WTSNET_API_TARGET_H
#define WTSNET_API_TARGET_H

#include <stddef.h>

#include "rpc/binding.h"

/* Which API's grammar: WTS names lead to session providers, NetAPI names to
 * SMB servers (the same text can mean either, e.g. "fileserver"). */
enum server_api {
    SERVER_FOR_WTS,
    SERVER_FOR_NETAPI,
};

enum server_dest {
    /* WTS: this host's sessions (logind or audit, session_provider_open_local):
     * NULL, "", ".", "localhost", our host name, short or full. */
    SERVER_DEST_THIS_HOST,
    /* WTS: another Linux host's logind over ssh (the remote provider):
     * "ssh://[user@]host[:port]", or a plain name with WTSNET_REMOTE=ssh
     * (the default). ssh holds the canonical "ssh://…" form. */
    SERVER_DEST_SSH,
    /* WTS: a plain name with WTSNET_REMOTE=none: a handle whose calls fail
     * with ERROR_NOT_SUPPORTED (never this host). */
    SERVER_DEST_OFF,
    /* NetAPI: an SMB server, srvsvc over \PIPE\srvsvc (smb holds the
     * address; NULL/"" is this host's server over loopback). */
    SERVER_DEST_SMB,
    /* WTS: a Windows RD Session Host, the WTS calls over MS-TSTS on SMB
     * (session/tsts_provider.c): "rdsh://host[:port]" (port: SMB, 445 by
     * default), or a plain name with WTSNET_REMOTE=rdsh. smb holds the address. */
    SERVER_DEST_RDSH,
    /* WTS: a plain name with WTSNET_REMOTE=auto (the default): decided at
     * the first call by server_target_probe() — an RD Session Host when that
     * name answers SMB on 445 with the TSTS pipes, else ssh. Both smb and ssh
     * are filled (ssh[0] is '\0' when the name cannot be an ssh host). */
    SERVER_DEST_AUTO,
};

struct server_target {
    enum server_dest dest;
    char host[256];          /* the name results report as the server */
    char ssh[320];           /* SERVER_DEST_SSH */
    struct server_addr smb;  /* SERVER_DEST_SMB, _RDSH, _AUTO */
};

/*
 * name: UTF-8, NULL for this host. Errors (*ret untouched):
 * WTS: -EINVAL for a name with characters no server name has or an ssh://
 * destination that is not valid, -ENAMETOOLONG beyond 255 bytes.
 * NetAPI: -EADDRNOTAVAIL (NERR_InvalidComputer) for anything that is not a
 * server name, -EINVAL for a malformed WTSNET_SMB_PORT.
 */
int server_resolve(enum server_api api, const char *name, struct server_target *ret);

/*
 * WNet's "\\server\IPC$" (any case of IPC$) to its SMB server. -ENXIO for
 * another share or none (ERROR_BAD_NET_NAME), -EADDRNOTAVAIL for a bad
 * server part; "\\\IPC$"-like names with no server are refused.
 */
int server_resolve_ipc(const char *unc, struct server_target *ret);

/*
 * SERVER_DEST_AUTO → SERVER_DEST_RDSH or SERVER_DEST_SSH, the one place a
 * name's meaning depends on the network (the rest of this file is syntax):
 * binds TermSrvEnumeration on \pipe\LSM_API_service over the name's SMB
 * server (with the NetAPI credentials). Bound → RDSH; no SMB server there, no
 * IPC$ or no such pipe → SSH. Those answers are remembered for the process
 * (per lower-case host:port); any other outcome (a refused logon, a timeout)
 * leads to ssh this time and is asked again next time. Never this host.
 * Other destinations are left as they are.
 */
void server_target_probe(struct server_target *t);
/* Forgets the remembered answers (tests). */
void server_target_probe_forget(void);

/* True when name designates this host (NULL, "", ".", "localhost", our hostname). */
int server_name_is_local(const char *name);

/* This host's name (gethostname, else "localhost"). */
void server_this_host_name(char *buf, size_t size);

#endif
