/* UTF-8 ↔ wchar_t conversions: strict where it matters, lossy where names are shown. */
#include <errno.h>
#include <stdlib.h>
#include <wchar.h>

#include "common/wstr.h"
#include "tap.h"

static void ascii_round_trips(void) {
    wchar_t *w = NULL;
    char *s = NULL;

    REQUIRE(utf8_to_wcs("alice", &w) == 0);
    CHECK_WCSEQ(w, L"alice");
    REQUIRE(wcs_to_utf8(w, &s) == 0);
    CHECK_STREQ(s, "alice");
    free(w);
    free(s);
}

static void multibyte_round_trips(void) {
    const char *text = "Jos\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"; /* José 日本 😀 */
    wchar_t *w = NULL;
    char *s = NULL;
    size_t n;

    REQUIRE(utf8_to_wcs(text, &w) == 0);
    CHECK_EQ_U(wcslen(w), 9);
    CHECK_EQ_U(w[3], 0xE9);
    CHECK_EQ_U(w[8], 0x1F600);
    REQUIRE(utf8_wcslen(text, &n) == 0);
    CHECK_EQ_U(n, 9);
    REQUIRE(wcs_to_utf8(w, &s) == 0);
    CHECK_STREQ(s, text);
    free(w);
    free(s);
}

static void overlong_encoding_is_rejected(void) {
    wchar_t *w = NULL;

    CHECK_EQ_I(utf8_to_wcs("\xc0\xaf", &w), -EILSEQ);
    CHECK_EQ_I(utf8_to_wcs("\xe0\x80\xaf", &w), -EILSEQ);
    CHECK(w == NULL);
}

static void surrogate_and_out_of_range_are_rejected(void) {
    wchar_t *w = NULL;
    char *s = NULL;
    const wchar_t surrogate[] = {0xD800, 0};
    const wchar_t too_big[] = {0x110000, 0};

    CHECK_EQ_I(utf8_to_wcs("\xed\xa0\x80", &w), -EILSEQ);
    CHECK_EQ_I(utf8_to_wcs("\xf4\x90\x80\x80", &w), -EILSEQ);
    CHECK_EQ_I(wcs_to_utf8(surrogate, &s), -EILSEQ);
    CHECK_EQ_I(wcs_to_utf8(too_big, &s), -EILSEQ);
    CHECK(w == NULL && s == NULL);
}

static void truncated_sequence_is_rejected(void) {
    wchar_t *w = NULL;

    CHECK_EQ_I(utf8_to_wcs("ab\xe6\x97", &w), -EILSEQ);
    CHECK_EQ_I(utf8_to_wcs("\x80", &w), -EILSEQ);
}

static void lossy_conversion_replaces_each_bad_byte(void) {
    wchar_t w[16];

    CHECK_EQ_U(utf8_wcslen_lossy("a\xff\xfe" "b"), 4);
    utf8_to_wcs_lossy("a\xff\xfe" "b", w);
    CHECK_WCSEQ(w, L"a\xFFFD\xFFFD" L"b");
}

static void truncation_stops_at_a_character_boundary(void) {
    char out[5];
    wchar_t wout[3];

    utf8_copy_truncated(out, sizeof(out), "ab\xe6\x97\xa5" "c"); /* "ab日c": 日 does not fit after "ab" in 4 bytes */
    CHECK_STREQ(out, "ab");
    utf8_copy_truncated(out, sizeof(out), "abcdefg");
    CHECK_STREQ(out, "abcd");
    wcs_copy_truncated_from_utf8(wout, 3, "xyz");
    CHECK_WCSEQ(wout, L"xy");
}

static void buffer_forms_refuse_to_overflow(void) {
    wchar_t w[3];
    char s[3];

    CHECK_EQ_I(utf8_to_wcs_buf("abc", w, 3), -ENOBUFS);
    CHECK_EQ_I(utf8_to_wcs_buf("ab", w, 3), 0);
    CHECK_WCSEQ(w, L"ab");
    CHECK_EQ_I(wcs_to_utf8_buf(L"\xe9\xe9", s, 3), -ENOBUFS);
}

TAP_MAIN(CASE(ascii_round_trips), CASE(multibyte_round_trips), CASE(overlong_encoding_is_rejected),
         CASE(surrogate_and_out_of_range_are_rejected), CASE(truncated_sequence_is_rejected),
         CASE(lossy_conversion_replaces_each_bad_byte), CASE(truncation_stops_at_a_character_boundary),
         CASE(buffer_forms_refuse_to_overflow))
