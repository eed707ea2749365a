#include "common/parse_int.h"

#include <errno.h>
#include <stdbool.h>

static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int digit_value(char c, unsigned base) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;

    return d < (int) base ? d : -1;
}

/* Cuts what the flags allow after the number; the length of what is left. */
static size_t trim_tail(const char *s, size_t len, unsigned flags) {
    if (flags & PARSE_INT_TRAILING_SPACE)
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n'))
            len--;
    else if ((flags & PARSE_INT_TRAILING_NEWLINE) && len > 0 && s[len - 1] == '\n')
        len--;
    return len;
}

/* The magnitude after blanks and sign are gone: digits only. */
static int parse_digits(const char *s, size_t len, unsigned base, uint64_t max, unsigned flags, uint64_t *ret) {
    uint64_t v = 0;
    bool too_big = false;

    if (len == 0)
        return -EINVAL;
    if (len > 1 && s[0] == '0' && !(flags & PARSE_INT_LEADING_ZEROS))
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        int d = digit_value(s[i], base);

        if (d < 0)
            return -EINVAL;
        if (v > (UINT64_MAX - (unsigned) d) / base)
            too_big = true; /* keep reading: a bad character still makes it -EINVAL */
        else
            v = v * base + (unsigned) d;
    }
    if (too_big || v > max)
        return -ERANGE;
    *ret = v;
    return 0;
}

/* Blanks (if allowed), then the sign; *ret_neg says whether it was '-'. */
static size_t skip_head(const char *s, size_t len, unsigned flags, bool *ret_neg) {
    size_t i = 0;

    *ret_neg = false;
    if (flags & PARSE_INT_LEADING_SPACE)
        while (i < len && is_space(s[i]))
            i++;
    if (i < len && s[i] == '+' && (flags & PARSE_INT_PLUS))
        i++;
    else if (i < len && s[i] == '-' && (flags & PARSE_INT_MINUS)) {
        *ret_neg = true;
        i++;
    }
    return i;
}

int parse_uint_n(const char *s, size_t len, unsigned base, uint64_t max, unsigned flags, uint64_t *ret) {
    size_t head;
    bool neg;

    if (!s || (base != 10 && base != 16))
        return -EINVAL;
    len = trim_tail(s, len, flags);
    head = skip_head(s, len, flags & ~(unsigned) PARSE_INT_MINUS, &neg);
    return parse_digits(s + head, len - head, base, max, flags, ret);
}

int parse_uint(const char *s, unsigned base, uint64_t max, unsigned flags, uint64_t *ret) {
    size_t len = 0;

    if (!s)
        return -EINVAL;
    while (s[len])
        len++;
    return parse_uint_n(s, len, base, max, flags, ret);
}

int parse_int_n(const char *s, size_t len, int64_t min, int64_t max, unsigned flags, int64_t *ret) {
    uint64_t mag;
    size_t head;
    bool neg;
    int r;

    if (!s || min > max)
        return -EINVAL;
    len = trim_tail(s, len, flags);
    head = skip_head(s, len, flags, &neg);
    r = parse_digits(s + head, len - head, 10, (uint64_t) INT64_MAX, flags, &mag);
    if (r < 0)
        return r;
    if ((neg ? -(int64_t) mag : (int64_t) mag) < min || (neg ? -(int64_t) mag : (int64_t) mag) > max)
        return -ERANGE;
    *ret = neg ? -(int64_t) mag : (int64_t) mag;
    return 0;
}
