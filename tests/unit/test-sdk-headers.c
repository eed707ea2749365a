/*
 * wtsnet's public structures against the Windows SDK's: every typedef'd
 * struct or union in the headers under include/ must have the SDK's members, in the SDK's
 * order, with the SDK's type names, names and array bounds, so that Windows
 * code compiles unchanged and reads the fields it means.
 *
 * References, read as text:
 *   - mingw-w64's Windows headers (Debian: mingw-w64-common,
 *     /usr/share/mingw-w64/include), the SDK-compatible header set;
 *   - tests/unit/sdk/microsoft-docs.h: Microsoft's documented definitions of
 *     what mingw-w64 10 lacks or spells otherwise (WTSINFOA's
 *     OutgoingCompressedBy). A structure found in both must match both.
 * Where our header keeps two names for one field (an unnamed union of
 * members of one type), either name satisfies the reference.
 * Sizes and offsets are checked against Windows x64's, computed by hand from
 * the SDK's types, on LP64 targets whose alignment rules match it.
 */
#include <windows.h>
#include <lm.h>
#include <winnetwk.h>
#include <wtsapi32.h>

#include <ctype.h>
#include <dirent.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#ifndef WTSNET_INCLUDE_DIR
#error "WTSNET_INCLUDE_DIR: the source tree's include/"
#endif
#ifndef SDK_DOCS_REFERENCE
#error "SDK_DOCS_REFERENCE: tests/unit/sdk/microsoft-docs.h"
#endif
#define MINGW_INCLUDE_DIR "/usr/share/mingw-w64/include"

#define MAX_MEMBERS 128
#define MAX_ALIASES 4

struct member {
    char text[256];                  /* normalized: "WCHAR UserName[USERNAME_LENGTH+1]" */
    char alias[MAX_ALIASES][256];    /* an unnamed union of one type's members: its members */
    int n_alias;
};

struct type_def {
    char tag[64]; /* "_WTSINFOA" */
    char kind[8]; /* "struct" / "union" */
    struct member members[MAX_MEMBERS];
    int n_members;
};

struct header_set {
    struct type_def *defs;
    size_t count, allocated;
};

struct tokens {
    char (*t)[64];
    size_t n;
};

static char *read_file(const char *path) {
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f)
        return NULL;
    do {
        if (cap - len < 4096) {
            char *p = realloc(buf, cap + 65536);

            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
            cap += 65536;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* Comments and preprocessor lines (with their continuations) out; the rest as tokens. */
static void tokenize(const char *src, struct tokens *out) {
    size_t cap = 0;
    bool line_start = true;

    out->t = NULL;
    out->n = 0;
    for (const char *p = src; *p;) {
        size_t len = 1;

        if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
            continue;
        }
        if ((p[0] == '/' && p[1] == '/') || (line_start && *p == '#')) {
            while (*p && !(*p == '\n' && p[-1] != '\\'))
                p++;
            continue;
        }
        if (isspace((unsigned char) *p)) {
            line_start = *p == '\n' ? true : line_start;
            p++;
            continue;
        }
        line_start = false;
        if (isalnum((unsigned char) *p) || *p == '_')
            while (isalnum((unsigned char) p[len]) || p[len] == '_')
                len++;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 4096;
            out->t = realloc(out->t, cap * sizeof(*out->t));
            if (!out->t)
                abort();
        }
        snprintf(out->t[out->n++], 64, "%.*s", (int) (len < 63 ? len : 63), p);
        p += len;
    }
}

static bool is_word(const char *t) {
    return isalnum((unsigned char) t[0]) || t[0] == '_';
}

/* mingw-w64's spellings for "no name here" (an unnamed member where C allows one). */
static bool is_filler(const char *t) {
    return strcmp(t, "__C89_NAMELESS") == 0 || strcmp(t, "__MINGW_EXTENSION") == 0 ||
           strncmp(t, "DUMMYSTRUCTNAME", 15) == 0 || strncmp(t, "DUMMYUNIONNAME", 14) == 0;
}

