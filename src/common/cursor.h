/*
 * Bounds-checked reading and growable writing of wire data (little endian
 * unless the name says _be), and reading of text (lines, fields, tokens of
 * /proc files, session files, logs). Every getter returns 0 or -EBADMSG and
 * never moves the cursor on failure, so a hostile peer's bytes can only make
 * a parser fail. Nothing here allocates or locks, so the readers may run in
 * a forked child (audit_kill.c). Writers latch the first allocation failure: a chain of
 * buf_put_*() calls is checked once, with buf_error().
 */
#ifndef WTSNET_COMMON_CURSOR_H
#define WTSNET_COMMON_CURSOR_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
    const uint8_t *base; /* start of the whole message (alignment and offsets count from here) */
    size_t len;          /* bytes in the message */
    size_t pos;          /* next byte to read */
};

void cur_init(struct cursor *c, const void *data, size_t len);
static inline size_t cur_left(const struct cursor *c) {
    return c->len - c->pos;
}
static inline const uint8_t *cur_ptr(const struct cursor *c) {
    return c->base + c->pos;
}

int cur_get_u8(struct cursor *c, uint8_t *ret);
int cur_get_u16(struct cursor *c, uint16_t *ret);
int cur_get_u32(struct cursor *c, uint32_t *ret);
int cur_get_u64(struct cursor *c, uint64_t *ret);
int cur_get_u16_be(struct cursor *c, uint16_t *ret);
int cur_get_u32_be(struct cursor *c, uint32_t *ret);
int cur_get_bytes(struct cursor *c, void *dst, size_t n);
/* Points *ret at the next n bytes and skips them (no copy). */
int cur_get_ptr(struct cursor *c, size_t n, const uint8_t **ret);
int cur_skip(struct cursor *c, size_t n);
/* Moves to absolute offset off (0..len). */
int cur_seek(struct cursor *c, size_t off);
/* Skips to the next multiple of a (a power of two), counted from base. */
int cur_align(struct cursor *c, size_t a);
/* A child cursor over the next n bytes (its base is their start); skips them. */
int cur_sub(struct cursor *c, size_t n, struct cursor *ret);
/* A child cursor over [off, off+len) of c's message, checked; c does not move. */
int cur_slice(const struct cursor *c, size_t off, size_t len, struct cursor *ret);

/* --- text: nothing is assumed NUL-terminated --- */

/* The next byte as a char (moves on), or -EBADMSG at the end. */
int cur_get_char(struct cursor *c, char *ret);
/* The next byte without moving, or -EBADMSG at the end. */
int cur_peek_char(const struct cursor *c, char *ret);
/* Skips any bytes of set (e.g. " \t"); never fails. */
void cur_skip_any(struct cursor *c, const char *set);
/* The bytes up to (not including) delim; delim, when there, is skipped too.
 * At the end without delim: the rest. -EBADMSG only when nothing is left. */
int cur_get_until(struct cursor *c, char delim, const char **ret, size_t *ret_len);
/* A line: cur_get_until(c, '\n', …). */
int cur_get_line(struct cursor *c, const char **ret, size_t *ret_len);
/* A token: skips blanks (space, tab), then the run up to the next blank or
 * newline (not consumed). -EBADMSG when the run is empty. */
int cur_get_token(struct cursor *c, const char **ret, size_t *ret_len);
/* Skips the literal text lit when it comes next (0), else -EBADMSG. */
int cur_expect(struct cursor *c, const char *lit);

struct buf {
    uint8_t *data;
    size_t len, cap;
    bool failed; /* an allocation failed: every later put is ignored */
    bool secret; /* holds a password or key: never left behind in freed memory */
};

void buf_init(struct buf *b);
/* A buffer for secrets: it grows by allocate-copy-wipe-free instead of
 * realloc (which may leave the old copy in freed memory), and buf_free wipes it. */
void buf_init_secret(struct buf *b);
void buf_free(struct buf *b);
/* Takes the bytes out of b (caller frees); b is empty afterwards. */
uint8_t *buf_steal(struct buf *b, size_t *ret_len);
static inline int buf_error(const struct buf *b) {
    return b->failed ? -ENOMEM : 0;
}
/* Makes room for n more bytes; returns a pointer to them (zeroed) or NULL. */
uint8_t *buf_reserve(struct buf *b, size_t n);
void buf_put_u8(struct buf *b, uint8_t v);
void buf_put_u16(struct buf *b, uint16_t v);
void buf_put_u32(struct buf *b, uint32_t v);
void buf_put_u64(struct buf *b, uint64_t v);
void buf_put_u16_be(struct buf *b, uint16_t v);
void buf_put_u32_be(struct buf *b, uint32_t v);
void buf_put_bytes(struct buf *b, const void *p, size_t n);
void buf_put_zero(struct buf *b, size_t n);
/* Pads with zeros to a multiple of a, counted from offset origin. */
void buf_align(struct buf *b, size_t origin, size_t a);
/* Overwrites already written bytes (for lengths and offsets known later). */
void buf_set_u16(struct buf *b, size_t at, uint16_t v);
void buf_set_u32(struct buf *b, size_t at, uint32_t v);

static inline uint16_t get_le16(const uint8_t *p) {
    return (uint16_t) (p[0] | p[1] << 8);
}
static inline uint32_t get_le32(const uint8_t *p) {
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}
static inline uint64_t get_le64(const uint8_t *p) {
    return (uint64_t) get_le32(p) | (uint64_t) get_le32(p + 4) << 32;
}
static inline void put_le16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t) v, p[1] = (uint8_t) (v >> 8);
}
static inline void put_le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}
static inline void put_le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}
static inline void put_be32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t) (v >> (24 - 8 * i));
}

#endif
