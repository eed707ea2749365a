/*
 * systemd's env-file rules, as sd-login applies them to session files
 * (systemd src/basic/env-file.c): "#" or ";" starts a comment line; a key
 * runs to "=" (lines without one are dropped) and loses trailing blanks;
 * the value loses leading blanks, and unquoted trailing ones; unquoted, a
 * backslash takes the next character literally (backslash-newline joins
 * lines); '…' is literal; in "…" a backslash escapes only " \ ` $ and
 * newline, and stays before anything else.
 */
#include "session/logind_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cursor.h"
#include "common/errors.h"
#include "common/fileio.h"

#define LOGIND_SESSIONS_DIR "/run/systemd/sessions/"

/* The next character, false at the end (common/cursor.h never runs past it). */
static bool cur_next(struct cursor *c, char *ret) {
    return cur_get_char(c, ret) >= 0;
}

static bool is_newline(char c) {
    return c == '\n' || c == '\r';
}

static bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

static void skip_comment(struct cursor *c) {
    char ch;

    while (cur_next(c, &ch)) {
        if (is_newline(ch))
            return;
        if (ch == '\\' && !cur_next(c, &ch))
            return;
    }
}

/* Copies the value's characters to out; returns the length kept (trailing
 * unquoted blanks cut). Stops after the line's end. */
static size_t parse_value(struct cursor *c, char *out) {
    enum { UNQUOTED, SINGLE, DOUBLE } state = UNQUOTED;
    size_t n = 0, keep = 0;
    char ch;

    cur_skip_any(c, " \t");
    while (cur_next(c, &ch)) {
        switch (state) {
        case UNQUOTED:
            if (is_newline(ch))
                return keep;
            if (ch == '\'')
                state = SINGLE;
            else if (ch == '"')
                state = DOUBLE;
            else if (ch == '\\') {
                if (!cur_next(c, &ch))
                    return keep;
                if (ch != '\n') {
                    out[n++] = ch;
                    keep = n;
                }
            } else {
                out[n++] = ch;
                if (!is_blank(ch))
                    keep = n;
            }
            break;
        case SINGLE:
            if (ch == '\'')
                state = UNQUOTED;
            else
                out[n++] = ch, keep = n;
            break;
        case DOUBLE:
            if (ch == '"')
                state = UNQUOTED;
            else if (ch == '\\') {
                if (!cur_next(c, &ch))
                    return keep;
                if (ch == '\n')
                    break;
                if (!strchr("\"\\`$", ch))
                    out[n++] = '\\';
                out[n++] = ch, keep = n;
            } else
                out[n++] = ch, keep = n;
            break;
        }
    }
    return keep;
}

static void put_field(struct logind_file *f, const char *name, const char *value) {
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->names[i], name) == 0) {
            f->values[i] = value; /* the last assignment wins */
            return;
        }
    if (f->count < LOGIND_FILE_MAX_FIELDS) {
        f->names[f->count] = name;
        f->values[f->count] = value;
        f->count++;
    }
}

int logind_file_parse(const char *data, size_t size, struct logind_file *ret) {
    struct logind_file f = {0};
    struct cursor c;
    size_t out = 0;
    char *text;

    if (size > LOGIND_FILE_MAX_SIZE)
        return -EFBIG;
    /* Each input byte yields at most one output byte; each field adds two NULs. */
    text = malloc(size + 2 * LOGIND_FILE_MAX_FIELDS + 2);
    if (!text)
        return -ENOMEM;
    f.text = text;

    cur_init(&c, data, size);
    while (cur_left(&c) > 0) {
        size_t name_at = out, value_at, len;
        char ch;

        (void) cur_peek_char(&c, &ch);

        if (is_newline(ch) || is_blank(ch)) {
            cur_next(&c, &ch);
            continue;
        }
        if (ch == '#' || ch == ';') {
            skip_comment(&c);
            continue;
        }
        while (cur_next(&c, &ch) && ch != '=' && !is_newline(ch))
            text[out++] = ch;
        if (ch != '=' || f.count == LOGIND_FILE_MAX_FIELDS) {
            out = name_at; /* no "=": not an assignment; or no room left */
            if (ch == '=')
                parse_value(&c, text + out);
            continue;
        }
        while (out > name_at && is_blank(text[out - 1]))
            out--;
        text[out++] = '\0';
        value_at = out;
        len = parse_value(&c, text + value_at);
        out = value_at + len;
        text[out++] = '\0';
        put_field(&f, text + name_at, text + value_at);
    }
    *ret = f;
    return 0;
}

int logind_file_read_session(const char *key, struct logind_file *ret) {
    char path[sizeof(LOGIND_SESSIONS_DIR) + 64];
    char *buf = NULL;
    size_t len = 0;
    int r;

    /* Session ids are [a-zA-Z0-9]; never a path of our choosing. */
    if (!key[0] || strlen(key) > 63 || strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
                                          strlen(key))
        return -E_NO_SESSION;
    snprintf(path, sizeof(path), LOGIND_SESSIONS_DIR "%s", key);
    r = read_full_file_at(AT_FDCWD, path, 0, LOGIND_FILE_MAX_SIZE, &buf, &len);
    if (r == -ENOENT)
        return -E_NO_SESSION;
    if (r < 0)
        return r;
    r = logind_file_parse(buf, len, ret);
    free(buf);
    return r;
}

const char *logind_file_get(const struct logind_file *f, const char *name) {
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->names[i], name) == 0)
            return f->values[i];
    return NULL;
}

void logind_file_done(struct logind_file *f) {
    if (!f)
        return;
    free(f->text);
    f->text = NULL;
    f->count = 0;
}
