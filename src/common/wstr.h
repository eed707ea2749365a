/*
 * Text conversions between UTF-8 (Linux, the "A" API, D-Bus) and wchar_t
 * (the "W" API: UTF-32 on Linux). Strict both ways: overlong forms,
 * surrogates and code points above U+10FFFF are -EILSEQ, never passed on.
 */
#ifndef WTSNET_COMMON_WSTR_H
#define WTSNET_COMMON_WSTR_H

#include <stddef.h>
#include <uchar.h>
#include <wchar.h>

/* Decodes one UTF-8 sequence at s (at most n bytes). Returns its length, or -EILSEQ. */
int utf8_decode(const char *s, size_t n, char32_t *ret);
/* Encodes one code point into buf[4]. Returns its length, or -EILSEQ. */
int utf8_encode(char32_t c, char buf[4]);

/* Number of wide characters in s, without the terminator, or -EILSEQ. */
int utf8_wcslen(const char *s, size_t *ret);
/* Number of UTF-8 bytes wcs needs, without the terminator, or -EILSEQ. */
int wcs_utf8len(const wchar_t *wcs, size_t *ret);

/* Converts into dst, which must hold utf8_wcslen()+1 wide characters. */
int utf8_to_wcs_buf(const char *s, wchar_t *dst, size_t dst_chars);
/* Converts into dst, which must hold wcs_utf8len()+1 bytes. */
int wcs_to_utf8_buf(const wchar_t *wcs, char *dst, size_t dst_size);

/* Lossy forms for names shown to the caller: each byte that is not part of
 * valid UTF-8 becomes U+FFFD, so one odd user name cannot fail a listing.
 * dst must hold utf8_wcslen_lossy()+1 wide characters. */
size_t utf8_wcslen_lossy(const char *s);
void utf8_to_wcs_lossy(const char *s, wchar_t *dst);

/* Allocating forms; free() the result. */
int utf8_to_wcs(const char *s, wchar_t **ret);
int wcs_to_utf8(const wchar_t *wcs, char **ret);

/* Fixed-size fields (WTSINFO names): copy what fits, cut at a character
 * boundary, always terminated. Invalid input yields an empty field. */
void utf8_copy_truncated(char *dst, size_t dst_size, const char *src);
void wcs_copy_truncated_from_utf8(wchar_t *dst, size_t dst_chars, const char *src);

#endif
