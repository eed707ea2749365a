/*
 * NDR 2.0 (C706 ch. 14, MS-RPCE 2.2.5) on wtsnet's bounds-checked cursor:
 * what srvsvc needs — scalars, unique/ref pointers with deferral (done by
 * the callers, in IDL order), conformant varying UTF-16 strings and
 * conformant arrays, with every count capped by the bytes that remain.
 * Alignment counts from the start of the stub: cursor and buffer start there.
 */
#ifndef WTSNET_RPC_NDR_H
#define WTSNET_RPC_NDR_H

#include <stdint.h>

#include "common/cursor.h"

/* Sane maxima, on top of "no more than the bytes left could hold": what a
 * count may make a decoder allocate stays small whatever the stub says. */
#define NDR_MAX_STRING_UNITS 32768u /* a name or comment; MS-SRVS strings are far shorter */
#define NDR_MAX_ARRAY_COUNT 131072u /* entries in one answer (sessions, shares…) */

int ndr_pull_u32(struct cursor *c, uint32_t *ret);
/* A unique/full pointer's referent id (0 = NULL). */
int ndr_pull_ptr(struct cursor *c, uint32_t *ret);
/* [string] wchar_t*: max_count, offset (must be 0), actual_count, then units.
 * Returns a UTF-8 copy (free()). */
int ndr_pull_string(struct cursor *c, char **ret);
/* A conformant array's max_count, checked against what an element needs at
 * least and against NDR_MAX_ARRAY_COUNT (-EBADMSG beyond either). */
int ndr_pull_array_count(struct cursor *c, size_t min_elem_size, uint32_t *ret);

/* The WERROR (or other DWORD status) that ends a reply stub: at most
 * alignment padding may follow it (-EBADMSG otherwise). */
int ndr_pull_status_end(struct cursor *c, uint32_t *ret);

void ndr_push_u32(struct buf *b, uint32_t v);
/* A referent id: the next unique value, non-zero. */
void ndr_push_ptr(struct buf *b, uint32_t *next_referent, bool present);
/* A conformant varying string with its terminator. */
int ndr_push_string(struct buf *b, const char *s);
/* [unique, string] wchar_t*: referent then (immediately: top-level) the string. */
int ndr_push_unique_string(struct buf *b, uint32_t *next_referent, const char *s);

#endif
