/*
 * xorgxrdp's log (src/session/xrdp.c reads the client display from it): the
 * parser reads only the bytes given, and what it accepts is plausible.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/xrdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct session_client_display d;
    char *copy = malloc(size ? size : 1); /* exactly size bytes: no terminator to lean on */

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (xrdp_parse_screen_size(copy, size, &d) == 0 &&
        (d.width == 0 || d.height == 0 || d.bpp == 0 || d.bpp > 32 || d.width > 999999 || d.height > 999999))
        __builtin_trap();
    free(copy);
    return 0;
}
