/*
 * The process and message verbs: ps (like `query process` / tasklist), kill
 * (like taskkill /PID) and msg (like msg.exe), each on one host through the
 * public wtsapi32 API only.
 */
#include "verb_procs.h"

#include <wtsapi32.h>

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "output.h"

static int report_failure(struct ctx *c, const char *what) {
    return report_error(c->err, c->label, what, GetLastError());
}

static int parse_dword(const char *s, DWORD max, DWORD *ret) {
    unsigned long long v;
    char *end;

    if (*s < '0' || *s > '9')
        return -EINVAL;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -EINVAL;
    *ret = (DWORD) v;
    return 0;
}

/* A session as the other verbs take it: a number, logind's cN, or current. */
static int parse_session(const char *s, DWORD *ret) {
    DWORD n;

    if (strcmp(s, "current") == 0 || strcmp(s, "self") == 0) {
        *ret = WTS_CURRENT_SESSION;
        return 0;
    }
    if (s[0] == 'c') {
        if (parse_dword(s + 1, 0x7FFFFFFCu, &n) < 0)
            return -EINVAL;
        *ret = 0x80000000u | n;
        return 0;
    }
    return parse_dword(s, WTS_ANY_SESSION - 1, ret);
}

/* Sub-authority i of a SID: SubAuthority is declared [ANYSIZE_ARRAY] and
 * runs on past it, so it is read by offset (as GetSidSubAuthority does). */
static DWORD sid_sub(const SID *sid, unsigned i) {
    DWORD v;

    memcpy(&v, (const char *) sid + offsetof(SID, SubAuthority) + i * sizeof(DWORD), sizeof(v));
    return v;
}

/* "S-1-22-1-1000" from the SID the library hands out (any SID, in fact). */
static void format_sid(const SID *sid, char *buf, size_t size) {
    uint64_t authority = 0;
    size_t at;

    buf[0] = '\0';
    if (!sid)
        return;
    for (int i = 0; i < 6; i++)
        authority = authority << 8 | sid->IdentifierAuthority.Value[i];
    at = (size_t) snprintf(buf, size, "S-%u-%" PRIu64, sid->Revision, authority);
    for (unsigned i = 0; i < sid->SubAuthorityCount && at < size; i++)
        at += (size_t) snprintf(buf + at, size - at, "-%" PRIu32, sid_sub(sid, i));
}

/* The account of an S-1-22-1-<uid> SID of this host ("" when not one, or unknown). */
static void sid_user_name(const SID *sid, char *buf, size_t size) {
    struct passwd pw, *found = NULL;
    char scratch[1024];

    buf[0] = '\0';
    if (!sid || sid->Revision != 1 || sid->SubAuthorityCount != 2 || sid->IdentifierAuthority.Value[5] != 22 ||
        sid_sub(sid, 0) != 1)
        return;
    if (getpwuid_r((uid_t) sid_sub(sid, 1), &pw, scratch, sizeof(scratch), &found) == 0 && found)
        snprintf(buf, size, "%s", pw.pw_name);
    else
        snprintf(buf, size, "%" PRIu32, sid_sub(sid, 1));
}

/* "H:MM:SS" of a 100 ns count, as tasklist /v shows CPU time. */
static void format_cpu(LONGLONG t, char *buf, size_t size) {
    uint64_t s = t > 0 ? (uint64_t) t / 10000000u : 0;

    snprintf(buf, size, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60, s % 60);
}

static const char *const ps_headers[] = {"SERVER",  "ID",  "PID",    "USERNAME", "IMAGE",
                                         "THREADS", "MEM", "CPU TIME", NULL};
static const char *const ps_keys[] = {"server", "session", "pid", "user", "name", "threads", "mem", "cpu", NULL};
static const char *const ps_json_keys[] = {"server",  "session",     "pid",           "user",       "sid",
                                           "name",    "threads",     "handles",       "working_set", "peak_working_set",
                                           "virtual", "peak_virtual", "user_time_ms", "kernel_time_ms", NULL};

struct table *ps_table(bool json, bool labelled) {
    if (json)
        return table_new(json, ps_json_keys + !labelled, ps_json_keys + !labelled);
    return table_new(json, ps_headers + !labelled, ps_keys + !labelled);
}

