/*
 * The one family of integer parsers for text from outside (/proc, session
 * files, pid files, logs, environment): strict by default (digits only, no
 * sign, no blanks, no leading zero except "0" itself, nothing after the
 * number), each relaxation asked for by name. Nothing here allocates, takes
 * a lock or touches errno or the locale, so the forked reaper of an
 * asynchronous logoff may call it (audit_kill.c).
 *
 * Returns 0 and *ret, -EINVAL when the text is not a number by the rules
 * asked for, -ERANGE when it is one above max (or outside [min, max]);
 * *ret is untouched on failure.
 */
#ifndef WTSNET_COMMON_PARSE_INT_H
#define WTSNET_COMMON_PARSE_INT_H

#include <stddef.h>
#include <stdint.h>

enum {
    PARSE_INT_LEADING_ZEROS = 1 << 0,  /* "007" (the kernel's and logind's numbers may have them) */
    PARSE_INT_LEADING_SPACE = 1 << 1,  /* blanks (isspace) before the number, as strtol skips */
    PARSE_INT_PLUS = 1 << 2,           /* an optional '+' before the digits */
    PARSE_INT_MINUS = 1 << 3,          /* parse_int_n only: an optional '-' */
    PARSE_INT_TRAILING_NEWLINE = 1 << 4, /* one '\n' after the number (a /proc or sysfs value) */
    PARSE_INT_TRAILING_SPACE = 1 << 5, /* any ' ' and '\n' after the number (a pid file) */
};

/* An unsigned number in base 10 or 16 (digits 0-9a-fA-F, no "0x"), at most max,
 * from exactly len bytes of s (no NUL needed). */
int parse_uint_n(const char *s, size_t len, unsigned base, uint64_t max, unsigned flags, uint64_t *ret);

/* The same for a NUL-terminated string; NULL is -EINVAL. */
int parse_uint(const char *s, unsigned base, uint64_t max, unsigned flags, uint64_t *ret);

/* A decimal signed number in [min, max] (a '-' only with PARSE_INT_MINUS). */
int parse_int_n(const char *s, size_t len, int64_t min, int64_t max, unsigned flags, int64_t *ret);

#endif
