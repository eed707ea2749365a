/*
 * The connect sequence (MS-SMB2 3.2.4.2): TCP, NEGOTIATE, SESSION_SETUP,
 * run in order from here so that the commands and the transport never call
 * each other (they only call down: command → transport). Tree connects, and
 * the secure dialect validation that rides with the first one (3.2.5.5),
 * follow per share (tree_connect.c). Also what rpc/ may know of a
 * connection, the state itself being private (conn.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>

#include "smb2/conn.h"

int smb2_connect(const char *host, uint16_t port, const char *server_name, const struct smb2_options *opt,
                 const struct auth_identity *id, struct smb2_conn **ret, uint32_t *ret_status) {
    struct smb2_conn *c = NULL;
    int r;

    if (ret_status)
        *ret_status = 0;
    if ((r = smb2_dial(host, port, opt ? opt->timeout_ms : 0, &c)) < 0)
        return r;
    if (server_name && snprintf(c->server, sizeof(c->server), "%s", server_name) >= (int) sizeof(c->server)) {
        r = -ENAMETOOLONG;
        goto fail;
    }
    if ((r = smb2_negotiate(c, opt, !auth_identity_is_anonymous(id))) < 0)
        goto fail;
    if ((r = smb2_session_setup(c, id)) < 0) {
        if (ret_status)
            *ret_status = c->logon_status;
        goto fail; /* half set up: nothing to log off politely */
    }
    *ret = c;
    return 0;
fail:
    smb2_conn_free(c);
    return r;
}

int smb2_conn_timeout_ms(const struct smb2_conn *c) {
    return c->timeout_ms;
}

unsigned smb2_conn_round_trips(const struct smb2_conn *c) {
    return c->round_trips;
}

bool smb2_conn_is_anonymous(const struct smb2_conn *c) {
    return c->anonymous;
}

bool smb2_conn_is_broken(const struct smb2_conn *c) {
    return c->broken;
}

void smb2_conn_mark_broken(struct smb2_conn *c) {
    c->broken = true;
}

/* An idle connection the server closed reads as EOF: find out before using it. */
bool smb2_conn_alive(struct smb2_conn *c) {
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    char b;

    if (c->broken)
        return false;
    if (poll(&p, 1, 0) == 0)
        return true;
    return !(p.revents & (POLLHUP | POLLERR)) && recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

int smb2_conn_local_address(const struct smb2_conn *c, char *buf, size_t size) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    const void *addr;

    buf[0] = '\0';
    if (getsockname(c->fd, (struct sockaddr *) &ss, &len) < 0)
        return -errno;
    if (ss.ss_family == AF_INET)
        addr = &((struct sockaddr_in *) &ss)->sin_addr;
    else if (ss.ss_family == AF_INET6)
        addr = &((struct sockaddr_in6 *) &ss)->sin6_addr;
    else
        return -EAFNOSUPPORT;
    return inet_ntop(ss.ss_family, addr, buf, (socklen_t) size) ? 0 : -errno;
}
