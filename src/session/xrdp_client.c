/*
 * Whether an RDP session has a client attached, and who: an accepted
 * connection on xorgxrdp's xrdp_display_<N> socket, whose peer one xrdp
 * child holds; that child's accepted TCP connection names the client (xrdp.h).
 */
#include "session/xrdp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/proc.h"
#include "session/sockdiag.h"

/* "…/xrdp_display_10" names display 10's xorgxrdp socket. */
bool xrdp_is_display_socket(const char *path, long display) {
    const char *base = strrchr(path, '/');
    char want[40];

    snprintf(want, sizeof(want), "xrdp_display_%ld", display);
    return base && strcmp(base + 1, want) == 0;
}

/* The processes whose parent is pid. */
static int children_of(pid_t parent, pid_t **ret, size_t *ret_n) {
    size_t n = 0, kept = 0;
    pid_t *pids;
    int r = proc_pids(AT_FDCWD, &pids, &n);

    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        struct proc_stat st;

        if (pids[i] > 1 && proc_read_stat(AT_FDCWD, pids[i], &st) >= 0 && st.ppid == parent)
            pids[kept++] = pids[i];
    }
    *ret = pids;
    *ret_n = kept;
    return 0;
}

/* Which xrdp child holds the peer of display's connection, and its client's address. */
static int find_server(pid_t daemon, const struct proc_inodes *peers, struct xrdp_client *c) {
    struct tcp_table t = {0};
    struct proc_inodes fds = {0};
    uint16_t ports[8];
    size_t n_ports = 0, n_children = 0;
    pid_t *children = NULL;
    int r, denied = 0;

    r = children_of(daemon, &children, &n_children);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n_children && !c->server; i++) {
        r = proc_socket_inodes(AT_FDCWD, children[i], &fds);
        if (r == -EACCES)
            denied = 1;
        if (r < 0)
            continue;
        for (size_t j = 0; j < peers->count && !c->server; j++)
            if (proc_inodes_has(&fds, peers->items[j]))
                c->server = children[i];
        if (!c->server)
            proc_inodes_free(&fds);
    }
    free(children);
    if (!c->server) {
        r = denied ? -EACCES : 0;
        goto out;
    }
    r = sockdiag_tcp((1u << SOCKDIAG_ESTABLISHED) | (1u << SOCKDIAG_LISTEN), &t);
    if (r < 0)
        goto out;
    r = xrdp_daemon_listeners(daemon, &t, ports, 8, &n_ports);
    if (r < 0)
        goto out;
    /* The server's accepted connection: on a port xrdp listens on. */
    for (size_t i = 0; i < t.count; i++) {
        const struct tcp_socket *s = &t.items[i];
        bool on_listener = false;

        if (s->state != SOCKDIAG_ESTABLISHED || !proc_inodes_has(&fds, s->inode))
            continue;
        for (size_t k = 0; k < n_ports; k++)
            on_listener |= s->local_port == ports[k];
        if (!on_listener)
            continue;
        c->family = s->family;
        memcpy(c->address, s->remote, sizeof(c->address));
        break;
    }
    r = 0;
out:
    proc_inodes_free(&fds);
    tcp_table_free(&t);
    return r;
}

int xrdp_display_client_state(long display, bool with_server, struct xrdp_client *ret) {
    struct unix_table u = {0};
    struct proc_inodes peers = {0};
    struct xrdp_client c = {0};
    bool served = false;
    pid_t daemon;
    int r;

    if (display < 0)
        return -ENOENT;
    r = sockdiag_unix(&u);
    if (r < 0)
        return r;
    for (size_t i = 0; i < u.count; i++) {
        const struct unix_socket *s = &u.items[i];

        if (!xrdp_is_display_socket(s->path, display))
            continue;
        if (s->state == SOCKDIAG_LISTEN)
            served = true;
        /* An accepted connection carries the listener's name; its peer is xrdp's end. */
        else if (s->state == SOCKDIAG_ESTABLISHED && s->peer && (r = proc_inodes_add(&peers, s->peer)) < 0)
            goto out;
    }
    if (!served) {
        r = -ENOENT;
        goto out;
    }
    c.connected = peers.count > 0;
    r = 0;
    if (with_server && c.connected && xrdp_daemon(&daemon) >= 0)
        r = find_server(daemon, &peers, &c);
    if (r >= 0 || r == -EACCES)
        *ret = c;
out:
    proc_inodes_free(&peers);
    unix_table_free(&u);
    return r;
}

int xrdp_display_client(long display, struct xrdp_client *ret) {
    return xrdp_display_client_state(display, true, ret);
}

void xrdp_refine_state(struct session_record *r) {
    struct xrdp_client c;
    int k;

    if (r->kind != SESSION_KIND_RDP || (r->state != SESSION_STATE_ACTIVE && r->state != SESSION_STATE_ONLINE))
        return;
    /* Only whether a client is connected is needed: that takes no privilege. */
    k = xrdp_display_client_state(session_display_number(r->display), false, &c);
    if (k >= 0 && !c.connected)
        r->state = SESSION_STATE_DISCONNECTED;
}

int xrdp_client_address(const struct session_record *r, char **ret) {
    struct xrdp_client c;
    char text[INET6_ADDRSTRLEN] = "";
    char *s;
    int k;

    k = xrdp_display_client(session_display_number(r->display), &c);
    if (k == -ENOENT)
        return -EOPNOTSUPP; /* not an xorgxrdp display (e.g. Xvnc), or xrdp is gone */
    if (k < 0)
        return k;
    if (c.connected && c.family == 0)
        return -EOPNOTSUPP; /* attached, but not through a running xrdp's TCP listener */
    if (c.connected && !inet_ntop(c.family, c.address, text, sizeof(text)))
        return -EIO;
    s = strdup(text);
    if (!s)
        return -ENOMEM;
    *ret = s;
    return 0;
}

