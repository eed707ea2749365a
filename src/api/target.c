#include "api/target.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <pthread.h>

#include "common/deadline.h"
#include "common/settings.h"
#include "rpc/tsts_client.h"
#include "session/remote.h"

#define RDSH_SCHEME "rdsh://"

void server_this_host_name(char *buf, size_t size) {
    if (gethostname(buf, size) < 0 || !buf[0])
        snprintf(buf, size, "localhost");
    buf[size - 1] = '\0';
}

int server_name_is_local(const char *name) {
    char host[256];
    size_t short_len;

    if (!name || !*name || strcmp(name, ".") == 0 || strcasecmp(name, "localhost") == 0)
        return 1;
    server_this_host_name(host, sizeof(host));
    if (strcasecmp(name, host) == 0)
        return 1;
    short_len = strcspn(host, ".");
    return strlen(name) == short_len && strncasecmp(name, host, short_len) == 0;
}

static bool is_ssh_url(const char *name) {
    return name && strncasecmp(name, REMOTE_SCHEME, strlen(REMOTE_SCHEME)) == 0;
}

static bool is_rdsh_url(const char *name) {
    return name && strncasecmp(name, RDSH_SCHEME, strlen(RDSH_SCHEME)) == 0;
}

/* "rdsh://host[:port]": the SMB name grammar (rpc/binding.h) after the scheme;
 * a user part, a path or an empty host are refused. Never this host. */
static int wts_name_bare(const char *name, const char **ret_bare);

static int resolve_rdsh(const char *rest, struct server_target *t) {
    const char *bare;

    if (!*rest || strncmp(rest, "\\\\", 2) == 0 || wts_name_bare(rest, &bare) < 0)
        return -EINVAL; /* the characters of a server name only: no user, path or option */
    if (server_addr_parse(rest, &t->smb) < 0 || t->smb.local)
        return -EINVAL;
    t->dest = SERVER_DEST_RDSH;
    snprintf(t->host, sizeof(t->host), "%s", t->smb.host);
    return 0;
}

/* A WTS server name as Windows takes it: an optional leading "\\", then
 * letters, digits, '-', '.', '_' (and ':' '[' ']' for addresses); at most
 * 255 bytes. Only the characters: the host rules proper are the ssh
 * destination's (remote_target.c, common/hostname.h). */
static int wts_name_bare(const char *name, const char **ret_bare) {
    const char *bare = name;

    if (strncmp(bare, "\\\\", 2) == 0) {
        bare += 2;
        if (!*bare)
            return -EINVAL; /* "\\\\" alone names no server, not this one */
    }
    if (strlen(bare) > 255)
        return -ENAMETOOLONG;
    for (const char *c = bare; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')) &&
            !strchr("-._:[]", *c))
            return -EINVAL;
    if (bare[0] == '-')
        return -EINVAL; /* never something that reads like an option */
    *ret_bare = bare;
    return 0;
}

/* A plain name over ssh (its canonical destination in t->ssh). */
static int plain_ssh(const char *bare, struct server_target *t) {
    struct remote_target rt;
    char spec[320];
    int r;

    if (bare[0] == '[') /* "[v6]" */
        r = snprintf(spec, sizeof(spec), "%s%s", REMOTE_SCHEME, bare) < (int) sizeof(spec)
                ? remote_target_parse(spec, &rt)
                : -EINVAL;
    else
        r = remote_target_from_host(bare, &rt);
    if (r < 0)
        return r;
    if (remote_target_format(&rt, t->ssh, sizeof(t->ssh)) < 0)
        return -EINVAL;
    snprintf(t->host, sizeof(t->host), "%s", rt.host);
    return 0;
}

/*
 * A name that is not this host (docs/api.md, "Remote hosts" and "Windows RD
 * Session Hosts"): "ssh://[user@]host[:port]" always over ssh,
 * "rdsh://host[:port]" always over MS-TSTS; a plain name as WTSNET_REMOTE
 * says: auto (unset or empty: the default) probes at the first call, ssh,
 * rdsh, and any other word turns remote access off.
 */
static int resolve_remote(const char *name, const char *bare, struct server_target *t) {
    struct remote_target rt;
    const char *mode = setting_text(SETTING_REMOTE);
    int r;

    if (is_ssh_url(name)) {
        if ((r = remote_target_parse(name, &rt)) < 0)
            return r;
        if (remote_target_format(&rt, t->ssh, sizeof(t->ssh)) < 0)
            return -EINVAL;
        t->dest = SERVER_DEST_SSH;
        snprintf(t->host, sizeof(t->host), "%s", rt.host);
        return 0;
    }
    if (is_rdsh_url(name))
        return resolve_rdsh(name + strlen(RDSH_SCHEME), t);
    if (!mode || !*mode || strcmp(mode, "auto") == 0) {
        if ((r = plain_ssh(bare, t)) < 0) /* the plain-name rules are ssh's: no port, no user */
            return r;
        if (server_addr_parse(bare, &t->smb) < 0 || t->smb.local)
            return -EINVAL;
        t->dest = SERVER_DEST_AUTO;
        return 0;
    }
    if (strcmp(mode, "ssh") == 0) {
        t->dest = SERVER_DEST_SSH;
        return plain_ssh(bare, t);
    }
    if (strcmp(mode, "rdsh") == 0)
        return resolve_rdsh(bare, t);
    t->dest = SERVER_DEST_OFF;
    snprintf(t->host, sizeof(t->host), "%s", bare);
    return 0;
}

