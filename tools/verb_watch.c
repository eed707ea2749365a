/*
 * `wtsnet watch`: session changes as they happen, on one host or several
 * (docs/cli.md, "watch"). One subscription per host (wtsnet_events.h), all
 * polled together with a signalfd for Ctrl-C/SIGTERM and hook exits. Each
 * change is one line (or one JSON object), and optionally runs a hook:
 * argv only, never a shell, the change in its environment, at most
 * --max-jobs at once (a change that finds every slot busy waits for one,
 * while the subscriptions keep queueing: wtsnet_events.h's bound applies).
 * A hook that fails is reported and the watch goes on. A host whose
 * subscription ends is reported; the watch ends, failing, when none is left
 * (a systemd unit restarts it: docs/cli.md).
 */
#include "verb_watch.h"

#include <windows.h>
#include <wtsapi32.h>
#include <wtsnet_events.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "output.h"
#include "verb_sessions.h"

extern char **environ;

#define MAX_JOBS_LIMIT 64
#define HOOK_STOP_GRACE_MS 5000

static const struct {
    DWORD code;
    const char *name;
} event_names[] = {
    {WTS_CONSOLE_CONNECT, "console-connect"},
    {WTS_CONSOLE_DISCONNECT, "console-disconnect"},
    {WTS_REMOTE_CONNECT, "remote-connect"},
    {WTS_REMOTE_DISCONNECT, "remote-disconnect"},
    {WTS_SESSION_LOGON, "logon"},
    {WTS_SESSION_LOGOFF, "logoff"},
    {WTS_SESSION_LOCK, "lock"},
    {WTS_SESSION_UNLOCK, "unlock"},
    {WTS_SESSION_REMOTE_CONTROL, "remote-control"},
    {WTS_SESSION_CREATE, "create"},
    {WTS_SESSION_TERMINATE, "terminate"},
    {WTSNET_SESSION_STATE_CHANGE, "state-change"},
    {WTSNET_SESSION_OVERFLOW, "overflow"},
};
#define N_EVENT_NAMES (sizeof(event_names) / sizeof(event_names[0]))

static const char *event_name(DWORD code) {
    for (size_t i = 0; i < N_EVENT_NAMES; i++)
        if (event_names[i].code == code)
            return event_names[i].name;
    return "unknown";
}

/* What a session was when last seen: a logoff's session is gone by then. */
struct known {
    DWORD id;
    char user[128], station[64], client[128];
};

struct host {
    const char *name; /* as typed; NULL: this host */
    HANDLE server;
    HWTSNET_EVENTS events;
    struct known *known;
    size_t n_known;
};

struct watch {
    bool json;
    unsigned event_mask; /* bit i: event_names[i] passes; all when no --filter names kinds */
    const char *users[32];
    size_t n_users;
    char **exec_argv; /* NULL: no hook */
    unsigned max_jobs;
    unsigned long long count, shown; /* stop after count events shown (0: never) */
    pid_t jobs[MAX_JOBS_LIMIT];
    unsigned n_jobs;
    int failures; /* hooks that failed */
};

static void usage_watch(FILE *f) {
    fprintf(f, "Usage: %s watch [-s HOST]… [--json] [--filter KIND|user=NAME]… [--max-jobs N]\n"
               "                    [--count N] [--exec CMD [ARG…]]\n"
               "KIND: ", program);
    for (size_t i = 0; i < N_EVENT_NAMES; i++)
        fprintf(f, "%s%s", i ? ", " : "", event_names[i].name);
    fprintf(f, "\n--exec takes the rest of the line; see wtsnet(1) for the hook's environment.\n");
}

static int add_filter(struct watch *w, const char *spec) {
    if (strncmp(spec, "user=", 5) == 0) {
        if (w->n_users == sizeof(w->users) / sizeof(w->users[0]) || !spec[5])
            return -1;
        w->users[w->n_users++] = spec + 5;
        return 0;
    }
    /* Kinds, comma-separated. */
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ","), i;

        for (i = 0; i < N_EVENT_NAMES; i++)
            if (strlen(event_names[i].name) == len && strncmp(event_names[i].name, p, len) == 0)
                break;
        if (i == N_EVENT_NAMES)
            return -1;
        w->event_mask |= 1u << i;
        p += len + (p[len] == ',');
    }
    return 0;
}