static void append(char *buf, size_t size, const char *prev, const char *t) {
    size_t len = strlen(buf);

    snprintf(buf + len, size - len, "%s%s", prev && is_word(prev) && is_word(t) ? " " : "", t);
}

/* Members from t[*i] (just after '{') to the matching '}' (*i ends after it). */
static int parse_members(const struct tokens *tk, size_t *i, struct member *out, int max);

static int parse_member(const struct tokens *tk, size_t *i, struct member *m) {
    const char *prev = NULL;

    memset(m, 0, sizeof(*m));
    /* Our unnamed union is spelled through a macro: it is a union. */
    if (*i < tk->n && strcmp(tk->t[*i], "WTSNET_ANONYMOUS_UNION") == 0)
        snprintf(tk->t[*i], 64, "union");
    while (*i < tk->n && is_filler(tk->t[*i]))
        (*i)++;
    if (*i + 1 < tk->n && (strcmp(tk->t[*i], "struct") == 0 || strcmp(tk->t[*i], "union") == 0) &&
        strcmp(tk->t[*i + 1], "{") == 0) {
        struct member *inner = calloc(MAX_MEMBERS, sizeof(*inner));
        bool is_union = tk->t[*i][0] == 'u', simple = true;
        int n;

        snprintf(m->text, sizeof(m->text), "%s{", tk->t[*i]);
        *i += 2;
        if (!inner)
            abort();
        n = parse_members(tk, i, inner, MAX_MEMBERS);
        if (n < 0) {
            free(inner);
            return -1;
        }
        for (int k = 0; k < n; k++) {
            append(m->text, sizeof(m->text), NULL, inner[k].text);
            append(m->text, sizeof(m->text), NULL, ";");
            simple &= strchr(inner[k].text, '{') == NULL;
        }
        append(m->text, sizeof(m->text), NULL, "}");
        prev = "}";
        for (; *i < tk->n && strcmp(tk->t[*i], ";") != 0; (*i)++)
            if (!is_filler(tk->t[*i])) {
                append(m->text, sizeof(m->text), prev, tk->t[*i]);
                prev = tk->t[*i];
            }
        /* An unnamed union of simple members: one field under several names. */
        if (is_union && simple && prev && strcmp(prev, "}") == 0 && n <= MAX_ALIASES) {
            for (int k = 0; k < n; k++)
                memcpy(m->alias[k], inner[k].text, sizeof(m->alias[k]));
            m->n_alias = n;
        }
        free(inner);
    } else {
        for (; *i < tk->n && strcmp(tk->t[*i], ";") != 0; (*i)++) {
            if (strcmp(tk->t[*i], "{") == 0 || strcmp(tk->t[*i], "}") == 0)
                return -1;
            append(m->text, sizeof(m->text), prev, tk->t[*i]);
            prev = tk->t[*i];
        }
    }
    if (*i >= tk->n)
        return -1;
    (*i)++; /* ';' */
    return 0;
}

static int parse_members(const struct tokens *tk, size_t *i, struct member *out, int max) {
    int n = 0;

    while (*i < tk->n && strcmp(tk->t[*i], "}") != 0) {
        if (n == max || parse_member(tk, i, &out[n]) < 0)
            return -1;
        n++;
    }
    if (*i >= tk->n)
        return -1;
    (*i)++; /* '}' */
    return n;
}

static bool tok_is(const struct tokens *tk, size_t i, const char *s) {
    return i < tk->n && strcmp(tk->t[i], s) == 0;
}

static bool is_aggregate(const struct tokens *tk, size_t i) {
    return tok_is(tk, i, "typedef") && (tok_is(tk, i + 1, "struct") || tok_is(tk, i + 1, "union")) &&
           i + 2 < tk->n && is_word(tk->t[i + 2]) && tok_is(tk, i + 3, "{");
}

static const struct type_def *find_def(const struct header_set *h, const char *tag) {
    for (size_t i = 0; i < h->count; i++)
        if (strcmp(h->defs[i].tag, tag) == 0)
            return &h->defs[i];
    return NULL;
}

