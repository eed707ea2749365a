/*
 * libFuzzer target for the audit provider's parsers (src/session/audit_parse.c):
 * the first byte picks the parser, the rest is the input, exactly as long as
 * given (the parsers never read past len).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct proc_stat st;
    struct proc_status_peaks pk;
    struct audit_utmp_entry e;
    struct audit_proc_event pe;
    char host[64], tty[16];
    uint32_t v;
    /* A copy of exactly size bytes, so that ASan sees any overread. */
    char *in;

    if (size < 1)
        return 0;
    in = malloc(size - 1 ? size - 1 : 1);
    if (!in)
        return 0;
    memcpy(in, data + 1, size - 1);
    switch (data[0] % 7) {
    case 0:
        (void) audit_parse_u32(in, size - 1, &v);
        break;
    case 1:
        if (proc_parse_stat(in, size - 1, &st) == 0)
            (void) audit_tty_name(st.tty_nr, tty, sizeof(tty));
        break;
    case 2:
        (void) audit_parse_utmp(in, size - 1, &e);
        break;
    case 3:
        (void) audit_parse_tcp_line(in, size - 1, 28928, host, sizeof(host));
        break;
    case 4:
        (void) proc_parse_status_peaks(in, size - 1, &pk);
        break;
    case 5:
        (void) audit_parse_proc_event(in, size - 1, &pe);
        break;
    default:
        if (size - 1 >= 4) {
            memcpy(&v, in, 4);
            (void) audit_tty_name(v, tty, sizeof(tty));
        }
        break;
    }
    free(in);
    return 0;
}