int check_ps(int argc, char **argv) {
    DWORD id;

    if (argc > 2 || (argc == 2 && parse_session(argv[1], &id) < 0)) {
        fprintf(stderr, "%s: ps takes at most one session id (a number, logind's cN, or 'current')\n", program);
        return EXIT_USAGE;
    }
    return 0;
}

int verb_ps(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    PWTS_PROCESS_INFO_EXA procs = NULL;
    DWORD level = 1, count = 0, session = WTS_ANY_SESSION;
    struct table *t;
    char what[64];

    if (argc == 2)
        parse_session(argv[1], &session); /* checked by check_ps */
    snprintf(what, sizeof(what), "cannot list the processes%s%s", argc == 2 ? " of session " : "",
             argc == 2 ? argv[1] : "");
    if (!WTSEnumerateProcessesExA(server, &level, session, (LPSTR *) &procs, &count))
        return report_failure(c, what);
    t = c->rows ? c->rows : ps_table(o->json, false);
    for (DWORD i = 0; i < count; i++) {
        const WTS_PROCESS_INFO_EXA *p = &procs[i];
        char user[256], sid[96], text[32];

        /* Names of accounts only for this host's own SIDs: another host's
         * uid means nothing in this host's passwd. */
        format_sid(p->pUserSid, sid, sizeof(sid));
        if (server == WTS_CURRENT_SERVER_HANDLE)
            sid_user_name(p->pUserSid, user, sizeof(user));
        else
            snprintf(user, sizeof(user), "%s", sid);
        if (c->label)
            table_add_string(t, c->label);
        table_add_uint(t, p->SessionId);
        table_add_uint(t, p->ProcessId);
        table_add_string(t, user);
        if (o->json)
            table_add_string(t, sid);
        table_add_string(t, p->pProcessName ? p->pProcessName : "");
        table_add_uint(t, p->NumberOfThreads);
        if (o->json) {
            table_add_uint(t, p->HandleCount);
            table_add_uint(t, p->WorkingSetSize);
            table_add_uint(t, p->PeakWorkingSetSize);
            table_add_uint(t, p->PagefileUsage);
            table_add_uint(t, p->PeakPagefileUsage);
            table_add_uint(t, (uint64_t) p->UserTime.QuadPart / 10000u);
            table_add_uint(t, (uint64_t) p->KernelTime.QuadPart / 10000u);
        } else {
            snprintf(text, sizeof(text), "%" PRIu32 " K", p->WorkingSetSize / 1024); /* tasklist's Mem Usage */
            table_add_string(t, text);
            format_cpu(p->UserTime.QuadPart + p->KernelTime.QuadPart, text, sizeof(text));
            table_add_string(t, text);
        }
    }
    if (!c->rows) {
        table_print(t, c->out);
        table_free(t);
    }
    WTSFreeMemoryExA(WTSTypeProcessInfoLevel1, procs, count);
    return EXIT_SUCCESS;
}

int check_kill(int argc, char **argv) {
    DWORD pid;

    if (argc != 2 || parse_dword(argv[1], 0x7FFFFFFFu, &pid) < 0 || pid == 0) {
        fprintf(stderr, "%s: kill takes one process id\n", program);
        return EXIT_USAGE;
    }
    return 0;
}

int verb_kill(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    char what[64];
    DWORD pid = 0;

    (void) argc;
    parse_dword(argv[1], 0x7FFFFFFFu, &pid); /* checked by check_kill */
    snprintf(what, sizeof(what), "cannot end process %s", argv[1]);
    if (!WTSTerminateProcess(server, pid, 1))
        return report_failure(c, what);
    if (o->json) {
        struct record *r = record_new(true);

        if (c->label)
            record_add_string(r, "Server", "server", c->label);
        record_add_uint(r, "Pid", "pid", pid);
        record_add_bool(r, "Terminated", "terminated", true);
        record_print(r, c->out);
        record_free(r);
    } else {
        if (c->label) {
            text_write(c->out, c->label);
            fputs(": ", c->out);
        }
        fprintf(c->out, "Process %" PRIu32 " ended.\n", pid);
    }
    return EXIT_SUCCESS;
}

