#include "output.h"

#include <windows.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Out of memory in a CLI: say so once and stop. */
static void *xrealloc(void *p, size_t size) {
    p = realloc(p, size);
    if (!p) {
        fputs("wtsnet: out of memory\n", stderr);
        exit(EXIT_FAILURE);
    }
    return p;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;

    return memcpy(xrealloc(NULL, n), s, n);
}

/* A value and its JSON type; text cells are strings. */
struct cell {
    char *text;
    enum value_kind kind;
};

struct table {
    bool json;
    size_t columns;
    const char *const *headers;
    const char *const *keys;
    struct cell *cells;
    size_t count;
};

struct table *table_new(bool json, const char *const *headers, const char *const *keys) {
    struct table *t = xrealloc(NULL, sizeof(*t));

    *t = (struct table){.json = json, .headers = headers, .keys = keys};
    while (headers[t->columns])
        t->columns++;
    return t;
}

static void table_add(struct table *t, char *text, enum value_kind kind) {
    t->cells = xrealloc(t->cells, (t->count + 1) * sizeof(*t->cells));
    t->cells[t->count++] = (struct cell){text, kind};
}

/* Text cells are stored escaped, so that widths count what is shown; JSON
 * escapes at print time. */
void table_add_string(struct table *t, const char *value) {
    table_add(t, t->json ? xstrdup(value) : text_escape(value), VALUE_STRING);
}

static char *uint_text(uint64_t value) {
    char buf[24];

    snprintf(buf, sizeof(buf), "%" PRIu64, value);
    return xstrdup(buf);
}

/* JSON true/false; text yes/no, as show's Locked field reads. */
static char *bool_text(bool json, bool value) {
    return xstrdup(json ? (value ? "true" : "false") : (value ? "yes" : "no"));
}

void table_add_uint(struct table *t, uint64_t value) {
    table_add(t, uint_text(value), VALUE_NUMBER);
}

void table_add_bool(struct table *t, bool value) {
    table_add(t, bool_text(t->json, value), VALUE_BOOL);
}

/* One JSON value: strings quoted and escaped, numbers and booleans as they are. */
static void json_write_value(FILE *f, const char *text, enum value_kind kind) {
    if (kind == VALUE_STRING)
        json_write_string(f, text);
    else
        fputs(text, f);
}

/*
 * Strings from servers and session records (user, host, client names) are
 * not trusted to be text: a terminal escape or a newline in one must not
 * reach the terminal or forge a row. The library's decoder says what is a
 * character (MultiByteToWideChar, strict): the shortest prefix of at most 4
 * bytes that is exactly one character is the next one; none (overlong forms,
 * surrogates, a stray byte, the terminating NUL) yields 0.
 */
static size_t utf8_next(const unsigned char *s, uint32_t *ret) {
    size_t avail = strnlen((const char *) s, 4);

    for (size_t len = 1; len <= avail; len++) {
        WCHAR w;

        if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, (LPCSTR) s, (int) len, &w, 1) == 1) {
            *ret = (uint32_t) w;
            return len;
        }
    }
    return 0;
}

/* C0, DEL and C1 controls, the line/paragraph separators and the bidi
 * controls that reorder what a terminal shows (Unicode TR#9). */
