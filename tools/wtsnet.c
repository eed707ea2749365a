/*
 * wtsnet — list, show and log off sessions, over the public wtsapi32 API
 * only. One table of verbs; each reports its own errors once, with the
 * Win32 code and Windows' message, and exits non-zero on failure.
 */
#include <windows.h>
#include <wtsapi32.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"

#define EXIT_USAGE 2

struct options {
    const char *server;
    bool json;
    bool wait;
};

struct verb {
    const char *name;
    const char *args;
    const char *summary;
    int (*run)(HANDLE server, int argc, char **argv, const struct options *o);
};

static const char *program = "wtsnet";

/* Prints "wtsnet: <what>: <message> (error N)" for the current last-error. */
static int report_failure(const char *what) {
    DWORD code = GetLastError();
    char message[512];

    if (FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS | FORMAT_MESSAGE_MAX_WIDTH_MASK,
                       NULL, code, 0, message, sizeof(message), NULL) == 0)
        snprintf(message, sizeof(message), "Unknown error.");
    fprintf(stderr, "%s: %s: %s (error %" PRIu32 ")\n", program, what, message, code);
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

/* Parses a session id: a decimal DWORD, or "current"/"self". */
static int parse_session_id(const char *s, DWORD *ret) {
    char *end;
    unsigned long long v;

    if (strcmp(s, "current") == 0 || strcmp(s, "self") == 0) {
        *ret = WTS_CURRENT_SESSION;
        return 0;
    }
    if (!*s || *s == '-' || *s == '+')
        return -EINVAL;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v >= WTS_ANY_SESSION)
        return -EINVAL;
    *ret = (DWORD) v;
    return 0;
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

static int verb_list(HANDLE server, int argc, char **argv, const struct options *o) {
    PWTS_SESSION_INFO_1A sessions = NULL;
    DWORD level = 1, count = 0;
    struct table *t;

    (void) argv;
    if (argc > 1) {
        fprintf(stderr, "%s: list takes no arguments\n", program);
        return EXIT_USAGE;
    }
    if (!WTSEnumerateSessionsExA(server, &level, 0, &sessions, &count))
        return report_failure("cannot list sessions");

    t = table_new(o->json, (const char *[]){"SESSIONNAME", "USERNAME", "ID", "STATE", "TYPE", "CLIENT", NULL},
                  (const char *[]){"name", "user", "id", "state", "type", "client", NULL});
    for (DWORD i = 0; i < count; i++) {
        const WTS_SESSION_INFO_1A *s = &sessions[i];
        char *client = client_of(server, s->SessionId);

        table_add_string(t, s->pSessionName ? s->pSessionName : "");
        table_add_string(t, s->pUserName ? s->pUserName : "");
        table_add_uint(t, s->SessionId);
        table_add_string(t, o->json ? state_json_name(s->State) : state_name(s->State));
        table_add_string(t, s->SessionId == 0 ? "services" : session_type(server, s->SessionId));
        table_add_string(t, client ? client : "");
        free(client);
    }
    table_print(t, stdout);
    table_free(t);
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

static int verb_show(HANDLE server, int argc, char **argv, const struct options *o) {
    WTS_CLIENT_DISPLAY *display;
    WTSINFOEXA *ex;
    DWORD id, *state;
    struct record *rec;
    char text[64], what[64];
    char *client, *name;

    if (argc != 2 || parse_session_id(argv[1], &id) < 0) {
        fprintf(stderr, "%s: show takes one session id (a number, or 'current')\n", program);
        return EXIT_USAGE;
    }
    snprintf(what, sizeof(what), "session %s", argv[1]);
    /* SessionInfoEx carries most fields at once; it also tells whether the session exists. */
    ex = query(server, id, WTSSessionInfoEx, NULL);
    if (!ex)
        return report_failure(what);
    rec = record_new(o->json);
    record_add_uint(rec, "SessionId", "id", ex->Data.WTSInfoExLevel1.SessionId);
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
    if (display)
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
    record_print(rec, stdout);
    record_free(rec);
    WTSFreeMemory(ex);
    return EXIT_SUCCESS;
}

static int verb_logoff(HANDLE server, int argc, char **argv, const struct options *o) {
    char what[64];
    DWORD id;

    if (argc != 2 || parse_session_id(argv[1], &id) < 0) {
        fprintf(stderr, "%s: logoff takes one session id (a number, or 'current')\n", program);
        return EXIT_USAGE;
    }
    snprintf(what, sizeof(what), "cannot log off session %s", argv[1]);
    if (!WTSLogoffSession(server, id, o->wait ? TRUE : FALSE))
        return report_failure(what);
    if (o->json)
        printf("{\"id\":\"%s\",\"logged_off\":%s}\n", argv[1], o->wait ? "true" : "false");
    else if (o->wait)
        printf("Session %s logged off.\n", argv[1]);
    else
        printf("Session %s is being logged off.\n", argv[1]);
    return EXIT_SUCCESS;
}

static int verb_disconnect(HANDLE server, int argc, char **argv, const struct options *o) {
    char what[64];
    DWORD id;

    if (argc != 2 || parse_session_id(argv[1], &id) < 0) {
        fprintf(stderr, "%s: disconnect takes one session id (a number, or 'current')\n", program);
        return EXIT_USAGE;
    }
    snprintf(what, sizeof(what), "cannot disconnect session %s", argv[1]);
    if (!WTSDisconnectSession(server, id, o->wait ? TRUE : FALSE))
        return report_failure(what);
    if (o->json)
        printf("{\"id\":\"%s\",\"disconnected\":%s}\n", argv[1], o->wait ? "true" : "false");
    else if (o->wait)
        printf("Session %s disconnected.\n", argv[1]);
    else
        printf("Session %s is being disconnected.\n", argv[1]);
    return EXIT_SUCCESS;
}

static int verb_help(HANDLE server, int argc, char **argv, const struct options *o);

static const struct verb verbs[] = {
    {"list", "", "list the sessions (like qwinsta)", verb_list},
    {"show", "ID|current", "every field of one session", verb_show},
    {"logoff", "ID|current", "log a session off and wait until it is gone (--no-wait: do not wait)", verb_logoff},
    {"disconnect", "ID|current", "detach an RDP session's client; the session stays (--no-wait: do not wait)",
     verb_disconnect},
    {"help", "", "this text", verb_help},
};

static void usage(FILE *f) {
    fprintf(f,
            "Usage: %s [OPTIONS] VERB [ARGS]\n"
            "List and log off the interactive sessions of this host.\n\n"
            "Verbs:\n",
            program);
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        char head[40];

        snprintf(head, sizeof(head), "%s %s", verbs[i].name, verbs[i].args);
        fprintf(f, "  %-22s %s\n", head, verbs[i].summary);
    }
    fprintf(f, "\nOptions:\n"
               "  -s, --server HOST      the host to ask (default: this host)\n"
               "  -j, --json             machine-readable output\n"
               "      --no-wait          logoff, disconnect: return once the request was accepted\n"
               "  -h, --help             this text\n"
               "      --version          the version\n\n"
               "See wtsnet(1) and docs/cli.md.\n");
}

