/*
 * The remote provider: another host's systemd-logind, over D-Bus carried by
 * `ssh … -- host systemd-stdio-bridge` (what sd_bus_open_system_remote()
 * runs; logind.md, "Remote and containers"). No sd-login there: every read
 * is a bus call, and the logic shared with the local provider lives in
 * logind_bus.c.
 *
 * Why not sd_bus_open_system_remote() itself: it gives ssh no BatchMode and
 * no ConnectTimeout (a password prompt or a black-holed host would hang the
 * caller), lets ssh print to the caller's stderr (the library never prints)
 * and keeps ssh's exit reason to itself. So this file spawns ssh itself
 * (posix_spawn, argv only), reads its stderr to tell a refused login from
 * an unreachable host, and reaps it when the handle closes.
 *
 * Errors: logind_bus.h, plus: ssh refused the login → -EACCES; no connection,
 * a connection lost, or no answer within the timeout → -EHOSTDOWN.
 *
 * One connection per handle, made on first use and made again after it was
 * lost; calls on one handle are serialized (an sd_bus is not thread-safe).
 */
#include "session/remote.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "common/errors.h"
#include "common/parse_int.h"
#include "common/wintime.h"
#include "session/logind_bus.h"
#include "session/proc.h"

extern char **environ;

/* ---- destinations ---------------------------------------------------- */

static bool is_name_char(char c) {
    return isalnum((unsigned char) c) || c == '-' || c == '.' || c == '_';
}

/* A DNS name, an IPv4 literal, or (bare) an IPv6 literal. Never starts
 * with '-' or '.': nothing here can read as an option or a path. */
static int check_host(const char *host, size_t len, bool ipv6) {
    char copy[INET6_ADDRSTRLEN];
    unsigned char addr[16];

    if (len == 0 || len >= sizeof(((struct remote_target *) 0)->host))
        return -EINVAL;
    if (ipv6) {
        /* Digits, hex and ':' '.', as inet_pton reads them; no '%' zone. */
        if (len >= sizeof(copy))
            return -EINVAL;
        memcpy(copy, host, len);
        copy[len] = '\0';
        for (size_t i = 0; i < len; i++)
            if (!isxdigit((unsigned char) copy[i]) && copy[i] != ':' && copy[i] != '.')
                return -EINVAL;
        return inet_pton(AF_INET6, copy, addr) == 1 ? 0 : -EINVAL;
    }
    if (!isalnum((unsigned char) host[0]))
        return -EINVAL;
    for (size_t i = 0; i < len; i++)
        if (!is_name_char(host[i]))
            return -EINVAL;
    return 0;
}

static int check_user(const char *user, size_t len) {
    if (len == 0 || len >= sizeof(((struct remote_target *) 0)->user))
        return -EINVAL;
    if (!isalnum((unsigned char) user[0]) && user[0] != '_')
        return -EINVAL;
    for (size_t i = 0; i < len; i++)
        if (!is_name_char(user[i]))
            return -EINVAL;
    return 0;
}

/* 1 to 65535, decimal, no leading zero. */
static int parse_port(const char *s, size_t len, uint16_t *ret) {
    uint64_t v;

    if (len == 0 || s[0] == '0' || parse_uint_n(s, len, 10, 65535, 0, &v) < 0)
        return -EINVAL;
    *ret = (uint16_t) v;
    return 0;
}

int remote_target_parse(const char *spec, struct remote_target *ret) {
    struct remote_target t = {0};
    const char *rest, *at, *host, *host_end, *port = NULL;
    size_t scheme = strlen(REMOTE_SCHEME);
    bool ipv6 = false;
    int r;

    if (!spec || strncasecmp(spec, REMOTE_SCHEME, scheme) != 0)
        return -EINVAL;
    rest = spec + scheme;
    if (strlen(rest) > 300)
        return -EINVAL;

    at = strchr(rest, '@');
    if (at) {
        if ((r = check_user(rest, (size_t) (at - rest))) < 0)
            return r;
        memcpy(t.user, rest, (size_t) (at - rest));
        host = at + 1;
    } else
        host = rest;

    if (host[0] == '[') {
        ipv6 = true;
        host++;
        host_end = strchr(host, ']');
        if (!host_end)
            return -EINVAL;
        if (host_end[1] == ':')
            port = host_end + 2;
        else if (host_end[1] != '\0')
            return -EINVAL;
    } else {
        host_end = host + strcspn(host, ":");
        if (*host_end == ':')
            port = host_end + 1;
    }
    if ((r = check_host(host, (size_t) (host_end - host), ipv6)) < 0)
        return r;
    memcpy(t.host, host, (size_t) (host_end - host));
    if (port && (r = parse_port(port, strlen(port), &t.port)) < 0)
        return r;
    *ret = t;
    return 0;
}

