/* Output for the CLI, every verb's: aligned tables or JSON, from the same calls. */
#ifndef WTSNET_TOOLS_OUTPUT_H
#define WTSNET_TOOLS_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The JSON type of a value (text shows each as it reads). */
enum value_kind { VALUE_STRING, VALUE_NUMBER, VALUE_BOOL };

struct table;
/* headers: column titles for text; keys: member names for JSON; both NULL-terminated. */
struct table *table_new(bool json, const char *const *headers, const char *const *keys);
void table_add_string(struct table *t, const char *value);
void table_add_uint(struct table *t, uint64_t value);
void table_add_bool(struct table *t, bool value);
void table_print(const struct table *t, FILE *f);
/* Moves every row of src (same columns) to the end of dst. */
void table_append(struct table *dst, struct table *src);
void table_free(struct table *t);

/* One object: "Label: value" lines, or a JSON object. */
struct record;
struct record *record_new(bool json);
void record_add_string(struct record *r, const char *label, const char *key, const char *value);
void record_add_uint(struct record *r, const char *label, const char *key, uint64_t value);
void record_add_bool(struct record *r, const char *label, const char *key, bool value);
void record_print(const struct record *r, FILE *f);
void record_free(struct record *r);

/* Writes s as a JSON string literal, quotes included (RFC 8259: controls
 * escaped, bytes that are not UTF-8 as U+FFFD). */
void json_write_string(FILE *f, const char *s);
/* s for a terminal: newline, tab, CR as \n \t \r, other controls as \xNN
 * or \u{N}, bytes that are not UTF-8 as \xNN; malloc'd. Table and record
 * strings are escaped so in text mode; strings printed otherwise go through
 * text_write. */
char *text_escape(const char *s);
void text_write(FILE *f, const char *s);
void output_ipv6(const unsigned char bytes[16], char *buf, size_t size);
/* quser's IDLE TIME of a WTSIdleTime value (100 ns units): "." under a
 * minute, then minutes "M", "H:MM", "D+HH:MM"; "" when not known. */
void output_idle_time(int64_t idle_100ns, bool known, char *buf, size_t size);

#endif