/* Adds every "typedef struct|union TAG { … }" of the text; the first definition of a tag wins.
 * strict: one that cannot be parsed is an error (ours); else it is passed over (the SDK's
 * headers hold much this parser need not read, e.g. winnt.h's per-architecture CONTEXT). */
static int parse_text(const char *text, struct header_set *h, bool strict) {
    struct tokens tk;

    tokenize(text, &tk);
    for (size_t i = 0; i < tk.n; i++) {
        struct type_def d = {0};
        size_t j;
        int n;

        if (!is_aggregate(&tk, i))
            continue;
        /* "#if defined(__WIDL__) typedef struct T { #else typedef union T {": with the
         * preprocessor lines gone, both openings remain; the C one is the last. */
        while (is_aggregate(&tk, i + 4) && strcmp(tk.t[i + 6], tk.t[i + 2]) == 0)
            i += 4;
        snprintf(d.tag, sizeof(d.tag), "%s", tk.t[i + 2]);
        snprintf(d.kind, sizeof(d.kind), "%s", tk.t[i + 1]);
        j = i + 4;
        n = parse_members(&tk, &j, d.members, MAX_MEMBERS);
        if (n < 0 && !strict)
            continue;
        if (n < 0) {
            tap_diag("cannot parse the members of %s", d.tag);
            free(tk.t);
            return -1;
        }
        d.n_members = n;
        if (!find_def(h, d.tag)) {
            if (h->count == h->allocated) {
                h->allocated = h->allocated ? h->allocated * 2 : 64;
                h->defs = realloc(h->defs, h->allocated * sizeof(*h->defs));
                if (!h->defs)
                    abort();
            }
            h->defs[h->count++] = d;
        }
        i = j - 1;
    }
    free(tk.t);
    return 0;
}

static int parse_file(const char *path, struct header_set *h, bool strict) {
    char *text = read_file(path);
    int r;

    if (!text) {
        tap_diag("cannot read %s", path);
        return -1;
    }
    r = parse_text(text, h, strict);
    free(text);
    return r;
}

static bool member_matches(const struct member *ours, const struct member *ref) {
    if (strcmp(ours->text, ref->text) == 0)
        return true;
    for (int k = 0; k < ours->n_alias; k++)
        if (strcmp(ours->alias[k], ref->text) == 0)
            return true;
    return false;
}

/* 0 when ours has the reference's kind and members; else reports each difference. */
static int compare(const struct type_def *ours, const struct type_def *ref, const char *ref_name, bool quiet) {
    int bad = 0;

    if (strcmp(ours->kind, ref->kind) != 0) {
        if (!quiet)
            tap_diag("%s: a %s here, a %s in %s", ours->tag, ours->kind, ref->kind, ref_name);
        bad++;
    }
    for (int k = 0; k < ours->n_members || k < ref->n_members; k++) {
        const char *o = k < ours->n_members ? ours->members[k].text : "(none)";
        const char *r = k < ref->n_members ? ref->members[k].text : "(none)";

        if (k < ours->n_members && k < ref->n_members && member_matches(&ours->members[k], &ref->members[k]))
            continue;
        if (!quiet)
            tap_diag("%s member %d: ours \"%s\", %s \"%s\"", ours->tag, k + 1, o, ref_name, r);
        bad++;
    }
    return bad;
}

static struct header_set ours, mingw, docs;

static void load_ours(void) {
    DIR *d = opendir(WTSNET_INCLUDE_DIR);
    struct dirent *e;

    REQUIRE(d);
    while ((e = readdir(d))) {
        char path[4096];
        size_t len = strlen(e->d_name);

        if (len < 3 || strcmp(e->d_name + len - 2, ".h") != 0)
            continue;
        if (strncmp(e->d_name, "wtsnet_", 7) == 0)
            continue; /* wtsnet's own extensions (wtsnet_events.h): no SDK counterpart by design */
        snprintf(path, sizeof(path), "%s/%s", WTSNET_INCLUDE_DIR, e->d_name);
        CHECK(parse_file(path, &ours, true) == 0);
    }
    closedir(d);
}