int remote_target_from_host(const char *host, struct remote_target *ret) {
    struct remote_target t = {0};
    size_t len = host ? strlen(host) : 0;
    int r;

    /* A bare IPv6 literal ("fe80::1") is the only plain name with ':'. */
    r = check_host(host, len, host && strchr(host, ':'));
    if (r < 0)
        return r;
    memcpy(t.host, host, len);
    *ret = t;
    return 0;
}

int remote_target_format(const struct remote_target *t, char *buf, size_t size) {
    bool ipv6 = strchr(t->host, ':') != NULL;
    char port[8] = "";
    int n;

    if (t->port)
        snprintf(port, sizeof(port), ":%u", (unsigned) t->port);
    n = snprintf(buf, size, "%s%s%s%s%s%s%s", REMOTE_SCHEME, t->user, t->user[0] ? "@" : "", ipv6 ? "[" : "",
                 t->host, ipv6 ? "]" : "", port);
    return n < 0 || (size_t) n >= size ? -ENOBUFS : 0;
}

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

/* ---- the connection -------------------------------------------------- */

struct remote_provider {
    struct session_provider base;
    pthread_mutex_t lock; /* every call, and every message on bus: an sd_bus is not thread-safe */
    struct remote_target target;
    char *config;          /* WTSNET_SSH_CONFIG when the handle was opened */
    uint64_t timeout_usec; /* connect and per-call bound */
    sd_bus *bus;
    int ssh_pidfd;         /* ssh, pinned (pidfd_open): signals never reach a reused pid */
    int err_fd;            /* ssh's stderr, read end */
    char err_text[1024];   /* what ssh said last */
    size_t err_len;
    bool no_list_ex;       /* this logind predates ListSessionsEx */
};

static struct remote_provider *to_remote(struct session_provider *p) {
    return (struct remote_provider *) p;
}

/* WTSNET_REMOTE_TIMEOUT_MS: 1 ms to one hour, else 10 s. */
static uint64_t timeout_from_env(void) {
    const uint64_t fallback = UINT64_C(10) * 1000000;
    uint64_t usec = session_env_msec("WTSNET_REMOTE_TIMEOUT_MS", fallback);

    return usec > 0 && usec <= UINT64_C(3600) * 1000000 ? usec : fallback;
}

/* Keeps the tail of what ssh wrote to stderr; waits up to wait_usec for
 * its end (ssh writes its reason, then exits). */
static void read_ssh_stderr(struct remote_provider *rp, uint64_t wait_usec) {
    uint64_t deadline = now_monotonic_usec() + wait_usec;

    while (rp->err_fd >= 0) {
        char buf[512];
        ssize_t n = read(rp->err_fd, buf, sizeof(buf));

        if (n > 0) {
            size_t k = (size_t) n;

            if (k > sizeof(rp->err_text) - 1)
                k = sizeof(rp->err_text) - 1;
            if (rp->err_len + k > sizeof(rp->err_text) - 1) {
                size_t drop = rp->err_len + k - (sizeof(rp->err_text) - 1);

                memmove(rp->err_text, rp->err_text + drop, rp->err_len - drop);
                rp->err_len -= drop;
            }
            memcpy(rp->err_text + rp->err_len, buf + (size_t) n - k, k);
            rp->err_len += k;
            rp->err_text[rp->err_len] = '\0';
            continue;
        }
        if (n == 0) { /* ssh is gone */
            close(rp->err_fd);
            rp->err_fd = -1;
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN) {
            return;
        } else {
            uint64_t now = now_monotonic_usec();
            struct pollfd pfd = {.fd = rp->err_fd, .events = POLLIN};

            if (now >= deadline || poll(&pfd, 1, (int) ((deadline - now + 999) / 1000)) == 0)
                return;
        }
    }
}

/*
 * Ends the connection and its ssh, and reaps ssh: no zombie is left. Every
 * signal goes through the pidfd, so that an ssh reaped by someone else (a
 * program that ignores SIGCHLD or reaps with waitpid(-1)) never turns into
 * a signal to whatever process gets its pid next. Every wait is bounded:
 * 2 s after SIGTERM, 2 s after SIGKILL.
 */
