/*
 * What a remote systemd says of a process (src/session/remote_process.c):
 * the cgroup path a session key is read from, and the command line a name
 * is read from. Whatever the bytes: a key is short and of [0-9a-z] only,
 * a name is NUL-terminated inside its buffer and holds '/' only when it is
 * a kernel thread's "[comm]".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/remote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1), key[32], name[64];

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (remote_cgroup_session_key(text, key, sizeof(key)) == 0) {
        if (!key[0] || strlen(key) >= sizeof(key))
            abort();
        for (const char *c = key; *c; c++)
            if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z')))
                abort();
    }
    remote_cmdline_name(text, name, sizeof(name));
    if (strlen(name) >= sizeof(name) || (strchr(name, '/') && !strchr(text, '[')))
        abort();
    free(text);
    return 0;
}
