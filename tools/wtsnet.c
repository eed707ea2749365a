/*
 * wtsnet — list, show and log off sessions, over the public wtsapi32 and
 * netapi32 API only. One table of verbs (name, handler, usage; the usage
 * text is generated from it), one output module (output.c), one error
 * printer (errors.c): each verb reports its own errors once, with the Win32
 * code and Windows' message, and exits non-zero on failure. Several
 * --server values run concurrently (hosts.c).
 */
#include <windows.h>
#include <wtsapi32.h>

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "hosts.h"
#include "verb_net.h"
#include "verb_procs.h"
#include "verb_sessions.h"
#include "verb_watch.h"

/*
 * A verb runs on each host given (check + run), or, named by two words
 * ("net session"), takes every argument after its family's word as its own,
 * in the style of Windows' `net` (\\CLIENT, /delete, --server …): own.
 */
struct verb {
    const char *name;
    const char *args;
    const char *summary;
    check_fn *check;      /* usage, before any host is asked */
    session_verb_fn *run; /* on one host */
    int (*own)(int argc, char **argv, bool json);
};

static session_verb_fn verb_help;

static const struct verb verbs[] = {
    {"list", "", "list the sessions (like qwinsta)", check_list, verb_list, NULL},
    {"show", "ID|cN|current", "every field of one session", check_show, verb_show, NULL},
    {"logoff", "ID|cN|current", "log a session off and wait until it is gone (--no-wait: do not wait)", check_logoff,
     verb_logoff, NULL},
    {"disconnect", "ID|cN|current", "detach an RDP session's client; the session stays (--no-wait: do not wait)",
     check_disconnect, verb_disconnect, NULL},
    {"ps", "[ID|cN|current]", "the processes of every session, or of one (like query process)", check_ps, verb_ps,
     NULL},
    {"kill", "PID", "end a process (like taskkill /PID)", check_kill, verb_kill, NULL},
    {"msg", "ID|cN|current|all TEXT", "write TEXT to a session's terminals (like msg; --wait SECONDS)", check_msg,
     verb_msg, NULL},
    {"help", "", "this text", NULL, verb_help, NULL},
    {"watch", "[-s HOST]... [--filter K] [--exec CMD...]", "stream session changes; run a hook per change (watch --help)",
     NULL, NULL, verb_watch},
    {"net session", "[\\\\CLIENT] [/delete]", "list or end the SMB sessions of a server (net session --help)", NULL,
     NULL, verb_net_session},
    {"net file", "[ID] [/close]", "list, show or close the files open on a server (net file --help)", NULL, NULL,
     verb_net_file},
    {"net share", "", "list the shares of a server (net share --help)", NULL, NULL, verb_net_share},
};
#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

/* The verb named word (one-word verbs), or word + sub ("net" "session"). */
static const struct verb *find_verb(const char *word, const char *sub) {
    size_t n = strlen(word);

    for (size_t i = 0; i < N_VERBS; i++) {
        const char *space = strchr(verbs[i].name, ' ');

        if (!space ? !sub && strcmp(verbs[i].name, word) == 0
                   : sub && (size_t) (space - verbs[i].name) == n && strncmp(verbs[i].name, word, n) == 0 &&
                         strcmp(space + 1, sub) == 0)
            return &verbs[i];
    }
    return NULL;
}

/* Whether word starts two-word verbs ("net"). */
static bool is_family(const char *word) {
    size_t n = strlen(word);

    for (size_t i = 0; i < N_VERBS; i++)
        if (strncmp(verbs[i].name, word, n) == 0 && verbs[i].name[n] == ' ')
            return true;
    return false;
}

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

/* A one-word verb that takes its own options, servers included (watch). */
static bool is_own_verb(const char *word) {
    const struct verb *v = find_verb(word, NULL);

    return v && v->own;
}

