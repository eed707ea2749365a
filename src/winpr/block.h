/*
 * Result blocks in WinPR's layouts. Every result the provider hands to WinPR
 * is one malloc() block (freed by the table's pFreeMemory*), its text in
 * WinPR's W form (UTF-16, WinPR's 2-byte WCHAR) or A form (UTF-8), converted
 * from libwtsnet's UTF-8 (wtsnet_calls.h).
 */
#ifndef WTSNET_WINPR_BLOCK_H
#define WTSNET_WINPR_BLOCK_H

#include <winpr/wtypes.h>

#include <stddef.h>
#include <stdint.h>

/* Bytes the text takes in a result block, terminator included (0 for NULL). */
int text_size(BOOL wide, const char *s, size_t *ret);
/* Writes the text at *cursor (sized by text_size), advances it, returns where it went. */
void *put_text(BOOL wide, char **cursor, const char *s);
/* A fixed WCHAR[cap] field: what fits, never half a surrogate pair, terminated. */
void field16(WCHAR *dst, size_t cap, const char *s);

/*
 * One enumeration's result, as WinPR frees it: count entries of a fixed
 * layout, then the texts they point to, entry by entry. `texts` gives entry
 * i's n texts (NULL for none; n at most WN_SESSION1_NAMES, wtsnet_calls.h);
 * `put` fills entry i given where they went.
 */
struct listing {
    size_t entry_w, entry_a, n;
    char *const *(*texts)(const void *list, uint32_t i);
    void (*put)(BOOL wide, void *block, const void *list, uint32_t i, void *const at[]);
};
/* The listing's block for count entries of list; NULL when out of memory. */
void *pack(BOOL wide, const struct listing *l, const void *list, uint32_t count);

#endif
