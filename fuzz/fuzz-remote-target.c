/*
 * ssh:// server names (docs/api.md, "Remote hosts"): they come from callers
 * of WTSOpenServer and end up in ssh's argv. Whatever the bytes: nothing
 * accepted may start with '-' or hold a character outside the allowed
 * sets, the host must sit right after "--", and an accepted name must
 * format back to a name that parses to the same target.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/remote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_part(const char *s, const char *extra) {
    if (s[0] == '-' || s[0] == '.')
        abort();
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr(extra, *c)))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct remote_target t, again;
    struct remote_argv a;
    char *text = malloc(size + 1), formatted[400];
    size_t n = 0;

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (remote_target_parse(text, &t) == 0 || remote_target_from_host(text, &t) == 0) {
        check_part(t.user, "._-");
        check_part(t.host, strchr(t.host, ':') ? ":." : "._-");
        if (remote_target_format(&t, formatted, sizeof(formatted)) != 0 ||
            remote_target_parse(formatted, &again) != 0 || memcmp(&t, &again, sizeof(t)) != 0)
            abort();
        if (remote_build_argv(&t, 5, NULL, &a) != 0)
            abort();
        while (a.argv[n])
            n++;
        if (n < 3 || strcmp(a.argv[n - 3], "--") != 0 || strcmp(a.argv[n - 2], t.host) != 0)
            abort();
    }
    free(text);
    return 0;
}