/* argv[0] is the family's word ("net"), or an own verb ("watch"); the verb takes its server after it. */
static int run_family(int argc, char **argv, const struct options *o) {
    const struct verb *verb = is_own_verb(argv[0]) ? find_verb(argv[0], NULL)
                              : argc > 1           ? find_verb(argv[0], argv[1])
                                                   : NULL;

    if (o->n_servers) {
        fprintf(stderr, "%s: %s verbs take their server after the verb (net session --server SERVER)\n", program,
                argv[0]);
        return EXIT_USAGE;
    }
    if (!verb) {
        fprintf(stderr, "%s: %s takes a verb: session, file, share (try --help)\n", program, argv[0]);
        return EXIT_USAGE;
    }
    return verb->name[strcspn(verb->name, " ")] ? verb->own(argc - 1, argv + 1, o->json) : verb->own(argc, argv, o->json);
}

static void usage(FILE *f) {
    fprintf(f,
            "Usage: %s [OPTIONS] VERB [ARGS]\n"
            "List and log off the interactive sessions of this host or of others,\n"
            "and the network (SMB) sessions of a server.\n\n"
            "Verbs:\n",
            program);
    for (size_t i = 0; i < N_VERBS; i++) {
        char head[48];

        snprintf(head, sizeof(head), "%s %s", verbs[i].name, verbs[i].args);
        fprintf(f, "  %-32s %s\n", head, verbs[i].summary);
    }
    fprintf(f, "\nOptions:\n"
               "  -s, --server HOST      the host to ask (default: this host); repeat it to ask\n"
               "                         several hosts at once. HOST: a name, or\n"
               "                         ssh://[user@]host[:port]\n"
               "  -j, --json             machine-readable output\n"
               "      --no-wait          logoff, disconnect: return once the request was accepted\n"
               "      --wait SECONDS     msg: wait that long for an answer (0: as long as it takes)\n"
               "  -h, --help             this text\n"
               "      --version          the version\n\n"
               "See wtsnet(1) and docs/cli.md.\n");
}

static int verb_help(HANDLE server, int argc, char **argv, const struct options *o, struct ctx *c) {
    (void) server, (void) argc, (void) argv, (void) o;
    usage(c->out);
    return EXIT_SUCCESS;
}

int main(int argc, char **argv) {
    static const struct option long_options[] = {
        {"server", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
        {"no-wait", no_argument, NULL, 'W'},      {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},      {"wait", required_argument, NULL, 'T'}, {0}};
    static struct options o = {.wait = true, .msg_wait = -1};
    const struct verb *verb = NULL;
    const char *verb_name;
    char *list_argv[] = {(char *) "list", NULL};
    char **verb_argv;
    int c, verb_argc, verb_at = verb_index(argc, argv), main_argc = argc;

    /* Options may come before or after the verb, except for a family's (net …). */
    if (verb_at < argc && (is_family(argv[verb_at]) || is_own_verb(argv[verb_at])))
        main_argc = verb_at;
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
        case 'T': {
            char *end;

            errno = 0;
            o.msg_wait = strtol(optarg, &end, 10);
            if (errno || *end || optarg[0] < '0' || optarg[0] > '9' || o.msg_wait > 86400) {
                fprintf(stderr, "%s: --wait takes seconds (0 to 86400)\n", program);
                return EXIT_USAGE;
            }
            break;
        }
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
        return run_family(argc - verb_at, argv + verb_at, &o);
    /* No verb: list, like qwinsta with no arguments. */
    verb_name = optind < argc ? argv[optind] : "list";
    verb = find_verb(verb_name, NULL);
    if (!verb || !verb->run) {
        fprintf(stderr, "%s: unknown verb '%s' (try --help)\n", program, verb_name);
        return EXIT_USAGE;
    }
    verb_argc = optind < argc ? argc - optind : 1;
    verb_argv = optind < argc ? argv + optind : list_argv;
    if (verb->check && (c = verb->check(verb_argc, verb_argv)) != 0)
        return c;

    if (o.n_servers > 1 && verb->check)
        return run_many(verb->run, verb_argc, verb_argv, &o);

    /* One host (or help): straight to stdout and stderr. */
    struct host_run h = {.name = o.n_servers ? o.servers[0] : NULL, .run = verb->run, .argc = verb_argc,
                         .argv = verb_argv, .o = &o, .c = {.out = stdout, .err = stderr}};
    run_host(&h);
    return h.status;
}
