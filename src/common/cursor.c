#include "common/cursor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void cur_init(struct cursor *c, const void *data, size_t len) {
    c->base = data;
    c->len = data ? len : 0;
    c->pos = 0;
}

int cur_get_ptr(struct cursor *c, size_t n, const uint8_t **ret) {
    if (n > cur_left(c))
        return -EBADMSG;
    *ret = c->base + c->pos;
    c->pos += n;
    return 0;
}

int cur_get_bytes(struct cursor *c, void *dst, size_t n) {
    const uint8_t *p;
    int r = cur_get_ptr(c, n, &p);

    if (r < 0)
        return r;
    if (n)
        memcpy(dst, p, n);
    return 0;
}

int cur_get_u8(struct cursor *c, uint8_t *ret) {
    return cur_get_bytes(c, ret, 1);
}

int cur_get_u16(struct cursor *c, uint16_t *ret) {
    const uint8_t *p;
    int r = cur_get_ptr(c, 2, &p);

    if (r >= 0)
        *ret = get_le16(p);
    return r;
}

int cur_get_u32(struct cursor *c, uint32_t *ret) {
    const uint8_t *p;
    int r = cur_get_ptr(c, 4, &p);

    if (r >= 0)
        *ret = get_le32(p);
    return r;
}

int cur_get_u64(struct cursor *c, uint64_t *ret) {
    const uint8_t *p;
    int r = cur_get_ptr(c, 8, &p);

    if (r >= 0)
        *ret = get_le64(p);
    return r;
}

int cur_get_u16_be(struct cursor *c, uint16_t *ret) {
    const uint8_t *p;
    int r = cur_get_ptr(c, 2, &p);

    if (r >= 0)
        *ret = (uint16_t) (p[0] << 8 | p[1]);
    return r;
}

int cur_get_u32_be(struct cursor *c, uint32_t *ret) {
    const uint8_t *p;
    int r = cur_get_ptr(c, 4, &p);

    if (r >= 0)
        *ret = (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
    return r;
}

int cur_skip(struct cursor *c, size_t n) {
    const uint8_t *p;

    return cur_get_ptr(c, n, &p);
}

int cur_seek(struct cursor *c, size_t off) {
    if (off > c->len)
        return -EBADMSG;
    c->pos = off;
    return 0;
}

int cur_align(struct cursor *c, size_t a) {
    size_t pad = (a - (c->pos & (a - 1))) & (a - 1);

    return cur_skip(c, pad);
}

int cur_sub(struct cursor *c, size_t n, struct cursor *ret) {
    const uint8_t *p;
    int r = cur_get_ptr(c, n, &p);

    if (r >= 0)
        cur_init(ret, p, n);
    return r;
}

int cur_slice(const struct cursor *c, size_t off, size_t len, struct cursor *ret) {
    if (off > c->len || len > c->len - off)
        return -EBADMSG;
    cur_init(ret, c->base + off, len);
    return 0;
}

int cur_peek_char(const struct cursor *c, char *ret) {
    if (cur_left(c) == 0)
        return -EBADMSG;
    *ret = (char) c->base[c->pos];
    return 0;
}

int cur_get_char(struct cursor *c, char *ret) {
    int r = cur_peek_char(c, ret);

    if (r >= 0)
        c->pos++;
    return r;
}

void cur_skip_any(struct cursor *c, const char *set) {
    while (cur_left(c) > 0 && c->base[c->pos] != '\0' && strchr(set, c->base[c->pos]))
        c->pos++;
}

int cur_get_until(struct cursor *c, char delim, const char **ret, size_t *ret_len) {
    const uint8_t *start = cur_ptr(c), *end;
    size_t n;

    if (cur_left(c) == 0)
        return -EBADMSG;
    end = memchr(start, delim, cur_left(c));
    n = end ? (size_t) (end - start) : cur_left(c);
    *ret = (const char *) start;
    *ret_len = n;
    c->pos += n + (end ? 1 : 0);
    return 0;
}

int cur_get_line(struct cursor *c, const char **ret, size_t *ret_len) {
    return cur_get_until(c, '\n', ret, ret_len);
}

int cur_get_token(struct cursor *c, const char **ret, size_t *ret_len) {
    struct cursor t = *c;
    size_t n = 0;

    cur_skip_any(&t, " \t");
    while (n < cur_left(&t) && t.base[t.pos + n] != ' ' && t.base[t.pos + n] != '\t' && t.base[t.pos + n] != '\n')
        n++;
    if (n == 0)
        return -EBADMSG;
    *ret = (const char *) cur_ptr(&t);
    *ret_len = n;
    c->pos = t.pos + n;
    return 0;
}

int cur_expect(struct cursor *c, const char *lit) {
    size_t n = strlen(lit);

    if (n > cur_left(c) || memcmp(cur_ptr(c), lit, n) != 0)
        return -EBADMSG;
    c->pos += n;
    return 0;
}

void buf_init(struct buf *b) {
    memset(b, 0, sizeof(*b));
}

void buf_init_secret(struct buf *b) {
    buf_init(b);
    b->secret = true;
}

void buf_free(struct buf *b) {
    if (!b)
        return;
    if (b->secret && b->data)
        explicit_bzero(b->data, b->cap);
    free(b->data);
    buf_init(b);
}

uint8_t *buf_steal(struct buf *b, size_t *ret_len) {
    uint8_t *d = b->data;

    if (ret_len)
        *ret_len = b->len;
    buf_init(b);
    return d;
}

uint8_t *buf_reserve(struct buf *b, size_t n) {
    uint8_t *p;

    if (b->failed)
        return NULL;
    if (n > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return NULL;
    }
    if (!b->data || b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        uint8_t *d;

        while (cap < b->len + n)
            cap *= 2;
        if (b->secret) {
            d = malloc(cap);
            if (d && b->data) {
                memcpy(d, b->data, b->len);
                explicit_bzero(b->data, b->cap);
                free(b->data);
            }
        } else
            d = realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return NULL;
        }
        b->data = d;
        b->cap = cap;
    }
    p = b->data + b->len;
    memset(p, 0, n);
    b->len += n;
    return p;
}

