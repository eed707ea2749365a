#include "live-session.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum err_to { ERR_TO_PIPE, ERR_KEPT, ERR_TO_NULL };
static int run_capture_err(char *const argv[], enum err_to err, char *out, size_t size, int timeout_ms);

#define SESSION_COMMAND "echo $$; exec sleep 600"
#define STUBBORN_COMMAND "trap '' TERM HUP; echo $$; exec sleep 600"

uint64_t mono_ms(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* Spawns argv with stdout on a pipe, stderr where told; stdin is /dev/null. */
static int spawn_piped(char *const argv[], enum err_to err, pid_t *ret_pid, int *ret_fd) {
    posix_spawn_file_actions_t fa;
    int p[2], r;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    if (err == ERR_TO_PIPE)
        posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    else if (err == ERR_TO_NULL)
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (r != 0) {
        close(p[0]);
        return -r;
    }
    *ret_pid = pid;
    *ret_fd = p[0];
    return 0;
}

/* Reads until the first line that holds a number (the session shell's $$). */
static int read_pid_line(int fd, int timeout_ms, pid_t *ret) {
    char buf[4096];
    size_t len = 0;
    uint64_t until = mono_ms() + (uint64_t) timeout_ms;

    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        uint64_t now = mono_ms();
        ssize_t n;
        char *line, *nl;

        if (now >= until)
            return -ETIMEDOUT;
        if (poll(&pfd, 1, (int) (until - now)) <= 0)
            continue;
        n = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (n <= 0) {
            buf[len] = '\0';
            fprintf(stdout, "# session command ended early: %s\n", buf);
            return -EPIPE;
        }
        len += (size_t) n;
        buf[len] = '\0';
        for (line = buf; (nl = strpbrk(line, "\r\n")); line = nl + 1) {
            char *end;
            long v;

            *nl = '\0';
            while (*line == ' ')
                line++;
            if (!isdigit((unsigned char) *line))
                continue;
            v = strtol(line, &end, 10);
            if (*end == '\0' && v > 1 && v < INT_MAX) {
                *ret = (pid_t) v;
                return 0;
            }
        }
        if (len == sizeof(buf) - 1)
            return -E2BIG;
    }
}

/* The session scope from /proc/PID/cgroup ("0::/user.slice/…/session-c2.scope"). */
static int session_of_pid(pid_t pid, struct live_session *s) {
    char path[64], line[600];
    FILE *f;
    int r = -ENOENT;

    snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) pid);
    f = fopen(path, "re");
    if (!f)
        return -errno;
    while (fgets(line, sizeof(line), f)) {
        char *scope, *dot;

        if (strncmp(line, "0::", 3) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        scope = strstr(line, "/session-");
        dot = scope ? strstr(scope, ".scope") : NULL;
        if (!dot || (size_t) (dot - scope - 9) >= sizeof(s->key))
            break;
        memcpy(s->key, scope + 9, (size_t) (dot - scope - 9));
        s->key[dot - scope - 9] = '\0';
        snprintf(s->cgroup, sizeof(s->cgroup), "/sys/fs/cgroup%.480s", line + 3);
        r = 0;
        break;
    }
    fclose(f);
    return r;
}

DWORD live_expected_id(const char *key) {
    if (key[0] == 'c')
        return 0x80000000u | (DWORD) strtoul(key + 1, NULL, 10);
    return (DWORD) strtoul(key, NULL, 10);
}

static int finish_spawn(struct live_session *s, int fd) {
    int r = read_pid_line(fd, 15000, &s->inner);

    close(fd);
    if (r >= 0)
        r = session_of_pid(s->inner, s);
    if (r < 0) {
        kill(s->client, SIGKILL);
        waitpid(s->client, NULL, 0);
        return r;
    }
    s->id = live_expected_id(s->key);
    return 0;
}

int live_su(const char *user, int flags, struct live_session *ret) {
    struct live_session s = {0};
    char *argv[] = {"su", "-l", (char *) user, "-c",
                    (flags & LIVE_STUBBORN) ? STUBBORN_COMMAND : SESSION_COMMAND, NULL};
    int fd, r;

    snprintf(s.user, sizeof(s.user), "%s", user);
    r = spawn_piped(argv, ERR_TO_PIPE, &s.client, &fd);
    if (r < 0)
        return r;
    r = finish_spawn(&s, fd);
    if (r < 0)
        return r;
    *ret = s;
    return 0;
}

int live_ssh(const char *user, const char *from, int flags, struct live_session *ret) {
    struct live_session s = {.ssh = true};
    const char *key = getenv("WTSIT_SSH_KEY"), *port = getenv("WTSIT_SSH_PORT");
    char *argv[] = {"ssh", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-i", (char *) key, "-p", (char *) port,
                    "-b", (char *) from, "-l", (char *) user, "-tt", "127.0.0.1",
                    (flags & LIVE_STUBBORN) ? STUBBORN_COMMAND : SESSION_COMMAND, NULL};
    int fd, r;

    if (!key || !port)
        return -ENOKEY;
    snprintf(s.user, sizeof(s.user), "%s", user);
    snprintf(s.from, sizeof(s.from), "%s", from);
    r = spawn_piped(argv, ERR_TO_PIPE, &s.client, &fd);
    if (r < 0)
        return r;
    r = finish_spawn(&s, fd);
    if (r < 0)
        return r;
    *ret = s;
    return 0;
}