static bool passes(const struct watch *w, DWORD code, const char *user) {
    bool user_ok = w->n_users == 0;

    if (w->event_mask) {
        size_t i;
        for (i = 0; i < N_EVENT_NAMES && event_names[i].code != code; i++)
            ;
        if (i == N_EVENT_NAMES || !(w->event_mask & (1u << i)))
            return false;
    }
    for (size_t i = 0; i < w->n_users; i++)
        if (strcmp(w->users[i], user) == 0)
            user_ok = true;
    return user_ok;
}

static struct known *known_slot(struct host *h, DWORD id) {
    struct known *k;

    for (size_t i = 0; i < h->n_known; i++)
        if (h->known[i].id == id)
            return &h->known[i];
    k = realloc(h->known, (h->n_known + 1) * sizeof(*k));
    if (!k)
        return NULL;
    h->known = k;
    k = &h->known[h->n_known++];
    memset(k, 0, sizeof(*k));
    k->id = id;
    return k;
}

static void forget(struct host *h, DWORD id) {
    for (size_t i = 0; i < h->n_known; i++)
        if (h->known[i].id == id) {
            h->known[i] = h->known[--h->n_known];
            return;
        }
}

/* Reads what the session is now; keeps what was known when it is gone. */
static void learn(struct host *h, DWORD id, struct known *ret) {
    struct known *k = known_slot(h, id);
    LPSTR user = NULL, station = NULL;
    DWORD bytes;
    char *client;

    memset(ret, 0, sizeof(*ret));
    ret->id = id;
    if (WTSQuerySessionInformationA(h->server, id, WTSUserName, &user, &bytes) &&
        WTSQuerySessionInformationA(h->server, id, WTSWinStationName, &station, &bytes) && k) {
        snprintf(k->user, sizeof(k->user), "%s", user);
        snprintf(k->station, sizeof(k->station), "%s", station);
        client = client_of(h->server, id);
        snprintf(k->client, sizeof(k->client), "%s", client ? client : "");
        free(client);
    }
    WTSFreeMemory(user);
    WTSFreeMemory(station);
    if (k)
        *ret = *k;
}

static void format_time(LARGE_INTEGER ft, char *buf, size_t size) {
    /* FILETIME → Unix time, shown as UTC with milliseconds (ISO 8601). */
    int64_t unix100ns = ft.QuadPart - INT64_C(116444736000000000);
    time_t sec = (time_t) (unix100ns / 10000000);
    struct tm tm;

    gmtime_r(&sec, &tm);
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, size - n, ".%03dZ", (int) (unix100ns % 10000000 / 10000));
}

/* Reaps finished hooks, by their pids only: the library has children of
 * its own (a remote host's ssh) that are not ours to reap. With block, until
 * at least one has finished. */
static void reap(struct watch *w, bool block) {
    for (;;) {
        bool any = false;

        for (unsigned i = 0; i < w->n_jobs;) {
            int status;
            pid_t pid = waitpid(w->jobs[i], &status, WNOHANG);

            if (pid == 0 || (pid < 0 && errno == EINTR)) {
                i++;
                continue;
            }
            any = true;
            w->jobs[i] = w->jobs[--w->n_jobs];
            if (pid < 0)
                continue;
            if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
                fprintf(stderr, "%s: watch: hook %d exited with status %d\n", program, (int) pid, WEXITSTATUS(status));
                w->failures++;
            } else if (WIFSIGNALED(status)) {
                fprintf(stderr, "%s: watch: hook %d killed by signal %d\n", program, (int) pid, WTERMSIG(status));
                w->failures++;
            }
        }
        if (!block || any || w->n_jobs == 0)
            return;
        usleep(10 * 1000); /* every slot busy: look again shortly */
    }
}

