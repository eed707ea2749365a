/*
 * The one host-name validator and port reader, for every place a host name
 * or port arrives as text (server names for WTS and NetAPI, ssh://
 * destinations, settings). Pure: no lookup, no allocation, no locale.
 *
 * A host name here is what DNS and NetBIOS names have in common (RFC 1123
 * section 2.1, and '_', which NetBIOS and Active Directory names use):
 * 1 … 253 bytes of letters, digits, '-', '.', '_', never starting with '-'
 * or '.', so that nothing valid can read as a command-line option or a path.
 * Callers ask for stricter rules by name.
 */
#ifndef WTSNET_COMMON_HOSTNAME_H
#define WTSNET_COMMON_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOSTNAME_MAX 253

enum {
    /* DNS label structure (RFC 1035 2.3.4): no empty label inside the name
     * (a trailing '.' is the root), each label at most 63 bytes. */
    HOSTNAME_LABELS = 1 << 0,
    /* The first byte a letter or a digit (no leading '_'), as ssh wants it. */
    HOSTNAME_ALNUM_FIRST = 1 << 1,
};

/* len bytes of s (no NUL needed). */
bool hostname_is_valid(const char *s, size_t len, unsigned flags);

/* An IPv6 address literal as inet_pton(3) reads it (no brackets, no "%zone"). */
bool hostname_is_ipv6(const char *s, size_t len);

/* A TCP port 1 … 65535 in at most 5 decimal digits; parse_flags are
 * common/parse_int.h's (PARSE_INT_LEADING_ZEROS for "0445"). -EINVAL
 * otherwise, *ret untouched. */
int hostname_parse_port(const char *s, size_t len, unsigned parse_flags, uint16_t *ret);

#endif
