#include "common/hostname.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/parse_int.h"

/* ASCII only: a name's bytes mean the same in every locale. */
static bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool hostname_is_valid(const char *s, size_t len, unsigned flags) {
    size_t label = 0;

    if (!s || len == 0 || len > HOSTNAME_MAX || s[0] == '-' || s[0] == '.')
        return false;
    if ((flags & HOSTNAME_ALNUM_FIRST) && !is_alnum(s[0]))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (c == '.') {
            if ((flags & HOSTNAME_LABELS) && label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!is_alnum(c) && c != '-' && c != '_')
            return false;
        if (++label > 63 && (flags & HOSTNAME_LABELS))
            return false;
    }
    return true;
}

bool hostname_is_ipv6(const char *s, size_t len) {
    char copy[INET6_ADDRSTRLEN]; /* the longest literal inet_pton accepts fits */
    struct in6_addr addr;

    if (!s || len >= sizeof(copy))
        return false;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return inet_pton(AF_INET6, copy, &addr) == 1;
}

int hostname_parse_port(const char *s, size_t len, unsigned parse_flags, uint16_t *ret) {
    uint64_t v;

    if (len > 5 || parse_uint_n(s, len, 10, 65535, parse_flags, &v) < 0 || v == 0)
        return -EINVAL;
    *ret = (uint16_t) v;
    return 0;
}
