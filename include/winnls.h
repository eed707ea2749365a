/*
 * winnls.h — code-page identifiers and conversion flags, as in Windows.
 *
 * wtsnet's "ANSI" and "OEM" code pages are UTF-8: on Linux the A API takes
 * and returns UTF-8 whatever the locale says (windows.h), as Windows does in
 * a process whose manifest selects UTF-8 as its active code page. So CP_ACP,
 * CP_OEMCP and CP_THREAD_ACP convert exactly as CP_UTF8 does (docs/api.md,
 * "Code pages"). No other code page is supported.
 */
#ifndef WTSNET_WINNLS_H
#define WTSNET_WINNLS_H

#define CP_ACP 0
#define CP_OEMCP 1
#define CP_THREAD_ACP 3
#define CP_UTF7 65000
#define CP_UTF8 65001

/* MultiByteToWideChar: fail on invalid input instead of writing U+FFFD. */
#define MB_ERR_INVALID_CHARS 0x00000008
/* WideCharToMultiByte: fail on a WCHAR that is no Unicode scalar value. */
#define WC_ERR_INVALID_CHARS 0x00000080

#endif
