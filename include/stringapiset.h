/*
 * stringapiset.h — text conversion between code pages and WCHAR, as
 * kernel32 exports it (included by windows.h, as on Windows).
 *
 * WCHAR is wchar_t, 32 bits on Linux: one WCHAR holds one code point (UTF-32).
 * Surrogates are never produced, and a UTF-16 surrogate pair passed in is
 * not combined: each half is an invalid character (U+FFFD, or
 * ERROR_NO_UNICODE_TRANSLATION with WC_ERR_INVALID_CHARS). Code pages and
 * flags: winnls.h; the rules: docs/api.md, "Code pages".
 */
#ifndef WTSNET_STRINGAPISET_H
#define WTSNET_STRINGAPISET_H

#include <windows.h>
#include <winnls.h>

#ifdef __cplusplus
extern "C" {
#endif

int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCSTR lpMultiByteStr, int cbMultiByte,
                               LPWSTR lpWideCharStr, int cchWideChar);
int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags, LPCWSTR lpWideCharStr, int cchWideChar,
                               LPSTR lpMultiByteStr, int cbMultiByte, LPCSTR lpDefaultChar,
                               LPBOOL lpUsedDefaultChar);

#ifdef __cplusplus
}
#endif

#endif