static void remote_disconnect(struct remote_provider *rp) {
    rp->bus = sd_bus_close_unref(rp->bus); /* closes our end: ssh sees EOF */
    if (rp->ssh_pidfd >= 0) {
        (void) pidfd_send_signal(rp->ssh_pidfd, SIGTERM, NULL, 0);
        if (!proc_child_wait_exit(rp->ssh_pidfd, 2000000)) {
            (void) pidfd_send_signal(rp->ssh_pidfd, SIGKILL, NULL, 0);
            (void) proc_child_wait_exit(rp->ssh_pidfd, 2000000);
        }
        close(rp->ssh_pidfd);
        rp->ssh_pidfd = -1;
    }
    if (rp->err_fd >= 0) {
        close(rp->err_fd);
        rp->err_fd = -1;
    }
}

/* After a failure on the connection: why, in ssh's words, and drop it. */
static int connection_failed(struct remote_provider *rp, int r) {
    read_ssh_stderr(rp, 1000000);
    r = remote_classify_ssh_error(rp->err_text);
    remote_disconnect(rp);
    return r;
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

static int spawn_ssh(struct remote_provider *rp, int *ret_socket) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    struct remote_argv a;
    sigset_t none, all;
    pid_t pid;
    int sv[2] = {-1, -1}, errpipe[2] = {-1, -1};
    unsigned timeout_sec = (unsigned) ((rp->timeout_usec + 999999) / 1000000);
    int r;

    r = remote_build_argv(&rp->target, timeout_sec, rp->config, &a);
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

    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    sigfillset(&all);
    /* ssh gets clean signal state, no inherited descriptors and a session
     * of its own: no controlling terminal, so nothing can prompt on it. */
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    posix_spawn_file_actions_adddup2(&actions, sv[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, sv[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errpipe[1], STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    r = -posix_spawnp(&pid, "ssh", &actions, &attr, a.argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (r < 0) {
        r = r == -ENOENT ? -E_UNREACHABLE : r; /* no ssh client installed */
        goto out;
    }
    /* Pinned at once: our unreaped child cannot have been replaced yet.
     * (glibc has no pidfd_spawn before 2.39; clone3 with CLONE_PIDFD would
     * mean forking by hand.) If the caller already reaped it, it is gone:
     * nothing to signal, and the connection fails on EOF. */
    rp->ssh_pidfd = pidfd_open(pid, 0);
    if (rp->ssh_pidfd < 0) {
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
    rp->err_fd = errpipe[0], errpipe[0] = -1;
    rp->err_len = 0;
    rp->err_text[0] = '\0';
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

/* Runs the bus until *count is at most at_most (or, count NULL, until the
 * bus is ready), at most until deadline; EINTR does not end it. */
static int run_bus(sd_bus *bus, const size_t *count, size_t at_most, uint64_t deadline) {
    int r;

    for (;;) {
        uint64_t now;

        if (count ? *count <= at_most : sd_bus_is_ready(bus) > 0)
            return 0;
        r = sd_bus_process(bus, NULL);
        if (r < 0)
            return r;
        if (r > 0)
            continue;
        now = now_monotonic_usec();
        if (now >= deadline)
            return -ETIMEDOUT;
        r = sd_bus_wait(bus, deadline - now);
        if (r < 0 && r != -EINTR)
            return r;
    }
}

static int remote_connect(struct remote_provider *rp) {
    int fd = -1, r;

    if (rp->bus) {
        read_ssh_stderr(rp, 0); /* keep the pipe drained */
        if (sd_bus_is_open(rp->bus) > 0)
            return 0;
        remote_disconnect(rp);
    }
    r = spawn_ssh(rp, &fd);
    if (r < 0) {
        remote_disconnect(rp); /* an ssh started before the failure is ended */
        return r;
    }
    r = sd_bus_new(&rp->bus);
    if (r >= 0)
        r = sd_bus_set_fd(rp->bus, fd, fd);
    if (r >= 0)
        fd = -1; /* the bus owns it */
    if (r >= 0)
        r = sd_bus_set_bus_client(rp->bus, 1);
    if (r >= 0)
        r = sd_bus_set_method_call_timeout(rp->bus, rp->timeout_usec);
    if (r >= 0)
        r = sd_bus_start(rp->bus);
    /* Authentication and Hello, bounded: ssh's ConnectTimeout covers the
     * TCP connect and key exchange, this the login and the bridge. */
    if (r >= 0)
        r = run_bus(rp->bus, NULL, 0, now_monotonic_usec() + rp->timeout_usec + 2000000);
    if (fd >= 0)
        close(fd);
    if (r == -ENOMEM) {
        remote_disconnect(rp);
        return r;
    }
    return r < 0 ? connection_failed(rp, r) : 0;
}

/* Maps a failed call; a connection that is no longer usable is dropped
 * (the next call connects again), with ssh's account of why. */
static int call_failed(struct remote_provider *rp, const sd_bus_error *e, int r) {
    r = logind_bus_error_to_errno(e, r);
    return logind_bus_connection_lost(r) ? connection_failed(rp, r) : r;
}

/* ---- provider operations ---------------------------------------------- */

static int remote_open(const char *target, struct session_provider **ret) {
    struct remote_provider *rp;
    const char *config = secure_getenv("WTSNET_SSH_CONFIG");
    int r;

    if (!target)
        return -EINVAL;
    rp = calloc(1, sizeof(*rp));
    if (!rp)
        return -ENOMEM;
    r = remote_target_parse(target, &rp->target);
    if (r < 0) {
        free(rp);
        return r;
    }
    if (config && *config && !(rp->config = strdup(config))) {
        free(rp);
        return -ENOMEM;
    }
    rp->base.ops = &remote_provider_ops;
    rp->timeout_usec = timeout_from_env();
    rp->err_fd = -1;
    rp->ssh_pidfd = -1;
    pthread_mutex_init(&rp->lock, NULL);
    *ret = &rp->base;
    return 0;
}

static void remote_close(struct session_provider *p) {
    struct remote_provider *rp;

    if (!p)
        return;
    rp = to_remote(p);
    remote_disconnect(rp);
    pthread_mutex_destroy(&rp->lock);
    free(rp->config);
    free(rp);
}

/* One property read in flight (the list pipelines them). */
struct pending_read {
    struct session_record rec;
    sd_bus_slot *slot;
    int result; /* 1 while in flight */
    size_t *in_flight;
};

static int on_properties(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    struct pending_read *pr = userdata;
    const sd_bus_error *e = sd_bus_message_get_error(m);

    (void) error;
    if (e)
        pr->result = logind_bus_error_to_errno(e, -sd_bus_message_get_errno(m));
    else
        pr->result = logind_parse_session_properties(m, LOGIND_PROPS_ALL, &pr->rec);
    (*pr->in_flight)--;
    return 0;
}

static int send_properties_read(sd_bus *bus, const char *key, struct pending_read *pr) {
    char *path = NULL;
    int r;

    r = sd_bus_path_encode(LOGIND_SESSION_PATH_PREFIX, key, &path);
    if (r < 0)
        return r;
    r = sd_bus_call_method_async(bus, &pr->slot, LOGIND_SERVICE, path, "org.freedesktop.DBus.Properties", "GetAll",
                                 on_properties, pr, "s", LOGIND_SESSION);
    free(path);
    if (r >= 0) {
        pr->result = 1;
        (*pr->in_flight)++;
    }
    return r;
}

/* The dbus-daemon allows 128 pending replies per connection by default
 * (max_replies_per_connection): stay well below. */
#define READS_IN_FLIGHT 64

int remote_read_session_keys(sd_bus_message *m, bool ex, char ***ret, size_t *ret_count) {
    char **keys = NULL;
    size_t n = 0;
    int r;

    r = sd_bus_message_enter_container(m, 'a', ex ? "(sussussbto)" : "(susso)");
    while (r >= 0) {
        const char *id;
        char **grown;

        r = ex ? sd_bus_message_read(m, "(sussussbto)", &id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
               : sd_bus_message_read(m, "(susso)", &id, NULL, NULL, NULL, NULL);
        if (r <= 0)
            break;
        grown = realloc(keys, (n + 2) * sizeof(*keys));
        if (!grown) {
            r = -ENOMEM;
            break;
        }
        keys = grown;
        keys[n + 1] = NULL;
        if (!(keys[n] = strdup(id))) {
            r = -ENOMEM;
            break;
        }
        n++;
    }
    if (r >= 0)
        r = sd_bus_message_exit_container(m);
    if (r < 0) {
        for (size_t i = 0; i < n; i++)
            free(keys[i]);
        free(keys);
        return r == -ENOMEM ? r : -EIO;
    }
    *ret = keys;
    *ret_count = n;
    return 0;
}

/*
 * Session keys: ListSessionsEx where logind has it (systemd ≥ 256); else
 * ListSessions (systemd 252, Debian 12). Either way the record comes from
 * GetAll, because neither list carries State, Service, Type or RemoteHost.
 */
static int list_keys(struct remote_provider *rp, char ***ret, size_t *ret_count) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    bool ex = !rp->no_list_ex;
    int r;

    if (ex) {
        r = logind_bus_call_method(rp->bus, LOGIND_SERVICE, LOGIND_PATH, LOGIND_MANAGER, "ListSessionsEx", &error,
                                   &reply, NULL);
        /* An older logind answers UnknownMethod to root; to anyone else the
         * bus itself answers AccessDenied, its policy listing only the
         * methods that logind had when it was written. */
        if (r < 0 && sd_bus_error_has_names(&error, SD_BUS_ERROR_UNKNOWN_METHOD, SD_BUS_ERROR_ACCESS_DENIED)) {
            rp->no_list_ex = true; /* as loginctl does: fall back for good on this handle */
            ex = false;
            sd_bus_error_free(&error);
        } else if (r < 0)
            goto fail;
    }
    if (!ex) {
        r = logind_bus_call_method(rp->bus, LOGIND_SERVICE, LOGIND_PATH, LOGIND_MANAGER, "ListSessions", &error,
                                   &reply, NULL);
        if (r < 0)
            goto fail;
    }

    r = remote_read_session_keys(reply, ex, ret, ret_count);
    goto out;
fail:
    r = call_failed(rp, &error, r);
out:
    sd_bus_message_unref(reply);
    sd_bus_error_free(&error);
    return r;
}

static int remote_list(struct session_provider *p, struct session_list *ret) {
    struct remote_provider *rp = to_remote(p);
    struct session_list list = {0};
    struct pending_read *reads = NULL;
    char **keys = NULL;
    size_t n = 0, sent = 0, in_flight = 0;
    int r;

    pthread_mutex_lock(&rp->lock);
    r = remote_connect(rp);
    if (r < 0)
        goto out;
    r = list_keys(rp, &keys, &n);
    if (r < 0)
        goto out;
    reads = calloc(n ? n : 1, sizeof(*reads));
    if (!reads) {
        r = -ENOMEM;
        goto out;
    }
    r = session_list_begin(&list, n);
    if (r < 0)
        goto out;

    /* Every read sent before the replies are awaited: one round trip for
     * the whole list (in windows of READS_IN_FLIGHT), not one per session. */
    while (sent < n || in_flight > 0) {
        while (sent < n && in_flight < READS_IN_FLIGHT) {
            reads[sent].in_flight = &in_flight;
            reads[sent].rec.lock = SESSION_LOCK_UNKNOWN;
            r = send_properties_read(rp->bus, keys[sent], &reads[sent]);
            if (r < 0) {
                r = call_failed(rp, NULL, r);
                goto out;
            }
            sent++;
        }
        /* All sent: wait for the last reply; else until half the window is free. */
        r = run_bus(rp->bus, &in_flight, sent < n ? READS_IN_FLIGHT / 2 : 0,
                    now_monotonic_usec() + rp->timeout_usec);
        if (r < 0) {
            r = call_failed(rp, NULL, r);
            goto out;
        }
    }

    for (size_t i = 0; i < n; i++) {
        struct pending_read *pr = &reads[i];
        uint32_t id;

        if (pr->result == -E_NO_SESSION || session_id_from_logind(pr->rec.key, &id) < 0) {
            session_record_done(&pr->rec); /* ended while we were reading, or not addressable */
            continue;
        }
        if (pr->result < 0) {
            r = logind_bus_connection_lost(pr->result) ? connection_failed(rp, pr->result) : pr->result;
            goto out;
        }
        pr->rec.id = id;
        list.items[list.count++] = pr->rec;
        memset(&pr->rec, 0, sizeof(pr->rec));
    }
    *ret = list;
    list = (struct session_list){0};
    r = 0;
out:
    if (reads) {
        for (size_t i = 0; i < n; i++) {
            sd_bus_slot_unref(reads[i].slot);
            session_record_done(&reads[i].rec);
        }
        free(reads);
    }
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    session_list_free(&list);
    pthread_mutex_unlock(&rp->lock);
    return r;
}

static int remote_get(struct session_provider *p, uint32_t id, bool with_times, struct session_record *ret) {
    struct remote_provider *rp = to_remote(p);
    struct session_record rec = {.id = id, .lock = SESSION_LOCK_UNKNOWN};
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    char key[32], *path = NULL;
    int r;

    (void) with_times; /* one GetAll brings everything */
    if (id == SESSION_ID_SERVICES)
        return session_record_services(ret);
    if (session_id_to_logind(id, key, sizeof(key)) < 0)
        return -E_NO_SESSION;
    r = sd_bus_path_encode(LOGIND_SESSION_PATH_PREFIX, key, &path);
    if (r < 0)
        return r;

    pthread_mutex_lock(&rp->lock);
    r = remote_connect(rp);
    if (r < 0)
        goto out;
    r = logind_bus_call_method(rp->bus, LOGIND_SERVICE, path, "org.freedesktop.DBus.Properties", "GetAll", &error, &reply,
                           "s", LOGIND_SESSION);
    if (r < 0) {
        r = call_failed(rp, &error, r);
        goto out;
    }
    r = logind_parse_session_properties(reply, LOGIND_PROPS_ALL, &rec);
    if (r < 0)
        goto out;
    rec.id = id;
    *ret = rec;
    rec = (struct session_record){0};
out:
    /* Under the lock: a message holds a reference on the bus, and sd-bus
     * counts references without atomics. */
    sd_bus_message_unref(reply);
    pthread_mutex_unlock(&rp->lock);
    session_record_done(&rec);
    sd_bus_error_free(&error);
    free(path);
    return r;
}

/* The caller's session on that host is the one ssh opened for the bridge:
 * logind resolves pid 0 to the sender of the call, which is the bridge. */
static int remote_current(struct session_provider *p, uint32_t *ret) {
    struct remote_provider *rp = to_remote(p);
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    const char *path;
    char *key = NULL;
    int r;

    pthread_mutex_lock(&rp->lock);
    r = remote_connect(rp);
    if (r < 0)
        goto out;
    r = logind_bus_call_method(rp->bus, LOGIND_SERVICE, LOGIND_PATH, LOGIND_MANAGER, "GetSessionByPID", &error, &reply,
                           "u", (uint32_t) 0);
    if (r < 0) {
        if (sd_bus_error_has_name(&error, "org.freedesktop.login1.NoSessionForPID")) {
            *ret = SESSION_ID_SERVICES; /* ssh without pam_systemd: like a service */
            r = 0;
        } else
            r = call_failed(rp, &error, r);
        goto out;
    }
    r = sd_bus_message_read(reply, "o", &path);
    if (r >= 0)
        r = sd_bus_path_decode(path, LOGIND_SESSION_PATH_PREFIX, &key);
    if (r <= 0) {
        r = r < 0 ? r : -EIO;
        goto out;
    }
    r = session_id_from_logind(key, ret) < 0 ? -E_NO_SESSION : 0;
out:
    sd_bus_message_unref(reply); /* under the lock: it holds a reference on the bus */
    pthread_mutex_unlock(&rp->lock);
    free(key);
    sd_bus_error_free(&error);
    return r;
}

/* TerminateSession and the wait for SessionRemoved, over the same
 * connection: the signal comes from the remote logind (logind_bus.c). */
static int remote_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    struct remote_provider *rp = to_remote(p);
    char key[32];
    int r;

    if (id == SESSION_ID_SERVICES)
        return -EACCES; /* session 0 holds the system's services: never ended */
    if (session_id_to_logind(id, key, sizeof(key)) < 0)
        return -E_NO_SESSION;
    pthread_mutex_lock(&rp->lock);
    r = remote_connect(rp);
    if (r >= 0) {
        r = logind_bus_logoff(rp->bus, key, wait, policy);
        if (logind_bus_connection_lost(r) && r != -ETIMEDOUT)
            r = connection_failed(rp, r);
    }
    pthread_mutex_unlock(&rp->lock);
    return r;
}

const struct session_provider_ops remote_provider_ops = {
    .name = "remote",
    .open = remote_open,
    .close = remote_close,
    .list = remote_list,
    .get = remote_get,
    .current = remote_current,
    .logoff = remote_logoff,
};
