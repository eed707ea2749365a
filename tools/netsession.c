/*
 * wtsnet net session [\\CLIENT] [/delete]        (Windows' habits)
 * wtsnet net session [--server S] [--client C] [--user U] [--level N] [--delete] [--json]
 *
 * Lists the SMB sessions on a server (NetSessionEnum) or ends them
 * (NetSessionDel). A thin layer over the public API: it parses, calls, prints.
 */
#include "netsession.h"
#include "output.h"

#include <getopt.h>
#include <lm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

static void usage(FILE *f) {
    fputs("usage: wtsnet net session [\\\\CLIENT] [/delete]\n"
          "       wtsnet net session [--server SERVER] [--client CLIENT] [--user USER]\n"
          "                          [--level 0|1|2|10|502] [--delete] [--json]\n"
          "Lists the network (SMB) sessions on SERVER (default: this host), or ends those\n"
          "matching --client/--user with --delete. SERVER may be \\\\name, name, an address\n"
          "or name:port.\n",
          f);
}

/* UTF-8 → wchar_t (the W API's form); NULL stays NULL. */
static wchar_t *wide(const char *s) {
    size_t n;
    wchar_t *w;
    const unsigned char *p = (const unsigned char *) s;
    size_t o = 0;

    if (!s)
        return NULL;
    n = strlen(s);
    w = calloc(n + 1, sizeof(*w));
    if (!w)
        return NULL;
    while (*p) {
        unsigned c = *p, len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        wchar_t v = (wchar_t) (len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07);

        for (unsigned i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                len = 0;
                break;
            }
            v = (v << 6) | (p[i] & 0x3F);
        }
        if (len == 0) {
            w[o++] = 0xFFFD;
            p++;
            continue;
        }
        w[o++] = v;
        p += len;
    }
    return w;
}

static void print_error(const char *what, NET_API_STATUS st) {
    char *msg = NULL;

    if (FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_MAX_WIDTH_MASK,
                       NULL, st, 0, (LPSTR) &msg, 0, NULL) > 0) {
        fprintf(stderr, "%s: %s (error %u)\n", what, msg, st);
        LocalFree(msg);
    } else
        fprintf(stderr, "%s: error %u\n", what, st);
}

