/*
 * Server names through the one resolver (src/api/target.h) and setting
 * values through the settings grammar (src/common/settings.h): both come
 * from callers or the environment. The first byte picks the grammar. An
 * accepted name never starts like an option, an ssh destination always
 * parses back to itself, an SMB host holds no separator or blank, and an
 * accepted duration is digits and an optional unit only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/target.h"
#include "common/settings.h"
#include "session/remote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_smb(const struct server_target *t) {
    if (t->dest != SERVER_DEST_SMB || t->smb.host[0] == '-' || strpbrk(t->smb.host, "\\/ \t\r\n@") ||
        strpbrk(t->smb.unc, ":\\/ "))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct server_target t;
    struct remote_target rt;
    char *text;
    uint64_t ms;
    size_t digits;

    if (size == 0)
        return 0;
    text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (data[0] % 4) {
    case 0:
        if (server_resolve(SERVER_FOR_WTS, text, &t) == 0) {
            if (t.dest == SERVER_DEST_SSH && (remote_target_parse(t.ssh, &rt) != 0 || strcmp(rt.host, t.host) != 0))
                abort();
            if (t.dest != SERVER_DEST_THIS_HOST && t.host[0] == '-')
                abort();
        }
        break;
    case 1:
        if (server_resolve(SERVER_FOR_NETAPI, text, &t) == 0 && !t.smb.local)
            check_smb(&t);
        break;
    case 2:
        if (server_resolve_ipc(text, &t) == 0)
            check_smb(&t);
        break;
    default:
        if (setting_parse_duration(text, 1000, &ms) == 0) {
            digits = strspn(text, "0123456789");
            if (digits == 0 || (strcmp(text + digits, "") != 0 && strcmp(text + digits, "s") != 0 &&
                                strcmp(text + digits, "ms") != 0))
                abort();
        }
        break;
    }
    free(text);
    return 0;
}
