/* The bounds-checked cursor and the growing buffer under every parser. */
#include <stdbool.h>
#include <string.h>

#include "common/cursor.h"
#include "common/utf16.h"
#include "tap.h"

static void getters_fail_without_moving(void) {
    static const uint8_t d[3] = {1, 2, 3};
    struct cursor c;
    uint32_t v32 = 7;
    uint64_t v64 = 7;

    cur_init(&c, d, sizeof(d));
    CHECK(cur_get_u32(&c, &v32) == -EBADMSG);
    CHECK(c.pos == 0 && v32 == 7);
    CHECK(cur_get_u64(&c, &v64) == -EBADMSG);
    CHECK(c.pos == 0 && v64 == 7);
    CHECK(cur_skip(&c, 4) < 0 && c.pos == 0);
}

static void getters_read_little_endian(void) {
    static const uint8_t d[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xaa};
    struct cursor c;
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;

    cur_init(&c, d, sizeof(d));
    REQUIRE(cur_get_u64(&c, &v64) == 0);
    CHECK_EQ_U(v64, 0x0807060504030201ull);
    cur_init(&c, d, sizeof(d));
    REQUIRE(cur_get_u16(&c, &v16) == 0 && cur_get_u32(&c, &v32) == 0);
    CHECK_EQ_U(v16, 0x0201);
    CHECK_EQ_U(v32, 0x06050403);
    REQUIRE(cur_get_u32_be(&c, &v32) < 0); /* 3 bytes left */
    CHECK_EQ_U(c.pos, 6);
}

static void align_counts_from_the_message_start(void) {
    static const uint8_t d[16] = {0};
    struct cursor c;
    uint8_t b;

    cur_init(&c, d, 6);
    REQUIRE(cur_get_u8(&c, &b) == 0);
    REQUIRE(cur_align(&c, 4) == 0);
    CHECK_EQ_U(c.pos, 4);
    REQUIRE(cur_skip(&c, 1) == 0);
    CHECK(cur_align(&c, 8) < 0); /* would pass the end */
    CHECK_EQ_U(c.pos, 5);
}