/* wchar_t → UTF-8 for output; what is no Unicode scalar value becomes U+FFFD. */
static char *utf8_of(const wchar_t *w) {
    size_t n = w ? wcslen(w) : 0, o = 0;
    char *s = malloc(n * 4 + 1);

    if (!s) {
        fputs("wtsnet net session: out of memory\n", stderr);
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t c = (uint32_t) w[i];

        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            c = 0xFFFD;
        if (c < 0x80)
            s[o++] = (char) c;
        else if (c < 0x800) {
            s[o++] = (char) (0xC0 | (c >> 6));
            s[o++] = (char) (0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            s[o++] = (char) (0xE0 | (c >> 12));
            s[o++] = (char) (0x80 | ((c >> 6) & 0x3F));
            s[o++] = (char) (0x80 | (c & 0x3F));
        } else {
            s[o++] = (char) (0xF0 | (c >> 18));
            s[o++] = (char) (0x80 | ((c >> 12) & 0x3F));
            s[o++] = (char) (0x80 | ((c >> 6) & 0x3F));
            s[o++] = (char) (0x80 | (c & 0x3F));
        }
    }
    s[o] = '\0';
    return s;
}

/* Names from the server, as JSON (escaped per RFC 8259 by the output module). */
static void json_string(const wchar_t *w) {
    char *s = utf8_of(w);

    json_write_string(stdout, s);
    free(s);
}

/* Names from the server, for the terminal: controls and the like escaped. */
static char *shown(const wchar_t *w) {
    char *s = utf8_of(w), *e = text_escape(s);

    free(s);
    return e;
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

static void print_json(const BYTE *buf, DWORD level, DWORD n) {
    printf("{\"level\": %u, \"sessions\": [", level);
    for (DWORD i = 0; i < n; i++) {
        struct row r = row_of(buf, level, i);

        printf("%s{\"client\": ", i ? ", " : "");
        json_string(r.client);
        if (r.user) {
            printf(", \"user\": ");
            json_string(r.user);
        }
        if (r.opens >= 0)
            printf(", \"opens\": %lld", r.opens);
        if (r.time >= 0)
            printf(", \"time\": %lld, \"idle_time\": %lld", r.time, r.idle);
        if (r.flags >= 0)
            printf(", \"user_flags\": %lld, \"guest\": %s", r.flags, (r.flags & SESS_GUEST) ? "true" : "false");
        if (r.cltype) {
            printf(", \"client_type\": ");
            json_string(r.cltype);
        }
        if (r.transport) {
            printf(", \"transport\": ");
            json_string(r.transport);
        }
        putchar('}');
    }
    printf("]}\n");
}

static void print_table(const BYTE *buf, DWORD level, DWORD n) {
    printf("%-24s %-20s %-16s %5s %s\n", "Computer", "User name", "Client Type", "Opens", "Idle time");
    printf("-------------------------------------------------------------------------------\n");
    for (DWORD i = 0; i < n; i++) {
        struct row r = row_of(buf, level, i);
        char *cname = shown(r.client), *user = shown(r.user), *cltype = shown(r.cltype);
        char opens[24] = "", idle[32] = "";

        if (r.opens >= 0)
            snprintf(opens, sizeof(opens), "%lld", r.opens);
        if (r.idle >= 0)
            snprintf(idle, sizeof(idle), "%02lld:%02lld:%02lld", r.idle / 3600, r.idle / 60 % 60, r.idle % 60);
        /* As Windows' net session shows them: \\client. */
        printf("%s%-*s %-20s %-16s %5s %s\n", r.client && strncmp(cname, "\\\\", 2) ? "\\\\" : "",
               r.client && strncmp(cname, "\\\\", 2) ? 22 : 24, cname, user, cltype, opens, idle);
        free(cname);
        free(user);
        free(cltype);
    }
    printf("The command completed successfully.\n");
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
    int c, ret = 1;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+s:c:u:l:dh", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!optarg[0]) {
                /* Most likely --server "$HOST" with HOST unset: an error, not this host. */
                fputs("wtsnet net session: empty server name (leave out --server for this host)\n", stderr);
                return 2;
            }
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

            if (*end || end == optarg || v > 1000) {
                fprintf(stderr, "wtsnet net session: bad level \"%s\"\n", optarg);
                return 2;
            }
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
            return 0;
        default:
            fprintf(stderr, "wtsnet net session: unknown option \"%s\"\n", argv[optind - 1]);
            usage(stderr);
            return 2;
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
            fprintf(stderr, "wtsnet net session: unexpected argument \"%s\"\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    wserver = wide(server);
    wclient = wide(client);
    wuser = wide(user);
    if ((server && !wserver) || (client && !wclient) || (user && !wuser)) {
        fputs("wtsnet net session: out of memory\n", stderr);
        goto out;
    }
    if (del) {
        st = NetSessionDel(wserver, wclient, wuser);
        if (st != NERR_Success) {
            print_error("NetSessionDel", st);
            goto out;
        }
        if (json)
            printf("{\"deleted\": true}\n");
        else
            printf("The session(s) were deleted.\n");
        ret = 0;
    } else {
        LPBYTE buf = NULL;
        DWORD read = 0, total = 0, resume = 0;

        st = NetSessionEnum(wserver, wclient, wuser, level, &buf, MAX_PREFERRED_LENGTH, &read, &total, &resume);
        if (st != NERR_Success) {
            NetApiBufferFree(buf);
            print_error("NetSessionEnum", st);
            goto out;
        }
        if (json)
            print_json(buf, level, read);
        else if (read == 0)
            printf("There are no entries in the list.\n");
        else
            print_table(buf, level, read);
        NetApiBufferFree(buf);
        ret = 0;
    }
out:
    free(wserver);
    free(wclient);
    free(wuser);
    return ret;
}
