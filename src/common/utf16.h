/*
 * UTF-16LE, the wire form of SMB2, NTLMSSP and NDR strings, to and from
 * UTF-8 (wtsnet's internal text). Strict: unpaired surrogates and invalid
 * UTF-8 are -EILSEQ, never passed on.
 */
#ifndef WTSNET_COMMON_UTF16_H
#define WTSNET_COMMON_UTF16_H

#include <stddef.h>
#include <stdint.h>

#include "common/cursor.h"

/* Appends s as UTF-16LE (no terminator) to b; *ret_units = code units written. */
int utf16_put_utf8(struct buf *b, const char *s, size_t *ret_units);
/* Appends s upper-cased (simple case mapping, as Windows' RtlUpcaseUnicodeString). */
int utf16_put_utf8_upper(struct buf *b, const char *s, size_t *ret_units);
/* Decodes units UTF-16LE code units at p into a new UTF-8 string (free()).
 * A terminating NUL inside the units ends the string early. */
int utf16_to_utf8(const uint8_t *p, size_t units, char **ret);

#endif
