/* Helpers for the tests against a real smbd (tests/suites/40-smb2-samba.sh sets the environment). */
#ifndef WTSNET_TESTS_SAMBA_UTIL_H
#define WTSNET_TESTS_SAMBA_UTIL_H

#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

extern char **environ;

static inline const char *env_or(const char *name, const char *def) {
    const char *v = getenv(name);
    return v && *v ? v : def;
}

/* Runs argv, returns its stdout (malloc'd, NUL-terminated) or NULL. */
static inline char *run_capture(char *const argv[]) {
    int p[2];
    pid_t pid;
    posix_spawn_file_actions_t fa;
    char *out = NULL;
    size_t len = 0, cap = 0;
    int status;

    if (pipe(p) < 0)
        return NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        close(p[0]), close(p[1]);
        return NULL;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    for (;;) {
        ssize_t k;

        if (len + 4096 + 1 > cap) {
            char *n = realloc(out, cap = cap * 2 + 8192);
            if (!n)
                break;
            out = n;
        }
        k = read(p[0], out + len, cap - len - 1);
        if (k <= 0)
            break;
        len += (size_t) k;
    }
    close(p[0]);
    waitpid(pid, &status, 0);
    if (out)
        out[len] = '\0';
    return out;
}

static inline char *smbstatus_json(void) {
    char *argv[] = {"smbstatus", "-s", (char *) env_or("WTSNET_TEST_SMBCONF", ""), "--json", NULL};
    return run_capture(argv);
}

/* The pid of the smbd child serving user's (first) session, or 0. */
static inline pid_t session_pid(const char *user) {
    char *js = smbstatus_json(), needle[128], *at, *pid;
    pid_t r = 0;

    if (!js)
        return 0;
    snprintf(needle, sizeof(needle), "\"username\": \"%s\"", user);
    at = strstr(js, needle);
    if (at) {
        /* "pid" is in the server_id that precedes the username within the session object. */
        for (pid = at; pid > js && strncmp(pid, "\"pid\": \"", 8) != 0; pid--)
            ;
        if (pid > js)
            r = (pid_t) atoi(pid + 8);
    }
    free(js);
    return r;
}

static inline double now_s(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline wchar_t *wide(const char *s) {
    static wchar_t buf[8][512];
    static int i;
    wchar_t *w = buf[i++ % 8];

    swprintf(w, 512, L"%s", s);
    return w;
}

#endif

/* ---- live smbclient sessions (issue 4) ---- */
#ifndef WTSNET_TESTS_SAMBA_CLIENTS
#define WTSNET_TESTS_SAMBA_CLIENTS
/* Starts `smbclient //127.0.0.1/share -p PORT` as user, fed a command every
 * second so it stays connected, in its own process group (returned). */
static inline pid_t start_client(const char *user, const char *pw, const char *port, const char *log) {
    pid_t pid = fork();

    if (pid == 0) {
        char cmd[1024];

        setpgid(0, 0);
        snprintf(cmd, sizeof(cmd),
                 "(while sleep 1; do echo ls; done) | exec smbclient //127.0.0.1/share -p %s -U '%s%%%s' -s '%s' "
                 ">>'%s' 2>&1",
                 port, user, pw, env_or("WTSNET_TEST_CLIENTCONF", ""), log);
        execl("/bin/bash", "bash", "-c", cmd, (char *) NULL);
        _exit(127);
    }
    if (pid > 0)
        setpgid(pid, pid);
    return pid;
}

static inline void stop_client(pid_t pgid) {
    if (pgid > 0) {
        kill(-pgid, SIGTERM);
        waitpid(pgid, NULL, 0);
    }
}

/* Sessions smbstatus lists for user from client (NULL = any). */
static inline int count_sessions(const char *user, const char *client) {
    char *js = smbstatus_json(), *p;
    int n = 0;

    if (!js)
        return -1;
    for (p = js; (p = strstr(p, "\"username\": \"")); p++) {
        char u[64] = "", m[64] = "";

        sscanf(p, "\"username\": \"%63[^\"]\", \"groupname\": \"%*[^\"]\", \"remote_machine\": \"%63[^\"]\"", u, m);
        if ((!user || strcasecmp(u, user) == 0) && (!client || strcmp(m, client) == 0))
            n++;
    }
    free(js);
    return n;
}

/* Waits (≤ 10 s) until count_sessions(user, client) == want. */
static inline bool wait_sessions(const char *user, const char *client, int want) {
    for (int i = 0; i < 100; i++) {
        if (count_sessions(user, client) == want)
            return true;
        usleep(100 * 1000);
    }
    return false;
}
#endif
