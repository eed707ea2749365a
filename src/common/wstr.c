#include "common/wstr.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

static int is_scalar_value(char32_t c) {
    return c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF);
}

int utf8_decode(const char *s, size_t n, char32_t *ret) {
    const unsigned char *p = (const unsigned char *) s;
    char32_t c, min;
    size_t len;

    if (n == 0)
        return -EILSEQ;
    if (p[0] < 0x80) {
        *ret = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0) {
        len = 2, c = p[0] & 0x1F, min = 0x80;
    } else if ((p[0] & 0xF0) == 0xE0) {
        len = 3, c = p[0] & 0x0F, min = 0x800;
    } else if ((p[0] & 0xF8) == 0xF0) {
        len = 4, c = p[0] & 0x07, min = 0x10000;
    } else
        return -EILSEQ;
    if (n < len)
        return -EILSEQ;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -EILSEQ;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || !is_scalar_value(c))
        return -EILSEQ;
    *ret = c;
    return (int) len;
}

int utf8_encode(char32_t c, char buf[4]) {
    if (!is_scalar_value(c))
        return -EILSEQ;
    if (c < 0x80) {
        buf[0] = (char) c;
        return 1;
    }
    if (c < 0x800) {
        buf[0] = (char) (0xC0 | (c >> 6));
        buf[1] = (char) (0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        buf[0] = (char) (0xE0 | (c >> 12));
        buf[1] = (char) (0x80 | ((c >> 6) & 0x3F));
        buf[2] = (char) (0x80 | (c & 0x3F));
        return 3;
    }
    buf[0] = (char) (0xF0 | (c >> 18));
    buf[1] = (char) (0x80 | ((c >> 12) & 0x3F));
    buf[2] = (char) (0x80 | ((c >> 6) & 0x3F));
    buf[3] = (char) (0x80 | (c & 0x3F));
    return 4;
}

int utf8_wcslen(const char *s, size_t *ret) {
    size_t n = strlen(s), count = 0;
    char32_t c;

    for (size_t i = 0; i < n; count++) {
        int r = utf8_decode(s + i, n - i, &c);
        if (r < 0)
            return r;
        i += (size_t) r;
    }
    *ret = count;
    return 0;
}

int wcs_utf8len(const wchar_t *wcs, size_t *ret) {
    size_t total = 0;
    char buf[4];

    for (; *wcs; wcs++) {
        int r = utf8_encode((char32_t) *wcs, buf);
        if (r < 0)
            return r;
        total += (size_t) r;
    }
    *ret = total;
    return 0;
}

int utf8_to_wcs_buf(const char *s, wchar_t *dst, size_t dst_chars) {
    size_t n = strlen(s), out = 0;
    char32_t c;

    for (size_t i = 0; i < n;) {
        int r = utf8_decode(s + i, n - i, &c);
        if (r < 0)
            return r;
        if (out + 1 >= dst_chars)
            return -ENOBUFS;
        dst[out++] = (wchar_t) c;
        i += (size_t) r;
    }
    if (dst_chars == 0)
        return -ENOBUFS;
    dst[out] = L'\0';
    return 0;
}

int wcs_to_utf8_buf(const wchar_t *wcs, char *dst, size_t dst_size) {
    size_t out = 0;
    char buf[4];

    for (; *wcs; wcs++) {
        int r = utf8_encode((char32_t) *wcs, buf);
        if (r < 0)
            return r;
        if (out + (size_t) r >= dst_size)
            return -ENOBUFS;
        memcpy(dst + out, buf, (size_t) r);
        out += (size_t) r;
    }
    if (dst_size == 0)
        return -ENOBUFS;
    dst[out] = '\0';
    return 0;
}

int utf8_to_wcs(const char *s, wchar_t **ret) {
    size_t len;
    wchar_t *w;
    int r = utf8_wcslen(s, &len);

    if (r < 0)
        return r;
    w = malloc((len + 1) * sizeof(wchar_t));
    if (!w)
        return -ENOMEM;
    r = utf8_to_wcs_buf(s, w, len + 1);
    if (r < 0) {
        free(w);
        return r;
    }
    *ret = w;
    return 0;
}

int wcs_to_utf8(const wchar_t *wcs, char **ret) {
    size_t len;
    char *s;
    int r = wcs_utf8len(wcs, &len);

    if (r < 0)
        return r;
    s = malloc(len + 1);
    if (!s)
        return -ENOMEM;
    r = wcs_to_utf8_buf(wcs, s, len + 1);
    if (r < 0) {
        free(s);
        return r;
    }
    *ret = s;
    return 0;
}

void utf8_copy_truncated(char *dst, size_t dst_size, const char *src) {
    size_t n = strlen(src), out = 0;
    char32_t c;

    if (dst_size == 0)
        return;
    for (size_t i = 0; i < n;) {
        int r = utf8_decode(src + i, n - i, &c);
        if (r < 0) {
            out = 0; /* invalid text is never half-copied */
            break;
        }
        if (out + (size_t) r >= dst_size)
            break;
        memcpy(dst + out, src + i, (size_t) r);
        out += (size_t) r;
        i += (size_t) r;
    }
    dst[out] = '\0';
}

void wcs_copy_truncated_from_utf8(wchar_t *dst, size_t dst_chars, const char *src) {
    size_t n = strlen(src), out = 0;
    char32_t c;

    if (dst_chars == 0)
        return;
    for (size_t i = 0; i < n && out + 1 < dst_chars;) {
        int r = utf8_decode(src + i, n - i, &c);
        if (r < 0) {
            out = 0;
            break;
        }
        dst[out++] = (wchar_t) c;
        i += (size_t) r;
    }
    dst[out] = L'\0';
}

size_t utf8_wcslen_lossy(const char *s) {
    size_t n = strlen(s), count = 0;
    char32_t c;

    for (size_t i = 0; i < n; count++) {
        int r = utf8_decode(s + i, n - i, &c);
        i += r > 0 ? (size_t) r : 1;
    }
    return count;
}

void utf8_to_wcs_lossy(const char *s, wchar_t *dst) {
    size_t n = strlen(s), out = 0;
    char32_t c;

    for (size_t i = 0; i < n;) {
        int r = utf8_decode(s + i, n - i, &c);
        dst[out++] = r > 0 ? (wchar_t) c : (wchar_t) 0xFFFD;
        i += r > 0 ? (size_t) r : 1;
    }
    dst[out] = L'\0';
}