/* The SDK headers that define what ours define (winnt.h: LARGE_INTEGER; minwindef.h: FILETIME). */
static void load_references(void) {
    static const char *const files[] = {"wtsapi32.h", "lmshare.h", "lmserver.h", "lmwksta.h", "winnetwk.h", "winnt.h", "minwindef.h"};

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[512];

        snprintf(path, sizeof(path), "%s/%s", MINGW_INCLUDE_DIR, files[i]);
        if (parse_file(path, &mingw, false) < 0)
            TAP_FAIL("mingw-w64's %s is needed (Debian package mingw-w64-common, scripts/deps/test-base.list)",
                     files[i]);
    }
    CHECK(parse_file(SDK_DOCS_REFERENCE, &docs, true) == 0);
}

static void every_public_structure_has_the_sdk_members_in_the_sdk_order(void) {
    load_ours();
    load_references();
    tap_diag("structures: %zu ours, %zu in mingw-w64, %zu from the docs", ours.count, mingw.count, docs.count);
    REQUIRE(ours.count >= 29 && mingw.count > 0 && docs.count > 0);
    for (size_t i = 0; i < ours.count; i++) {
        const struct type_def *o = &ours.defs[i], *m = find_def(&mingw, o->tag), *d = find_def(&docs, o->tag);

        if (!m && !d) {
            TAP_FAIL("%s: in neither mingw-w64's headers nor tests/unit/sdk/microsoft-docs.h", o->tag);
            continue;
        }
        if (m && compare(o, m, "mingw-w64", false))
            TAP_FAIL("%s differs from mingw-w64's", o->tag);
        if (d && compare(o, d, "Microsoft's docs", false))
            TAP_FAIL("%s differs from Microsoft's documented definition", o->tag);
    }
}

/* The comparison itself: a renamed, a retyped, a moved or a missing field is caught. */
static void the_comparison_catches_renamed_retyped_reordered_and_missing_fields(void) {
    static const char *const variants[] = {
        "typedef struct _T { DWORD A; DWORD Bee; CHAR C[WINSTATIONNAME_LENGTH]; } T;",
        "typedef struct _T { DWORD A; ULONG B; CHAR C[WINSTATIONNAME_LENGTH]; } T;",
        "typedef struct _T { DWORD B; DWORD A; CHAR C[WINSTATIONNAME_LENGTH]; } T;",
        "typedef struct _T { DWORD A; DWORD B; CHAR C[WINSTATIONNAME_LENGTH + 1]; } T;",
        "typedef struct _T { DWORD A; DWORD B; } T;",
        "typedef union _T { DWORD A; DWORD B; CHAR C[WINSTATIONNAME_LENGTH]; } T;",
        "typedef struct _T { DWORD A; union { DWORD X; DWORD Y; }; CHAR C[WINSTATIONNAME_LENGTH]; } T;",
    };
    static const char reference[] = "typedef struct _T {\n#if X\n DWORD A;\n#endif\n DWORD /* c */ B; // x\n"
                                    " CHAR C[WINSTATIONNAME_LENGTH]; } T;";
    static const char aliased[] = "typedef struct _T { DWORD A; WTSNET_ANONYMOUS_UNION { DWORD Bee; DWORD B; };"
                                  " CHAR C[WINSTATIONNAME_LENGTH]; } T;";
    struct header_set ref = {0}, alias = {0};

    REQUIRE(parse_text(reference, &ref, true) == 0 && ref.count == 1);
    CHECK_EQ_U(ref.defs[0].n_members, 3);
    for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        struct header_set v = {0};

        REQUIRE(parse_text(variants[i], &v, true) == 0 && v.count == 1);
        if (compare(&v.defs[0], &ref.defs[0], "reference", true) == 0)
            TAP_FAIL("not caught: %s", variants[i]);
        free(v.defs);
    }
    /* Two names for one field: either spelling in the reference is met. */
    REQUIRE(parse_text(aliased, &alias, true) == 0 && alias.count == 1);
    CHECK_EQ_I(compare(&alias.defs[0], &ref.defs[0], "reference", false), 0);
    free(alias.defs);
    free(ref.defs);
}

