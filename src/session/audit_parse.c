/*
 * Parsers for what the audit provider reads from /proc and utmp. Every
 * input is treated as hostile (a process chooses its own comm, and utmp is
 * only as good as whoever wrote it): lengths come from the caller, nothing
 * is assumed NUL-terminated, and nothing here allocates or locks:
 * audit_parse_u32 also runs in the forked reaper of an asynchronous logoff
 * (audit_kill.c). /proc/PID/stat is proc_parse_stat's (proc.c). Fuzzed by
 * fuzz/fuzz-audit-parse.c.
 */
#include "session/audit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <utmp.h>

#include "common/cursor.h"
#include "common/parse_int.h"

bool audit_id_is_addressable(uint32_t sid) {
    return sid != 0 && sid < SESSION_ID_CLASS_C;
}

int audit_parse_u32(const char *buf, size_t len, uint32_t *ret) {
    uint64_t v;
    int r = parse_uint_n(buf, len, 10, UINT32_MAX, PARSE_INT_LEADING_ZEROS | PARSE_INT_TRAILING_NEWLINE, &v);

    if (r >= 0)
        *ret = (uint32_t) v;
    return r;
}

/* Documented device numbers (Documentation/admin-guide/devices.txt):
 * major 4 minors 0–63 are the virtual consoles tty0–tty63, 64–255 the serial
 * ports ttyS0–ttyS191; majors 136–143 are the Unix98 pty slaves pts/0 on. */
int audit_tty_name(uint32_t tty_nr, char *buf, size_t size) {
    unsigned major = (tty_nr >> 8) & 0xfffu;
    unsigned minor = (tty_nr & 0xffu) | ((tty_nr >> 12) & 0xfff00u);
    int n;

    if (tty_nr == 0)
        return -ENOENT;
    if (major >= 136 && major <= 143)
        n = snprintf(buf, size, "pts/%u", (major - 136) * 256 + minor);
    else if (major == 4 && minor < 64)
        n = snprintf(buf, size, "tty%u", minor);
    else if (major == 4)
        n = snprintf(buf, size, "ttyS%u", minor - 64);
    else
        return -ENOENT;
    return n < 0 || (size_t) n >= size ? -ENOBUFS : 0;
}

static void copy_field(char *dst, size_t dst_size, const char *src, size_t src_size) {
    size_t n = strnlen(src, src_size);

    if (n >= dst_size)
        n = dst_size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int audit_parse_utmp(const void *rec, size_t len, struct audit_utmp_entry *ret) {
    struct utmp u;
    struct audit_utmp_entry e = {0};

    if (len < sizeof(u))
        return -EINVAL;
    memcpy(&u, rec, sizeof(u));
    if (u.ut_type != USER_PROCESS || u.ut_pid <= 0)
        return 0;
    e.pid = u.ut_pid;
    copy_field(e.line, sizeof(e.line), u.ut_line, sizeof(u.ut_line));
    copy_field(e.user, sizeof(e.user), u.ut_user, sizeof(u.ut_user));
    copy_field(e.host, sizeof(e.host), u.ut_host, sizeof(u.ut_host));
    /* No host name but an address: write the address (utmp(5): ut_addr_v6
     * holds an IPv4 address in its first word alone). */
    if (!e.host[0] && (u.ut_addr_v6[0] || u.ut_addr_v6[1] || u.ut_addr_v6[2] || u.ut_addr_v6[3])) {
        bool v4 = !u.ut_addr_v6[1] && !u.ut_addr_v6[2] && !u.ut_addr_v6[3];

        if (!inet_ntop(v4 ? AF_INET : AF_INET6, u.ut_addr_v6, e.host, sizeof(e.host)))
            e.host[0] = '\0';
    }
    if (u.ut_tv.tv_sec > 0 && u.ut_tv.tv_usec >= 0 && u.ut_tv.tv_usec < 1000000)
        e.usec = (uint64_t) u.ut_tv.tv_sec * 1000000 + (uint64_t) u.ut_tv.tv_usec;
    *ret = e;
    return 1;
}

/* At most 8 hex digits, as /proc/net/tcp prints a word. */
static int hex_u32(const char *s, size_t len, uint32_t *ret) {
    uint64_t v;

    if (len > 8 || parse_uint_n(s, len, 16, UINT32_MAX, PARSE_INT_LEADING_ZEROS, &v) < 0)
        return -EINVAL;
    *ret = (uint32_t) v;
    return 0;
}

/* "HHHHHHHH:PPPP" (tcp) or 32 hex digits ":PPPP" (tcp6). The kernel prints
 * each 32-bit word of the address as the number it is in memory, so reading
 * the words back as numbers and storing them restores the bytes on the
 * same host. */
static int parse_endpoint(const char *s, size_t len, unsigned char addr[16], bool *ret_v6) {
    const char *colon = memchr(s, ':', len);
    size_t hex_len = colon ? (size_t) (colon - s) : 0;

    if (!colon || (hex_len != 8 && hex_len != 32))
        return -EINVAL;
    for (size_t w = 0; w < hex_len / 8; w++) {
        uint32_t v;

        if (hex_u32(s + w * 8, 8, &v) < 0)
            return -EINVAL;
        memcpy(addr + w * 4, &v, 4);
    }
    *ret_v6 = hex_len == 32;
    return 0;
}

#define TCP_ESTABLISHED_STATE 0x01

int audit_parse_tcp_line(const char *line, size_t len, uint64_t inode, char *host, size_t size) {
    static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    struct cursor c;
    const char *tok[10];
    size_t tok_len[10];
    unsigned char addr[16];
    uint32_t state;
    uint64_t ino;
    bool v6;

    cur_init(&c, line, len);
    for (int i = 0; i < 10; i++)
        if (cur_get_token(&c, &tok[i], &tok_len[i]) < 0)
            return -EINVAL;
    /* The header line: "sl local_address rem_address st …". */
    if (tok_len[0] == 0 || tok[0][tok_len[0] - 1] != ':')
        return 0;
    if (parse_uint_n(tok[9], tok_len[9], 10, UINT64_MAX, PARSE_INT_LEADING_ZEROS, &ino) < 0 || hex_u32(tok[3], tok_len[3], &state) < 0)
        return -EINVAL;
    if (parse_endpoint(tok[2], tok_len[2], addr, &v6) < 0)
        return -EINVAL;
    if (ino != inode || state != TCP_ESTABLISHED_STATE)
        return 0;
    if (v6 && memcmp(addr, v4_mapped, sizeof(v4_mapped)) == 0) {
        memmove(addr, addr + 12, 4);
        v6 = false;
    }
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, addr, host, (socklen_t) size))
        return -ENOBUFS;
    return 1;
}

