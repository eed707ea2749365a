/*
 * The one table of wtsnet's settings: every WTSNET_* environment variable
 * the library reads, with its kind, unit, default and range (docs/settings.md
 * is the same table for users). Every reader of a WTSNET_* variable goes
 * through here; values are read with secure_getenv at the moment of use (a
 * set-uid caller sees none of them), never cached.
 *
 * Kinds, one rule each:
 * - duration: an unsigned decimal number with an optional unit suffix "ms"
 *   or "s"; without a suffix, the variable's own unit (seconds for
 *   WTSNET_TIMEOUT, milliseconds for the *_MS ones), so every value that
 *   worked before still means what it meant. Unset or empty: the default.
 *   Malformed ("20abc", "-1", " 5") or out of range: the default, and the
 *   getter says so (-EINVAL / -ERANGE) for a caller that can report it; a
 *   wrong duration is never an error of the call, because the default is a
 *   bounded wait too.
 * - port: a decimal port 1 … 65535. Malformed: an error of the call
 *   (-EINVAL), never the default port: that would reach another server.
 * - path, word: the text as given (each reader documents its words; an
 *   unknown word is treated by its reader, see the table).
 *
 * Nothing here prints, allocates or takes a lock.
 */
#ifndef WTSNET_COMMON_SETTINGS_H
#define WTSNET_COMMON_SETTINGS_H

#include <stdint.h>

enum setting {
    SETTING_TIMEOUT,             /* WTSNET_TIMEOUT: a whole network call (NetAPI, WNet) */
    SETTING_SMB_PORT,            /* WTSNET_SMB_PORT: this host's SMB server for a NULL name */
    SETTING_CREDENTIALS_FILE,    /* WTSNET_CREDENTIALS_FILE */
    SETTING_PROVIDER,            /* WTSNET_PROVIDER: logind | audit */
    SETTING_AUDIT_UTMP,          /* WTSNET_AUDIT_UTMP: set and empty = no utmp */
    SETTING_LOGOFF_GRACE,        /* WTSNET_LOGOFF_GRACE_MS */
    SETTING_LOGOFF_TIMEOUT,      /* WTSNET_LOGOFF_TIMEOUT_MS */
    SETTING_REMOTE,              /* WTSNET_REMOTE: auto | ssh | rdsh | none */
    SETTING_SSH_CONFIG,          /* WTSNET_SSH_CONFIG */
    SETTING_REMOTE_TIMEOUT,      /* WTSNET_REMOTE_TIMEOUT_MS */
    SETTING_AUTH,                /* WTSNET_AUTH: auto | kerberos | ntlm */
    SETTING_RPC_PROTECTION,      /* WTSNET_RPC_PROTECTION: none | connect | sign | seal */
    SETTING_RPC_AUTH,            /* WTSNET_RPC_AUTH: spnego | ntlmssp */
    SETTING_TSTS_CACHE,          /* WTSNET_TSTS_CACHE_MS */
    SETTING_COUNT_,
};

enum setting_kind { SETTING_DURATION, SETTING_PORT, SETTING_PATH, SETTING_WORD };

struct setting_info {
    const char *name;       /* the environment variable */
    enum setting_kind kind;
    uint64_t unit_ms;       /* duration: what a bare number counts (1000 = seconds) */
    uint64_t def;           /* duration: ms; port: the port */
    uint64_t min, max;      /* duration: ms, inclusive */
};

const struct setting_info *setting_info(enum setting s);

/* The raw value (secure_getenv): NULL when unset. Any kind. */
const char *setting_text(enum setting s);

/* A duration in milliseconds; *ret is always set (the default when unset,
 * empty or malformed). Returns 0, or -EINVAL/-ERANGE for a malformed or out
 * of range value (then *ret is the default). */
int setting_duration_ms(enum setting s, uint64_t *ret);

/* A port; the default when unset or empty. -EINVAL when malformed (*ret untouched). */
int setting_port(enum setting s, uint16_t *ret);

/* The duration grammar alone: text, a bare number counting unit_ms. */
int setting_parse_duration(const char *text, uint64_t unit_ms, uint64_t *ret_ms);

#endif
