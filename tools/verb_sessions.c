/*
 * The session verbs: list, show, logoff and disconnect, each on one host
 * through the public wtsapi32 API (tools/hosts.c runs them per host).
 */
#include "verb_sessions.h"

#include <wtsapi32.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "output.h"

/* The failure of a call on this host, from last-error, labelled with the host. */
static int report_failure(struct ctx *c, const char *what) {
    return report_error(c->err, c->label, what, GetLastError());
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
void format_logind_id(DWORD id, char *buf, size_t size) {
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

char *client_of(HANDLE server, DWORD id) {
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

static const char *const list_headers[] = {"SERVER", "SESSIONNAME", "USERNAME", "ID",        "STATE",
                                           "TYPE",   "CLIENT",      "IDLE TIME", "LOGON TIME", NULL};
static const char *const list_keys[] = {"server", "name",      "user",       "id", "state",
                                        "type",   "client",    "idle_time",  "logon_time", NULL};

/* JSON also carries logind's id and whether it is the caller's session
 * (text marks that one as quser does, '>' before the user name). */
static const char *const list_json_keys[] = {"server", "name",    "user",      "id",         "logind_id", "state",
                                             "type",   "client",  "current",   "idle_time",  "logon_time", NULL};

/* The list's table: with a SERVER column ("server" key) when several hosts are asked. */
struct table *list_table(bool json, bool labelled) {
    if (json)
        return table_new(json, list_json_keys + !labelled, list_json_keys + !labelled);
    return table_new(json, list_headers + !labelled, list_keys + !labelled);
}

int check_list(int argc, char **argv) {
    (void) argv;
    if (argc > 1) {
        fprintf(stderr, "%s: list takes no arguments\n", program);
        return EXIT_USAGE;
    }
    return 0;
}

static void format_filetime(LARGE_INTEGER ft, char *buf, size_t size);

/* LOGON TIME as quser shows it, in local time ("2026-11-29 09:05"). */
static void format_local_filetime(LARGE_INTEGER ft, char *buf, size_t size) {
    time_t secs;
    struct tm tm;

    if (ft.QuadPart <= 0) {
        buf[0] = '\0';
        return;
    }
    secs = (time_t) (ft.QuadPart / 10000000 - INT64_C(11644473600));
    if (!localtime_r(&secs, &tm) || strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
        buf[0] = '\0';
}

/* The idle and logon columns of one session. */
static void add_times(struct table *t, HANDLE server, DWORD id, bool json) {
    LARGE_INTEGER *idle = query(server, id, WTSIdleTime, NULL);
    LARGE_INTEGER *logon = query(server, id, WTSLogonTime, NULL);
    LARGE_INTEGER none = {.QuadPart = 0};
    char text[64];

    output_idle_time(idle ? (int64_t) idle->QuadPart : 0, idle != NULL, text, sizeof(text));
    table_add_string(t, text);
    if (json)
        format_filetime(logon ? *logon : none, text, sizeof(text));
    else
        format_local_filetime(logon ? *logon : none, text, sizeof(text));
    table_add_string(t, text);
    WTSFreeMemory(idle);
    WTSFreeMemory(logon);
}

int verb_list(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    PWTS_SESSION_INFO_1A sessions = NULL;
    DWORD level = 1, count = 0, *current = NULL;
    struct table *t;

    (void) argc, (void) argv;
    if (!WTSEnumerateSessionsExA(server, &level, 0, &sessions, &count))
        return report_failure(c, "cannot list sessions");
    /* The caller's own session, on this host only: elsewhere it would be
     * the session ssh opened for the query itself. */
    if (server == WTS_CURRENT_SERVER_HANDLE)
        current = query(server, WTS_CURRENT_SESSION, WTSSessionId, NULL);

    t = c->rows ? c->rows : list_table(o->json, false);
    for (DWORD i = 0; i < count; i++) {
        const WTS_SESSION_INFO_1A *s = &sessions[i];
        char *client = client_of(server, s->SessionId), user[300];
        bool is_current = current && *current == s->SessionId && s->SessionId != 0;

        if (c->label)
            table_add_string(t, c->label);
        table_add_string(t, s->pSessionName ? s->pSessionName : "");
        snprintf(user, sizeof(user), "%s%s", is_current && !o->json ? ">" : "", s->pUserName ? s->pUserName : "");
        table_add_string(t, user);
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
        if (o->json)
            table_add_bool(t, is_current);
        add_times(t, server, s->SessionId, o->json);
    }
    if (!c->rows) {
        table_print(t, c->out);
        table_free(t);
    }
    WTSFreeMemory(current);
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

int check_show(int argc, char **argv) {
    return check_session_arg("show", argc, argv);
}

int check_logoff(int argc, char **argv) {
    return check_session_arg("logoff", argc, argv);
}

int check_disconnect(int argc, char **argv) {
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

int verb_show(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
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
        struct record *r = record_new(true);

        if (c->label)
            record_add_string(r, "Server", "server", c->label);
        record_add_string(r, "Id", "id", argv[1]);
        record_add_bool(r, a->json_key, a->json_key, o->wait);
        record_print(r, c->out);
        record_free(r);
    } else {
        if (c->label) {
            text_write(c->out, c->label);
            fputs(": ", c->out);
        }
        fprintf(c->out, "Session %s %s.\n", argv[1], o->wait ? a->done : a->pending);
    }
    return EXIT_SUCCESS;
}

int verb_logoff(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    static const struct session_action logoff = {"cannot log off", "logged_off", "logged off", "is being logged off",
                                                 WTSLogoffSession};

    (void) argc;
    return run_session_action(&logoff, server, argv, o, c);
}

int verb_disconnect(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    static const struct session_action disconnect = {"cannot disconnect", "disconnected", "disconnected",
                                                     "is being disconnected", WTSDisconnectSession};

    (void) argc;
    return run_session_action(&disconnect, server, argv, o, c);
}

