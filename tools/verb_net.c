/*
 * wtsnet net session [\\CLIENT] [/delete]        (Windows' habits)
 * wtsnet net session [--server S] [--client C] [--user U] [--level N] [--delete] [--json]
 * wtsnet net file [ID] [/close] [--server S] [--path P] [--user U] [--json]
 * wtsnet net share [--server S] [--json]
 *
 * Lists the SMB sessions on a server (NetSessionEnum) or ends them
 * (NetSessionDel); lists the files open on it (NetFileEnum), shows one
 * (NetFileGetInfo) or closes it (NetFileClose); lists its shares (NetShareEnum). A thin layer over the public API: it parses, calls and
 * prints with the rest of the CLI's output module and error printer.
 */
#include "verb_net.h"

#include <getopt.h>
#include <lm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "errors.h"
#include "output.h"

static void usage(FILE *f) {
    fputs("usage: wtsnet net session [\\\\CLIENT] [/delete]\n"
          "       wtsnet net session [--server SERVER] [--client CLIENT] [--user USER]\n"
          "                          [--level 0|1|2|10|502] [--delete] [--json]\n"
          "Lists the network (SMB) sessions on SERVER (default: this host), or ends those\n"
          "matching --client/--user with --delete. SERVER may be \\\\name, name, an address\n"
          "or name:port.\n",
          f);
}

static void out_of_memory(void) {
    fprintf(stderr, "%s: out of memory\n", program);
    exit(EXIT_FAILURE);
}

/* UTF-8 → WCHAR for the W API, by the library's own conversion; NULL stays NULL. */
static wchar_t *wide(const char *s) {
    int n;
    wchar_t *w;

    if (!s)
        return NULL;
    n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    w = n > 0 ? calloc((size_t) n, sizeof(*w)) : NULL;
    if (!w || MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) != n)
        out_of_memory();
    return w;
}

/* WCHAR from the server → UTF-8 (what is no Unicode scalar value: U+FFFD); NULL → "". */
static char *utf8_of(const wchar_t *w) {
    int n = WideCharToMultiByte(CP_UTF8, 0, w ? w : L"", -1, NULL, 0, NULL, NULL);
    char *s = n > 0 ? malloc((size_t) n) : NULL;

    if (!s || WideCharToMultiByte(CP_UTF8, 0, w ? w : L"", -1, s, n, NULL, NULL) != n)
        out_of_memory();
    return s;
}

/* One row whatever the level: what it does not carry is NULL / -1. */
struct row {
    const wchar_t *client, *user, *cltype, *transport;
    long long opens, time, idle, flags;
};

static struct row row_of(const BYTE *buf, DWORD level, DWORD i) {
    struct row r = {NULL, NULL, NULL, NULL, -1, -1, -1, -1};

    switch (level) {
    case 0: {
        const SESSION_INFO_0 *x = (const SESSION_INFO_0 *) buf + i;
        r.client = x->sesi0_cname;
        break;
    }
    case 1: {
        const SESSION_INFO_1 *x = (const SESSION_INFO_1 *) buf + i;
        r = (struct row){x->sesi1_cname, x->sesi1_username, NULL, NULL, x->sesi1_num_opens, x->sesi1_time,
                         x->sesi1_idle_time, x->sesi1_user_flags};
        break;
    }
    case 2: {
        const SESSION_INFO_2 *x = (const SESSION_INFO_2 *) buf + i;
        r = (struct row){x->sesi2_cname, x->sesi2_username, x->sesi2_cltype_name, NULL, x->sesi2_num_opens,
                         x->sesi2_time, x->sesi2_idle_time, x->sesi2_user_flags};
        break;
    }
    case 10: {
        const SESSION_INFO_10 *x = (const SESSION_INFO_10 *) buf + i;
        r = (struct row){x->sesi10_cname, x->sesi10_username, NULL, NULL, -1, x->sesi10_time, x->sesi10_idle_time, -1};
        break;
    }
    case 502: {
        const SESSION_INFO_502 *x = (const SESSION_INFO_502 *) buf + i;
        r = (struct row){x->sesi502_cname, x->sesi502_username, x->sesi502_cltype_name, x->sesi502_transport,
                         x->sesi502_num_opens, x->sesi502_time, x->sesi502_idle_time, x->sesi502_user_flags};
        break;
    }
    }
    return r;
}

