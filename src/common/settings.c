#include "common/settings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hostname.h"
#include "common/parse_int.h"

#define HOUR_MS UINT64_C(3600000)

/* docs/settings.md is this table in prose; keep the two together. */
static const struct setting_info table[SETTING_COUNT_] = {
    /* Seconds for compatibility (it always was), 1 ms … just under an hour. */
    [SETTING_TIMEOUT] = {"WTSNET_TIMEOUT", SETTING_DURATION, 1000, 20000, 1, HOUR_MS - 1},
    [SETTING_SMB_PORT] = {"WTSNET_SMB_PORT", SETTING_PORT, 0, 445, 1, 65535},
    [SETTING_CREDENTIALS_FILE] = {"WTSNET_CREDENTIALS_FILE", SETTING_PATH, 0, 0, 0, 0},
    [SETTING_PROVIDER] = {"WTSNET_PROVIDER", SETTING_WORD, 0, 0, 0, 0},
    [SETTING_AUDIT_UTMP] = {"WTSNET_AUDIT_UTMP", SETTING_PATH, 0, 0, 0, 0},
    /* Kept in microseconds by their users: anything that fits. */
    [SETTING_LOGOFF_GRACE] = {"WTSNET_LOGOFF_GRACE_MS", SETTING_DURATION, 1, 10000, 0, UINT64_MAX / 1000},
    [SETTING_LOGOFF_TIMEOUT] = {"WTSNET_LOGOFF_TIMEOUT_MS", SETTING_DURATION, 1, 30000, 0, UINT64_MAX / 1000},
    [SETTING_REMOTE] = {"WTSNET_REMOTE", SETTING_WORD, 0, 0, 0, 0},
    [SETTING_SSH_CONFIG] = {"WTSNET_SSH_CONFIG", SETTING_PATH, 0, 0, 0, 0},
    [SETTING_REMOTE_TIMEOUT] = {"WTSNET_REMOTE_TIMEOUT_MS", SETTING_DURATION, 1, 10000, 1, HOUR_MS},
    [SETTING_AUTH] = {"WTSNET_AUTH", SETTING_WORD, 0, 0, 0, 0},
    [SETTING_RPC_PROTECTION] = {"WTSNET_RPC_PROTECTION", SETTING_WORD, 0, 0, 0, 0},
    [SETTING_RPC_AUTH] = {"WTSNET_RPC_AUTH", SETTING_WORD, 0, 0, 0, 0},
    /* How long a Windows host's session details fetched after a list answer queries (0: never). */
    [SETTING_TSTS_CACHE] = {"WTSNET_TSTS_CACHE_MS", SETTING_DURATION, 1, 5000, 0, 60000},
};

const struct setting_info *setting_info(enum setting s) {
    return (unsigned) s < SETTING_COUNT_ ? &table[s] : NULL;
}

const char *setting_text(enum setting s) {
    const struct setting_info *i = setting_info(s);

    return i ? secure_getenv(i->name) : NULL;
}

int setting_parse_duration(const char *text, uint64_t unit_ms, uint64_t *ret_ms) {
    size_t len = text ? strlen(text) : 0;
    uint64_t n;
    int r;

    /* The suffix, if any, replaces the variable's own unit. */
    if (len > 2 && strcmp(text + len - 2, "ms") == 0) {
        unit_ms = 1;
        len -= 2;
    } else if (len > 1 && text[len - 1] == 's') {
        unit_ms = 1000;
        len -= 1;
    }
    r = parse_uint_n(text, len, 10, UINT64_MAX / unit_ms, PARSE_INT_LEADING_ZEROS, &n);
    if (r < 0)
        return r;
    *ret_ms = n * unit_ms;
    return 0;
}

int setting_duration_ms(enum setting s, uint64_t *ret) {
    const struct setting_info *i = setting_info(s);
    const char *text;
    uint64_t ms;
    int r;

    if (!i || i->kind != SETTING_DURATION) {
        *ret = 0;
        return -EINVAL;
    }
    *ret = i->def;
    text = secure_getenv(i->name);
    if (!text || !*text)
        return 0;
    r = setting_parse_duration(text, i->unit_ms, &ms);
    if (r < 0)
        return r;
    if (ms < i->min || ms > i->max)
        return -ERANGE;
    *ret = ms;
    return 0;
}

int setting_port(enum setting s, uint16_t *ret) {
    const struct setting_info *i = setting_info(s);
    const char *text;

    if (!i || i->kind != SETTING_PORT)
        return -EINVAL;
    text = secure_getenv(i->name);
    if (!text || !*text) {
        *ret = (uint16_t) i->def;
        return 0;
    }
    return hostname_parse_port(text, strlen(text), PARSE_INT_LEADING_ZEROS, ret) < 0 ? -EINVAL : 0;
}
