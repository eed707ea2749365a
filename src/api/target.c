#include "api/target.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/settings.h"
#include "session/remote.h"

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

/*
 * A name that is not this host (docs/api.md, "Remote hosts"):
 * "ssh://[user@]host[:port]" always over ssh; a plain name over ssh too,
 * unless WTSNET_REMOTE says otherwise (any value but "ssh": off).
 */
static int resolve_remote(const char *name, const char *bare, struct server_target *t) {
    struct remote_target rt;
    const char *mode = setting_text(SETTING_REMOTE);
    char spec[320];
    int r;

    if (is_ssh_url(name))
        r = remote_target_parse(name, &rt);
    else if (mode && *mode && strcmp(mode, "ssh") != 0) {
        t->dest = SERVER_DEST_OFF;
        snprintf(t->host, sizeof(t->host), "%s", bare);
        return 0;
    } else if (bare[0] == '[') { /* "[v6]" */
        r = snprintf(spec, sizeof(spec), "%s%s", REMOTE_SCHEME, bare) < (int) sizeof(spec)
                ? remote_target_parse(spec, &rt)
                : -EINVAL;
    } else
        r = remote_target_from_host(bare, &rt);
    if (r < 0)
        return r;
    if (remote_target_format(&rt, t->ssh, sizeof(t->ssh)) < 0)
        return -EINVAL;
    t->dest = SERVER_DEST_SSH;
    snprintf(t->host, sizeof(t->host), "%s", rt.host);
    return 0;
}

static int resolve_wts(const char *name, struct server_target *t) {
    const char *bare = "";
    int r;

    if (name && !is_ssh_url(name) && (r = wts_name_bare(name, &bare)) < 0)
        return r;
    if (!is_ssh_url(name) && server_name_is_local(bare)) {
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