void live_end(struct live_session *s) {
    if (!s || s->client <= 0)
        return;
    if (s->key[0]) {
        char *argv[] = {"loginctl", "kill-session", "--signal=SIGKILL", s->key, NULL};
        char out[256];

        run_capture_err(argv, ERR_TO_NULL, out, sizeof(out), 5000); /* fails harmlessly once it is gone */
    }
    kill(s->client, SIGKILL);
    waitpid(s->client, NULL, 0);
    s->client = 0;
}

int live_pids(const struct live_session *s, pid_t *pids, size_t max) {
    char path[600];
    FILE *f;
    int n = 0, pid;

    snprintf(path, sizeof(path), "%s/cgroup.procs", s->cgroup);
    f = fopen(path, "re");
    if (!f)
        return -errno;
    while ((size_t) n < max && fscanf(f, "%d", &pid) == 1)
        if (pid > 0)
            pids[n++] = pid;
    fclose(f);
    return n;
}

bool pid_gone(pid_t pid) {
    char path[64], buf[512], *close_paren;
    FILE *f;
    bool zombie = false;

    if (kill(pid, 0) < 0 && errno == ESRCH)
        return true;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
    f = fopen(path, "re");
    if (!f)
        return true;
    if (fgets(buf, sizeof(buf), f) && (close_paren = strrchr(buf, ')')) && close_paren[1] == ' ')
        zombie = close_paren[2] == 'Z' || close_paren[2] == 'X';
    fclose(f);
    return zombie;
}

bool all_gone(const pid_t *pids, int n) {
    for (int i = 0; i < n; i++)
        if (!pid_gone(pids[i])) {
            fprintf(stdout, "# pid %d is still there\n", (int) pids[i]);
            return false;
        }
    return true;
}

bool all_alive(const pid_t *pids, int n) {
    for (int i = 0; i < n; i++)
        if (pid_gone(pids[i])) {
            fprintf(stdout, "# pid %d is gone\n", (int) pids[i]);
            return false;
        }
    return true;
}

static int run_capture_err(char *const argv[], enum err_to err, char *out, size_t size, int timeout_ms) {
    uint64_t until = mono_ms() + (uint64_t) timeout_ms;
    size_t len = 0;
    pid_t pid;
    int fd, r, status;

    r = spawn_piped(argv, err, &pid, &fd);
    if (r < 0)
        return r;
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        uint64_t now = mono_ms();
        ssize_t n;

        if (now >= until) {
            kill(pid, SIGKILL);
            r = -ETIMEDOUT;
            break;
        }
        if (poll(&pfd, 1, (int) (until - now)) <= 0)
            continue;
        n = read(fd, out + len, size - 1 - len);
        if (n <= 0)
            break;
        len += (size_t) n;
        if (len == size - 1)
            break;
    }
    close(fd);
    out[len] = '\0';
    while (len > 0 && out[len - 1] == '\n')
        out[--len] = '\0';
    if (waitpid(pid, &status, 0) < 0)
        return -errno;
    if (r < 0)
        return r;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_capture(char *const argv[], char *out, size_t size, int timeout_ms) {
    return run_capture_err(argv, ERR_KEPT, out, size, timeout_ms);
}

int oracle_prop(const char *key, const char *prop, char *out, size_t size) {
    char *argv[] = {"loginctl", "show-session", (char *) key, "-p", (char *) prop, "--value", NULL};
    int r = run_capture(argv, out, size, 10000);

    return r == 0 ? 0 : r < 0 ? r : -EIO;
}

int oracle_timestamp(const char *key, uint64_t *ret) {
    char path[256], out[256];
    char *call[] = {"busctl", "call", "org.freedesktop.login1", "/org/freedesktop/login1",
                    "org.freedesktop.login1.Manager", "GetSession", "s", (char *) key, NULL};
    char *get[] = {"busctl", "get-property", "org.freedesktop.login1", path, "org.freedesktop.login1.Session",
                   "Timestamp", NULL};
    unsigned long long t;

    /* Reply: o "/org/freedesktop/login1/session/_3c2" */
    if (run_capture(call, out, sizeof(out), 10000) != 0 || sscanf(out, "o \"%255[^\"]\"", path) != 1)
        return -EIO;
    if (run_capture(get, out, sizeof(out), 10000) != 0 || sscanf(out, "t %llu", &t) != 1)
        return -EIO;
    *ret = t;
    return 0;
}

const char *helper_path(void) {
    static char path[PATH_MAX];
    ssize_t n;
    char *slash;

    if (path[0])
        return path;
    n = readlink("/proc/self/exe", path, sizeof(path) - 32);
    if (n <= 0)
        return "wtsit-helper";
    path[n] = '\0';
    slash = strrchr(path, '/');
    strcpy(slash ? slash + 1 : path, "wtsit-helper");
    return path;
}

int run_helper_as(const char *user, char *const args[], char *out, size_t size) {
    struct passwd *pw = getpwnam(user);
    char uid[16], gid[16];
    char *argv[16] = {"setpriv", "--reuid", uid, "--regid", gid, "--init-groups", "--", (char *) helper_path()};
    size_t n = 8;

    if (!pw)
        return -ENOENT;
    snprintf(uid, sizeof(uid), "%u", (unsigned) pw->pw_uid);
    snprintf(gid, sizeof(gid), "%u", (unsigned) pw->pw_gid);
    for (size_t i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return run_capture(argv, out, size, 60000);
}
