/*
 * The processes of a remote host: systemd's GetUnitProcesses on the root
 * slice "-.slice", over the same bus bridge as everything else remote (no
 * other program runs there, and no shell). Each entry is (cgroup path, pid,
 * command line); the session is the logind session whose scope the cgroup
 * is under (what sd_pid_get_session reads on that host). Real remotely:
 * session, pid, name (argv[0]'s last component, not the kernel's comm).
 * Not known: the owner (NULL SID) and the counters (0): systemd does not
 * say them (docs/api.md, "Processes").
 */
#include "session/remote_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include "common/cursor.h"
#include "common/errors.h"
#include "session/logind_bus.h"

#define SYSTEMD_SERVICE "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"

int remote_cgroup_session_key(const char *path, char *buf, size_t size) {
    struct cursor c;
    const char *part;
    size_t len;

    cur_init(&c, path, strlen(path));
    while (cur_left(&c) > 0 && cur_get_until(&c, '/', &part, &len) >= 0) {
        static const char prefix[] = "session-", suffix[] = ".scope";
        const size_t pl = sizeof(prefix) - 1, sl = sizeof(suffix) - 1;
        size_t key_len;

        if (len <= pl + sl || memcmp(part, prefix, pl) != 0 || memcmp(part + len - sl, suffix, sl) != 0)
            continue;
        key_len = len - pl - sl;
        if (key_len >= size)
            return -EINVAL;
        for (size_t i = 0; i < key_len; i++)
            if (!((part[pl + i] >= '0' && part[pl + i] <= '9') || (part[pl + i] >= 'a' && part[pl + i] <= 'z')))
                return -EINVAL;
        memcpy(buf, part + pl, key_len);
        buf[key_len] = '\0';
        return 0;
    }
    return -ENOENT;
}

void remote_cmdline_name(const char *cmdline, char *buf, size_t size) {
    struct cursor c;
    const char *tok = NULL, *base;
    size_t len = 0;

    buf[0] = '\0';
    if (size == 0)
        return;
    cur_init(&c, cmdline, strlen(cmdline));
    if (cur_get_token(&c, &tok, &len) < 0)
        return;
    if (len >= 2 && tok[0] == '[' && tok[len - 1] == ']') { /* a kernel thread: "[comm]", comm whole */
        tok++, len -= 2;
        base = tok;
    } else
        for (base = tok + len; base > tok && base[-1] != '/'; base--)
            ;
    len -= (size_t) (base - tok);
    if (len >= size)
        len = size - 1;
    memcpy(buf, base, len);
    buf[len] = '\0';
}

static int read_processes(sd_bus_message *m, uint32_t session, struct session_process_list *ret) {
    struct session_process_list l = {0};
    int r;

    r = sd_bus_message_enter_container(m, 'a', "(sus)");
    while (r >= 0) {
        struct session_process pr = {0};
        const char *cgroup, *cmdline;
        uint32_t pid;
        char key[32];

        r = sd_bus_message_read(m, "(sus)", &cgroup, &pid, &cmdline);
        if (r <= 0)
            break;
        if (pid == 0 || pid > INT32_MAX)
            continue;
        pr.pid = (pid_t) pid;
        pr.session = SESSION_ID_SERVICES;
        if (remote_cgroup_session_key(cgroup, key, sizeof(key)) == 0 && session_id_from_logind(key, &pr.session) < 0)
            pr.session = SESSION_ID_SERVICES;
        if (session != SESSION_ID_ANY && pr.session != session)
            continue;
        remote_cmdline_name(cmdline, pr.name, sizeof(pr.name));
        r = session_process_list_add(&l, &pr);
    }
    if (r >= 0)
        r = sd_bus_message_exit_container(m);
    if (r < 0) {
        session_process_list_free(&l);
        return r == -ENOMEM ? r : -EIO;
    }
    *ret = l;
    return 0;
}

int remote_processes(struct session_provider *p, uint32_t session, struct session_process_list *ret) {
    struct remote_provider *rp = (struct remote_provider *) p;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    int r;

    pthread_mutex_lock(&rp->lock);
    r = remote_connect(rp);
    if (r < 0)
        goto out;
    r = logind_bus_call_method(rp->bus, SYSTEMD_SERVICE, SYSTEMD_PATH, SYSTEMD_MANAGER, "GetUnitProcesses", &error,
                               &reply, "s", "-.slice");
    if (r < 0) {
        r = remote_call_failed(rp, &error, r);
        goto out;
    }
    r = read_processes(reply, session, ret);
out:
    sd_bus_message_unref(reply); /* under the lock: it holds a reference on the bus */
    pthread_mutex_unlock(&rp->lock);
    sd_bus_error_free(&error);
    return r;
}
