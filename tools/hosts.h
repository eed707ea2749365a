/* Running a session verb on one host or on several at once (tools/hosts.c). */
#ifndef WTSNET_TOOLS_HOSTS_H
#define WTSNET_TOOLS_HOSTS_H

#include "verb_sessions.h"

/* One host's run: its own handle, and its output kept until every host is done. */
struct host_run {
    const char *name; /* NULL: this host */
    session_verb_fn *run;
    int argc;
    char **argv;
    const struct options *o;
    struct ctx c;
    char *out_text, *err_text;
    size_t out_len, err_len;
    int status;
};

/* Opens h->name (a failed open is reported, with its last-error) and runs the verb. */
void run_host(struct host_run *h);
/* Every host of o->servers, concurrently; output in argument order. Exit status: any failure fails. */
int run_many(session_verb_fn *run, int argc, char **argv, const struct options *o);

#endif