static bool is_control(uint32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* RFC 8259, section 7: '"', '\' and U+0000..U+001F must be escaped; the other
 * controls are escaped too, and since JSON text is UTF-8 (section 8.1), a
 * byte that is not UTF-8 becomes U+FFFD. */
void json_write_string(FILE *f, const char *s) {
    const unsigned char *c = (const unsigned char *) s;

    fputc('"', f);
    while (*c) {
        uint32_t cp = 0xFFFD;
        size_t len = utf8_next(c, &cp);

        if (len == 0) {
            fputs("\\ufffd", f);
            c++;
            continue;
        }
        if (cp == '"' || cp == '\\')
            fprintf(f, "\\%c", (char) cp);
        else if (cp == '\n')
            fputs("\\n", f);
        else if (cp == '\t')
            fputs("\\t", f);
        else if (cp == '\r')
            fputs("\\r", f);
        else if (is_control(cp))
            fprintf(f, "\\u%04" PRIx32, cp);
        else
            fwrite(c, 1, len, f);
        c += len;
    }
    fputc('"', f);
}

char *text_escape(const char *s) {
    const unsigned char *c = (const unsigned char *) s;
    /* The longest escape, "\u{10ffff}", is 10 bytes for at least 1 in. */
    char *out = xrealloc(NULL, strlen(s) * 10 + 1), *o = out;

    while (*c) {
        uint32_t cp;
        size_t len = utf8_next(c, &cp);

        if (len == 0) {
            o += sprintf(o, "\\x%02x", *c); /* not UTF-8: the byte, visibly */
            c++;
            continue;
        }
        if (cp == '\n')
            o += sprintf(o, "\\n");
        else if (cp == '\t')
            o += sprintf(o, "\\t");
        else if (cp == '\r')
            o += sprintf(o, "\\r");
        else if (cp < 0x80 && is_control(cp))
            o += sprintf(o, "\\x%02" PRIx32, cp);
        else if (is_control(cp))
            o += sprintf(o, "\\u{%" PRIx32 "}", cp);
        else {
            memcpy(o, c, len);
            o += len;
        }
        c += len;
    }
    *o = '\0';
    return out;
}

void text_write(FILE *f, const char *s) {
    char *e = text_escape(s);

    fputs(e, f);
    free(e);
}

/* Display width of UTF-8 text, counting each character as one column. */
static size_t text_width(const char *s) {
    size_t w = 0;

    for (; *s; s++)
        w += ((unsigned char) *s & 0xC0) != 0x80;
    return w;
}

void table_print(const struct table *t, FILE *f) {
    size_t rows = t->columns ? t->count / t->columns : 0;

    if (t->json) {
        fputc('[', f);
        for (size_t r = 0; r < rows; r++) {
            fputs(r ? ",{" : "{", f);
            for (size_t c = 0; c < t->columns; c++) {
                const struct cell *cell = &t->cells[r * t->columns + c];

                if (c)
                    fputc(',', f);
                json_write_string(f, t->keys[c]);
                fputc(':', f);
                json_write_value(f, cell->text, cell->kind);
            }
            fputc('}', f);
        }
        fputs("]\n", f);
        return;
    }

    size_t *width = xrealloc(NULL, t->columns * sizeof(*width));
    for (size_t c = 0; c < t->columns; c++) {
        width[c] = text_width(t->headers[c]);
        for (size_t r = 0; r < rows; r++) {
            size_t w = text_width(t->cells[r * t->columns + c].text);
            if (w > width[c])
                width[c] = w;
        }
    }
    for (size_t r = 0; r <= rows; r++)
        for (size_t c = 0; c < t->columns; c++) {
            const struct cell *cell = r ? &t->cells[(r - 1) * t->columns + c] : NULL;
            const char *text = cell ? cell->text : t->headers[c];
            size_t pad = width[c] - text_width(text);
            bool last = c + 1 == t->columns;

            if (cell && cell->kind == VALUE_NUMBER)
                fprintf(f, "%*s%s", (int) pad, "", text);
            else
                fprintf(f, "%s%*s", text, last ? 0 : (int) pad, "");
            fputs(last ? "\n" : "  ", f);
        }
    free(width);
}

void table_append(struct table *dst, struct table *src) {
    if (!src || src->count == 0 || src->columns != dst->columns)
        return; /* a host that failed has no rows (and no cells array) */
    dst->cells = xrealloc(dst->cells, (dst->count + src->count + 1) * sizeof(*dst->cells));
    memcpy(dst->cells + dst->count, src->cells, src->count * sizeof(*src->cells));
    dst->count += src->count;
    src->count = 0; /* the texts belong to dst now */
}

void table_free(struct table *t) {
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++)
        free(t->cells[i].text);
    free(t->cells);
    free(t);
}

struct field {
    const char *label, *key;
    char *text;
    enum value_kind kind;
};

struct record {
    bool json;
    struct field *fields;
    size_t count;
};

struct record *record_new(bool json) {
    struct record *r = xrealloc(NULL, sizeof(*r));

    *r = (struct record){.json = json};
    return r;
}

static void record_add(struct record *r, const char *label, const char *key, char *text, enum value_kind kind) {
    r->fields = xrealloc(r->fields, (r->count + 1) * sizeof(*r->fields));
    r->fields[r->count++] = (struct field){label, key, text, kind};
}

void record_add_string(struct record *r, const char *label, const char *key, const char *value) {
    record_add(r, label, key, r->json ? xstrdup(value) : text_escape(value), VALUE_STRING);
}

void record_add_uint(struct record *r, const char *label, const char *key, uint64_t value) {
    record_add(r, label, key, uint_text(value), VALUE_NUMBER);
}

void record_add_bool(struct record *r, const char *label, const char *key, bool value) {
    record_add(r, label, key, bool_text(r->json, value), VALUE_BOOL);
}

void record_print(const struct record *r, FILE *f) {
    size_t width = 0;

    if (r->json) {
        fputc('{', f);
        for (size_t i = 0; i < r->count; i++) {
            if (i)
                fputc(',', f);
            json_write_string(f, r->fields[i].key);
            fputc(':', f);
            json_write_value(f, r->fields[i].text, r->fields[i].kind);
        }
        fputs("}\n", f);
        return;
    }
    for (size_t i = 0; i < r->count; i++)
        if (strlen(r->fields[i].label) > width)
            width = strlen(r->fields[i].label);
    for (size_t i = 0; i < r->count; i++)
        fprintf(f, "%-*s  %s\n", (int) width + 1, r->fields[i].label, r->fields[i].text);
}

void record_free(struct record *r) {
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++)
        free(r->fields[i].text);
    free(r->fields);
    free(r);
}

void output_ipv6(const unsigned char bytes[16], char *buf, size_t size) {
    if (!inet_ntop(AF_INET6, bytes, buf, (socklen_t) size))
        buf[0] = '\0';
}

void output_idle_time(int64_t idle_100ns, bool known, char *buf, size_t size) {
    uint64_t minutes = idle_100ns > 0 ? (uint64_t) idle_100ns / 600000000u : 0;

    if (!known)
        buf[0] = '\0';
    else if (minutes == 0)
        snprintf(buf, size, ".");
    else if (minutes < 60)
        snprintf(buf, size, "%" PRIu64, minutes);
    else if (minutes < 24 * 60)
        snprintf(buf, size, "%" PRIu64 ":%02" PRIu64, minutes / 60, minutes % 60);
    else
        snprintf(buf, size, "%" PRIu64 "+%02" PRIu64 ":%02" PRIu64, minutes / (24 * 60), minutes / 60 % 24,
                 minutes % 60);
}
