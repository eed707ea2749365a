/*
 * NetFileEnum / GetInfo / Close, NetConnectionEnum, NetShareEnum and
 * NetWkstaUserEnum against a real smbd (tests/suites/46-netfile.sh), with
 * files held open by real smbclient processes driven through a pipe:
 *   C1 = user1: f1.txt read/write, ro.txt read-only;  C2 = user2: f2.txt.
 * The judges are the server's own tools (smbstatus, smbclient -L) and what
 * each smbclient sees of its handles.
 */
#include <lm.h>
#include <winnetwk.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>

#include "samba-util.h"
#include "tap.h"

static const char *U1, *U1PW, *U2, *U2PW, *ADMIN, *ADMINPW, *PORT, *DIR_;
static wchar_t server[64];
static char share_path[512]; /* as the server writes it: C:\tmp\…\share */

/* ---- an smbclient that keeps its handles, driven through its stdin ---- */
struct client {
    pid_t pid;
    int in;
    char log[512];
};
static struct client c1, c2, c3;

static bool client_start(struct client *c, const char *user, const char *pw, const char *share, const char *name) {
    int p[2];

    snprintf(c->log, sizeof(c->log), "%s/%s.log", DIR_, name);
    if (pipe(p) < 0)
        return false;
    c->pid = fork();
    if (c->pid == 0) {
        char cred[256], unc[64];
        int fd = open(c->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        snprintf(cred, sizeof(cred), "%s%%%s", user, pw);
        snprintf(unc, sizeof(unc), "//127.0.0.1/%s", share);
        setpgid(0, 0);
        dup2(p[0], 0), dup2(fd, 1), dup2(fd, 2);
        close(p[1]);
        /* stdbuf: smbclient's answers reach the log line by line, while it runs */
        execlp("stdbuf", "stdbuf", "-oL", "-eL", "smbclient", unc, "-p", PORT, "-U", cred, "-s",
               env_or("WTSNET_TEST_CLIENTCONF", ""), (char *) NULL);
        _exit(127);
    }
    close(p[0]);
    c->in = p[1];
    return c->pid > 0;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    char *s = calloc(1, 65536);

    if (f && s)
        s[fread(s, 1, 65535, f)] = '\0';
    if (f)
        fclose(f);
    return s;
}

/* Sends a command, then waits (≤ 10 s) until the log holds want. */
static bool client_do(struct client *c, const char *cmd, const char *want) {
    if (write(c->in, cmd, strlen(cmd)) != (ssize_t) strlen(cmd) || write(c->in, "\n", 1) != 1)
        return false;
    for (int i = 0; i < 100; i++) {
        char *s = slurp(c->log);
        bool found = s && strstr(s, want);

        free(s);
        if (found)
            return true;
        usleep(100 * 1000);
    }
    return false;
}

static void client_stop(struct client *c) {
    if (c->pid > 0) {
        close(c->in);
        kill(-c->pid, SIGTERM);
        waitpid(c->pid, NULL, 0);
        c->pid = 0;
    }
}

static void as(const char *user, const char *pw) {
    wchar_t remote[100];
    NETRESOURCEW nr = {.dwType = RESOURCETYPE_ANY, .lpRemoteName = remote};

    swprintf(remote, 100, L"\\\\%ls\\IPC$", server);
    WNetCancelConnection2W(remote, 0, TRUE);
    REQUIRE(WNetAddConnection2W(&nr, wide(pw), wide(user), 0) == NO_ERROR);
}

/* The R/W column of `smbstatus -L` for name as fi3_permissions bits, or -1. */
static int smbstatus_rw(const char *name) {
    char *argv[] = {"smbstatus", "-s", (char *) env_or("WTSNET_TEST_SMBCONF", ""), "-L", NULL};
    char *out = run_capture(argv), needle[128];
    int r = -1;

    snprintf(needle, sizeof(needle), "   %s   ", name);
    for (char *line = out; line && *line;) {
        char *end = strchr(line, '\n');

        if (end)
            *end = '\0';
        if (strstr(line, needle))
            r = strstr(line, " RDWR ") ? 3 : strstr(line, " RDONLY ") ? 1 : strstr(line, " WRONLY ") ? 2 : 0;
        line = end ? end + 1 : NULL;
    }
    free(out);
    return r;
}

/* Lines of `smbstatus -L` (locked = open files) naming a file of our share. */
static int smbstatus_open_files(void) {
    char *argv[] = {"smbstatus", "-s", (char *) env_or("WTSNET_TEST_SMBCONF", ""), "-L", NULL};
    char *out = run_capture(argv), *p, share_unix[512];
    int n = 0;

    snprintf(share_unix, sizeof(share_unix), "%s/share ", DIR_);
    for (p = out; p && (p = strstr(p, share_unix)); p++)
        n++;
    free(out);
    return n;
}

static void setup(void) {
    U1 = env_or("WTSNET_TEST_USER", ""), U1PW = env_or("WTSNET_TEST_USER_PW", "");
    U2 = env_or("WTSNET_TEST_USER2", ""), U2PW = env_or("WTSNET_TEST_USER2_PW", "");
    ADMIN = env_or("WTSNET_TEST_ADMIN", ""), ADMINPW = env_or("WTSNET_TEST_ADMIN_PW", "");
    PORT = env_or("WTSNET_TEST_PORT", "14600"), DIR_ = env_or("WTSNET_TEST_TMP", "/tmp");
    swprintf(server, 64, L"127.0.0.1:%s", PORT);
    snprintf(share_path, sizeof(share_path), "C:%s/share", DIR_);
    for (char *p = share_path; *p; p++)
        if (*p == '/')
            *p = '\\';
    as(ADMIN, ADMINPW);
    REQUIRE(client_start(&c1, U1, U1PW, "share", "c1") && client_start(&c2, U2, U2PW, "share", "c2") &&
            client_start(&c3, U1, U1PW, "ro", "c3"));
    REQUIRE(client_do(&c1, "open f1.txt", "f1.txt: for read/write fnum"));
    REQUIRE(client_do(&c3, "open ro.txt", "ro.txt: for ")); /* through [ro], a read-only share */
    REQUIRE(client_do(&c2, "open f2.txt", "f2.txt: for read/write fnum"));
}

static char *utf8(const wchar_t *w) {
    static char buf[8][1024];
    static int i;
    char *s = buf[i++ % 8];

    snprintf(s, 1024, "%ls", w ? w : L"(null)");
    return s;
}

/* The level-3 entry whose path ends in name, or NULL. */
static const FILE_INFO_3 *find_path(const FILE_INFO_3 *v, DWORD n, const char *name) {
    for (DWORD i = 0; i < n; i++) {
        const char *p = utf8(v[i].fi3_pathname);
        size_t lp = strlen(p), ln = strlen(name);

        if (lp > ln && p[lp - ln - 1] == '\\' && strcmp(p + lp - ln, name) == 0)
            return &v[i];
    }
    return NULL;
}

static DWORD id_of(const char *name) {
    LPBYTE b = NULL;
    DWORD read = 0, total = 0, id = 0;
    const FILE_INFO_3 *f;

    if (NetFileEnum(server, NULL, NULL, 3, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL) != NERR_Success)
        return 0;
    if ((f = find_path((FILE_INFO_3 *) b, read, name)))
        id = f->fi3_id;
    NetApiBufferFree(b);
    return id;
}

static void open_files_are_listed_with_path_user_and_permissions(void) {
    LPBYTE b = (LPBYTE) 1;
    DWORD read = 99, total = 99;
    DWORD_PTR resume = 0;
    const FILE_INFO_3 *f1, *ro, *f2;
    char want[600];

    setup();
    SetLastError(0xdeadbeef);
    REQUIRE(NetFileEnum(server, NULL, NULL, 3, &b, MAX_PREFERRED_LENGTH, &read, &total, &resume) == NERR_Success);
    CHECK_EQ_U(GetLastError(), 0xdeadbeef); /* Net calls leave last-error alone */
    CHECK_EQ_U(read, (DWORD) smbstatus_open_files());
    CHECK_EQ_U(total, read);
    CHECK_EQ_U(resume, 0);
    f1 = find_path((FILE_INFO_3 *) b, read, "f1.txt");
    ro = find_path((FILE_INFO_3 *) b, read, "ro.txt");
    f2 = find_path((FILE_INFO_3 *) b, read, "f2.txt");
    REQUIRE(f1 && ro && f2);
    snprintf(want, sizeof(want), "%s\\f1.txt", share_path);
    CHECK_STREQ(utf8(f1->fi3_pathname), want);
    CHECK_STREQ(utf8(f1->fi3_username), U1);
    CHECK_STREQ(utf8(ro->fi3_username), U1);
    CHECK_STREQ(utf8(f2->fi3_username), U2);
    /* smbclient's open asks read/write: what the server granted, as smbstatus shows it */
    CHECK_EQ_U(f1->fi3_permissions, PERM_FILE_READ | PERM_FILE_WRITE);
    CHECK_EQ_I(f1->fi3_permissions, smbstatus_rw("f1.txt"));
    CHECK_EQ_I(ro->fi3_permissions, smbstatus_rw("ro.txt"));
    CHECK_EQ_I(f2->fi3_permissions, smbstatus_rw("f2.txt"));
    CHECK_EQ_U(f1->fi3_num_locks, 0); /* smbclient over SMB2 takes no byte-range locks */
    CHECK(f1->fi3_id != f2->fi3_id && f1->fi3_id != ro->fi3_id);
    /* one block: the strings live inside it */
    CHECK((LPBYTE) f1->fi3_pathname > b && (LPBYTE) f1->fi3_pathname < b + 4096);
    NetApiBufferFree(b);
}

static void level_2_has_the_same_ids_in_the_same_order(void) {
    LPBYTE b3 = NULL, b2 = NULL;
    DWORD r3 = 0, r2 = 0, t;

    REQUIRE(NetFileEnum(server, NULL, NULL, 3, &b3, MAX_PREFERRED_LENGTH, &r3, &t, NULL) == NERR_Success);
    REQUIRE(NetFileEnum(server, NULL, NULL, 2, &b2, MAX_PREFERRED_LENGTH, &r2, &t, NULL) == NERR_Success);
    CHECK_EQ_U(r2, r3);
    for (DWORD i = 0; i < r2 && i < r3; i++)
        CHECK_EQ_U(((FILE_INFO_2 *) b2)[i].fi2_id, ((FILE_INFO_3 *) b3)[i].fi3_id);
    NetApiBufferFree(b3);
    NetApiBufferFree(b2);
}

static void user_and_base_path_filters_apply(void) {
    LPBYTE b = NULL;
    DWORD read = 0, total = 0;
    char base[600];

    REQUIRE(NetFileEnum(server, NULL, wide(U2), 3, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL) == NERR_Success);
    CHECK_EQ_U(read, 1);
    CHECK(read == 1 && find_path((FILE_INFO_3 *) b, read, "f2.txt"));
    NetApiBufferFree(b);
    /* Samba ignores BasePath; the answer is still Windows': a prefix of the path, any case */
    snprintf(base, sizeof(base), "%s\\F1", share_path);
    REQUIRE(NetFileEnum(server, wide(base), NULL, 3, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL) ==
            NERR_Success);
    CHECK_EQ_U(read, 1);
    CHECK(read == 1 && find_path((FILE_INFO_3 *) b, read, "f1.txt"));
    NetApiBufferFree(b);
    REQUIRE(NetFileEnum(server, wide(share_path), wide(U1), 2, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL) ==
            NERR_Success);
    CHECK_EQ_U(read, 2); /* f1 and ro */
    NetApiBufferFree(b);
    REQUIRE(NetFileEnum(server, L"C:\\nowhere", NULL, 3, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL) ==
            NERR_Success);
    CHECK_EQ_U(read, 0);
    CHECK_EQ_U(total, 0);
    NetApiBufferFree(b);
}

static void small_prefmaxlen_pages_with_resume(void) {
    LPBYTE all = NULL;
    DWORD n = 0, total, seen = 0, rounds = 0;
    DWORD_PTR resume = 0;
    NET_API_STATUS st;

    REQUIRE(NetFileEnum(server, NULL, NULL, 3, &all, MAX_PREFERRED_LENGTH, &n, &total, NULL) == NERR_Success);
    REQUIRE(n >= 3);
    do {
        LPBYTE b = NULL;
        DWORD read = 0;

        st = NetFileEnum(server, NULL, NULL, 3, &b, 1, &read, &total, &resume);
        CHECK(st == ERROR_MORE_DATA || st == NERR_Success);
        CHECK_EQ_U(read, 1); /* at least one entry, whatever prefmaxlen says */
        CHECK_EQ_U(total, n - seen);
        if (read == 1 && seen < n)
            CHECK_EQ_U(((FILE_INFO_3 *) b)->fi3_id, ((FILE_INFO_3 *) all)[seen].fi3_id);
        seen += read;
        CHECK(st == ERROR_MORE_DATA ? resume == seen : resume == 0);
        NetApiBufferFree(b); /* the caller frees it even with ERROR_MORE_DATA */
    } while (st == ERROR_MORE_DATA && ++rounds < 20);
    CHECK_EQ_U(seen, n);
    NetApiBufferFree(all);
}

static void get_info_finds_one_and_untouched_when_not_found(void) {
    DWORD id = id_of("f2.txt");
    LPBYTE b = NULL, poison = (LPBYTE) 0xdeadbeef;

    REQUIRE(id != 0);
    REQUIRE(NetFileGetInfo(server, id, 3, &b) == NERR_Success);
    CHECK_EQ_U(((FILE_INFO_3 *) b)->fi3_id, id);
    CHECK_STREQ(utf8(((FILE_INFO_3 *) b)->fi3_username), U2);
    NetApiBufferFree(b);
    REQUIRE(NetFileGetInfo(server, id, 2, &b) == NERR_Success);
    CHECK_EQ_U(((FILE_INFO_2 *) b)->fi2_id, id);
    NetApiBufferFree(b);
    b = poison;
    CHECK_EQ_U(NetFileGetInfo(server, id ^ 0x5a5a, 3, &b), NERR_FileIdNotFound);
    CHECK(b == poison);
    CHECK_EQ_U(NetFileGetInfo(server, id, 1, &b), ERROR_INVALID_LEVEL);
    CHECK(b == poison);
}

/* The fnum smbclient printed for name ("open file \name: for … fnum N"). */
static int fnum_of(struct client *c, const char *name) {
    char *s = slurp(c->log), *at = s ? strstr(s, name) : NULL;
    int n = -1;

    if (at && (at = strstr(at, "fnum ")))
        n = atoi(at + 5);
    free(s);
    return n;
}

static void non_admin_is_denied_and_the_file_stays_open(void) {
    LPBYTE b = (LPBYTE) 0xdeadbeef;
    DWORD read = 77, total = 88, id = id_of("f1.txt");
    DWORD_PTR resume = 5;

    REQUIRE(id != 0);
    as(U1, U1PW);
    CHECK_EQ_U(NetFileEnum(server, NULL, NULL, 3, &b, MAX_PREFERRED_LENGTH, &read, &total, &resume),
               ERROR_ACCESS_DENIED);
    CHECK(b == (LPBYTE) 0xdeadbeef && read == 77 && total == 88 && resume == 5);
    CHECK_EQ_U(NetFileClose(server, id), ERROR_ACCESS_DENIED);
    CHECK_EQ_U(NetConnectionEnum(server, L"share", 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL),
               ERROR_ACCESS_DENIED);
    CHECK(b == (LPBYTE) 0xdeadbeef && read == 77 && total == 88);
    as(ADMIN, ADMINPW);
    CHECK_EQ_U(id_of("f1.txt"), id);
}

static void close_ends_the_clients_handle_and_only_that_one(void) {
    DWORD id = id_of("f1.txt");
    int f1 = fnum_of(&c1, "f1.txt"), ro = fnum_of(&c3, "ro.txt");
    char cmd[64];

    REQUIRE(id != 0 && f1 >= 0 && ro >= 0);
    SetLastError(0xdeadbeef);
    REQUIRE(NetFileClose(server, id) == NERR_Success);
    CHECK_EQ_U(GetLastError(), 0xdeadbeef);
    /* "closed" means closed: no longer listed the moment the call returns */
    CHECK_EQ_U(id_of("f1.txt"), 0);
    CHECK(id_of("ro.txt") != 0);
    /* The client's next use of that handle fails (smbclient prints the status) */
    snprintf(cmd, sizeof(cmd), "close %d", f1);
    CHECK(client_do(&c1, cmd, "NT_STATUS_"));
    {
        char *s = slurp(c1.log);

        tap_diag("smbclient after NetFileClose: %s", s && strstr(s, "close ") ? strstr(s, "close ") : "?");
        CHECK(s && (strstr(s, "NT_STATUS_FILE_CLOSED") || strstr(s, "NT_STATUS_INVALID_HANDLE")));
        free(s);
    }
    /* another handle of that user works: closing it succeeds, and only then it is gone */
    snprintf(cmd, sizeof(cmd), "close %d", ro);
    CHECK(client_do(&c3, cmd, ""));
    for (int i = 0; i < 100 && id_of("ro.txt"); i++)
        usleep(100 * 1000);
    CHECK_EQ_U(id_of("ro.txt"), 0); /* its own close worked */
    {
        char *s = slurp(c3.log);

        CHECK(s && !strstr(s, "NT_STATUS_"));
        free(s);
    }
    CHECK(id_of("f2.txt") != 0);
    CHECK_EQ_U(NetFileClose(server, id), NERR_FileIdNotFound);
}

/* ---- connections ---- */

/* Tree connections smbstatus -S lists to share. */
static int smbstatus_tcons(const char *share) {
    char *argv[] = {"smbstatus", "-s", (char *) env_or("WTSNET_TEST_SMBCONF", ""), "-S", NULL};
    char *out = run_capture(argv), needle[64];
    int n = 0;

    snprintf(needle, sizeof(needle), "\n%s ", share);
    for (char *p = out; p && (p = strstr(p, needle)); p++)
        n++;
    free(out);
    return n;
}

static void connections_to_a_share(void) {
    LPBYTE b = (LPBYTE) 0xdeadbeef;
    DWORD read = 7, total = 7, resume = 0;

    CHECK_EQ_U(NetConnectionEnum(server, NULL, 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetConnectionEnum(server, L"", 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetConnectionEnum(server, L"share", 2, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL),
               ERROR_INVALID_LEVEL);
    CHECK_EQ_U(NetConnectionEnum(server, L"nosuchshare", 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL),
               NERR_NetNameNotFound);
    /* Samba answers a client qualifier with a made-up entry: not passed on as an answer */
    CHECK_EQ_U(NetConnectionEnum(server, L"\\\\127.0.0.1", 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL),
               ERROR_NOT_SUPPORTED);
    CHECK(b == (LPBYTE) 0xdeadbeef && read == 7 && total == 7);
    REQUIRE(NetConnectionEnum(server, L"share", 1, &b, MAX_PREFERRED_LENGTH, &read, &total, &resume) ==
            NERR_Success);
    CHECK_EQ_I(read, smbstatus_tcons("share"));
    CHECK_EQ_U(total, read);
    for (DWORD i = 0; i < read; i++) {
        const CONNECTION_INFO_1 *c = &((CONNECTION_INFO_1 *) b)[i];

        tap_diag("share: id %u type %u opens %u users %u time %u user \"%s\" netname \"%s\"", c->coni1_id,
                 c->coni1_type, c->coni1_num_opens, c->coni1_num_users, c->coni1_time, utf8(c->coni1_username),
                 utf8(c->coni1_netname));
        CHECK(wcscmp(c->coni1_username, L"dummy_user") != 0); /* Samba's placeholder is not a user */
        CHECK_EQ_U(c->coni1_type, STYPE_DISKTREE);
    }
    NetApiBufferFree(b);
    REQUIRE(NetConnectionEnum(server, L"share", 0, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL) == NERR_Success);
    CHECK_EQ_I(read, smbstatus_tcons("share"));
    for (DWORD i = 0; i < read; i++)
        CHECK_EQ_U(((CONNECTION_INFO_0 *) b)[i].coni0_id, i + 1);
    NetApiBufferFree(b);
}

/* ---- shares ---- */

static void shares_agree_with_smbclient_L(void) {
    char port_arg[16], cred[128], *argv[] = {"smbclient", "-L", "//127.0.0.1", "-p", port_arg, "-U", cred, "-s",
                                              (char *) env_or("WTSNET_TEST_CLIENTCONF", ""), "-g", NULL};
    static const DWORD levels[] = {0, 1, 2, 502};
    char *out;
    int expected = 0;

    snprintf(port_arg, sizeof(port_arg), "%s", PORT);
    snprintf(cred, sizeof(cred), "%s%%%s", ADMIN, ADMINPW);
    out = run_capture(argv);
    REQUIRE(out != NULL);
    for (char *p = out; (p = strstr(p, "\n")); p++)
        expected += strncmp(p + 1, "Disk|", 5) == 0 || strncmp(p + 1, "IPC|", 4) == 0 || strncmp(p + 1, "Printer|", 8) == 0;
    expected += strncmp(out, "Disk|", 5) == 0 || strncmp(out, "IPC|", 4) == 0;
    REQUIRE(expected >= 2);
    for (size_t l = 0; l < 4; l++) {
        LPBYTE b = NULL;
        DWORD read = 0, total = 0, resume = 0;

        REQUIRE(NetShareEnum(server, levels[l], &b, MAX_PREFERRED_LENGTH, &read, &total, &resume) == NERR_Success);
        CHECK_EQ_I(read, expected);
        CHECK_EQ_U(total, read);
        for (DWORD i = 0; i < read; i++) {
            /* every field the level has, as smbclient -g prints it: TYPE|NAME|COMMENT */
            const wchar_t *name = levels[l] == 0   ? ((SHARE_INFO_0 *) b)[i].shi0_netname
                                  : levels[l] == 1 ? ((SHARE_INFO_1 *) b)[i].shi1_netname
                                  : levels[l] == 2 ? ((SHARE_INFO_2 *) b)[i].shi2_netname
                                                   : ((SHARE_INFO_502 *) b)[i].shi502_netname;
            char line[512];

            if (levels[l] == 0) {
                snprintf(line, sizeof(line), "|%s|", utf8(name));
            } else {
                const SHARE_INFO_1 *s1 = levels[l] == 1 ? &((SHARE_INFO_1 *) b)[i] : NULL;
                DWORD type = s1 ? s1->shi1_type
                             : levels[l] == 2 ? ((SHARE_INFO_2 *) b)[i].shi2_type
                                              : ((SHARE_INFO_502 *) b)[i].shi502_type;
                const wchar_t *remark = s1 ? s1->shi1_remark
                                        : levels[l] == 2 ? ((SHARE_INFO_2 *) b)[i].shi2_remark
                                                         : ((SHARE_INFO_502 *) b)[i].shi502_remark;
                const char *t = (type & STYPE_MASK) == STYPE_DISKTREE ? "Disk"
                                : (type & STYPE_MASK) == STYPE_IPC    ? "IPC"
                                                                      : "Printer";

                snprintf(line, sizeof(line), "%s|%s|%s\n", t, utf8(name), utf8(remark));
            }
            if (!strstr(out, line))
                TAP_FAIL("level %u: \"%s\" is not in smbclient -L's output:\n%s", levels[l], line, out);
        }
        if (levels[l] == 2) {
            for (DWORD i = 0; i < read; i++)
                if (wcscmp(((SHARE_INFO_2 *) b)[i].shi2_netname, L"share") == 0)
                    CHECK_STREQ(utf8(((SHARE_INFO_2 *) b)[i].shi2_path), share_path);
        }
        if (levels[l] == 2 || levels[l] == 502)
            for (DWORD i = 0; i < read; i++) {
                /* the connections smbstatus counts, at level 502 too (Samba's own 502 says 1) */
                const wchar_t *name = levels[l] == 2 ? ((SHARE_INFO_2 *) b)[i].shi2_netname
                                                     : ((SHARE_INFO_502 *) b)[i].shi502_netname;
                DWORD uses = levels[l] == 2 ? ((SHARE_INFO_2 *) b)[i].shi2_current_uses
                                            : ((SHARE_INFO_502 *) b)[i].shi502_current_uses;

                if (wcscmp(name, L"share") == 0)
                    CHECK_EQ_I(uses, smbstatus_tcons("share"));
            }
        if (levels[l] == 502)
            for (DWORD i = 0; i < read; i++) {
                const SHARE_INFO_502 *s = &((SHARE_INFO_502 *) b)[i];

                /* a self-relative SECURITY_DESCRIPTOR inside the block: revision 1, SE_SELF_RELATIVE */
                if (s->shi502_security_descriptor) {
                    const BYTE *sd = s->shi502_security_descriptor;

                    CHECK_EQ_U(sd[0], 1);
                    CHECK(sd[3] & 0x80);
                    CHECK(s->shi502_reserved >= 20);
                    CHECK((uintptr_t) sd % 4 == 0);
                }
            }
        NetApiBufferFree(b);
    }
    free(out);
}

static void shares_page_one_at_a_time(void) {
    DWORD resume = 0, seen = 0, total, n = 0, rounds = 0;
    LPBYTE all = NULL;
    NET_API_STATUS st;

    REQUIRE(NetShareEnum(server, 1, &all, MAX_PREFERRED_LENGTH, &n, &total, NULL) == NERR_Success);
    do {
        LPBYTE b = NULL;
        DWORD read = 0;

        st = NetShareEnum(server, 1, &b, 1, &read, &total, &resume);
        CHECK_EQ_U(read, 1);
        if (read == 1 && seen < n)
            CHECK_WCSEQ(((SHARE_INFO_1 *) b)->shi1_netname, ((SHARE_INFO_1 *) all)[seen].shi1_netname);
        seen += read;
        NetApiBufferFree(b);
    } while (st == ERROR_MORE_DATA && ++rounds < 20);
    CHECK_EQ_U(st, NERR_Success);
    CHECK_EQ_U(seen, n);
    NetApiBufferFree(all);
}

/* ---- workstation users ---- */

/* The entries Samba's own client received for NetrWkstaUserEnum at level
 * (rpcclient's NDR dump of the reply, debug level 10), or -1. */
static int rpcclient_wksta_users(DWORD level) {
    char port_arg[16], cred[128], cmd[64], *argv[] = {"rpcclient", "-s", (char *) env_or("WTSNET_TEST_CLIENTCONF", ""),
                                                      "-p", port_arg, "-U", cred, "-d", "10", "--debug-stdout", "127.0.0.1", "-c", cmd,
                                                      NULL};
    char *out, *at;
    unsigned n;
    int r = -1;

    snprintf(port_arg, sizeof(port_arg), "%s", PORT);
    snprintf(cred, sizeof(cred), "%s%%%s", ADMIN, ADMINPW);
    snprintf(cmd, sizeof(cmd), "wkssvc_enumerateusers %u", level);
    out = run_capture(argv);
    if (out && (at = strstr(out, "wkssvc_NetWkstaEnumUsers: struct wkssvc_NetWkstaEnumUsers")) &&
        (at = strstr(at, "out: struct")) && (at = strstr(at, "entries_read")) && (at = strchr(at, ':')) &&
        sscanf(at + 1, " 0x%x", &n) == 1)
        r = (int) n;
    free(out);
    return r;
}

static void wksta_users_are_what_samba_reports(void) {
    LPBYTE b0 = NULL, b1 = NULL, poison = (LPBYTE) 0xdeadbeef, b = poison;
    DWORD r0 = 0, r1 = 0, total;

    REQUIRE(NetWkstaUserEnum(server, 0, &b0, MAX_PREFERRED_LENGTH, &r0, &total, NULL) == NERR_Success);
    CHECK_EQ_I(r0, rpcclient_wksta_users(0));
    REQUIRE(NetWkstaUserEnum(server, 1, &b1, MAX_PREFERRED_LENGTH, &r1, &total, NULL) == NERR_Success);
    CHECK_EQ_I(r1, rpcclient_wksta_users(1));
    tap_diag("Samba's wkssvc: %u users at level 0, %u at level 1", r0, r1);
    for (DWORD i = 0; i < r1; i++)
        tap_diag("level 1: user %s domain %s other %s server %s",
                 utf8(((WKSTA_USER_INFO_1 *) b1)[i].wkui1_username), utf8(((WKSTA_USER_INFO_1 *) b1)[i].wkui1_logon_domain),
                 utf8(((WKSTA_USER_INFO_1 *) b1)[i].wkui1_oth_domains),
                 utf8(((WKSTA_USER_INFO_1 *) b1)[i].wkui1_logon_server));
    for (DWORD i = 0; i < r0; i++) {
        bool in1 = false;

        for (DWORD j = 0; j < r1; j++)
            in1 |= wcscmp(((WKSTA_USER_INFO_0 *) b0)[i].wkui0_username, ((WKSTA_USER_INFO_1 *) b1)[j].wkui1_username) == 0;
        CHECK(in1);
    }
    NetApiBufferFree(b0);
    NetApiBufferFree(b1);
    CHECK_EQ_U(NetWkstaUserEnum(server, 2, &b, MAX_PREFERRED_LENGTH, &r0, &total, NULL), ERROR_INVALID_LEVEL);
    CHECK(b == poison);
    as(U1, U1PW);
    CHECK_EQ_U(NetWkstaUserEnum(server, 0, &b, MAX_PREFERRED_LENGTH, &r0, &total, NULL), ERROR_ACCESS_DENIED);
    CHECK(b == poison);
    as(ADMIN, ADMINPW);
}

/* ---- server names ---- */

static void bad_server_names_give_a_clear_error_and_touch_nothing(void) {
    static const wchar_t *bad[] = {L"\\\\bad name", L"\\\\a\\b"};
    wchar_t closed[64];
    LPBYTE b = (LPBYTE) 0xdeadbeef;
    DWORD read = 7, total = 7;

    for (size_t i = 0; i < 2; i++) {
        CHECK_EQ_U(NetFileEnum((LMSTR) bad[i], NULL, NULL, 3, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL),
                   NERR_InvalidComputer);
        CHECK_EQ_U(NetFileGetInfo((LMSTR) bad[i], 1, 3, &b), NERR_InvalidComputer);
        CHECK_EQ_U(NetFileClose((LMSTR) bad[i], 1), NERR_InvalidComputer);
        CHECK_EQ_U(NetConnectionEnum((LMSTR) bad[i], L"share", 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL),
                   NERR_InvalidComputer);
        CHECK_EQ_U(NetShareEnum((LMSTR) bad[i], 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL),
                   NERR_InvalidComputer);
        CHECK_EQ_U(NetWkstaUserEnum((LMSTR) bad[i], 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL),
                   NERR_InvalidComputer);
    }
    /* nothing listens on 127.0.0.9: a network error, never another server */
    swprintf(closed, 64, L"127.0.0.9:%s", PORT);
    {
        NET_API_STATUS st = NetShareEnum(closed, 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL);

        CHECK(st != NERR_Success && st != ERROR_MORE_DATA);
        CHECK(st == ERROR_BAD_NETPATH || st == ERROR_CONNECTION_REFUSED || st == RPC_S_SERVER_UNAVAILABLE);
        CHECK_EQ_U(NetFileClose(closed, 1), st);
    }
    CHECK(b == (LPBYTE) 0xdeadbeef && read == 7 && total == 7);
    client_stop(&c1);
    client_stop(&c2);
    client_stop(&c3);
}

TAP_MAIN(CASE(open_files_are_listed_with_path_user_and_permissions), CASE(level_2_has_the_same_ids_in_the_same_order),
         CASE(user_and_base_path_filters_apply), CASE(small_prefmaxlen_pages_with_resume),
         CASE(get_info_finds_one_and_untouched_when_not_found), CASE(non_admin_is_denied_and_the_file_stays_open),
         CASE(close_ends_the_clients_handle_and_only_that_one), CASE(connections_to_a_share),
         CASE(shares_agree_with_smbclient_L), CASE(shares_page_one_at_a_time), CASE(wksta_users_are_what_samba_reports),
         CASE(bad_server_names_give_a_clear_error_and_touch_nothing))
