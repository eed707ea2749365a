/*
 * MultiByteToWideChar / WideCharToMultiByte as a ported program calls them,
 * in the manner of Wine's kernel32 codepage tests: last-error and output
 * buffers are poisoned before each call, so a test sees what the call set
 * and what it wrote, and nothing else. Windows' rules: MSDN's pages for the
 * two functions; wtsnet's code pages are UTF-8 (winnls.h, docs/api.md).
 */
#include <windows.h>

#include <stdbool.h>
#include <string.h>
#include <wchar.h>

#include "tap.h"

#define POISON_ERROR 0xdeadbeefu
#define POISON_W ((wchar_t) 0x5a5a)
#define POISON_B ((char) 0x5a)

static wchar_t wbuf[32];
static char bbuf[64];

static void poison(void) {
    SetLastError(POISON_ERROR);
    wmemset(wbuf, POISON_W, 32);
    memset(bbuf, POISON_B, sizeof(bbuf));
}

static bool wide_untouched(void) {
    for (size_t i = 0; i < 32; i++)
        if (wbuf[i] != POISON_W)
            return false;
    return true;
}

static bool bytes_untouched(void) {
    for (size_t i = 0; i < sizeof(bbuf); i++)
        if (bbuf[i] != POISON_B)
            return false;
    return true;
}

/* "é€😀": 2, 3 and 4 bytes of UTF-8, one WCHAR each. */
static const char text[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";

static void nul_terminated_input_counts_and_writes_the_terminator(void) {
    poison();
    CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, 0, text, -1, NULL, 0), 5);
    CHECK_EQ_U(GetLastError(), POISON_ERROR); /* success leaves last-error alone */
    CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, 0, text, -1, wbuf, 32), 5);
    CHECK_WCSEQ(wbuf, L"a\u00e9\u20ac\U0001F600");
    CHECK(wbuf[5] == POISON_W); /* nothing past the count */
    CHECK_EQ_U(GetLastError(), POISON_ERROR);

    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF8, 0, L"a\u00e9\u20ac\U0001F600", -1, NULL, 0, NULL, NULL), 11);
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF8, 0, L"a\u00e9\u20ac\U0001F600", -1, bbuf, 64, NULL, NULL), 11);
    CHECK_STREQ(bbuf, text);
    CHECK(bbuf[11] == POISON_B);
    CHECK_EQ_U(GetLastError(), POISON_ERROR);
}

static void explicit_length_has_no_terminator_and_keeps_embedded_nuls(void) {
    poison();
    CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, 0, "ab\0c", 4, wbuf, 32), 4);
    CHECK(wbuf[0] == L'a' && wbuf[1] == L'b' && wbuf[2] == 0 && wbuf[3] == L'c' && wbuf[4] == POISON_W);
    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF8, 0, L"ab\0c", 4, bbuf, 64, NULL, NULL), 4);
    CHECK(memcmp(bbuf, "ab\0c", 4) == 0 && bbuf[4] == POISON_B);
}

static void acp_oemcp_and_thread_acp_are_utf8(void) {
    static const UINT pages[] = {CP_ACP, CP_OEMCP, CP_THREAD_ACP};

    for (size_t i = 0; i < 3; i++) {
        poison();
        CHECK_EQ_I(MultiByteToWideChar(pages[i], 0, text, -1, wbuf, 32), 5);
        CHECK_WCSEQ(wbuf, L"a\u00e9\u20ac\U0001F600");
        CHECK_EQ_I(WideCharToMultiByte(pages[i], 0, wbuf, -1, bbuf, 64, NULL, NULL), 11);
        CHECK_STREQ(bbuf, text);
        CHECK_EQ_U(GetLastError(), POISON_ERROR);
    }
}

static void too_small_a_buffer_is_insufficient_buffer_and_writes_nothing(void) {
    poison();
    CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, 0, text, -1, wbuf, 4), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    CHECK(wide_untouched());
    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF8, 0, L"a\u00e9\u20ac", -1, bbuf, 6, NULL, NULL), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    CHECK(bytes_untouched());
}