static int env_add(char **env, size_t *n, const char *name, const char *value) {
    size_t len = strlen(name) + strlen(value) + 2;

    env[*n] = malloc(len);
    if (!env[*n])
        return -1;
    snprintf(env[*n], len, "%s=%s", name, value);
    (*n)++;
    return 0;
}

/* The hook for one change: argv as given, the change in WTS_* variables. */
static void run_hook(struct watch *w, const struct host *h, const WTSNET_SESSION_EVENT *ev, const struct known *k,
                     const char *time_text, sigset_t *child_mask) {
    size_t n_env = 0, n = 0;
    char num[32], logind[16];
    char **env;
    posix_spawnattr_t attr;
    pid_t pid;
    int r;

    while (w->n_jobs >= w->max_jobs)
        reap(w, true); /* every slot busy: wait for one */
    while (environ[n_env])
        n_env++;
    env = calloc(n_env + 16, sizeof(*env));
    if (!env)
        return;
    for (size_t i = 0; i < n_env; i++)
        if (strncmp(environ[i], "WTS_", 4) != 0) /* ours replace any inherited */
            env[n++] = environ[i];
    size_t own = n;
    format_logind_id(ev->SessionId, logind, sizeof(logind));
    env_add(env, &n, "WTS_EVENT", event_name(ev->Code));
    snprintf(num, sizeof(num), "%" PRIu32, ev->Code);
    env_add(env, &n, "WTS_EVENT_CODE", num);
    snprintf(num, sizeof(num), "%" PRIu32, ev->SessionId);
    env_add(env, &n, "WTS_SESSION_ID", num);
    env_add(env, &n, "WTS_LOGIND_ID", logind);
    env_add(env, &n, "WTS_USER", k->user);
    env_add(env, &n, "WTS_WINSTATION", k->station);
    env_add(env, &n, "WTS_CLIENT_ADDRESS", k->client);
    env_add(env, &n, "WTS_SERVER", h->name ? h->name : "");
    env_add(env, &n, "WTS_TIME", time_text);
    env[n] = NULL;

    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, child_mask); /* the hook starts with no signal blocked */
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
    r = posix_spawnp(&pid, w->exec_argv[0], NULL, &attr, w->exec_argv, env);
    posix_spawnattr_destroy(&attr);
    for (size_t i = own; i < n; i++)
        free(env[i]);
    free(env);
    if (r != 0) {
        fprintf(stderr, "%s: watch: cannot run hook ", program);
        text_write(stderr, w->exec_argv[0]);
        fprintf(stderr, ": %s\n", strerror(r));
        w->failures++;
        return;
    }
    w->jobs[w->n_jobs++] = pid;
}

static void show(struct watch *w, struct host *h, const WTSNET_SESSION_EVENT *ev, sigset_t *child_mask) {
    struct known k;
    char time_text[40], logind[16];

    format_time(ev->Time, time_text, sizeof(time_text));
    if (ev->Code == WTSNET_SESSION_OVERFLOW)
        memset(&k, 0, sizeof(k));
    else
        learn(h, ev->SessionId, &k);
    if (ev->Code == WTS_SESSION_LOGOFF || ev->Code == WTS_SESSION_TERMINATE)
        forget(h, ev->SessionId);
    if (!passes(w, ev->Code, k.user))
        return;
    format_logind_id(ev->SessionId, logind, sizeof(logind));
    if (w->json) {
        struct record *rec = record_new(true);

        record_add_string(rec, "Time", "time", time_text);
        if (h->name)
            record_add_string(rec, "Server", "server", h->name);
        record_add_string(rec, "Event", "event", event_name(ev->Code));
        record_add_uint(rec, "Code", "code", ev->Code);
        record_add_uint(rec, "SessionId", "session_id", ev->SessionId);
        record_add_string(rec, "LogindId", "logind_id", logind);
        record_add_string(rec, "User", "user", k.user);
        record_add_string(rec, "WinStationName", "winstation", k.station);
        record_add_string(rec, "ClientAddress", "client_address", k.client);
        record_print(rec, stdout);
        record_free(rec);
    } else {
        printf("%s  ", time_text);
        if (h->name) {
            text_write(stdout, h->name);
            fputs("  ", stdout);
        }
        printf("%-18s session %" PRIu32 "%s%s%s", event_name(ev->Code), ev->SessionId, logind[0] ? " (" : "", logind,
               logind[0] ? ")" : "");
        if (k.user[0]) {
            fputs("  user ", stdout);
            text_write(stdout, k.user);
        }
        if (k.station[0]) {
            fputs("  station ", stdout);
            text_write(stdout, k.station);
        }
        if (k.client[0]) {
            fputs("  client ", stdout);
            text_write(stdout, k.client);
        }
        fputc('\n', stdout);
    }
    fflush(stdout);
    if (w->exec_argv)
        run_hook(w, h, ev, &k, time_text, child_mask);
    w->shown++;
}

