/*
 * The kernel's socket tables through NETLINK_SOCK_DIAG (sock_diag(7)): the
 * unix sockets with their bound name and peer, and the TCP sockets with
 * their addresses. The xrdp code uses them to tell which process serves
 * which X display and where its RDP client connects from. Returns >= 0 or
 * a negative errno; ret_ parameters untouched on failure.
 */
#ifndef WTSNET_SESSION_SOCKDIAG_H
#define WTSNET_SESSION_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* linux/tcp_states.h, as unix_diag and inet_diag report them. */
#define SOCKDIAG_ESTABLISHED 1
#define SOCKDIAG_LISTEN 10

struct unix_socket {
    uint32_t inode;
    uint32_t peer;  /* the peer's inode, 0 when none */
    uint8_t state;  /* SOCKDIAG_ESTABLISHED, SOCKDIAG_LISTEN, … */
    char path[108]; /* the bound name ("" when unbound; abstract names start with '@') */
};

struct tcp_socket {
    uint32_t inode;
    uint32_t uid;
    uint8_t state;
    int family; /* AF_INET or AF_INET6 */
    uint8_t local[16], remote[16]; /* network order; IPv4 in the first 4 bytes */
    uint16_t local_port, remote_port; /* host order */
};

struct unix_table {
    struct unix_socket *items;
    size_t count, allocated;
};

struct tcp_table {
    struct tcp_socket *items;
    size_t count, allocated;
};

void unix_table_free(struct unix_table *t);
void tcp_table_free(struct tcp_table *t);

/* Every unix socket of this network namespace. */
int sockdiag_unix(struct unix_table *ret);
/* Every TCP socket (IPv4 and IPv6) in a state of state_mask (1 << state). */
int sockdiag_tcp(uint32_t state_mask, struct tcp_table *ret);

/*
 * The parsers of one netlink reply datagram, for the dumps above and for the
 * fuzzer: each appends what buf holds to t and returns 1 once NLMSG_DONE was
 * seen, 0 when more datagrams follow, or a negative errno (a malformed
 * message, or the kernel's NLMSG_ERROR).
 */
int sockdiag_parse_unix(const uint8_t *buf, size_t len, struct unix_table *t);
int sockdiag_parse_tcp(const uint8_t *buf, size_t len, struct tcp_table *t);

#endif