/* Both spellings name the one DWORD at the SDK's offset; W keeps ...Bytes. */
static void wtsinfoa_answers_to_the_sdk_spelling_and_to_ours(void) {
    WTSINFOA a;

    memset(&a, 0, sizeof(a));
    a.OutgoingCompressedBy = 0x12345678;
    CHECK_EQ_U(a.OutgoingCompressedBytes, 0x12345678);
    CHECK_EQ_U(offsetof(WTSINFOA, OutgoingCompressedBy), 28);
    CHECK_EQ_U(offsetof(WTSINFOA, OutgoingCompressedBytes), 28);
    CHECK_EQ_U(offsetof(WTSINFOW, OutgoingCompressedBytes), 28);
    CHECK_EQ_U(offsetof(WTSINFOA, WinStationName), 32);
}

/* Windows' base types are LLP64: LONG and ULONG stay 32-bit on LP64 Linux. WCHAR is
 * wchar_t here (32-bit, docs/api.md), the one deliberate difference. */
static void base_types_have_their_windows_sizes(void) {
    CHECK_EQ_U(sizeof(BYTE), 1);
    CHECK_EQ_U(sizeof(CHAR), 1);
    CHECK_EQ_U(sizeof(USHORT), 2);
    CHECK_EQ_U(sizeof(WORD), 2);
    CHECK_EQ_U(sizeof(DWORD), 4);
    CHECK_EQ_U(sizeof(LONG), 4);
    CHECK_EQ_U(sizeof(ULONG), 4);
    CHECK_EQ_U(sizeof(BOOL), 4);
    CHECK_EQ_U(sizeof(WTS_CONNECTSTATE_CLASS), 4);
    CHECK_EQ_U(sizeof(NET_API_STATUS), 4);
    CHECK_EQ_U(sizeof(LONGLONG), 8);
    CHECK_EQ_U(sizeof(LARGE_INTEGER), 8);
    CHECK_EQ_U(sizeof(FILETIME), 8);
    CHECK_EQ_U(sizeof(HANDLE), sizeof(void *));
    CHECK_EQ_U(sizeof(ULONG_PTR), sizeof(void *));
    CHECK_EQ_U(sizeof(WCHAR), sizeof(wchar_t));
    CHECK((DWORD) -1 > 0 && (LONG) -1 < 0 && (ULONG) -1 > 0);
}

#define CHECK_LAYOUT(type, size) CHECK_EQ_U(sizeof(type), size)
#define CHECK_AT(type, field, offset) CHECK_EQ_U(offsetof(type, field), offset)

/* Windows x64 layouts, by hand from the SDK's types (natural alignment, LARGE_INTEGER 8).
 * The A and text-free structures only: W text is wchar_t here. */
