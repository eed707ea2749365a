/* The one family of integer parsers (src/common/parse_int.h): strict unless
 * a relaxation is asked for by name, and *ret untouched on failure. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "common/parse_int.h"
#include "tap.h"

#define POISON UINT64_C(0x5a5a5a5a5a5a5a5a)

static int u(const char *s, unsigned base, uint64_t max, unsigned flags, uint64_t *ret) {
    return parse_uint_n(s, strlen(s), base, max, flags, ret);
}

static void strict_decimal_takes_digits_only(void) {
    uint64_t v = POISON;

    CHECK(u("0", 10, UINT64_MAX, 0, &v) == 0 && v == 0);
    CHECK(u("4294967295", 10, UINT32_MAX, 0, &v) == 0 && v == UINT32_MAX);
    v = POISON;
    CHECK_EQ_I(u("", 10, UINT64_MAX, 0, &v), -EINVAL);
    CHECK_EQ_I(u("007", 10, UINT64_MAX, 0, &v), -EINVAL);
    CHECK_EQ_I(u(" 7", 10, UINT64_MAX, 0, &v), -EINVAL);
    CHECK_EQ_I(u("+7", 10, UINT64_MAX, 0, &v), -EINVAL);
    CHECK_EQ_I(u("-7", 10, UINT64_MAX, 0, &v), -EINVAL);
    CHECK_EQ_I(u("7\n", 10, UINT64_MAX, 0, &v), -EINVAL);
    CHECK_EQ_I(u("20abc", 10, UINT64_MAX, 0, &v), -EINVAL);
    CHECK_EQ_I(u("0x10", 10, UINT64_MAX, 0, &v), -EINVAL);
    CHECK_EQ_U(v, POISON);
    CHECK_EQ_I(parse_uint(NULL, 10, UINT64_MAX, 0, &v), -EINVAL);
}

static void above_max_is_a_range_error(void) {
    uint64_t v = POISON;

    CHECK_EQ_I(u("4294967296", 10, UINT32_MAX, 0, &v), -ERANGE);
    CHECK_EQ_I(u("18446744073709551616", 10, UINT64_MAX, 0, &v), -ERANGE);
    CHECK_EQ_I(u("99999999999999999999999x", 10, UINT64_MAX, 0, &v), -EINVAL); /* not a number at all */
    CHECK_EQ_U(v, POISON);
    CHECK(u("18446744073709551615", 10, UINT64_MAX, 0, &v) == 0 && v == UINT64_MAX);
}

static void each_relaxation_is_asked_for_by_name(void) {
    uint64_t v = POISON;

    CHECK(u("007", 10, 100, PARSE_INT_LEADING_ZEROS, &v) == 0 && v == 7);
    CHECK(u(" \t42", 10, 100, PARSE_INT_LEADING_SPACE, &v) == 0 && v == 42);
    CHECK(u("+42", 10, 100, PARSE_INT_PLUS, &v) == 0 && v == 42);
    CHECK(u("42\n", 10, 100, PARSE_INT_TRAILING_NEWLINE, &v) == 0 && v == 42);
    CHECK_EQ_I(u("42\n\n", 10, 100, PARSE_INT_TRAILING_NEWLINE, &v), -EINVAL);
    CHECK(u("42 \n ", 10, 100, PARSE_INT_TRAILING_SPACE, &v) == 0 && v == 42);
    CHECK_EQ_I(u("-42", 10, 100, PARSE_INT_MINUS, &v), -EINVAL); /* unsigned: never a sign '-' */
    CHECK_EQ_I(u("\n", 10, 100, PARSE_INT_TRAILING_NEWLINE, &v), -EINVAL);
}

static void hex_takes_both_cases_and_no_prefix(void) {
    uint64_t v = POISON;

    CHECK(u("0100007F", 16, UINT32_MAX, PARSE_INT_LEADING_ZEROS, &v) == 0 && v == 0x0100007F);
    CHECK(u("ff", 16, UINT32_MAX, 0, &v) == 0 && v == 0xff);
    CHECK_EQ_I(u("0x1", 16, UINT32_MAX, PARSE_INT_LEADING_ZEROS, &v), -EINVAL);
    CHECK_EQ_I(u("g", 16, UINT32_MAX, 0, &v), -EINVAL);
    CHECK_EQ_I(u("1", 8, UINT32_MAX, 0, &v), -EINVAL); /* bases 10 and 16 only */
}

static void length_bounds_the_input(void) {
    uint64_t v = POISON;

    CHECK(parse_uint_n("12345", 2, 10, 100, 0, &v) == 0 && v == 12);
    CHECK_EQ_I(parse_uint_n("12345", 0, 10, 100, 0, &v), -EINVAL);
}

static void signed_numbers_stay_inside_their_range(void) {
    int64_t v = -7;

    CHECK(parse_int_n("-1", 2, INT32_MIN, INT32_MAX, PARSE_INT_MINUS, &v) == 0 && v == -1);
    CHECK(parse_int_n("-0", 2, 0, INT32_MAX, PARSE_INT_MINUS, &v) == 0 && v == 0);
    v = -7;
    CHECK_EQ_I(parse_int_n("-1", 2, INT32_MIN, INT32_MAX, 0, &v), -EINVAL);
    CHECK_EQ_I(parse_int_n("-1", 2, 0, INT32_MAX, PARSE_INT_MINUS, &v), -ERANGE);
    CHECK_EQ_I(parse_int_n("2147483648", 10, INT32_MIN, INT32_MAX, 0, &v), -ERANGE);
    CHECK_EQ_I(parse_int_n("-", 1, INT32_MIN, INT32_MAX, PARSE_INT_MINUS, &v), -EINVAL);
    CHECK_EQ_I(v, -7);
}

TAP_MAIN(CASE(strict_decimal_takes_digits_only), CASE(above_max_is_a_range_error),
         CASE(each_relaxation_is_asked_for_by_name), CASE(hex_takes_both_cases_and_no_prefix),
         CASE(length_bounds_the_input), CASE(signed_numbers_stay_inside_their_range))