int check_msg(int argc, char **argv) {
    DWORD id;

    if (argc != 3 || (strcmp(argv[1], "all") != 0 && parse_session(argv[1], &id) < 0)) {
        fprintf(stderr, "%s: msg takes a session id (a number, logind's cN, 'current' or 'all') and the text\n",
                program);
        return EXIT_USAGE;
    }
    return 0;
}

static const char *response_name(DWORD r) {
    switch (r) {
    case IDOK:
        return "ok";
    case IDCANCEL:
        return "cancel";
    case IDABORT:
        return "abort";
    case IDRETRY:
        return "retry";
    case IDIGNORE:
        return "ignore";
    case IDYES:
        return "yes";
    case IDNO:
        return "no";
    case IDTIMEOUT:
        return "timeout";
    case IDASYNC:
        return "async";
    default:
        return "other";
    }
}

/* One session: the call, and its line or row. */
static bool msg_one(HANDLE server, DWORD id, const char *shown_id, char *title, char *text, const struct options *o,
                    struct ctx *c, struct table *t) {
    DWORD response = 0;
    char what[64];
    BOOL wait = o->msg_wait >= 0;

    if (!WTSSendMessageA(server, id, title, (DWORD) strlen(title), text, (DWORD) strlen(text), MB_OK,
                         wait ? (DWORD) o->msg_wait : 0, &response, wait)) {
        snprintf(what, sizeof(what), "cannot send to session %s", shown_id);
        report_failure(c, what);
        return false;
    }
    if (t) {
        if (c->label)
            table_add_string(t, c->label);
        table_add_uint(t, id);
        table_add_string(t, response_name(response));
        table_add_uint(t, response);
    } else {
        if (c->label) {
            text_write(c->out, c->label);
            fputs(": ", c->out);
        }
        if (response == IDASYNC)
            fprintf(c->out, "Message sent to session %s.\n", shown_id);
        else if (response == IDTIMEOUT)
            fprintf(c->out, "Message sent to session %s; no answer.\n", shown_id);
        else
            fprintf(c->out, "Message sent to session %s; answer: %s.\n", shown_id, response_name(response));
    }
    return true;
}

int verb_msg(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    static const char *const keys[] = {"server", "id", "response", "code", NULL};
    struct passwd pw, *found = NULL;
    char scratch[1024], host[256] = "", title[600];
    struct table *t = o->json ? table_new(true, keys + !c->label, keys + !c->label) : NULL;
    int status = EXIT_SUCCESS;

    (void) argc;
    /* msg.exe titles its box "Message from USER"; the host says where from. */
    gethostname(host, sizeof(host) - 1);
    if (getpwuid_r(geteuid(), &pw, scratch, sizeof(scratch), &found) != 0 || !found)
        snprintf(title, sizeof(title), "Message from uid %u@%s", (unsigned) geteuid(), host);
    else
        snprintf(title, sizeof(title), "Message from %s@%s", pw.pw_name, host);
    if (strcmp(argv[1], "all") == 0) {
        PWTS_SESSION_INFOA sessions = NULL;
        DWORD count = 0, sent = 0;

        if (!WTSEnumerateSessionsA(server, 0, 1, &sessions, &count)) {
            table_free(t);
            return report_failure(c, "cannot list sessions");
        }
        for (DWORD i = 0; i < count; i++) {
            char shown[16];

            /* Session 0 and a listener have no user to read it. */
            if (sessions[i].SessionId == 0 || sessions[i].State == WTSListen)
                continue;
            snprintf(shown, sizeof(shown), "%" PRIu32, sessions[i].SessionId);
            if (msg_one(server, sessions[i].SessionId, shown, title, argv[2], o, c, t))
                sent++;
            else
                status = EXIT_FAILURE;
        }
        WTSFreeMemory(sessions);
        if (!t && sent == 0 && status == EXIT_SUCCESS)
            fprintf(c->out, "No session to send to.\n");
    } else {
        DWORD id;

        parse_session(argv[1], &id); /* checked by check_msg */
        if (!msg_one(server, id, argv[1], title, argv[2], o, c, t))
            status = EXIT_FAILURE;
    }
    if (t) {
        table_print(t, c->out);
        table_free(t);
    }
    return status;
}
