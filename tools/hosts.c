/*
 * Runs a session verb on each host given: one thread and one handle per
 * host (a small pool), each host's output kept until every host answered,
 * then printed in the order the hosts were given, labelled with the host.
 */
#include "hosts.h"

#include <wtsapi32.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "output.h"
#include "verb_procs.h"
#include "verb_sessions.h"

#define MAX_WORKERS 32

void run_host(struct host_run *h) {
    HANDLE server = WTS_CURRENT_SERVER_HANDLE;

    if (h->name) {
        /* A failed open is a handle too (never this host), but the open
         * says so in last-error: stop here with that error. */
        SetLastError(ERROR_SUCCESS);
        server = WTSOpenServerA((LPSTR) h->name);
        if (GetLastError() != ERROR_SUCCESS) {
            char what[300];

            snprintf(what, sizeof(what), "cannot open server '%s'", h->name);
            h->status = report_error(h->c.err, h->c.label, what, GetLastError());
            WTSCloseServer(server);
            return;
        }
    }
    h->status = h->run(server, h->argc, h->argv, h->o, &h->c);
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
int run_many(session_verb_fn *run, int argc, char **argv, const struct options *o) {
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
    if (run == verb_list)
        merged = list_table(o->json, true);
    else if (run == verb_ps)
        merged = ps_table(o->json, true);
    for (size_t i = 0; i < p.n; i++) {
        struct host_run *h = &p.runs[i];

        *h = (struct host_run){.name = o->servers[i], .run = run, .argc = argc, .argv = argv, .o = o};
        h->c.label = o->servers[i];
        h->c.out = open_memstream(&h->out_text, &h->out_len);
        h->c.err = open_memstream(&h->err_text, &h->err_len);
        if (!h->c.out || !h->c.err) {
            fprintf(stderr, "%s: out of memory\n", program);
            exit(EXIT_FAILURE);
        }
        if (merged)
            h->c.rows = run == verb_ps ? ps_table(o->json, true) : list_table(o->json, true);
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
            if (i && !o->json && run == verb_show)
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