/* What the sessions are now, so a logoff can say whose it was. */
static void learn_all(struct host *h) {
    WTS_SESSION_INFOA *s = NULL;
    DWORD n = 0;
    struct known k;

    if (!WTSEnumerateSessionsA(h->server, 0, 1, &s, &n))
        return;
    for (DWORD i = 0; i < n; i++)
        learn(h, s[i].SessionId, &k);
    WTSFreeMemory(s);
}

static int open_host(struct host *h) {
    char what[300];

    h->server = WTS_CURRENT_SERVER_HANDLE;
    if (h->name) {
        SetLastError(ERROR_SUCCESS);
        h->server = WTSOpenServerA((LPSTR) h->name);
        if (GetLastError() != ERROR_SUCCESS) {
            snprintf(what, sizeof(what), "cannot open server '%s'", h->name);
            return report_error(stderr, NULL, what, GetLastError());
        }
    }
    h->events = WTSNetOpenSessionEvents(h->server);
    if (!h->events) {
        snprintf(what, sizeof(what), "cannot watch %s", h->name ? h->name : "this host");
        return report_error(stderr, NULL, what, GetLastError());
    }
    learn_all(h);
    return 0;
}

static void close_host(struct host *h) {
    if (h->events)
        WTSNetCloseSessionEvents(h->events);
    h->events = NULL;
    if (h->server != WTS_CURRENT_SERVER_HANDLE)
        WTSCloseServer(h->server);
    h->server = WTS_CURRENT_SERVER_HANDLE;
    free(h->known);
    h->known = NULL;
    h->n_known = 0;
}

/* Ctrl-C: hooks still running get HOOK_STOP_GRACE_MS, then SIGTERM, then
 * after as long again SIGKILL (each hook leads a session of its own: the
 * signal goes to its process group), and are reaped. */
static void stop_hooks(struct watch *w) {
    static const int sigs[] = {0, SIGTERM, SIGKILL};

    for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]) && w->n_jobs; k++) {
        for (unsigned i = 0; sigs[k] && i < w->n_jobs; i++)
            kill(-w->jobs[i], sigs[k]);
        for (int waited = 0; w->n_jobs && waited < HOOK_STOP_GRACE_MS; waited += 50) {
            reap(w, false);
            if (w->n_jobs)
                usleep(50 * 1000);
        }
    }
}

