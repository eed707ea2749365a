#include "rpc/ndr.h"

#include <errno.h>
#include <stdlib.h>

#include "common/utf16.h"

int ndr_pull_u32(struct cursor *c, uint32_t *ret) {
    struct cursor save = *c;
    int r;

    if ((r = cur_align(c, 4)) < 0 || (r = cur_get_u32(c, ret)) < 0)
        *c = save;
    return r;
}

int ndr_pull_ptr(struct cursor *c, uint32_t *ret) {
    return ndr_pull_u32(c, ret);
}

int ndr_pull_string(struct cursor *c, char **ret) {
    struct cursor save = *c;
    uint32_t max, off, actual;
    const uint8_t *p;
    int r;

    if ((r = ndr_pull_u32(c, &max)) < 0 || (r = ndr_pull_u32(c, &off)) < 0 || (r = ndr_pull_u32(c, &actual)) < 0)
        goto fail;
    r = -EBADMSG;
    /* 14.3.3.4: offset 0 for our strings; actual within max and within the bytes left. */
    if (off != 0 || actual > max || actual > cur_left(c) / 2 || actual > NDR_MAX_STRING_UNITS)
        goto fail;
    if ((r = cur_get_ptr(c, (size_t) actual * 2, &p)) < 0 || (r = utf16_to_utf8(p, actual, ret)) < 0)
        goto fail;
    return 0;
fail:
    *c = save;
    return r;
}

int ndr_pull_array_count(struct cursor *c, size_t min_elem_size, uint32_t *ret) {
    struct cursor save = *c;
    uint32_t n;
    int r;

    if ((r = ndr_pull_u32(c, &n)) < 0)
        return r;
    if (n > NDR_MAX_ARRAY_COUNT || (min_elem_size && n > cur_left(c) / min_elem_size)) {
        *c = save;
        return -EBADMSG; /* more elements than bytes could hold: never allocate for it */
    }
    *ret = n;
    return 0;
}

int ndr_pull_status_end(struct cursor *c, uint32_t *ret) {
    struct cursor save = *c;
    uint32_t v;
    int r;

    if ((r = ndr_pull_u32(c, &v)) < 0)
        return r;
    if (cur_left(c) >= 8) {
        *c = save;
        return -EBADMSG;
    }
    *ret = v;
    return 0;
}

void ndr_push_u32(struct buf *b, uint32_t v) {
    buf_align(b, 0, 4);
    buf_put_u32(b, v);
}

void ndr_push_ptr(struct buf *b, uint32_t *next_referent, bool present) {
    if (!present) {
        ndr_push_u32(b, 0);
        return;
    }
    *next_referent += 4;
    ndr_push_u32(b, 0x00020000 + *next_referent);
}

int ndr_push_string(struct buf *b, const char *s) {
    size_t at, units;
    int r;

    ndr_push_u32(b, 0);
    at = b->len - 4;
    ndr_push_u32(b, 0);
    ndr_push_u32(b, 0);
    if ((r = utf16_put_utf8(b, s, &units)) < 0)
        return r;
    buf_put_u16(b, 0);
    units++;
    buf_set_u32(b, at, (uint32_t) units);
    buf_set_u32(b, at + 8, (uint32_t) units);
    return buf_error(b);
}

int ndr_push_unique_string(struct buf *b, uint32_t *next_referent, const char *s) {
    ndr_push_ptr(b, next_referent, s != NULL);
    return s ? ndr_push_string(b, s) : buf_error(b);
}