/*
 * One proc connector datagram (linux/connector.h, linux/cn_proc.h), host
 * byte order: nlmsghdr (16 bytes) · cn_msg {idx, val, seq, ack: u32; len,
 * flags: u16} · proc_event {what, cpu: u32; timestamp_ns: u64; then per
 * kind: fork {parent_pid, parent_tgid, child_pid, child_tgid}, exec
 * {process_pid, process_tgid}, exit {process_pid, process_tgid, …}}.
 * Only whole processes count: a thread's fork or exit is reported as
 * AUDIT_PROC_OTHER.
 */
int audit_parse_proc_event(const void *buf, size_t len, struct audit_proc_event *ret) {
    struct cursor c;
    uint32_t nl_len, idx, val, what, a, b, pid, tgid;
    uint16_t cn_len;
    struct audit_proc_event ev = {.kind = AUDIT_PROC_OTHER};

    cur_init(&c, buf, len);
    if (cur_get_u32(&c, &nl_len) < 0 || nl_len > len || nl_len < 16 || cur_skip(&c, 12) < 0 ||
        cur_get_u32(&c, &idx) < 0 || cur_get_u32(&c, &val) < 0 || cur_skip(&c, 8) < 0 ||
        cur_get_u16(&c, &cn_len) < 0 || cur_skip(&c, 2) < 0 || cur_left(&c) < cn_len)
        return -EBADMSG;
    if (idx != 1 || val != 1) /* CN_IDX_PROC, CN_VAL_PROC */
        return -EBADMSG;
    if (cur_get_u32(&c, &what) < 0 || cur_skip(&c, 12) < 0)
        return -EBADMSG;
    switch (what) {
    case 0x00000001: /* PROC_EVENT_FORK */
        if (cur_get_u32(&c, &a) < 0 || cur_get_u32(&c, &b) < 0 || cur_get_u32(&c, &pid) < 0 ||
            cur_get_u32(&c, &tgid) < 0)
            return -EBADMSG;
        if (pid == tgid)
            ev.kind = AUDIT_PROC_NEW;
        if (b <= INT32_MAX)
            ev.ppid = (pid_t) b;
        break;
    case 0x00000002: /* PROC_EVENT_EXEC */
    case 0x80000000: /* PROC_EVENT_EXIT */
        if (cur_get_u32(&c, &pid) < 0 || cur_get_u32(&c, &tgid) < 0)
            return -EBADMSG;
        if (pid == tgid)
            ev.kind = what == 2 ? AUDIT_PROC_NEW : AUDIT_PROC_EXIT;
        break;
    default:
        pid = 0;
        break;
    }
    if (pid > INT32_MAX)
        return -EBADMSG;
    ev.pid = (pid_t) pid;
    *ret = ev;
    return 0;
}
