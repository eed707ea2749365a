/* Result blocks in WinPR's layouts (block.h). */
#include <stdlib.h>
#include <string.h>

#include "common/cursor.h"
#include "common/utf16.h"
#include "block.h"
#include "wtsnet_calls.h"

/* s as UTF-16 with its terminator, in a buf (little-endian units, from common/utf16.c). */
static int encode16(const char *s, struct buf *b, size_t *ret_units) {
    size_t units = 0;
    int r;

    buf_init(b);
    r = utf16_put_utf8(b, s, &units);
    buf_put_u16(b, 0);
    if (r >= 0)
        r = buf_error(b);
    if (r < 0) {
        buf_free(b);
        return r;
    }
    *ret_units = units + 1;
    return 0;
}

static void copy_units(WCHAR *dst, const struct buf *b, size_t units) {
    for (size_t i = 0; i < units; i++)
        dst[i] = (WCHAR) (b->data[2 * i] | b->data[2 * i + 1] << 8);
}

int text_size(BOOL wide, const char *s, size_t *ret) {
    struct buf b;
    size_t units;

    if (!s) {
        *ret = 0;
        return 0;
    }
    if (!wide) {
        *ret = strlen(s) + 1;
        return 0;
    }
    if (encode16(s, &b, &units) < 0)
        return -1;
    buf_free(&b);
    *ret = units * sizeof(WCHAR);
    return 0;
}

void *put_text(BOOL wide, char **cursor, const char *s) {
    void *at = *cursor;
    struct buf b;
    size_t units;

    if (!s)
        return NULL;
    if (!wide) {
        size_t n = strlen(s) + 1;

        memcpy(*cursor, s, n);
        *cursor += n;
        return at;
    }
    if (encode16(s, &b, &units) < 0) /* sized before: only an allocation can fail */
        return NULL;
    copy_units(at, &b, units);
    buf_free(&b);
    *cursor += units * sizeof(WCHAR);
    return at;
}

void field16(WCHAR *dst, size_t cap, const char *s) {
    struct buf b;
    size_t units;

    dst[0] = 0;
    if (encode16(s, &b, &units) < 0)
        return;
    units--; /* without the terminator */
    if (units > cap - 1)
        units = cap - 1;
    copy_units(dst, &b, units);
    if (units > 0 && dst[units - 1] >= 0xD800 && dst[units - 1] <= 0xDBFF)
        units--;
    dst[units] = 0;
    buf_free(&b);
}

void *pack(BOOL wide, const struct listing *l, const void *list, uint32_t count) {
    size_t entry = wide ? l->entry_w : l->entry_a, size = entry * count;
    char *block, *cursor;
    void *at[WN_SESSION1_NAMES]; /* the most texts an entry has */

    for (uint32_t i = 0; i < count; i++)
        for (size_t t = 0; t < l->n; t++) {
            size_t n;

            if (text_size(wide, l->texts(list, i)[t], &n) < 0)
                return NULL;
            size += n;
        }
    block = malloc(size ? size : 1);
    if (!block)
        return NULL;
    cursor = block + entry * count;
    for (uint32_t i = 0; i < count; i++) {
        char *const *want = l->texts(list, i);

        for (size_t t = 0; t < l->n; t++) {
            at[t] = put_text(wide, &cursor, want[t]);
            if (want[t] && !at[t]) {
                free(block);
                return NULL;
            }
        }
        l->put(wide, block, list, i, at);
    }
    return block;
}