void buf_put_bytes(struct buf *b, const void *p, size_t n) {
    uint8_t *d = buf_reserve(b, n);

    if (d && n)
        memcpy(d, p, n);
}

void buf_put_zero(struct buf *b, size_t n) {
    buf_reserve(b, n);
}

void buf_put_u8(struct buf *b, uint8_t v) {
    buf_put_bytes(b, &v, 1);
}

void buf_put_u16(struct buf *b, uint16_t v) {
    uint8_t *d = buf_reserve(b, 2);

    if (d)
        put_le16(d, v);
}

void buf_put_u32(struct buf *b, uint32_t v) {
    uint8_t *d = buf_reserve(b, 4);

    if (d)
        put_le32(d, v);
}

void buf_put_u64(struct buf *b, uint64_t v) {
    uint8_t *d = buf_reserve(b, 8);

    if (d)
        put_le64(d, v);
}

void buf_put_u16_be(struct buf *b, uint16_t v) {
    uint8_t *d = buf_reserve(b, 2);

    if (d)
        d[0] = (uint8_t) (v >> 8), d[1] = (uint8_t) v;
}

void buf_put_u32_be(struct buf *b, uint32_t v) {
    uint8_t *d = buf_reserve(b, 4);

    if (d)
        put_be32(d, v);
}

void buf_align(struct buf *b, size_t origin, size_t a) {
    size_t rel = b->len >= origin ? b->len - origin : 0;

    buf_put_zero(b, (a - (rel & (a - 1))) & (a - 1));
}

void buf_set_u16(struct buf *b, size_t at, uint16_t v) {
    if (!b->failed && at + 2 <= b->len)
        put_le16(b->data + at, v);
}

void buf_set_u32(struct buf *b, size_t at, uint32_t v) {
    if (!b->failed && at + 4 <= b->len)
        put_le32(b->data + at, v);
}
