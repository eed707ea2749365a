/*
 * ssh:// destinations (docs/api.md, "Remote hosts"): parsed, checked so that
 * nothing in them can read as an ssh option, and formatted back. The host
 * rules are common/hostname.h's, the port reader too.
 */
#include "session/remote.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/hostname.h"

/* A DNS name, an IPv4 literal, or (bare) an IPv6 literal. Never starts
 * with '-' or '.': nothing here can read as an option or a path. */
static int check_host(const char *host, size_t len, bool ipv6) {
    if (len == 0 || len >= sizeof(((struct remote_target *) 0)->host))
        return -EINVAL;
    if (ipv6) /* hex digits, ':' and '.' only: no '%' zone */
        return hostname_is_ipv6(host, len) ? 0 : -EINVAL;
    return hostname_is_valid(host, len, HOSTNAME_ALNUM_FIRST) ? 0 : -EINVAL;
}

/* A login name in the host-name alphabet (letters, digits, '-', '.', '_',
 * first a letter, a digit or '_'): what useradd's default rules accept, and
 * nothing ssh could read as an option. */
static int check_user(const char *user, size_t len) {
    if (len == 0 || len >= sizeof(((struct remote_target *) 0)->user))
        return -EINVAL;
    return hostname_is_valid(user, len, 0) ? 0 : -EINVAL;
}

int remote_target_parse(const char *spec, struct remote_target *ret) {
    struct remote_target t = {0};
    const char *rest, *at, *host, *host_end, *port = NULL;
    size_t scheme = strlen(REMOTE_SCHEME);
    bool ipv6 = false;
    int r;

    if (!spec || strncasecmp(spec, REMOTE_SCHEME, scheme) != 0)
        return -EINVAL;
    rest = spec + scheme;
    if (strlen(rest) > 300)
        return -EINVAL;

    at = strchr(rest, '@');
    if (at) {
        if ((r = check_user(rest, (size_t) (at - rest))) < 0)
            return r;
        memcpy(t.user, rest, (size_t) (at - rest));
        host = at + 1;
    } else
        host = rest;

    if (host[0] == '[') {
        ipv6 = true;
        host++;
        host_end = strchr(host, ']');
        if (!host_end)
            return -EINVAL;
        if (host_end[1] == ':')
            port = host_end + 2;
        else if (host_end[1] != '\0')
            return -EINVAL;
    } else {
        host_end = host + strcspn(host, ":");
        if (*host_end == ':')
            port = host_end + 1;
    }
    if ((r = check_host(host, (size_t) (host_end - host), ipv6)) < 0)
        return r;
    memcpy(t.host, host, (size_t) (host_end - host));
    if (port && (r = hostname_parse_port(port, strlen(port), 0, &t.port)) < 0)
        return r;
    *ret = t;
    return 0;
}

int remote_target_from_host(const char *host, struct remote_target *ret) {
    struct remote_target t = {0};
    size_t len = host ? strlen(host) : 0;
    int r;

    /* A bare IPv6 literal ("fe80::1") is the only plain name with ':'. */
    r = check_host(host, len, host && strchr(host, ':'));
    if (r < 0)
        return r;
    memcpy(t.host, host, len);
    *ret = t;
    return 0;
}

int remote_target_format(const struct remote_target *t, char *buf, size_t size) {
    bool ipv6 = strchr(t->host, ':') != NULL;
    char port[8] = "";
    int n;

    if (t->port)
        snprintf(port, sizeof(port), ":%u", (unsigned) t->port);
    n = snprintf(buf, size, "%s%s%s%s%s%s%s", REMOTE_SCHEME, t->user, t->user[0] ? "@" : "", ipv6 ? "[" : "",
                 t->host, ipv6 ? "]" : "", port);
    return n < 0 || (size_t) n >= size ? -ENOBUFS : 0;
}