/*
 * The columns of a level, in the order each form shows them. Text keeps
 * what Windows' `net session` shows (computer, user, client type, opens,
 * idle time); JSON has every field the level carries.
 */
enum column { COL_CLIENT, COL_USER, COL_OPENS, COL_TIME, COL_IDLE, COL_FLAGS, COL_GUEST, COL_CLTYPE, COL_TRANSPORT };

static const struct column_info {
    const char *header, *key;
} columns[] = {
    [COL_CLIENT] = {"COMPUTER", "client"},      [COL_USER] = {"USERNAME", "user"},
    [COL_OPENS] = {"OPENS", "opens"},           [COL_TIME] = {"TIME", "time"},
    [COL_IDLE] = {"IDLETIME", "idle_time"},     [COL_FLAGS] = {"FLAGS", "user_flags"},
    [COL_GUEST] = {"GUEST", "guest"},           [COL_CLTYPE] = {"CLIENTTYPE", "client_type"},
    [COL_TRANSPORT] = {"TRANSPORT", "transport"},
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

static const enum column text_order[] = {COL_CLIENT, COL_USER, COL_CLTYPE, COL_OPENS, COL_IDLE};
static const enum column json_order[] = {COL_CLIENT, COL_USER, COL_OPENS, COL_TIME, COL_IDLE,
                                         COL_FLAGS, COL_GUEST, COL_CLTYPE, COL_TRANSPORT};

/* Whether the level's SESSION_INFO_N has the column's field (lmshare.h). */
static bool level_has(DWORD level, enum column c) {
    switch (c) {
    case COL_CLIENT:
        return true;
    case COL_USER:
    case COL_TIME:
    case COL_IDLE:
        return level != 0;
    case COL_OPENS:
    case COL_FLAGS:
    case COL_GUEST:
        return level == 1 || level == 2 || level == 502;
    case COL_CLTYPE:
        return level == 2 || level == 502;
    case COL_TRANSPORT:
        return level == 502;
    }
    return false;
}

static void add_text(struct table *t, const wchar_t *w) {
    char *s = utf8_of(w);

    table_add_string(t, s);
    free(s);
}

static void add_cell(struct table *t, const struct row *r, enum column c, bool json) {
    char text[64];

    switch (c) {
    case COL_CLIENT:
        if (!json && r->client && wcsncmp(r->client, L"\\\\", 2) != 0) {
            /* As Windows' net session shows them: \\client. */
            char *s = utf8_of(r->client), *shown = malloc(strlen(s) + 3);

            if (!shown)
                out_of_memory();
            sprintf(shown, "\\\\%s", s);
            table_add_string(t, shown);
            free(shown);
            free(s);
        } else
            add_text(t, r->client);
        break;
    case COL_USER:
        add_text(t, r->user);
        break;
    case COL_OPENS:
        table_add_uint(t, (uint64_t) r->opens);
        break;
    case COL_TIME:
        table_add_uint(t, (uint64_t) r->time);
        break;
    case COL_IDLE:
        if (json)
            table_add_uint(t, (uint64_t) r->idle);
        else {
            snprintf(text, sizeof(text), "%02lld:%02lld:%02lld", r->idle / 3600, r->idle / 60 % 60, r->idle % 60);
            table_add_string(t, text);
        }
        break;
    case COL_FLAGS:
        table_add_uint(t, (uint64_t) r->flags);
        break;
    case COL_GUEST:
        table_add_bool(t, r->flags & SESS_GUEST);
        break;
    case COL_CLTYPE:
        add_text(t, r->cltype);
        break;
    case COL_TRANSPORT:
        add_text(t, r->transport);
        break;
    }
}

/* The level's sessions as one table, like every other list of the CLI. */
static void print_sessions(const BYTE *buf, DWORD level, DWORD n, bool json) {
    const enum column *order = json ? json_order : text_order;
    size_t n_order = json ? sizeof(json_order) / sizeof(json_order[0]) : sizeof(text_order) / sizeof(text_order[0]);
    const char *headers[N_COLUMNS + 1], *keys[N_COLUMNS + 1];
    enum column cols[N_COLUMNS];
    size_t ncols = 0;
    struct table *t;

    for (size_t i = 0; i < n_order; i++)
        if (level_has(level, order[i])) {
            headers[ncols] = columns[order[i]].header;
            keys[ncols] = columns[order[i]].key;
            cols[ncols++] = order[i];
        }
    headers[ncols] = keys[ncols] = NULL;
    t = table_new(json, headers, keys);
    for (DWORD i = 0; i < n; i++) {
        struct row r = row_of(buf, level, i);

        for (size_t c = 0; c < ncols; c++)
            add_cell(t, &r, cols[c], json);
    }
    table_print(t, stdout);
    table_free(t);
}

static int bad_usage_of(const char *verb, const char *what, const char *arg) {
    fprintf(stderr, "%s: net %s: %s", program, verb, what);
    if (arg) {
        fputs(" \"", stderr);
        text_write(stderr, arg);
        fputc('"', stderr);
    }
    fputc('\n', stderr);
    return EXIT_USAGE;
}

static int bad_usage(const char *what, const char *arg) {
    return bad_usage_of("session", what, arg);
}

int verb_net_session(int argc, char **argv, bool json) {
    static const struct option opts[] = {
        {"server", required_argument, NULL, 's'}, {"client", required_argument, NULL, 'c'},
        {"user", required_argument, NULL, 'u'},   {"level", required_argument, NULL, 'l'},
        {"delete", no_argument, NULL, 'd'},       {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *server = NULL, *client = NULL, *user = NULL;
    bool del = false;
    DWORD level = 1;
    wchar_t *wserver, *wclient, *wuser;
    NET_API_STATUS st;
    int c, ret = EXIT_FAILURE;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+s:c:u:l:dh", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            /* Most likely --server "$HOST" with HOST unset: an error, not this host. */
            if (!optarg[0])
                return bad_usage("empty server name (leave out --server for this host)", NULL);
            server = optarg;
            break;
        case 'c':
            client = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 'l': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);

            if (*end || end == optarg || v > 1000)
                return bad_usage("bad level", optarg);
            level = (DWORD) v;
            break;
        }
        case 'd':
            del = true;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        default:
            bad_usage("unknown option", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    /* Windows' forms: \\CLIENT names the client; /delete (or /d) deletes; /list lists. */
    for (int i = optind; i < argc; i++) {
        if (strcasecmp(argv[i], "/delete") == 0 || strcasecmp(argv[i], "/d") == 0)
            del = true;
        else if (strcasecmp(argv[i], "/list") == 0)
            ;
        else if (strncmp(argv[i], "\\\\", 2) == 0 && !client)
            client = argv[i];
        else {
            bad_usage("unexpected argument", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    wserver = wide(server);
    wclient = wide(client);
    wuser = wide(user);
    if (del) {
        st = NetSessionDel(wserver, wclient, wuser);
        if (st != NERR_Success) {
            report_error(stderr, NULL, "cannot delete network sessions", st);
            goto out;
        }
        if (json) {
            struct record *r = record_new(true);

            record_add_bool(r, "Deleted", "deleted", true);
            record_print(r, stdout);
            record_free(r);
        } else
            printf("The session(s) were deleted.\n");
        ret = EXIT_SUCCESS;
    } else {
        LPBYTE buf = NULL;
        DWORD read = 0, total = 0, resume = 0;

        st = NetSessionEnum(wserver, wclient, wuser, level, &buf, MAX_PREFERRED_LENGTH, &read, &total, &resume);
        if (st != NERR_Success) {
            NetApiBufferFree(buf);
            report_error(stderr, NULL, "cannot list network sessions", st);
            goto out;
        }
        print_sessions(buf, level, read, json);
        NetApiBufferFree(buf);
        ret = EXIT_SUCCESS;
    }
out:
    free(wserver);
    free(wclient);
    free(wuser);
    return ret;
}

/* ---- net file ---- */

static void file_usage(FILE *f) {
    fputs("usage: wtsnet net file [ID [/close]] [--server SERVER] [--path PREFIX] [--user USER] [--json]\n"
          "Lists the files open on SERVER (default: this host) with their ids, shows\n"
          "one by its ID, or forces it closed with /close (or --close).\n",
          f);
}

/* "rw" letters of fi3_permissions, as Windows' net file ID shows them. */
static void permissions_text(DWORD p, char *buf, size_t size) {
    snprintf(buf, size, "%s%s%s", p & PERM_FILE_READ ? "R" : "", p & PERM_FILE_WRITE ? "W" : "",
             p & PERM_FILE_CREATE ? "C" : "");
}

static void print_file(const FILE_INFO_3 *f, bool json) {
    struct record *r = record_new(json);
    char *path = utf8_of(f->fi3_pathname), *user = utf8_of(f->fi3_username), perm[8];

    permissions_text(f->fi3_permissions, perm, sizeof(perm));
    record_add_uint(r, "File ID", "id", f->fi3_id);
    record_add_string(r, "User name", "user", user);
    record_add_uint(r, "Locks", "locks", f->fi3_num_locks);
    record_add_string(r, "Path", "path", path);
    if (json)
        record_add_uint(r, "Permissions", "permissions", f->fi3_permissions);
    else
        record_add_string(r, "Permissions", "permissions", perm);
    record_print(r, stdout);
    record_free(r);
    free(path);
    free(user);
}

static void print_files(const FILE_INFO_3 *v, DWORD n, bool json) {
    static const char *const text_headers[] = {"ID", "PATH", "USER", "LOCKS", NULL};
    static const char *const text_keys[] = {"id", "path", "user", "locks", NULL};
    static const char *const json_headers[] = {"ID", "PATH", "USER", "PERMISSIONS", "LOCKS", NULL};
    static const char *const json_keys[] = {"id", "path", "user", "permissions", "locks", NULL};
    struct table *t = json ? table_new(true, json_headers, json_keys) : table_new(false, text_headers, text_keys);

    for (DWORD i = 0; i < n; i++) {
        char *path = utf8_of(v[i].fi3_pathname), *user = utf8_of(v[i].fi3_username);

        table_add_uint(t, v[i].fi3_id);
        table_add_string(t, path);
        table_add_string(t, user);
        if (json)
            table_add_uint(t, v[i].fi3_permissions);
        table_add_uint(t, v[i].fi3_num_locks);
        free(path);
        free(user);
    }
    table_print(t, stdout);
    table_free(t);
}

/* A file id as `net file ID` takes it: decimal, 0 … 4294967295. */
static int parse_id(const char *s, DWORD *ret) {
    char *end;
    unsigned long v;

    if (!*s || *s == '-' || *s == '+')
        return -1;
    v = strtoul(s, &end, 10);
    if (*end || v > 0xFFFFFFFFul)
        return -1;
    *ret = (DWORD) v;
    return 0;
}

int verb_net_file(int argc, char **argv, bool json) {
    static const struct option opts[] = {
        {"server", required_argument, NULL, 's'}, {"path", required_argument, NULL, 'p'},
        {"user", required_argument, NULL, 'u'},   {"close", no_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *server = NULL, *path = NULL, *user = NULL;
    bool close_it = false, have_id = false;
    DWORD id = 0;
    wchar_t *wserver, *wpath, *wuser;
    NET_API_STATUS st;
    int c, ret = EXIT_FAILURE;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+s:p:u:ch", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!optarg[0])
                return bad_usage_of("file", "empty server name (leave out --server for this host)", NULL);
            server = optarg;
            break;
        case 'p':
            path = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 'c':
            close_it = true;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            file_usage(stdout);
            return EXIT_SUCCESS;
        default:
            bad_usage_of("file", "unknown option", argv[optind - 1]);
            file_usage(stderr);
            return EXIT_USAGE;
        }
    }
    /* Windows' forms: net file ID [/close]; options may follow them. */
    for (int i = optind; i < argc; i++) {
        if (strcasecmp(argv[i], "/close") == 0)
            close_it = true;
        else if (!have_id && parse_id(argv[i], &id) == 0)
            have_id = true;
        else if ((strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--server") == 0) && i + 1 < argc && argv[i + 1][0])
            server = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else {
            bad_usage_of("file", "unexpected argument", argv[i]);
            file_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (close_it && !have_id)
        return bad_usage_of("file", "/close needs the ID of a file", NULL);
    wserver = wide(server);
    wpath = wide(path);
    wuser = wide(user);
    if (close_it) {
        if ((st = NetFileClose(wserver, id)) != NERR_Success) {
            report_error(stderr, NULL, "cannot close the file", st);
            goto out;
        }
        if (json) {
            struct record *r = record_new(true);

            record_add_uint(r, "File ID", "id", id);
            record_add_bool(r, "Closed", "closed", true);
            record_print(r, stdout);
            record_free(r);
        } else
            printf("The file was closed.\n");
    } else if (have_id) {
        LPBYTE buf = NULL;

        if ((st = NetFileGetInfo(wserver, id, 3, &buf)) != NERR_Success) {
            report_error(stderr, NULL, "cannot show the file", st);
            goto out;
        }
        print_file((const FILE_INFO_3 *) buf, json);
        NetApiBufferFree(buf);
    } else {
        LPBYTE buf = NULL;
        DWORD read = 0, total = 0;

        st = NetFileEnum(wserver, wpath, wuser, 3, &buf, MAX_PREFERRED_LENGTH, &read, &total, NULL);
        if (st != NERR_Success) {
            NetApiBufferFree(buf);
            report_error(stderr, NULL, "cannot list the open files", st);
            goto out;
        }
        print_files((const FILE_INFO_3 *) buf, read, json);
        NetApiBufferFree(buf);
    }
    ret = EXIT_SUCCESS;
out:
    free(wserver);
    free(wpath);
    free(wuser);
    return ret;
}

/* ---- net share ---- */

static void share_usage(FILE *f) {
    fputs("usage: wtsnet net share [--server SERVER] [--json]\n"
          "Lists the shares of SERVER (default: this host), hidden ($) ones included,\n"
          "with their paths where the server tells them (administrators).\n",
          f);
}

int verb_net_share(int argc, char **argv, bool json) {
    static const struct option opts[] = {
        {"server", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const char *const headers[] = {"NAME", "RESOURCE", "REMARK", NULL};
    static const char *const keys[] = {"name", "path", "remark", NULL};
    static const char *const json_headers[] = {"NAME", "TYPE", "REMARK", "PATH", NULL};
    static const char *const json_keys[] = {"name", "type", "remark", "path", NULL};
    const char *server = NULL;
    wchar_t *wserver;
    LPBYTE buf = NULL;
    DWORD read = 0, total = 0, level = 2;
    NET_API_STATUS st;
    struct table *t;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+s:h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!optarg[0])
                return bad_usage_of("share", "empty server name (leave out --server for this host)", NULL);
            server = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            share_usage(stdout);
            return EXIT_SUCCESS;
        default:
            bad_usage_of("share", "unknown option", argv[optind - 1]);
            share_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        bad_usage_of("share", "unexpected argument", argv[optind]);
        share_usage(stderr);
        return EXIT_USAGE;
    }
    wserver = wide(server);
    st = NetShareEnum(wserver, level, &buf, MAX_PREFERRED_LENGTH, &read, &total, NULL);
    if (st == ERROR_ACCESS_DENIED) { /* level 2 is for administrators; 1 is for everyone */
        level = 1;
        st = NetShareEnum(wserver, level, &buf, MAX_PREFERRED_LENGTH, &read, &total, NULL);
    }
    free(wserver);
    if (st != NERR_Success) {
        report_error(stderr, NULL, "cannot list the shares", st);
        return EXIT_FAILURE;
    }
    t = json ? table_new(true, json_headers, json_keys) : table_new(false, headers, keys);
    for (DWORD i = 0; i < read; i++) {
        const SHARE_INFO_2 *s2 = level == 2 ? &((const SHARE_INFO_2 *) buf)[i] : NULL;
        const SHARE_INFO_1 *s1 = level == 1 ? &((const SHARE_INFO_1 *) buf)[i] : NULL;
        char *name = utf8_of(s2 ? s2->shi2_netname : s1->shi1_netname);
        char *remark = utf8_of(s2 ? s2->shi2_remark : s1->shi1_remark);
        char *path = utf8_of(s2 ? s2->shi2_path : NULL);

        table_add_string(t, name);
        if (json) {
            table_add_uint(t, s2 ? s2->shi2_type : s1->shi1_type);
            table_add_string(t, remark);
            table_add_string(t, path);
        } else {
            table_add_string(t, path);
            table_add_string(t, remark);
        }
        free(name);
        free(remark);
        free(path);
    }
    table_print(t, stdout);
    table_free(t);
    NetApiBufferFree(buf);
    return EXIT_SUCCESS;
}
