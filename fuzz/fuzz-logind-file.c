/* libFuzzer target: logind session files (src/session/logind_file.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "session/logind_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct logind_file f;

    if (logind_file_parse((const char *) data, size, &f) < 0)
        return 0;
    for (size_t i = 0; i < f.count; i++)
        if (strlen(f.values[i]) > size || logind_file_get(&f, f.names[i]) == NULL)
            __builtin_trap();
    logind_file_done(&f);
    return 0;
}
