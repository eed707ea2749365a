/*
 * Remote Linux hosts: their logind over D-Bus, reached the way
 * sd_bus_open_system_remote() and `loginctl -H` reach it — ssh running
 * systemd-stdio-bridge on the other side — but with an ssh that can
 * neither prompt nor hang (BatchMode, ConnectTimeout) and whose stderr
 * the library reads instead of printing (docs/api.md, "Remote hosts").
 */
#ifndef WTSNET_SESSION_REMOTE_H
#define WTSNET_SESSION_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-bus.h>

#include "session/provider.h"

#define REMOTE_SCHEME "ssh://"

/* A validated destination: nothing in it can be read by ssh as an option. */
struct remote_target {
    char user[33]; /* "" = ssh's choice (User in ssh_config, else the caller's name) */
    char host[254]; /* a DNS name or an address literal (IPv6 without brackets) */
    uint16_t port;  /* 0 = ssh's choice */
};

/*
 * "ssh://[user@]host[:port]" (host may be "[IPv6]"). Refused with -EINVAL:
 * anything starting with '-', whitespace, control characters, '%', shell
 * metacharacters, a path, an empty part, a port outside 1..65535.
 */
int remote_target_parse(const char *spec, struct remote_target *ret);

/* A plain server name (no scheme, no user, no port) as a target. */
int remote_target_from_host(const char *host, struct remote_target *ret);

/* "ssh://[user@]host[:port]", IPv6 in brackets. */
int remote_target_format(const struct remote_target *t, char *buf, size_t size);

/* The ssh command line, argv only (no shell ever sees it). */
struct remote_argv {
    char *argv[32];
    char connect_timeout[48], alive_interval[48], port[8], config[4096];
};

/* timeout_sec: ConnectTimeout and the keepalive interval. config: an
 * ssh_config file to use instead of ~/.ssh/config, or NULL. */
int remote_build_argv(const struct remote_target *t, unsigned timeout_sec, const char *config,
                      struct remote_argv *ret);

/* ssh's diagnostics as an errno: an authentication refusal is -EACCES,
 * anything else (no route, refused, timed out, unknown host key, no
 * systemd-stdio-bridge) -EHOSTDOWN. */
int remote_classify_ssh_error(const char *ssh_stderr);

/* The session ids of a ListSessionsEx (ex: a(sussussbto)) or ListSessions
 * (a(susso)) reply, NULL-terminated. */
int remote_read_session_keys(sd_bus_message *m, bool ex, char ***ret, size_t *ret_count);

/* What systemd's GetUnitProcesses says of a process (remote_process.c),
 * hostile input from the remote host. The logind session key of a cgroup
 * path ("/user.slice/user-1000.slice/session-3.scope/…" → "3"): -ENOENT
 * when it is in no session scope, -EINVAL when malformed. */
int remote_cgroup_session_key(const char *path, char *buf, size_t size);
/* The process name of a command line as systemd gives it ("/usr/sbin/sshd
 * -D" → "sshd", a kernel thread's "[kworker/0:1]" → "kworker/0:1", as its comm); "" if none. */
void remote_cmdline_name(const char *cmdline, char *buf, size_t size);

extern const struct session_provider_ops remote_provider_ops;

#endif
