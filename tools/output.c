#include "output.h"

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

struct cell {
    char *text;
    bool number;
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

static void table_add(struct table *t, char *text, bool number) {
    t->cells = xrealloc(t->cells, (t->count + 1) * sizeof(*t->cells));
    t->cells[t->count++] = (struct cell){text, number};
}

void table_add_string(struct table *t, const char *value) {
    table_add(t, xstrdup(value), false);
}

void table_add_uint(struct table *t, uint64_t value) {
    char buf[24];

    snprintf(buf, sizeof(buf), "%" PRIu64, value);
    table_add(t, xstrdup(buf), true);
}

void json_write_string(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *) s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(f, "\\u%04x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
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
                if (cell->number)
                    fputs(cell->text, f);
                else
                    json_write_string(f, cell->text);
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

            if (cell && cell->number)
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
    bool number;
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

static void record_add(struct record *r, const char *label, const char *key, char *text, bool number) {
    r->fields = xrealloc(r->fields, (r->count + 1) * sizeof(*r->fields));
    r->fields[r->count++] = (struct field){label, key, text, number};
}

void record_add_string(struct record *r, const char *label, const char *key, const char *value) {
    record_add(r, label, key, xstrdup(value), false);
}

void record_add_uint(struct record *r, const char *label, const char *key, uint64_t value) {
    char buf[24];

    snprintf(buf, sizeof(buf), "%" PRIu64, value);
    record_add(r, label, key, xstrdup(buf), true);
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
            if (r->fields[i].number)
                fputs(r->fields[i].text, f);
            else
                json_write_string(f, r->fields[i].text);
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
