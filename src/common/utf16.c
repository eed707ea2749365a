#include "common/utf16.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "common/wstr.h"

static locale_t utf8_locale(void) {
    static locale_t loc;
    static int tried;

    /* Full Unicode case tables live in the C.UTF-8 locale; plain "C" only maps ASCII. */
    if (!__atomic_load_n(&tried, __ATOMIC_ACQUIRE)) {
        locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
        locale_t expected = (locale_t) 0;

        if (l && !__atomic_compare_exchange_n(&loc, &expected, l, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            freelocale(l);
        __atomic_store_n(&tried, 1, __ATOMIC_RELEASE);
    }
    return __atomic_load_n(&loc, __ATOMIC_ACQUIRE);
}

static int put_utf8(struct buf *b, const char *s, size_t *ret_units, int upper) {
    size_t n = strlen(s), units = 0;
    locale_t loc = upper ? utf8_locale() : (locale_t) 0;

    for (size_t i = 0; i < n;) {
        char32_t c;
        int k = utf8_decode(s + i, n - i, &c);

        if (k < 0)
            return k;
        i += (size_t) k;
        if (upper) {
            char32_t u = loc ? (char32_t) towupper_l((wint_t) c, loc)
                             : (c >= 'a' && c <= 'z' ? c - 32 : c);
            /* Windows upper-cases per UTF-16 unit: keep mappings that change plane. */
            if ((u < 0x10000) == (c < 0x10000))
                c = u;
        }
        if (c >= 0x10000) {
            c -= 0x10000;
            buf_put_u16(b, (uint16_t) (0xD800 | (c >> 10)));
            buf_put_u16(b, (uint16_t) (0xDC00 | (c & 0x3FF)));
            units += 2;
        } else {
            buf_put_u16(b, (uint16_t) c);
            units++;
        }
    }
    if (ret_units)
        *ret_units = units;
    return buf_error(b);
}

int utf16_put_utf8(struct buf *b, const char *s, size_t *ret_units) {
    return put_utf8(b, s, ret_units, 0);
}

int utf16_put_utf8_upper(struct buf *b, const char *s, size_t *ret_units) {
    return put_utf8(b, s, ret_units, 1);
}

int utf16_to_utf8(const uint8_t *p, size_t units, char **ret) {
    char *out, *o;

    if (units > (SIZE_MAX - 1) / 3)
        return -ENOMEM;
    out = malloc(units * 3 + 1); /* a unit yields at most 3 bytes; a pair 4 */
    if (!out)
        return -ENOMEM;
    o = out;
    for (size_t i = 0; i < units; i++) {
        char32_t c = get_le16(p + 2 * i);
        int k;

        if (c == 0)
            break;
        if (c >= 0xD800 && c <= 0xDBFF) {
            char32_t lo;

            if (i + 1 >= units)
                goto bad;
            lo = get_le16(p + 2 * (i + 1));
            if (lo < 0xDC00 || lo > 0xDFFF)
                goto bad;
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            i++;
        } else if (c >= 0xDC00 && c <= 0xDFFF)
            goto bad;
        k = utf8_encode(c, o);
        if (k < 0)
            goto bad;
        o += k;
    }
    *o = '\0';
    *ret = out;
    return 0;
bad:
    free(out);
    return -EILSEQ;
}