/* ---- the probe's memory: host:port → RDSH or SSH, for the process ---- */

struct probe_answer {
    char key[300];
    enum server_dest dest;
};
#define PROBE_MEMORY 64
static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static struct probe_answer probe_memory[PROBE_MEMORY];
static size_t probe_count, probe_next;

static bool probe_recall(const char *key, enum server_dest *ret) {
    bool found = false;

    pthread_mutex_lock(&probe_lock);
    for (size_t i = 0; i < probe_count && !found; i++)
        if (strcmp(probe_memory[i].key, key) == 0) {
            *ret = probe_memory[i].dest;
            found = true;
        }
    pthread_mutex_unlock(&probe_lock);
    return found;
}

static void probe_remember(const char *key, enum server_dest dest) {
    enum server_dest known;

    if (probe_recall(key, &known))
        return;
    pthread_mutex_lock(&probe_lock);
    snprintf(probe_memory[probe_next].key, sizeof(probe_memory[probe_next].key), "%s", key);
    probe_memory[probe_next].dest = dest;
    probe_next = (probe_next + 1) % PROBE_MEMORY; /* the oldest answer makes room */
    if (probe_count < PROBE_MEMORY)
        probe_count++;
    pthread_mutex_unlock(&probe_lock);
}

void server_target_probe_forget(void) {
    pthread_mutex_lock(&probe_lock);
    probe_count = probe_next = 0;
    pthread_mutex_unlock(&probe_lock);
}

void server_target_probe(struct server_target *t) {
    struct tsts_status st;
    enum server_dest dest;
    int r;

    if (t->dest != SERVER_DEST_AUTO)
        return;
    if (probe_recall(t->smb.key, &dest)) {
        t->dest = dest;
        return;
    }
    deadline_scope_begin();
    r = tsts_client_probe(&t->smb, &st);
    deadline_scope_end();
    if (r >= 0) {
        t->dest = SERVER_DEST_RDSH;
        snprintf(t->host, sizeof(t->host), "%s", t->smb.host);
    } else
        t->dest = SERVER_DEST_SSH;
    /* Definite answers only: it is one, or nothing there could be one. */
    if (r >= 0 || r == -ENOENT || r == -ENXIO || r == -ECONNREFUSED || r == -ENETUNREACH || r == -EHOSTUNREACH ||
        r == -EREMOTEIO)
        probe_remember(t->smb.key, t->dest);
}

static int resolve_wts(const char *name, struct server_target *t) {
    bool url = is_ssh_url(name) || is_rdsh_url(name);
    const char *bare = "";
    int r;

    if (name && !url && (r = wts_name_bare(name, &bare)) < 0)
        return r;
    if (!url && server_name_is_local(bare)) {
        t->dest = SERVER_DEST_THIS_HOST;
        server_this_host_name(t->host, sizeof(t->host));
        return 0;
    }
    return resolve_remote(name, bare, t);
}

int server_resolve(enum server_api api, const char *name, struct server_target *ret) {
    struct server_target t;
    int r;

    memset(&t, 0, sizeof(t));
    if (api == SERVER_FOR_WTS)
        r = resolve_wts(name, &t);
    else if (api == SERVER_FOR_NETAPI) {
        t.dest = SERVER_DEST_SMB;
        r = server_addr_parse(name, &t.smb); /* the SMB name grammar (rpc/binding.h) */
        if (r >= 0)
            snprintf(t.host, sizeof(t.host), "%s", t.smb.host);
    } else
        r = -EINVAL;
    if (r < 0)
        return r;
    *ret = t;
    return 0;
}

int server_resolve_ipc(const char *unc, struct server_target *ret) {
    const char *share;
    char server[300];

    if (!unc || strncmp(unc, "\\\\", 2) != 0)
        return -EADDRNOTAVAIL;
    share = strchr(unc + 2, '\\');
    if (!share)
        return -ENXIO; /* a bare \\server names no share */
    if ((size_t) (share - unc) >= sizeof(server))
        return -EADDRNOTAVAIL;
    memcpy(server, unc, (size_t) (share - unc));
    server[share - unc] = '\0';
    if (strcasecmp(share + 1, "IPC$") != 0)
        return -ENXIO;
    if (server[2] == '\0')
        return -EADDRNOTAVAIL; /* "\\\IPC$": no server named (NULL means this host only to Net*) */
    return server_resolve(SERVER_FOR_NETAPI, server, ret);
}
