/*
 * Name resolution that counts against a deadline. getaddrinfo() has no
 * timeout of its own (resolv.conf's can add up to minutes), so a name that
 * is not a numeric address is resolved on a detached thread; the caller waits
 * for it only until the deadline and then abandons the lookup: the thread
 * frees its result when the resolver finally returns. Nothing blocks the
 * caller past the deadline and nothing leaks; at most RESOLVE_MAX_ABANDONED
 * lookups may be left running at once (more fail at once with -ETIMEDOUT).
 */
#ifndef WTSNET_COMMON_RESOLVE_H
#define WTSNET_COMMON_RESOLVE_H

#include <netdb.h>
#include <stdint.h>

#define RESOLVE_MAX_ABANDONED 16

/* host: name or address; port in host order; deadline in deadline_now_ms()
 * terms. 0 and *ret (freeaddrinfo) on success; -ETIMEDOUT at the deadline;
 * -ENETUNREACH for a name that does not resolve; -ENOMEM. */
int resolve_with_deadline(const char *host, uint16_t port, int socktype, int64_t deadline, struct addrinfo **ret);

#endif