static void invalid_utf8_is_replaced_unless_mb_err_invalid_chars(void) {
    /* A lone continuation byte, a truncated sequence, an overlong '/', an encoded surrogate. */
    static const char *bad[] = {"x\x80y", "x\xe2\x82", "\xc0\xaf", "\xed\xa0\x80"};
    static const int replaced[] = {3, 3, 2, 3};

    for (size_t i = 0; i < 4; i++) {
        poison();
        CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, bad[i], -1, wbuf, 32), 0);
        CHECK_EQ_U(GetLastError(), ERROR_NO_UNICODE_TRANSLATION);
        CHECK(wide_untouched());
        poison();
        CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, 0, bad[i], (int) strlen(bad[i]), wbuf, 32), replaced[i]);
        CHECK(wmemchr(wbuf, 0xFFFD, (size_t) replaced[i]) != NULL); /* each bad byte: one U+FFFD */
        CHECK_EQ_U(GetLastError(), POISON_ERROR);
    }
    poison();
    MultiByteToWideChar(CP_UTF8, 0, "x\x80y", -1, wbuf, 32);
    CHECK_WCSEQ(wbuf, L"x\uFFFDy");
}

static void surrogates_are_not_characters_of_a_32_bit_wchar(void) {
    /* A UTF-16 pair for U+1F600 is two invalid WCHARs here, not one character. */
    static const wchar_t pair[] = {0xD83D, 0xDE00, 0};
    static const wchar_t beyond[] = {0x110000, 0};

    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, pair, -1, bbuf, 64, NULL, NULL), 0);
    CHECK_EQ_U(GetLastError(), ERROR_NO_UNICODE_TRANSLATION);
    CHECK(bytes_untouched());
    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, beyond, -1, bbuf, 64, NULL, NULL), 0);
    CHECK_EQ_U(GetLastError(), ERROR_NO_UNICODE_TRANSLATION);
    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF8, 0, pair, -1, bbuf, 64, NULL, NULL), 7);
    CHECK_STREQ(bbuf, "\xef\xbf\xbd\xef\xbf\xbd");
    CHECK_EQ_U(GetLastError(), POISON_ERROR);
}

static void default_char_with_utf8_is_invalid_parameter(void) {
    BOOL used = 7;

    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF8, 0, L"a", -1, bbuf, 64, "?", NULL), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_ACP, 0, L"a", -1, bbuf, 64, NULL, &used), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(used == 7);
    CHECK(bytes_untouched());
}

static void bad_arguments_code_pages_and_flags_are_refused(void) {
    poison();
    CHECK_EQ_I(MultiByteToWideChar(1252, 0, "a", -1, wbuf, 32), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF7, 0, L"a", -1, bbuf, 64, NULL, NULL), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    poison();
    CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, 0, NULL, -1, wbuf, 32), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    poison();
    CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, 0, "a", 0, wbuf, 32), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    poison();
    CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, 0, "a", -2, wbuf, 32), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    poison();
    CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, 0, "a", -1, NULL, 4), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF8, 0, L"a", -1, bbuf, -1, NULL, NULL), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    poison();
    CHECK_EQ_I(MultiByteToWideChar(CP_UTF8, 0x1 /* MB_PRECOMPOSED */, "a", -1, wbuf, 32), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_FLAGS);
    poison();
    CHECK_EQ_I(WideCharToMultiByte(CP_UTF8, 0x400 /* WC_NO_BEST_FIT_CHARS */, L"a", -1, bbuf, 64, NULL, NULL), 0);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_FLAGS);
    CHECK(wide_untouched());
    CHECK(bytes_untouched());
}

TAP_MAIN(CASE(nul_terminated_input_counts_and_writes_the_terminator),
         CASE(explicit_length_has_no_terminator_and_keeps_embedded_nuls),
         CASE(acp_oemcp_and_thread_acp_are_utf8),
         CASE(too_small_a_buffer_is_insufficient_buffer_and_writes_nothing),
         CASE(invalid_utf8_is_replaced_unless_mb_err_invalid_chars),
         CASE(surrogates_are_not_characters_of_a_32_bit_wchar),
         CASE(default_char_with_utf8_is_invalid_parameter),
         CASE(bad_arguments_code_pages_and_flags_are_refused))
