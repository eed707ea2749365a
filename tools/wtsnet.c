/*
 * wtsnet — list, show and log off sessions, over the public wtsapi32 API
 * only. One table of verbs; each reports its own errors once, with the
 * Win32 code and Windows' message, and exits non-zero on failure.
 * Several --server values run concurrently, one thread and one handle per
 * host; their output is labelled with the host and printed in the order the
 * hosts were given, after all of them answered.
 */
#include <windows.h>
#include <wtsapi32.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netsession.h"
#include "output.h"

#define EXIT_USAGE 2

#define MAX_SERVERS 256
#define MAX_WORKERS 32

struct options {
    const char *servers[MAX_SERVERS];
    size_t n_servers;
    bool json;
    bool wait;
};

/* Where one host's run writes, and under which label (NULL: one host, unlabelled). */
struct ctx {
    FILE *out, *err;
    const char *label;
    struct table *rows; /* list with several hosts: rows go here, printed merged */
};

struct verb {
    const char *name;
    const char *args;
    const char *summary;
    int (*check)(int argc, char **argv); /* usage, before any host is asked */
    int (*run)(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c);
};

static const char *program = "wtsnet";

/* Prints "wtsnet: [HOST: ]<what>: <message> (error N)" for the current last-error. */
static int report_failure(struct ctx *c, const char *what) {
    DWORD code = GetLastError();
    char message[512];

    if (FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS | FORMAT_MESSAGE_MAX_WIDTH_MASK,
                       NULL, code, 0, message, sizeof(message), NULL) == 0)
        snprintf(message, sizeof(message), "Unknown error.");
    /* The label and what may carry a server name as typed: escaped. */
    fprintf(c->err, "%s: ", program);
    if (c->label) {
        text_write(c->err, c->label);
        fputs(": ", c->err);
    }
    text_write(c->err, what);
    fprintf(c->err, ": %s (error %" PRIu32 ")\n", message, code);
    return EXIT_FAILURE;
}