static void layouts_are_those_of_windows_x64(void) {
    if (sizeof(void *) != 8 || alignof(LONGLONG) != 8)
        SKIP("not a 64-bit target that aligns 8-byte integers like Windows x64");
    CHECK_LAYOUT(WTS_SESSION_INFOA, 24);
    CHECK_AT(WTS_SESSION_INFOA, pWinStationName, 8);
    CHECK_AT(WTS_SESSION_INFOA, State, 16);
    CHECK_LAYOUT(WTS_SESSION_INFO_1A, 56);
    CHECK_AT(WTS_SESSION_INFO_1A, pSessionName, 16);
    CHECK_AT(WTS_SESSION_INFO_1A, pFarmName, 48);
    CHECK_LAYOUT(WTS_PROCESS_INFOW, 24);
    CHECK_AT(WTS_PROCESS_INFOW, pUserSid, 16);
    CHECK_LAYOUT(WTS_PROCESS_INFO_EXA, 64);
    CHECK_AT(WTS_PROCESS_INFO_EXA, NumberOfThreads, 24);
    CHECK_AT(WTS_PROCESS_INFO_EXA, UserTime, 48);
    CHECK_AT(WTS_PROCESS_INFO_EXA, KernelTime, 56);
    CHECK_LAYOUT(SID, 12);
    CHECK_AT(SID, SubAuthority, 8);
    CHECK_LAYOUT(WTS_CLIENT_ADDRESS, 24);
    CHECK_AT(WTS_CLIENT_ADDRESS, Address, 4);
    CHECK_LAYOUT(WTS_SESSION_ADDRESS, 24);
    CHECK_LAYOUT(WTS_CLIENT_DISPLAY, 12);
    CHECK_LAYOUT(WTSINFOA, 144);
    CHECK_AT(WTSINFOA, Domain, 64);
    CHECK_AT(WTSINFOA, UserName, 81);
    CHECK_AT(WTSINFOA, ConnectTime, 104);
    CHECK_AT(WTSINFOA, CurrentTime, 136);
    CHECK_LAYOUT(WTSINFOEX_LEVEL1_A, 152);
    CHECK_AT(WTSINFOEX_LEVEL1_A, WinStationName, 12);
    CHECK_AT(WTSINFOEX_LEVEL1_A, UserName, 45);
    CHECK_AT(WTSINFOEX_LEVEL1_A, DomainName, 66);
    CHECK_AT(WTSINFOEX_LEVEL1_A, LogonTime, 88);
    CHECK_AT(WTSINFOEX_LEVEL1_A, IncomingBytes, 128);
    CHECK_AT(WTSINFOEX_LEVEL1_A, OutgoingCompressedBytes, 148);
    CHECK_LAYOUT(WTSINFOEXA, 160);
    CHECK_AT(WTSINFOEXA, Data, 8);
    CHECK_LAYOUT(WTSCLIENTA, 1200);
    CHECK_AT(WTSCLIENTA, EncryptionLevel, 582);
    CHECK_AT(WTSCLIENTA, ClientAddressFamily, 584);
    CHECK_AT(WTSCLIENTA, ClientAddress, 588);
    CHECK_AT(WTSCLIENTA, HRes, 650);
    CHECK_AT(WTSCLIENTA, ClientDirectory, 656);
    CHECK_AT(WTSCLIENTA, ClientBuildNumber, 920);
    CHECK_AT(WTSCLIENTA, ClientProductId, 928);
    CHECK_AT(WTSCLIENTA, DeviceId, 936);
    CHECK_LAYOUT(SESSION_INFO_0, 8);
    CHECK_LAYOUT(SESSION_INFO_1, 32);
    CHECK_AT(SESSION_INFO_1, sesi1_num_opens, 16);
    CHECK_LAYOUT(SESSION_INFO_2, 40);
    CHECK_AT(SESSION_INFO_2, sesi2_cltype_name, 32);
    CHECK_LAYOUT(SESSION_INFO_10, 24);
    CHECK_AT(SESSION_INFO_10, sesi10_time, 16);
    CHECK_LAYOUT(SESSION_INFO_502, 48);
    CHECK_AT(SESSION_INFO_502, sesi502_transport, 40);
    CHECK_LAYOUT(SERVER_INFO_100, 16);
    CHECK_AT(SERVER_INFO_100, sv100_name, 8);
    CHECK_LAYOUT(SERVER_INFO_101, 40);
    CHECK_AT(SERVER_INFO_101, sv101_version_major, 16);
    CHECK_AT(SERVER_INFO_101, sv101_comment, 32);
    CHECK_LAYOUT(NETRESOURCEA, 48);
    CHECK_AT(NETRESOURCEA, lpLocalName, 16);
    CHECK_AT(NETRESOURCEA, lpProvider, 40);
}

int main(void) {
    static const struct tap_case cases[] = {
        CASE(every_public_structure_has_the_sdk_members_in_the_sdk_order),
        CASE(the_comparison_catches_renamed_retyped_reordered_and_missing_fields),
        CASE(wtsinfoa_answers_to_the_sdk_spelling_and_to_ours),
        CASE(base_types_have_their_windows_sizes),
        CASE(layouts_are_those_of_windows_x64),
    };

    return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
