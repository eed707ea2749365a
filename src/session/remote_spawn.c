/*
 * The ssh child of a remote connection: its argv, spawned with posix_spawn
 * (argv only, never a shell), pinned by a pidfd at once, its stderr kept
 * for the reason of a failure, and ended and reaped with bounded waits.
 */
#include "session/remote_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/errors.h"
#include "common/wintime.h"
#include "session/proc.h"

extern char **environ;

/*
 * ssh -xT … -- host systemd-stdio-bridge, as sd_bus_open_system_remote()
 * builds it, plus: BatchMode (never a prompt: no password, no passphrase,
 * no "accept this host key?"), ConnectTimeout (TCP connect and key
 * exchange), keepalives (a host that dies later is noticed), LogLevel=ERROR
 * (only the diagnostics that explain a failure), ControlMaster=no (no
 * multiplexing master outliving the handle). The host comes after "--".
 */
int remote_build_argv(const struct remote_target *t, unsigned timeout_sec, const char *config,
                      struct remote_argv *ret) {
    size_t n = 0;

    if (timeout_sec == 0)
        timeout_sec = 1;
    memset(ret, 0, sizeof(*ret));
    snprintf(ret->connect_timeout, sizeof(ret->connect_timeout), "ConnectTimeout=%u", timeout_sec);
    snprintf(ret->alive_interval, sizeof(ret->alive_interval), "ServerAliveInterval=%u", timeout_sec);
    ret->argv[n++] = (char *) "ssh";
    ret->argv[n++] = (char *) "-xT";
    ret->argv[n++] = (char *) "-o";
    ret->argv[n++] = (char *) "BatchMode=yes";
    ret->argv[n++] = (char *) "-o";
    ret->argv[n++] = ret->connect_timeout;
    ret->argv[n++] = (char *) "-o";
    ret->argv[n++] = ret->alive_interval;
    ret->argv[n++] = (char *) "-o";
    ret->argv[n++] = (char *) "ServerAliveCountMax=2";
    ret->argv[n++] = (char *) "-o";
    ret->argv[n++] = (char *) "LogLevel=ERROR";
    ret->argv[n++] = (char *) "-o";
    ret->argv[n++] = (char *) "ControlMaster=no";
    if (config && *config) {
        if (strlen(config) >= sizeof(ret->config))
            return -ENAMETOOLONG;
        strcpy(ret->config, config);
        ret->argv[n++] = (char *) "-F";
        ret->argv[n++] = ret->config;
    }
    if (t->port) {
        snprintf(ret->port, sizeof(ret->port), "%u", (unsigned) t->port);
        ret->argv[n++] = (char *) "-p";
        ret->argv[n++] = ret->port;
    }
    if (t->user[0]) {
        ret->argv[n++] = (char *) "-l";
        ret->argv[n++] = (char *) t->user;
    }
    ret->argv[n++] = (char *) "--";
    ret->argv[n++] = (char *) t->host;
    ret->argv[n++] = (char *) "systemd-stdio-bridge";
    ret->argv[n] = NULL;
    return 0;
}

/* OpenSSH's wording (sshconnect2.c): "Permission denied (publickey,…)." is
 * the one refusal of a login; it is not translated. */
int remote_classify_ssh_error(const char *ssh_stderr) {
    if (ssh_stderr && strstr(ssh_stderr, "Permission denied"))
        return -EACCES;
    return -E_UNREACHABLE;
}

/* Keeps the tail of what ssh wrote to stderr; waits up to wait_usec for
 * its end (ssh writes its reason, then exits). */
void remote_ssh_read_stderr(struct remote_ssh *ssh, uint64_t wait_usec) {
    uint64_t deadline = now_monotonic_usec() + wait_usec;

    while (ssh->err_fd >= 0) {
        char buf[512];
        ssize_t n = read(ssh->err_fd, buf, sizeof(buf));

        if (n > 0) {
            size_t k = (size_t) n;

            if (k > sizeof(ssh->err_text) - 1)
                k = sizeof(ssh->err_text) - 1;
            if (ssh->err_len + k > sizeof(ssh->err_text) - 1) {
                size_t drop = ssh->err_len + k - (sizeof(ssh->err_text) - 1);

                memmove(ssh->err_text, ssh->err_text + drop, ssh->err_len - drop);
                ssh->err_len -= drop;
            }
            memcpy(ssh->err_text + ssh->err_len, buf + (size_t) n - k, k);
            ssh->err_len += k;
            ssh->err_text[ssh->err_len] = '\0';
            continue;
        }
        if (n == 0) { /* ssh is gone */
            close(ssh->err_fd);
            ssh->err_fd = -1;
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN) {
            return;
        } else {
            uint64_t now = now_monotonic_usec();
            struct pollfd pfd = {.fd = ssh->err_fd, .events = POLLIN};

            if (now >= deadline || poll(&pfd, 1, (int) ((deadline - now + 999) / 1000)) == 0)
                return;
        }
    }
}