static const char *state_name(WTS_CONNECTSTATE_CLASS s) {
    /* qwinsta's abbreviations, so output reads like Windows'. */
    static const char *names[] = {"Active", "Conn", "ConnQ", "Shadow", "Disc", "Idle", "Listen", "Reset", "Down", "Init"};

    return (unsigned) s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static const char *state_json_name(WTS_CONNECTSTATE_CLASS s) {
    static const char *names[] = {"active",       "connected", "connect_query", "shadow", "disconnected",
                                  "idle",         "listen",    "reset",         "down",   "init"};

    return (unsigned) s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

/* logind's ids without an audit id ("c1": su, xrdp, …) are 0x80000000 | N as
 * Win32 ids (docs/api.md, "Session ids"); numeric ones are the same number. */
#define LOGIND_CLASS_C 0x80000000u
#define LOGIND_C_MAX 0x7FFFFFFCu /* cN stays below the reserved 0xFFFFFFFD */
#define RDP_LISTENER_ID 0xFFFFFFFDu

static int parse_decimal(const char *s, unsigned long long max, unsigned long long *ret) {
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return -EINVAL;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -EINVAL;
    *ret = v;
    return 0;
}

/* Parses a session id: a decimal DWORD (the Win32 id, which is also logind's
 * numeric id), logind's "cN", or "current"/"self". */
static int parse_session_id(const char *s, DWORD *ret) {
    unsigned long long v;

    if (strcmp(s, "current") == 0 || strcmp(s, "self") == 0) {
        *ret = WTS_CURRENT_SESSION;
        return 0;
    }
    if (s[0] == 'c') {
        if (parse_decimal(s + 1, LOGIND_C_MAX, &v) < 0)
            return -EINVAL;
        *ret = LOGIND_CLASS_C | (DWORD) v;
        return 0;
    }
    if (parse_decimal(s, WTS_ANY_SESSION - 1, &v) < 0)
        return -EINVAL;
    *ret = (DWORD) v;
    return 0;
}

/* The id as logind (loginctl) names the session; empty for session 0 and the
 * RDP listener, which are not logind sessions. */
static void format_logind_id(DWORD id, char *buf, size_t size) {
    if (id == 0 || id >= RDP_LISTENER_ID)
        buf[0] = '\0';
    else if (id & LOGIND_CLASS_C)
        snprintf(buf, size, "c%" PRIu32, id & ~LOGIND_CLASS_C);
    else
        snprintf(buf, size, "%" PRIu32, id);
}

/* A query that may fail: the value, or NULL (the caller shows it as unknown). */
static void *query(HANDLE server, DWORD id, WTS_INFO_CLASS cls, DWORD *ret_bytes) {
    LPSTR buf = NULL;
    DWORD bytes = 0;

    if (!WTSQuerySessionInformationA(server, id, cls, &buf, &bytes))
        return NULL;
    if (ret_bytes)
        *ret_bytes = bytes;
    return buf;
}

static void format_address(const WTS_CLIENT_ADDRESS *a, char *buf, size_t size) {
    const BYTE *b = &a->Address[2];

    if (a->AddressFamily == WTS_AF_INET)
        snprintf(buf, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    else if (a->AddressFamily == WTS_AF_INET6)
        output_ipv6(b, buf, size);
    else
        buf[0] = '\0';
}

/* The session's kind as a user reads it: rdp, remote (ssh and the like) or local. */
static const char *session_type(HANDLE server, DWORD id) {
    USHORT *protocol = query(server, id, WTSClientProtocolType, NULL);
    BOOL *remote = query(server, id, WTSIsRemoteSession, NULL);
    const char *type = !protocol ? ""
                       : *protocol == WTS_PROTOCOL_TYPE_RDP ? "rdp"
                       : (remote && *remote)                ? "remote"
                                                            : "local";

    WTSFreeMemory(protocol);
    WTSFreeMemory(remote);
    return type;
}

static char *client_of(HANDLE server, DWORD id) {
    WTS_CLIENT_ADDRESS *a = query(server, id, WTSClientAddress, NULL);
    char text[64] = "";
    char *name;

    if (a)
        format_address(a, text, sizeof(text));
    WTSFreeMemory(a);
    if (text[0])
        return strdup(text);
    /* Not an address literal: the name the session recorded, if any. */
    name = query(server, id, WTSClientName, NULL);
    if (name) {
        char *copy = strdup(name);
        WTSFreeMemory(name);
        return copy;
    }
    return strdup("");
}

static const char *const list_headers[] = {"SERVER", "SESSIONNAME", "USERNAME", "ID", "STATE", "TYPE", "CLIENT", NULL};
static const char *const list_keys[] = {"server", "name", "user", "id", "state", "type", "client", NULL};

/* JSON also carries logind's id (text keeps qwinsta's columns). */
static const char *const list_json_keys[] = {"server", "name", "user", "id", "logind_id", "state", "type", "client",
                                             NULL};

/* The list's table: with a SERVER column ("server" key) when several hosts are asked. */
static struct table *list_table(bool json, bool labelled) {
    if (json)
        return table_new(json, list_json_keys + !labelled, list_json_keys + !labelled);
    return table_new(json, list_headers + !labelled, list_keys + !labelled);
}

static int check_list(int argc, char **argv) {
    (void) argv;
    if (argc > 1) {
        fprintf(stderr, "%s: list takes no arguments\n", program);
        return EXIT_USAGE;
    }
    return 0;
}

static int verb_list(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    PWTS_SESSION_INFO_1A sessions = NULL;
    DWORD level = 1, count = 0;
    struct table *t;

    (void) argc, (void) argv;
    if (!WTSEnumerateSessionsExA(server, &level, 0, &sessions, &count))
        return report_failure(c, "cannot list sessions");

    t = c->rows ? c->rows : list_table(o->json, false);
    for (DWORD i = 0; i < count; i++) {
        const WTS_SESSION_INFO_1A *s = &sessions[i];
        char *client = client_of(server, s->SessionId);

        if (c->label)
            table_add_string(t, c->label);
        table_add_string(t, s->pSessionName ? s->pSessionName : "");
        table_add_string(t, s->pUserName ? s->pUserName : "");
        table_add_uint(t, s->SessionId);
        if (o->json) {
            char logind_id[16];

            format_logind_id(s->SessionId, logind_id, sizeof(logind_id));
            table_add_string(t, logind_id);
        }
        table_add_string(t, o->json ? state_json_name(s->State) : state_name(s->State));
        table_add_string(t, s->SessionId == 0 ? "services" : session_type(server, s->SessionId));
        table_add_string(t, client ? client : "");
        free(client);
    }
    if (!c->rows) {
        table_print(t, c->out);
        table_free(t);
    }
    WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, sessions, count);
    return EXIT_SUCCESS;
}

static void format_filetime(LARGE_INTEGER ft, char *buf, size_t size) {
    time_t secs;
    struct tm tm;

    if (ft.QuadPart <= 0) {
        buf[0] = '\0';
        return;
    }
    secs = (time_t) (ft.QuadPart / 10000000 - INT64_C(11644473600));
    if (!gmtime_r(&secs, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        buf[0] = '\0';
}

static int check_session_arg(const char *verb, int argc, char **argv) {
    DWORD id;

    if (argc != 2 || parse_session_id(argv[1], &id) < 0) {
        fprintf(stderr, "%s: %s takes one session id (a number, logind's cN, or 'current')\n", program, verb);
        return EXIT_USAGE;
    }
    return 0;
}

static int check_show(int argc, char **argv) {
    return check_session_arg("show", argc, argv);
}

static int check_logoff(int argc, char **argv) {
    return check_session_arg("logoff", argc, argv);
}

static int check_disconnect(int argc, char **argv) {
    return check_session_arg("disconnect", argc, argv);
}

/* WTS_CLIENT_DISPLAY.ColorDepth is a code (1, 2, 4, 8, 16, 24, 32), not a bit count. */
static DWORD bits_per_pixel(DWORD code) {
    switch (code) {
    case 1:
        return 4;
    case 2:
        return 8;
    case 4:
        return 16;
    case 8:
        return 24;
    case 16:
        return 15;
    default:
        return code;
    }
}

static int verb_show(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    WTS_CLIENT_DISPLAY *display;
    WTSINFOEXA *ex;
    DWORD id, *state;
    struct record *rec;
    char text[64], what[64];
    char *client, *name;

    (void) argc;
    parse_session_id(argv[1], &id); /* checked by check_show */
    snprintf(what, sizeof(what), "session %s", argv[1]);
    /* SessionInfoEx carries most fields at once; it also tells whether the session exists. */
    ex = query(server, id, WTSSessionInfoEx, NULL);
    if (!ex)
        return report_failure(c, what);
    rec = record_new(o->json);
    if (c->label)
        record_add_string(rec, "Server", "server", c->label);
    record_add_uint(rec, "SessionId", "id", ex->Data.WTSInfoExLevel1.SessionId);
    format_logind_id(ex->Data.WTSInfoExLevel1.SessionId, text, sizeof(text));
    record_add_string(rec, "LogindId", "logind_id", text);
    record_add_string(rec, "WinStationName", "name", ex->Data.WTSInfoExLevel1.WinStationName);
    name = query(server, id, WTSUserName, NULL); /* untruncated, unlike the fixed field */
    record_add_string(rec, "UserName", "user", name ? name : ex->Data.WTSInfoExLevel1.UserName);
    WTSFreeMemory(name);
    name = query(server, id, WTSDomainName, NULL);
    record_add_string(rec, "DomainName", "domain", name ? name : "");
    WTSFreeMemory(name);
    state = query(server, id, WTSConnectState, NULL);
    record_add_string(rec, "ConnectState", "state",
                      state ? (o->json ? state_json_name(*state) : state_name(*state)) : "");
    WTSFreeMemory(state);
    record_add_string(rec, "Type", "type", ex->Data.WTSInfoExLevel1.SessionId == 0 ? "services" : session_type(server, ex->Data.WTSInfoExLevel1.SessionId));
    name = query(server, id, WTSClientName, NULL);
    record_add_string(rec, "ClientName", "client_name", name ? name : "");
    WTSFreeMemory(name);
    client = client_of(server, id);
    record_add_string(rec, "ClientAddress", "client_address", client ? client : "");
    free(client);
    display = query(server, id, WTSClientDisplay, NULL);
    text[0] = '\0';
    if (display && display->HorizontalResolution) /* all zeros: no client display */
        snprintf(text, sizeof(text), "%" PRIu32 "x%" PRIu32 ", %" PRIu32 " bpp", display->HorizontalResolution,
                 display->VerticalResolution, bits_per_pixel(display->ColorDepth));
    record_add_string(rec, "ClientDisplay", "client_display", text);
    WTSFreeMemory(display);
    format_filetime(ex->Data.WTSInfoExLevel1.LogonTime, text, sizeof(text));
    record_add_string(rec, "LogonTime", "logon_time", text);
    format_filetime(ex->Data.WTSInfoExLevel1.LastInputTime, text, sizeof(text));
    record_add_string(rec, "LastInputTime", "last_input_time", text);
    format_filetime(ex->Data.WTSInfoExLevel1.CurrentTime, text, sizeof(text));
    record_add_string(rec, "CurrentTime", "current_time", text);
    record_add_string(rec, "Locked", "locked",
                      ex->Data.WTSInfoExLevel1.SessionFlags == (LONG) WTS_SESSIONSTATE_LOCK     ? "yes"
                      : ex->Data.WTSInfoExLevel1.SessionFlags == (LONG) WTS_SESSIONSTATE_UNLOCK ? "no"
                                                                                                : "unknown");
    record_print(rec, c->out);
    record_free(rec);
    WTSFreeMemory(ex);
    return EXIT_SUCCESS;
}

/* logoff and disconnect: one call on one session, reported alike. */
struct session_action {
    const char *failure;  /* "cannot log off" */
    const char *json_key; /* "logged_off" */
    const char *done;     /* "logged off" */
    const char *pending;  /* "is being logged off" (--no-wait) */
    BOOL (*call)(HANDLE server, DWORD id, BOOL wait);
};

static int run_session_action(const struct session_action *a, HANDLE server, char **argv, const struct options *o,
                              struct ctx *c) {
    char what[64];
    DWORD id;

    parse_session_id(argv[1], &id); /* checked by check_session_arg */
    snprintf(what, sizeof(what), "%s session %s", a->failure, argv[1]);
    if (!a->call(server, id, o->wait ? TRUE : FALSE))
        return report_failure(c, what);
    if (o->json) {
        fputc('{', c->out);
        if (c->label) {
            fputs("\"server\":", c->out);
            json_write_string(c->out, c->label);
            fputc(',', c->out);
        }
        fprintf(c->out, "\"id\":\"%s\",\"%s\":%s}\n", argv[1], a->json_key, o->wait ? "true" : "false");
    } else {
        if (c->label) {
            text_write(c->out, c->label);
            fputs(": ", c->out);
        }
        fprintf(c->out, "Session %s %s.\n", argv[1], o->wait ? a->done : a->pending);
    }
    return EXIT_SUCCESS;
}

static int verb_logoff(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    static const struct session_action logoff = {"cannot log off", "logged_off", "logged off", "is being logged off",
                                                 WTSLogoffSession};

    (void) argc;
    return run_session_action(&logoff, server, argv, o, c);
}

static int verb_disconnect(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    static const struct session_action disconnect = {"cannot disconnect", "disconnected", "disconnected",
                                                     "is being disconnected", WTSDisconnectSession};

    (void) argc;
    return run_session_action(&disconnect, server, argv, o, c);
}

static int verb_help(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c);

static const struct verb verbs[] = {
    {"list", "", "list the sessions (like qwinsta)", check_list, verb_list},
    {"show", "ID|cN|current", "every field of one session", check_show, verb_show},
    {"logoff", "ID|cN|current", "log a session off and wait until it is gone (--no-wait: do not wait)", check_logoff,
     verb_logoff},
    {"disconnect", "ID|cN|current", "detach an RDP session's client; the session stays (--no-wait: do not wait)",
     check_disconnect, verb_disconnect},
    {"help", "", "this text", NULL, verb_help},
};

/*
 * `net` verbs work on network (SMB) sessions through netapi32, in the style
 * of Windows' `net`: they take their own arguments (\\CLIENT, /delete,
 * --server …), so everything after `net` is theirs.
 */
static const struct net_verb {
    const char *name;
    const char *args;
    const char *summary;
    int (*run)(int argc, char **argv, bool json);
} net_verbs[] = {
    {"session", "[\\\\CLIENT] [/delete]", "list or end the SMB sessions of a server (net session --help)",
     verb_net_session},
};

/* Where the verb stands: the first argument that is not an option (nor -s's value). */
static int verb_index(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return i + 1;
        if (argv[i][0] != '-' || argv[i][1] == '\0')
            return i;
        if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--server") == 0)
            i++;
    }
    return argc;
}

static int run_net(int argc, char **argv, const struct options *o) {
    if (o->n_servers) {
        fprintf(stderr, "%s: net verbs take their server after the verb (net session --server SERVER)\n", program);
        return EXIT_USAGE;
    }
    for (size_t i = 0; argc > 1 && i < sizeof(net_verbs) / sizeof(net_verbs[0]); i++)
        if (strcmp(argv[1], net_verbs[i].name) == 0)
            return net_verbs[i].run(argc - 1, argv + 1, o->json);
    fprintf(stderr, "%s: net takes a verb: session (try --help)\n", program);
    return EXIT_USAGE;
}

static void usage(FILE *f) {
    fprintf(f,
            "Usage: %s [OPTIONS] VERB [ARGS]\n"
            "List and log off the interactive sessions of this host or of others,\n"
            "and the network (SMB) sessions of a server.\n\n"
            "Verbs:\n",
            program);
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        char head[48];

        snprintf(head, sizeof(head), "%s %s", verbs[i].name, verbs[i].args);
        fprintf(f, "  %-32s %s\n", head, verbs[i].summary);
    }
    for (size_t i = 0; i < sizeof(net_verbs) / sizeof(net_verbs[0]); i++) {
        char head[48];

        snprintf(head, sizeof(head), "net %s %s", net_verbs[i].name, net_verbs[i].args);
        fprintf(f, "  %-32s %s\n", head, net_verbs[i].summary);
    }
    fprintf(f, "\nOptions:\n"
               "  -s, --server HOST      the host to ask (default: this host); repeat it to ask\n"
               "                         several hosts at once. HOST: a name, or\n"
               "                         ssh://[user@]host[:port]\n"
               "  -j, --json             machine-readable output\n"
               "      --no-wait          logoff, disconnect: return once the request was accepted\n"
               "  -h, --help             this text\n"
               "      --version          the version\n\n"
               "See wtsnet(1) and docs/cli.md.\n");
}

static int verb_help(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    (void) server, (void) argc, (void) argv, (void) o;
    usage(c->out);
    return EXIT_SUCCESS;
}

/* One host's run: its own handle, and its output kept until every host is done. */
struct host_run {
    const char *name; /* NULL: this host */
    const struct verb *verb;
    int argc;
    char **argv;
    const struct options *o;
    struct ctx c;
    char *out_text, *err_text;
    size_t out_len, err_len;
    int status;
};

static void run_host(struct host_run *h) {
    HANDLE server = WTS_CURRENT_SERVER_HANDLE;

    if (h->name) {
        /* A failed open is a handle too (never this host), but the open
         * says so in last-error: stop here with that error. */
        SetLastError(ERROR_SUCCESS);
        server = WTSOpenServerA((LPSTR) h->name);
        if (GetLastError() != ERROR_SUCCESS) {
            char what[300];

            snprintf(what, sizeof(what), "cannot open server '%s'", h->name);
            h->status = report_failure(&h->c, what);
            WTSCloseServer(server);
            return;
        }
    }
    h->status = h->verb->run(server, h->argc, h->argv, h->o, &h->c);
    if (server != WTS_CURRENT_SERVER_HANDLE)
        WTSCloseServer(server); /* ends that host's ssh */
}

struct pool {
    pthread_mutex_t lock;
    struct host_run *runs;
    size_t n, next;
};

static void *worker(void *arg) {
    struct pool *p = arg;

    for (;;) {
        struct host_run *h;

        pthread_mutex_lock(&p->lock);
        h = p->next < p->n ? &p->runs[p->next++] : NULL;
        pthread_mutex_unlock(&p->lock);
        if (!h)
            return NULL;
        run_host(h);
        fclose(h->c.out); /* the texts are complete from here on */
        fclose(h->c.err);
    }
}

/* Several hosts: each in a thread of a small pool, output in argument order. */
static int run_many(const struct verb *verb, int argc, char **argv, const struct options *o) {
    struct pool p = {.lock = PTHREAD_MUTEX_INITIALIZER, .n = o->n_servers};
    pthread_t threads[MAX_WORKERS];
    size_t n_threads = 0;
    struct table *merged = NULL;
    int status = EXIT_SUCCESS;

    p.runs = calloc(p.n, sizeof(*p.runs));
    if (!p.runs) {
        fprintf(stderr, "%s: out of memory\n", program);
        return EXIT_FAILURE;
    }
    if (verb->run == verb_list)
        merged = list_table(o->json, true);
    for (size_t i = 0; i < p.n; i++) {
        struct host_run *h = &p.runs[i];

        *h = (struct host_run){.name = o->servers[i], .verb = verb, .argc = argc, .argv = argv, .o = o};
        h->c.label = o->servers[i];
        h->c.out = open_memstream(&h->out_text, &h->out_len);
        h->c.err = open_memstream(&h->err_text, &h->err_len);
        if (!h->c.out || !h->c.err) {
            fprintf(stderr, "%s: out of memory\n", program);
            exit(EXIT_FAILURE);
        }
        if (merged)
            h->c.rows = list_table(o->json, true);
    }
    while (n_threads < MAX_WORKERS && n_threads < p.n && pthread_create(&threads[n_threads], NULL, worker, &p) == 0)
        n_threads++;
    if (n_threads == 0)
        worker(&p); /* no thread to be had: one after the other */
    for (size_t i = 0; i < n_threads; i++)
        pthread_join(threads[i], NULL);

    for (size_t i = 0; i < p.n; i++) {
        struct host_run *h = &p.runs[i];

        if (merged)
            table_append(merged, h->c.rows);
        else if (h->out_len) {
            /* Sections, one per host: blank lines between text records. */
            if (i && !o->json && verb->run == verb_show)
                fputc('\n', stdout);
            fwrite(h->out_text, 1, h->out_len, stdout);
        }
        fwrite(h->err_text, 1, h->err_len, stderr);
        if (h->status != EXIT_SUCCESS)
            status = EXIT_FAILURE; /* any host that failed fails the run */
        table_free(h->c.rows);
        free(h->out_text);
        free(h->err_text);
    }
    if (merged) {
        table_print(merged, stdout);
        table_free(merged);
    }
    free(p.runs);
    return status;
}

int main(int argc, char **argv) {
    static const struct option long_options[] = {
        {"server", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
        {"no-wait", no_argument, NULL, 'W'},      {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},      {0}};
    static struct options o = {.wait = true};
    const struct verb *verb = NULL;
    const char *verb_name;
    char *list_argv[] = {(char *) "list", NULL};
    char **verb_argv;
    int c, verb_argc, net_at = verb_index(argc, argv), main_argc = argc;

    /* Options may come before or after the verb, except for net's. */
    if (net_at < argc && strcmp(argv[net_at], "net") == 0)
        main_argc = net_at;
    while ((c = getopt_long(main_argc, argv, "s:jh", long_options, NULL)) != -1) {
        switch (c) {
        case 's':
            if (o.n_servers == MAX_SERVERS) {
                fprintf(stderr, "%s: at most %d servers\n", program, MAX_SERVERS);
                return EXIT_USAGE;
            }
            if (!optarg[0]) {
                /* Most likely -s "$HOST" with HOST unset: an error, not this host. */
                fprintf(stderr, "%s: empty server name (leave out --server for this host)\n", program);
                return EXIT_USAGE;
            }
            o.servers[o.n_servers++] = optarg;
            break;
        case 'j':
            o.json = true;
            break;
        case 'W':
            o.wait = false;
            break;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        case 'V':
            printf("wtsnet " WTSNET_VERSION "\n");
            return EXIT_SUCCESS;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (main_argc < argc)
        return run_net(argc - net_at, argv + net_at, &o);
    /* No verb: list, like qwinsta with no arguments. */
    verb_name = optind < argc ? argv[optind] : "list";
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (strcmp(verb_name, verbs[i].name) == 0)
            verb = &verbs[i];
    if (!verb) {
        fprintf(stderr, "%s: unknown verb '%s' (try --help)\n", program, verb_name);
        return EXIT_USAGE;
    }
    verb_argc = optind < argc ? argc - optind : 1;
    verb_argv = optind < argc ? argv + optind : list_argv;
    if (verb->check && (c = verb->check(verb_argc, verb_argv)) != 0)
        return c;

    if (o.n_servers > 1 && verb->check)
        return run_many(verb, verb_argc, verb_argv, &o);

    /* One host (or help): straight to stdout and stderr. */
    struct host_run h = {.name = o.n_servers ? o.servers[0] : NULL, .verb = verb, .argc = verb_argc,
                         .argv = verb_argv, .o = &o, .c = {.out = stdout, .err = stderr}};
    run_host(&h);
    return h.status;
}
