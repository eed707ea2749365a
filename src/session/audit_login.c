/*
 * What a login left behind that /proc alone does not say: utmp's line,
 * host and time; the client of an sshd session (its TCP connection); and,
 * for a login on a virtual console, its seat and whether it is in the
 * foreground (audit.c says which wins).
 */
#include "session/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <paths.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utmp.h>

#include "common/cursor.h"
#include "common/fileio.h"
#include "common/parse_int.h"
#include "common/settings.h"

#define UTMP_MAX_BYTES (16u << 20)
#define NET_TCP_MAX_BYTES (8u << 20)
/* How utmp and /proc/PID/net/tcp{,6} are opened (read_full_file_at checks
 * that what opened is a regular file). */
#define LOGIN_FILE_OPEN (O_NOFOLLOW | O_NONBLOCK)

int audit_set_str(char **field, const char *s) {
    char *copy = strdup(s ? s : "");

    if (!copy)
        return -ENOMEM;
    free(*field);
    *field = copy;
    return 0;
}

/* utmp(5): the login's line, host and time, matched to a session through
 * the logged-in process's audit id. Stale records (their process gone) and
 * records of other sessions match nothing. Where a session has several
 * (terminal multiplexers add their own), the earliest is the login. */
void audit_overlay_utmp(int proc_fd, struct session_list *l) {
    const char *path = setting_text(SETTING_AUDIT_UTMP);
    uint64_t *best = NULL;
    char *buf = NULL;
    size_t len = 0;

    if (!path)
        path = _PATH_UTMP;
    /* The utmp path is a setting (WTSNET_AUDIT_UTMP): a symlink there is not
     * followed, and a FIFO or device neither blocks the open nor is read. */
    if (!path[0] || read_full_file_at(AT_FDCWD, path, LOGIN_FILE_OPEN, UTMP_MAX_BYTES, &buf, &len) < 0)
        return;
    best = calloc(l->count ? l->count : 1, sizeof(*best));
    if (!best)
        goto out;
    for (size_t at = 0; len - at >= sizeof(struct utmp); at += sizeof(struct utmp)) {
        struct audit_utmp_entry e;
        struct session_record *r;
        uint32_t sid;

        if (audit_parse_utmp(buf + at, len - at, &e) <= 0)
            continue;
        if (proc_read_u32(proc_fd, e.pid, "sessionid", &sid) < 0 || !(r = audit_find_record(l, sid)) ||
            r->id == SESSION_ID_SERVICES)
            continue;
        if (best[r - l->items] && e.usec >= best[r - l->items])
            continue;
        best[r - l->items] = e.usec ? e.usec : 1;
        if (e.line[0])
            (void) audit_set_str(&r->tty, e.line);
        if (e.host[0])
            (void) audit_set_str(&r->remote_host, e.host);
        if (e.usec)
            r->logon_usec = e.usec;
        (void) audit_set_str(&r->type, r->tty[0] ? "tty" : r->type);
    }
out:
    free(best);
    free(buf);
}

/* The client of an sshd session: the peer of the ESTABLISHED TCP socket
 * that an sshd member holds, looked up in that process's network
 * namespace (/proc/PID/net/tcp{,6}). Reading sshd's descriptors takes root
 * (it makes itself non-dumpable); otherwise nothing is found. */
void audit_remote_from_socket(int proc_fd, const pid_t *sshd, unsigned n_sshd, struct session_record *r) {
    for (unsigned i = 0; i < n_sshd; i++) {
        static const char *const tables[] = {"net/tcp", "net/tcp6"};
        struct proc_inodes inodes = {0};

        if (proc_socket_inodes(proc_fd, sshd[i], &inodes) < 0)
            continue;
        if (inodes.count > 16)
            inodes.count = 16; /* sshd holds a few; the first are its connection's */
        for (size_t t = 0; t < 2 && inodes.count > 0; t++) {
            char path[32], host[64], *buf = NULL;
            const char *line;
            size_t len = 0, line_len;
            struct cursor c;

            snprintf(path, sizeof(path), "%d/%s", (int) sshd[i], tables[t]);
            if (read_full_file_at(proc_fd, path, LOGIN_FILE_OPEN, NET_TCP_MAX_BYTES, &buf, &len) < 0)
                continue;
            cur_init(&c, buf, len);
            while (cur_get_line(&c, &line, &line_len) >= 0)
                for (size_t k = 0; k < inodes.count; k++)
                    if (audit_parse_tcp_line(line, line_len, inodes.items[k], host, sizeof(host)) == 1) {
                        free(buf);
                        proc_inodes_free(&inodes);
                        (void) audit_set_str(&r->remote_host, host);
                        return;
                    }
            free(buf);
        }
        proc_inodes_free(&inodes);
    }
}

/* The virtual console in the foreground, as "ttyN" (sysfs, world-readable). */
void audit_foreground_vt(char *buf, size_t size) {
    if (read_small_file_at(AT_FDCWD, "/sys/class/tty/tty0/active", 0, buf, size) < 0)
        buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
}

/* A login on a virtual console belongs to seat0, as logind has it;
 * logind calls such a session active when its VT is in the foreground. */
void audit_apply_vt(struct session_record *r, const char *fg_vt) {
    uint64_t vt;

    /* "tty1" … "tty63"; the number as sscanf's %u took it */
    if (strncmp(r->tty, "tty", 3) == 0 &&
        parse_uint(r->tty + 3, 10, 63, PARSE_INT_LEADING_SPACE | PARSE_INT_PLUS | PARSE_INT_LEADING_ZEROS, &vt) >= 0 &&
        vt >= 1) {
        if (audit_set_str(&r->seat, "seat0") == 0)
            r->vt = (uint32_t) vt;
        r->state = strcmp(r->tty, fg_vt) == 0 ? SESSION_STATE_ACTIVE : SESSION_STATE_ONLINE;
    }
}