/*
 * Ends ssh and reaps it: no zombie is left. Every
 * signal goes through the pidfd, so that an ssh reaped by someone else (a
 * program that ignores SIGCHLD or reaps with waitpid(-1)) never turns into
 * a signal to whatever process gets its pid next. Every wait is bounded:
 * 2 s after SIGTERM, 2 s after SIGKILL.
 */
void remote_ssh_end(struct remote_ssh *ssh) {
    if (ssh->pidfd >= 0) {
        (void) pidfd_send_signal(ssh->pidfd, SIGTERM, NULL, 0);
        if (!proc_child_wait_exit(ssh->pidfd, 2000000)) {
            (void) pidfd_send_signal(ssh->pidfd, SIGKILL, NULL, 0);
            (void) proc_child_wait_exit(ssh->pidfd, 2000000);
        }
        close(ssh->pidfd);
        ssh->pidfd = -1;
    }
    if (ssh->err_fd >= 0) {
        close(ssh->err_fd);
        ssh->err_fd = -1;
    }
}

/* An fd above stdin/stdout/stderr, so the dup2s of posix_spawn cannot
 * collide with it (a daemon may have closed its standard streams). */
static int above_stdio(int fd) {
    int moved;

    if (fd > STDERR_FILENO)
        return fd;
    moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    close(fd);
    return moved;
}

int remote_ssh_spawn(struct remote_ssh *ssh, const struct remote_target *t, unsigned timeout_sec,
                     const char *config, int *ret_socket) {
    posix_spawn_file_actions_t actions;
    struct remote_argv a;
    pid_t pid;
    int sv[2] = {-1, -1}, errpipe[2] = {-1, -1};
    int r;

    r = remote_build_argv(t, timeout_sec, config, &a);
    if (r < 0)
        return r;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -errno;
    if (pipe2(errpipe, O_CLOEXEC) < 0) {
        r = -errno;
        close(sv[0]), close(sv[1]);
        return r;
    }
    sv[0] = above_stdio(sv[0]), sv[1] = above_stdio(sv[1]);
    errpipe[0] = above_stdio(errpipe[0]), errpipe[1] = above_stdio(errpipe[1]);
    if (sv[0] < 0 || sv[1] < 0 || errpipe[0] < 0 || errpipe[1] < 0) {
        r = -EMFILE;
        goto out;
    }

    /* ssh gets clean signal state, no inherited descriptors and a session
     * of its own (proc_spawn): no controlling terminal, so nothing can prompt on it. */
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, sv[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errpipe[1], STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    r = proc_spawn("ssh", &actions, a.argv, environ, &pid);
    posix_spawn_file_actions_destroy(&actions);
    if (r < 0) {
        r = r == -ENOENT ? -E_UNREACHABLE : r; /* no ssh client installed */
        goto out;
    }
    /* Pinned at once: our unreaped child cannot have been replaced yet.
     * (glibc has no pidfd_spawn before 2.39; clone3 with CLONE_PIDFD would
     * mean forking by hand.) If the caller already reaped it, it is gone:
     * nothing to signal, and the connection fails on EOF. */
    ssh->pidfd = pidfd_open(pid, 0);
    if (ssh->pidfd < 0) {
        r = errno == ESRCH ? -E_UNREACHABLE : -errno;
        if (r != -E_UNREACHABLE) { /* still our unreaped child: its pid is safe to use */
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
        goto out;
    }
    if (fcntl(errpipe[0], F_SETFL, O_NONBLOCK) < 0) {
        r = -errno;
        goto out;
    }
    ssh->err_fd = errpipe[0], errpipe[0] = -1;
    ssh->err_len = 0;
    ssh->err_text[0] = '\0';
    *ret_socket = sv[0], sv[0] = -1;
    r = 0;
out:
    for (int i = 0; i < 2; i++) {
        if (sv[i] >= 0)
            close(sv[i]);
        if (errpipe[i] >= 0)
            close(errpipe[i]);
    }
    return r;
}
