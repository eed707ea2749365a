/*
 * The CLI's output module (tools/output.c): strings from servers and
 * session records reach a terminal or a JSON reader. A name with ESC, a
 * newline or bytes that are not UTF-8 must come out escaped (text) or as
 * valid RFC 8259 JSON, never raw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/output.h"
#include "tap.h"

/* What f(arg) writes, as a malloc'd string. */
static char *captured(void (*f)(FILE *, const void *), const void *arg) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    if (!m)
        abort();
    f(m, arg);
    fclose(m);
    return buf;
}

static void write_json(FILE *f, const void *s) {
    json_write_string(f, s);
}

static void print_table(FILE *f, const void *t) {
    table_print(t, f);
}

static void print_record(FILE *f, const void *r) {
    record_print(r, f);
}

static bool has_raw_control(const char *s, bool newline_ok) {
    for (const unsigned char *c = (const unsigned char *) s; *c; c++)
        if ((*c < 0x20 && !(newline_ok && *c == '\n')) || *c == 0x7f)
            return true;
    return false;
}

static void text_escapes_controls_and_keeps_text(void) {
    char *e = text_escape("ok \xc3\xa9\xe2\x82\xac \\\\srv");

    CHECK_STREQ(e, "ok \xc3\xa9\xe2\x82\xac \\\\srv"); /* é € and backslashes unchanged */
    free(e);
    e = text_escape("a\x1b[31mb\nc\td\re\x7f");
    CHECK_STREQ(e, "a\\x1b[31mb\\nc\\td\\re\\x7f");
    free(e);
    /* C1 CSI (U+009B), bidi override (U+202E), line separator (U+2028). */
    e = text_escape("x\xc2\x9by\xe2\x80\xaez\xe2\x80\xa8");
    CHECK_STREQ(e, "x\\u{9b}y\\u{202e}z\\u{2028}");
    free(e);
}

static void text_shows_invalid_utf8_bytes_as_hex(void) {
    /* A lone continuation byte, a truncated sequence, an overlong '/', a surrogate. */
    char *e = text_escape("a\x80" "b\xe2\x82" "c\xc0\xaf" "d\xed\xa0\x80");

    CHECK_STREQ(e, "a\\x80b\\xe2\\x82c\\xc0\\xafd\\xed\\xa0\\x80");
    free(e);
}

static void json_strings_follow_rfc_8259(void) {
    char *j = captured(write_json, "q\"b\\n\nt\tc\x01" "e\x1b" "d\x7f" "\xc2\x9b" "\xe2\x80\xa8" "\xc3\xa9");

    CHECK_STREQ(j, "\"q\\\"b\\\\n\\nt\\tc\\u0001e\\u001bd\\u007f\\u009b\\u2028\xc3\xa9\"");
    free(j);
    j = captured(write_json, "x\xff" "y\xc0\xaf");
    CHECK_STREQ(j, "\"x\\ufffdy\\ufffd\\ufffd\"");
    free(j);
}

static const char *const headers[] = {"USER", "CLIENT", NULL};
static const char *const keys[] = {"user", "client", NULL};

static void a_table_row_cannot_be_forged_or_colour_the_terminal(void) {
    struct table *t = table_new(false, headers, keys);
    char *out;

    table_add_string(t, "alice");
    table_add_string(t, "evil\x1b]0;pwned\x07\nbob    fake-row");
    out = captured(print_table, t);
    CHECK(!has_raw_control(out, true));
    /* Header and one row: two lines, whatever the name held. */
    size_t lines = 0;
    for (const char *c = out; *c; c++)
        lines += *c == '\n';
    CHECK_EQ_U(lines, 2);
    CHECK(strstr(out, "evil\\x1b]0;pwned\\x07\\nbob    fake-row") != NULL);
    free(out);
    table_free(t);
}

static void a_json_table_escapes_the_same_names(void) {
    struct table *t = table_new(true, headers, keys);
    char *out;

    table_add_string(t, "alice\x1b[2J");
    table_add_string(t, "a\nb\xff");
    out = captured(print_table, t);
    CHECK_STREQ(out, "[{\"user\":\"alice\\u001b[2J\",\"client\":\"a\\nb\\ufffd\"}]\n");
    free(out);
    table_free(t);
}

static void a_record_escapes_its_values(void) {
    struct record *r = record_new(false);
    char *out;

    record_add_string(r, "Client name", "client_name", "host\r\nUser name: root");
    out = captured(print_record, r);
    CHECK_STREQ(out, "Client name   host\\r\\nUser name: root\n");
    free(out);
    record_free(r);
}

/* net session's guest field and logoff's result: JSON true/false, unquoted. */
static void booleans_are_json_literals_and_yes_no_in_text(void) {
    static const char *const bkeys[] = {"id", "guest", NULL};
    struct table *t = table_new(true, bkeys, bkeys);
    struct record *r = record_new(true);
    char *out;

    table_add_uint(t, 3);
    table_add_bool(t, true);
    table_add_uint(t, 4);
    table_add_bool(t, false);
    out = captured(print_table, t);
    CHECK_STREQ(out, "[{\"id\":3,\"guest\":true},{\"id\":4,\"guest\":false}]\n");
    free(out);
    table_free(t);

    record_add_string(r, "Id", "id", "3");
    record_add_bool(r, "Logged off", "logged_off", true);
    out = captured(print_record, r);
    CHECK_STREQ(out, "{\"id\":\"3\",\"logged_off\":true}\n");
    free(out);
    record_free(r);

    r = record_new(false);
    record_add_bool(r, "Guest", "guest", false);
    out = captured(print_record, r);
    CHECK_STREQ(out, "Guest   no\n");
    free(out);
    record_free(r);
}

static void idle_times_read_as_quser_shows_them(void) {
    const int64_t minute = 600000000;
    char buf[32];

    output_idle_time(0, false, buf, sizeof(buf));
    CHECK_STREQ(buf, "");
    output_idle_time(0, true, buf, sizeof(buf));
    CHECK_STREQ(buf, ".");
    output_idle_time(minute - 1, true, buf, sizeof(buf));
    CHECK_STREQ(buf, ".");
    output_idle_time(minute, true, buf, sizeof(buf));
    CHECK_STREQ(buf, "1");
    output_idle_time(59 * minute + minute - 1, true, buf, sizeof(buf));
    CHECK_STREQ(buf, "59");
    output_idle_time(60 * minute, true, buf, sizeof(buf));
    CHECK_STREQ(buf, "1:00");
    output_idle_time(125 * minute, true, buf, sizeof(buf));
    CHECK_STREQ(buf, "2:05");
    output_idle_time((24 * 60 - 1) * minute, true, buf, sizeof(buf));
    CHECK_STREQ(buf, "23:59");
    output_idle_time((24 * 60 + 3 * 60 + 12) * minute, true, buf, sizeof(buf));
    CHECK_STREQ(buf, "1+03:12");
    output_idle_time(-5, true, buf, sizeof(buf));
    CHECK_STREQ(buf, ".");
}

TAP_MAIN(CASE(idle_times_read_as_quser_shows_them), CASE(text_escapes_controls_and_keeps_text), CASE(text_shows_invalid_utf8_bytes_as_hex),
         CASE(json_strings_follow_rfc_8259), CASE(a_table_row_cannot_be_forged_or_colour_the_terminal),
         CASE(a_json_table_escapes_the_same_names), CASE(a_record_escapes_its_values),
         CASE(booleans_are_json_literals_and_yes_no_in_text))
