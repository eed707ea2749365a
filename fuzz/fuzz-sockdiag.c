/*
 * sock_diag reply datagrams (src/session/sockdiag.c): whatever the kernel,
 * or a corrupted buffer, hands over, the parsers stay in bounds and every
 * name they keep is a terminated string.
 */
#include <stdint.h>
#include <string.h>

#include "session/sockdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct unix_table u = {0};
    struct tcp_table t = {0};

    (void) sockdiag_parse_unix(data, size, &u);
    for (size_t i = 0; i < u.count; i++)
        if (strnlen(u.items[i].path, sizeof(u.items[i].path)) == sizeof(u.items[i].path))
            __builtin_trap();
    (void) sockdiag_parse_tcp(data, size, &t);
    unix_table_free(&u);
    tcp_table_free(&t);
    return 0;
}
