/*
 * MultiByteToWideChar / WideCharToMultiByte, as kernel32 exports them
 * (stringapiset.h). Every supported code page is UTF-8 (winnls.h says why);
 * WCHAR is one code point. The decoding and encoding are common/wstr.c's:
 * this file only adds Windows' calling conventions on top.
 *
 * Windows' rules (MSDN, "MultiByteToWideChar", "WideCharToMultiByte"):
 * a length of -1 means NUL-terminated input, and the count then includes
 * the terminator; an output size of 0 asks for the size needed; a buffer too
 * small is ERROR_INSUFFICIENT_BUFFER; for UTF-8 the only flag allowed is
 * MB_/WC_ERR_INVALID_CHARS (else ERROR_INVALID_FLAGS), which turns invalid
 * input into ERROR_NO_UNICODE_TRANSLATION instead of U+FFFD; lpDefaultChar
 * and lpUsedDefaultChar must be NULL for UTF-8. Beyond Windows: on failure
 * the output buffer is untouched (Windows may have written part of it), so
 * the size is counted before anything is written.
 */
#include <windows.h>

#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <uchar.h>
#include <wchar.h>

#include "api/win32_error.h"
#include "common/wstr.h"

/* U+FFFD REPLACEMENT CHARACTER, for input that is not text. */
#define REPLACEMENT 0xFFFD

static bool is_utf8_code_page(UINT cp) {
    return cp == CP_UTF8 || cp == CP_ACP || cp == CP_OEMCP || cp == CP_THREAD_ACP;
}

static int failed(DWORD code) {
    SetLastError(code);
    return 0;
}

/* Decodes src[0..n) into dst (NULL: only count) and returns the count; when
 * strict, invalid input sets *invalid instead. */
static size_t utf8_to_wide(const char *src, size_t n, bool strict, WCHAR *dst, bool *invalid) {
    size_t count = 0;

    for (size_t i = 0; i < n; count++) {
        char32_t c;
        int r = utf8_decode(src + i, n - i, &c); /* a NUL byte is U+0000 here: lengths are explicit */

        if (r < 0) {
            if (strict) {
                *invalid = true;
                return 0;
            }
            c = REPLACEMENT, r = 1; /* each byte that is not UTF-8: one U+FFFD, as utf8_to_wcs_lossy */
        }
        if (dst)
            dst[count] = (WCHAR) c;
        i += (size_t) r;
    }
    return count;
}

int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCSTR lpMultiByteStr, int cbMultiByte,
                               LPWSTR lpWideCharStr, int cchWideChar) {
    bool invalid = false, strict = dwFlags & MB_ERR_INVALID_CHARS;
    size_t n, count;

    if (!lpMultiByteStr || cbMultiByte == 0 || cbMultiByte < -1 || cchWideChar < 0 ||
        (!lpWideCharStr && cchWideChar) || (const void *) lpMultiByteStr == (const void *) lpWideCharStr)
        return failed(ERROR_INVALID_PARAMETER);
    if (!is_utf8_code_page(CodePage))
        return failed(ERROR_INVALID_PARAMETER);
    if (dwFlags & ~(DWORD) MB_ERR_INVALID_CHARS)
        return failed(ERROR_INVALID_FLAGS);
    n = cbMultiByte == -1 ? strlen(lpMultiByteStr) + 1 : (size_t) cbMultiByte;
    if (n > INT_MAX)
        return failed(ERROR_INVALID_PARAMETER);

    count = utf8_to_wide(lpMultiByteStr, n, strict, NULL, &invalid);
    if (invalid)
        return failed(ERROR_NO_UNICODE_TRANSLATION);
    if (cchWideChar == 0)
        return (int) count;
    if (count > (size_t) cchWideChar)
        return failed(ERROR_INSUFFICIENT_BUFFER);
    utf8_to_wide(lpMultiByteStr, n, strict, lpWideCharStr, &invalid);
    return (int) count;
}

/* Encodes src[0..n) into dst (NULL: only count), as utf8_to_wide. */
static size_t wide_to_utf8(const WCHAR *src, size_t n, bool strict, char *dst, bool *invalid) {
    size_t count = 0;

    for (size_t i = 0; i < n; i++) {
        char buf[4];
        int r = utf8_encode((char32_t) src[i], buf);

        if (r < 0) {
            if (strict) {
                *invalid = true;
                return 0;
            }
            r = utf8_encode(REPLACEMENT, buf); /* surrogates, > U+10FFFF, negative */
        }
        if (dst)
            memcpy(dst + count, buf, (size_t) r);
        count += (size_t) r;
    }
    return count;
}

int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags, LPCWSTR lpWideCharStr, int cchWideChar,
                               LPSTR lpMultiByteStr, int cbMultiByte, LPCSTR lpDefaultChar,
                               LPBOOL lpUsedDefaultChar) {
    bool invalid = false, strict = dwFlags & WC_ERR_INVALID_CHARS;
    size_t n, count;

    if (!lpWideCharStr || cchWideChar == 0 || cchWideChar < -1 || cbMultiByte < 0 ||
        (!lpMultiByteStr && cbMultiByte) || (const void *) lpWideCharStr == (const void *) lpMultiByteStr)
        return failed(ERROR_INVALID_PARAMETER);
    if (!is_utf8_code_page(CodePage))
        return failed(ERROR_INVALID_PARAMETER);
    if (dwFlags & ~(DWORD) WC_ERR_INVALID_CHARS)
        return failed(ERROR_INVALID_FLAGS);
    /* UTF-8 can encode every scalar value: there is no default character. */
    if (lpDefaultChar || lpUsedDefaultChar)
        return failed(ERROR_INVALID_PARAMETER);
    n = cchWideChar == -1 ? wcslen(lpWideCharStr) + 1 : (size_t) cchWideChar;
    if (n > INT_MAX)
        return failed(ERROR_INVALID_PARAMETER);

    count = wide_to_utf8(lpWideCharStr, n, strict, NULL, &invalid);
    if (invalid)
        return failed(ERROR_NO_UNICODE_TRANSLATION);
    if (count > INT_MAX)
        return failed(ERROR_INSUFFICIENT_BUFFER); /* not expressible as the int result */
    if (cbMultiByte == 0)
        return (int) count;
    if (count > (size_t) cbMultiByte)
        return failed(ERROR_INSUFFICIENT_BUFFER);
    wide_to_utf8(lpWideCharStr, n, strict, lpMultiByteStr, &invalid);
    return (int) count;
}
