/* Helpers for the tests against a real smbd (tests/suites/40-smb2-samba.sh sets the environment). */
#ifndef WTSNET_TESTS_SAMBA_UTIL_H
#define WTSNET_TESTS_SAMBA_UTIL_H

#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
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