static int verb_help(HANDLE server, int argc, char **argv, const struct options *o) {
    (void) server, (void) argc, (void) argv, (void) o;
    usage(stdout);
    return EXIT_SUCCESS;
}

int main(int argc, char **argv) {
    static const struct option long_options[] = {
        {"server", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
        {"no-wait", no_argument, NULL, 'W'},      {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},      {0}};
    struct options o = {.wait = true};
    const struct verb *verb = NULL;
    HANDLE server = WTS_CURRENT_SERVER_HANDLE;
    const char *verb_name;
    char *list_argv[] = {(char *) "list", NULL};
    int c, r;

    /* Options may come before or after the verb. */
    while ((c = getopt_long(argc, argv, "s:jh", long_options, NULL)) != -1) {
        switch (c) {
        case 's':
            o.server = optarg;
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
    /* No verb: list, like qwinsta with no arguments. */
    verb_name = optind < argc ? argv[optind] : "list";
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (strcmp(verb_name, verbs[i].name) == 0)
            verb = &verbs[i];
    if (!verb) {
        fprintf(stderr, "%s: unknown verb '%s' (try --help)\n", program, verb_name);
        return EXIT_USAGE;
    }
    if (o.server) {
        server = WTSOpenServerA((LPSTR) o.server);
        if (!server) {
            char what[300];

            snprintf(what, sizeof(what), "cannot open server '%s'", o.server);
            return report_failure(what);
        }
    }
    if (optind < argc)
        r = verb->run(server, argc - optind, argv + optind, &o);
    else
        r = verb->run(server, 1, list_argv, &o);
    if (server != WTS_CURRENT_SERVER_HANDLE)
        WTSCloseServer(server);
    return r;
}
