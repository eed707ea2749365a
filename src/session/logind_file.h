/*
 * logind's record of one session, /run/systemd/sessions/<id>: KEY=VALUE
 * lines that every sd_session_get_*() call opens and parses again. The
 * provider reads the file once per session instead (docs/benchmarks.md),
 * unquoting values by the same env-file rules sd-login applies, so the
 * answers are the ones sd-login would give.
 */
#ifndef WTSNET_SESSION_LOGIND_FILE_H
#define WTSNET_SESSION_LOGIND_FILE_H

#include <stddef.h>

/* logind writes about 25 keys; a file larger than this is not its. */
#define LOGIND_FILE_MAX_SIZE (64u * 1024u)
#define LOGIND_FILE_MAX_FIELDS 64u

struct logind_file {
    char *text; /* owned: every name and value, NUL-terminated, one after the other */
    const char *names[LOGIND_FILE_MAX_FIELDS];
    const char *values[LOGIND_FILE_MAX_FIELDS];
    size_t count;
};

/* Parses size bytes of data. Fields past LOGIND_FILE_MAX_FIELDS are
 * dropped; a later assignment of a name wins, as in sd-login.
 * 0, -EFBIG (too large) or -ENOMEM; *ret is untouched on failure. */
int logind_file_parse(const char *data, size_t size, struct logind_file *ret);

/* Reads and parses /run/systemd/sessions/<key>. -ESRCH when there is no such file. */
int logind_file_read_session(const char *key, struct logind_file *ret);

/* The value of name, or NULL when the file does not set it. */
const char *logind_file_get(const struct logind_file *f, const char *name);

void logind_file_done(struct logind_file *f);

#endif