static void slice_and_sub_stay_inside(void) {
    static const uint8_t d[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    struct cursor c, s;

    cur_init(&c, d, sizeof(d));
    CHECK(cur_slice(&c, 4, 4, &s) == 0 && s.len == 4 && s.base[0] == 4);
    CHECK(cur_slice(&c, 5, 4, &s) < 0);
    CHECK(cur_slice(&c, (size_t) -1, 2, &s) < 0);
    CHECK(cur_sub(&c, 9, &s) < 0 && c.pos == 0);
    CHECK(cur_sub(&c, 3, &s) == 0 && c.pos == 3 && s.len == 3);
}

static void buf_writes_and_patches(void) {
    struct buf b;

    buf_init(&b);
    buf_put_u16(&b, 0x0102);
    buf_put_u32(&b, 0);
    buf_align(&b, 0, 8);
    buf_put_u32_be(&b, 0x0a0b0c0d);
    buf_set_u32(&b, 2, 0xdeadbeef);
    REQUIRE(buf_error(&b) == 0);
    REQUIRE(b.len == 12);
    CHECK(b.data[0] == 2 && b.data[1] == 1);
    CHECK(get_le32(b.data + 2) == 0xdeadbeef);
    CHECK(b.data[8] == 0x0a && b.data[11] == 0x0d);
    buf_set_u32(&b, 10, 1); /* past the end: ignored, never written */
    CHECK(b.len == 12 && b.data[11] == 0x0d);
    buf_free(&b);
}

static void utf16_round_trips_and_rejects_lone_surrogates(void) {
    struct buf b;
    char *s = NULL;
    size_t units;
    static const uint8_t lone[] = {0x00, 0xd8, 'a', 0};

    buf_init(&b);
    REQUIRE(utf16_put_utf8(&b, "a\xc3\xa9\xf0\x9f\x98\x80", &units) == 0);
    CHECK_EQ_U(units, 4); /* a, é, and a surrogate pair */
    REQUIRE(utf16_to_utf8(b.data, units, &s) == 0);
    CHECK_STREQ(s, "a\xc3\xa9\xf0\x9f\x98\x80");
    free(s);
    CHECK(utf16_to_utf8(lone, 2, &s) == -EILSEQ);
    buf_free(&b);
    buf_init(&b);
    CHECK(utf16_put_utf8(&b, "\xff", &units) == -EILSEQ);
    buf_free(&b);
}

static void utf16_upper_maps_beyond_ascii(void) {
    struct buf b;
    size_t units;

    buf_init(&b);
    REQUIRE(utf16_put_utf8_upper(&b, "user\xc3\xa9", &units) == 0);
    REQUIRE(units == 5);
    CHECK(get_le16(b.data) == 'U');
    CHECK(get_le16(b.data + 8) == 0xC9); /* é → É */
    buf_free(&b);
}

/* A secret buffer (a password in UTF-16) grows by copy-wipe-free: through
 * several growths it keeps every byte, in order, and frees cleanly. */
static void a_secret_buffer_keeps_its_bytes_as_it_grows(void) {
    struct buf b;
    char password[1000];
    size_t units = 0;
    bool same = true;

    for (size_t i = 0; i < sizeof(password) - 1; i++)
        password[i] = (char) ('a' + i % 26);
    password[sizeof(password) - 1] = '\0';
    buf_init_secret(&b);
    CHECK(b.secret);
    CHECK_EQ_I(utf16_put_utf8(&b, password, &units), 0);
    CHECK_EQ_U(units, sizeof(password) - 1);
    REQUIRE(b.len == 2 * units && b.cap >= b.len && !b.failed);
    for (size_t i = 0; i < units; i++)
        same = same && b.data[2 * i] == (uint8_t) password[i] && b.data[2 * i + 1] == 0;
    CHECK(same);
    buf_free(&b);
    CHECK(b.data == NULL && b.len == 0 && !b.secret);
}


static void text_getters_split_lines_and_tokens(void) {
    static const char text[] = "sl  local\tx\nsecond line\nlast";
    const char *p;
    size_t n;
    struct cursor c;
    char ch;

    cur_init(&c, text, sizeof(text) - 1);
    REQUIRE(cur_get_token(&c, &p, &n) == 0);
    CHECK(n == 2 && memcmp(p, "sl", 2) == 0);
    REQUIRE(cur_get_token(&c, &p, &n) == 0);
    CHECK(n == 5 && memcmp(p, "local", 5) == 0);
    REQUIRE(cur_get_line(&c, &p, &n) == 0); /* the rest of the first line */
    CHECK(n == 2 && memcmp(p, "\tx", 2) == 0);
    REQUIRE(cur_get_line(&c, &p, &n) == 0);
    CHECK(n == 11 && memcmp(p, "second line", 11) == 0);
    CHECK(cur_expect(&c, "lost") < 0 && cur_expect(&c, "la") == 0);
    REQUIRE(cur_get_line(&c, &p, &n) == 0); /* no newline at the end: the rest */
    CHECK(n == 2 && memcmp(p, "st", 2) == 0);
    CHECK(cur_get_line(&c, &p, &n) < 0 && cur_get_char(&c, &ch) < 0 && cur_get_token(&c, &p, &n) < 0);
}

static void a_token_is_never_empty_and_never_moves_on_failure(void) {
    const char *p;
    size_t n;
    struct cursor c;
    char ch;

    cur_init(&c, "  \t\nx", 5);
    CHECK(cur_get_token(&c, &p, &n) < 0 && c.pos == 0);
    cur_skip_any(&c, " \t");
    CHECK_EQ_U(c.pos, 3);
    CHECK(cur_peek_char(&c, &ch) == 0 && ch == '\n' && c.pos == 3);
    CHECK(cur_get_char(&c, &ch) == 0 && ch == '\n' && c.pos == 4);
}

TAP_MAIN(CASE(text_getters_split_lines_and_tokens), CASE(a_token_is_never_empty_and_never_moves_on_failure),
         CASE(getters_fail_without_moving), CASE(getters_read_little_endian),
         CASE(align_counts_from_the_message_start), CASE(slice_and_sub_stay_inside), CASE(buf_writes_and_patches),
         CASE(utf16_round_trips_and_rejects_lone_surrogates), CASE(utf16_upper_maps_beyond_ascii),
         CASE(a_secret_buffer_keeps_its_bytes_as_it_grows))