int verb_watch(int argc, char **argv, bool json) {
    static const struct option opts[] = {{"server", required_argument, NULL, 's'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"filter", required_argument, NULL, 'f'},
                                         {"max-jobs", required_argument, NULL, 'm'},
                                         {"count", required_argument, NULL, 'c'},
                                         {"exec", no_argument, NULL, 'x'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    struct watch w = {.json = json, .max_jobs = 4};
    struct host hosts[MAX_SERVERS];
    const char *names[MAX_SERVERS];
    size_t n_hosts = 0, alive = 0;
    struct pollfd fds[MAX_SERVERS + 1];
    sigset_t mask, old;
    int c, status = EXIT_SUCCESS, sfd;

    char *end;

    optind = 1;
    /* "+": stop at the first non-option; --exec takes everything after it. */
    while (!w.exec_argv && (c = getopt_long(argc, argv, "+s:jh", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (n_hosts == MAX_SERVERS || !optarg[0]) {
                fprintf(stderr, "%s: watch: at most %d servers, none empty\n", program, MAX_SERVERS);
                return EXIT_USAGE;
            }
            names[n_hosts++] = optarg;
            break;
        case 'j':
            w.json = true;
            break;
        case 'f':
            if (add_filter(&w, optarg) < 0) {
                fprintf(stderr, "%s: watch: bad --filter '%s'\n", program, optarg);
                usage_watch(stderr);
                return EXIT_USAGE;
            }
            break;
        case 'm':
            errno = 0;
            w.max_jobs = (unsigned) strtoul(optarg, &end, 10);
            if (errno || *end || !optarg[0] || w.max_jobs < 1 || w.max_jobs > MAX_JOBS_LIMIT) {
                fprintf(stderr, "%s: watch: --max-jobs takes 1 to %d\n", program, MAX_JOBS_LIMIT);
                return EXIT_USAGE;
            }
            break;
        case 'c':
            errno = 0;
            w.count = strtoull(optarg, &end, 10);
            if (errno || *end || !optarg[0] || optarg[0] == '-' || w.count == 0) {
                fprintf(stderr, "%s: watch: --count takes a positive number\n", program);
                return EXIT_USAGE;
            }
            break;
        case 'x':
            if (optind >= argc) {
                fprintf(stderr, "%s: watch: --exec needs a command\n", program);
                return EXIT_USAGE;
            }
            w.exec_argv = argv + optind;
            break;
        case 'h':
            usage_watch(stdout);
            return EXIT_SUCCESS;
        default:
            usage_watch(stderr);
            return EXIT_USAGE;
        }
    }
    if (!w.exec_argv && optind < argc) {
        fprintf(stderr, "%s: watch: unexpected argument '%s'\n", program, argv[optind]);
        return EXIT_USAGE;
    }
    if (n_hosts == 0)
        names[n_hosts++] = NULL;

    /* Ctrl-C, SIGTERM and hook exits arrive through a descriptor, never a handler. */
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, &old);
    sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) {
        perror("wtsnet: watch: signalfd");
        return EXIT_FAILURE;
    }
    for (size_t i = 0; i < n_hosts; i++) {
        hosts[i] = (struct host){.name = names[i], .server = WTS_CURRENT_SERVER_HANDLE};
        if (open_host(&hosts[i]) != 0)
            status = EXIT_FAILURE;
        else
            alive++;
    }
    while (alive) {
        bool stop = false;
        struct signalfd_siginfo si;

        fds[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
        for (size_t i = 0; i < n_hosts; i++)
            fds[i + 1] = (struct pollfd){.fd = hosts[i].events ? WTSNetSessionEventsFd(hosts[i].events) : -1,
                                         .events = POLLIN};
        if (poll(fds, n_hosts + 1, -1) < 0 && errno != EINTR)
            break;
        while (read(sfd, &si, sizeof(si)) == sizeof(si))
            if (si.ssi_signo != SIGCHLD)
                stop = true;
        reap(&w, false);
        if (stop)
            break;
        for (size_t i = 0; i < n_hosts && !(w.count && w.shown >= w.count); i++) {
            WTSNET_SESSION_EVENT ev;

            if (!hosts[i].events || !fds[i + 1].revents)
                continue;
            while (!(w.count && w.shown >= w.count) && WTSNetReadSessionEvent(hosts[i].events, &ev, 0))
                show(&w, &hosts[i], &ev, &old);
            if (!(w.count && w.shown >= w.count) && GetLastError() != ERROR_NO_MORE_ITEMS) {
                char what[300];

                snprintf(what, sizeof(what), "watching %s ended", hosts[i].name ? hosts[i].name : "this host");
                report_error(stderr, NULL, what, GetLastError());
                WTSNetCloseSessionEvents(hosts[i].events);
                hosts[i].events = NULL;
                alive--;
                status = EXIT_FAILURE;
            }
        }
        if (w.count && w.shown >= w.count)
            break;
    }
    stop_hooks(&w);
    for (size_t i = 0; i < n_hosts; i++)
        close_host(&hosts[i]);
    close(sfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return status; /* a hook's failure was reported, and is not the watch's */
}
