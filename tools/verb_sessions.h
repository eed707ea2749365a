/* The session verbs (tools/verb_sessions.c) and what a verb run is given. */
#ifndef WTSNET_TOOLS_VERB_SESSIONS_H
#define WTSNET_TOOLS_VERB_SESSIONS_H

#include <windows.h>

#include <stdbool.h>
#include <stdio.h>

#define MAX_SERVERS 256

/* The CLI's options, before or after the verb. */
struct options {
    const char *servers[MAX_SERVERS];
    size_t n_servers;
    bool json;
    bool wait;
    long msg_wait; /* msg --wait SECONDS; -1: do not wait */
};

/* Where one host's run writes, and under which label (NULL: one host, unlabelled). */
struct ctx {
    FILE *out, *err;
    const char *label;
    struct table *rows; /* list with several hosts: rows go here, printed merged */
};

/* Checks a verb's arguments before any host is asked: 0 or EXIT_USAGE. */
typedef int check_fn(int argc, char **argv);
/* Runs a verb on one host (argv[0] is the verb): the exit status. */
typedef int session_verb_fn(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c);

check_fn check_list, check_show, check_logoff, check_disconnect;
session_verb_fn verb_list, verb_show, verb_logoff, verb_disconnect;

/* list's table: with a SERVER column ("server" key) when several hosts are asked. */
struct table *list_table(bool json, bool labelled);

/* Shared with the watch verb (verb_watch.c): logind's name of an id ("" for
 * none), and the session's client address or name (malloc'd, "" for none). */
void format_logind_id(DWORD id, char *buf, size_t size);
char *client_of(HANDLE server, DWORD id);

#endif
