/*
 * The remote (ssh://) side of the contract that needs no remote host:
 * what WTSOpenServer refuses, and how calls fail — quickly, with Windows'
 * codes — when the host cannot be reached. Port 2419 on 127.0.0.1 belongs
 * to this test (no sshd listens there); the silent host's port is the kernel's pick.
 */
#include <wtsapi32.h>

#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define POISON ((void *) 0xdeadbeef)
#define POISON_COUNT 0xdeadbeefu
#define CLOSED_PORT_URL "ssh://nobody@127.0.0.1:2419"

static double now_sec(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* The library runs the ssh client found on PATH (posix_spawnp): without one,
 * every call below would fail with 1722 for the wrong reason, and pass. */
static void need_ssh(void) {
    const char *path = getenv("PATH");
    char buf[4096];

    if (path && strlen(path) < sizeof(buf)) {
        strcpy(buf, path);
        for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
            char file[4200];

            snprintf(file, sizeof(file), "%s/ssh", *dir ? dir : ".");
            if (access(file, X_OK) == 0)
                return;
        }
    }
    SKIP("no ssh client on PATH (openssh-client): these cases need the real one");
}

/* Children of this process, zombies included: what an ssh left behind. */
static int count_children(void) {
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d))) {
        char path[300], buf[512];
        FILE *f;
        int ppid = 0;

        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(buf, sizeof(buf), f)) {
            char *close_paren = strrchr(buf, ')');

            if (close_paren && sscanf(close_paren + 2, "%*c %d", &ppid) == 1 && ppid == getpid())
                n++;
        }
        fclose(f);
    }
    closedir(d);
    return n;
}

static void ssh_urls_that_could_inject_options_are_invalid_parameter(void) {
    static const char *const bad[] = {
        "ssh://-oProxyCommand=touch /tmp/wtsnet-remote-pwned",
        "ssh://user@-oProxyCommand=x",
        "ssh://-lroot@host",
        "ssh://host -oProxyCommand=x",
        "ssh://host%n",
        "ssh://host;touch /tmp/wtsnet-remote-pwned",
        "ssh://$(touch /tmp/wtsnet-remote-pwned)",
        "ssh://host:0",
        "ssh://host:99999",
        "ssh://ho\nst",
    };

    /* Refused at open: a failed handle (never NULL, which is this host) whose
     * every call fails with the open's error, and no ssh started. */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        PWTS_SESSION_INFOA info = NULL;
        DWORD count = 0;
        HANDLE h;

        SetLastError(0xdeadbeef);
        h = WTSOpenServerA((LPSTR) bad[i]);
        CHECK(h != WTS_CURRENT_SERVER_HANDLE);
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        CHECK(!WTSEnumerateSessionsA(h, 0, 1, &info, &count));
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        CHECK(!WTSLogoffSession(h, 1, TRUE));
        CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
        WTSCloseServer(h);
    }
    HANDLE w = WTSOpenServerW((LPWSTR) L"ssh://-oProxyCommand=x");
    CHECK(w != WTS_CURRENT_SERVER_HANDLE);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    WTSCloseServer(w);
    SetLastError(0xdeadbeef);
    HANDLE x = WTSOpenServerExA((LPSTR) "ssh://-oProxyCommand=x");
    CHECK(x != WTS_CURRENT_SERVER_HANDLE);
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(!WTSDisconnectSession(x, 1, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_INVALID_PARAMETER);
    WTSCloseServer(x);
    CHECK(access("/tmp/wtsnet-remote-pwned", F_OK) != 0);
}

static void a_closed_port_gives_a_handle_and_calls_fail_with_1722_at_once(void) {
    HANDLE h;
    PWTS_SESSION_INFO_1A info = POISON;
    LPSTR buf = POISON;
    DWORD level = 1, count = POISON_COUNT, bytes = POISON_COUNT;
    double t0;

    need_ssh();
    h = WTSOpenServerA((LPSTR) CLOSED_PORT_URL);
    REQUIRE(h != NULL); /* as on Windows: the handle comes first, the failure with the first call */
    t0 = now_sec();
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsExA(h, &level, 0, &info, &count));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    SetLastError(0xdeadbeef);
    CHECK(!WTSQuerySessionInformationA(h, 5, WTSUserName, &buf, &bytes));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(h, 5, TRUE));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    CHECK(now_sec() - t0 < 3.0);
    CHECK(info == POISON);
    CHECK(buf == POISON);
    CHECK_EQ_U(count, POISON_COUNT);
    CHECK_EQ_U(bytes, POISON_COUNT);
    WTSCloseServer(h);
    CHECK_EQ_I(count_children(), 0); /* every ssh reaped */
}

/* A host that accepts the TCP connection and then says nothing (a hung
 * sshd, a black hole behind a proxy): bounded by WTSNET_REMOTE_TIMEOUT_MS. */
static void a_silent_host_fails_with_1722_within_the_timeout(void) {
    /* A listener that never accepts, on a port the kernel picks (a fixed one
     * may be taken by a test running beside this one). */
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    PWTS_SESSION_INFOA info = POISON;
    DWORD count = POISON_COUNT;
    char url[64];
    int fd;
    HANDLE h;
    double t0, took;

    need_ssh();
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    REQUIRE(bind(fd, (struct sockaddr *) &a, sizeof(a)) == 0 && listen(fd, 8) == 0);
    REQUIRE(getsockname(fd, (struct sockaddr *) &a, &alen) == 0);
    snprintf(url, sizeof(url), "ssh://nobody@127.0.0.1:%u", (unsigned) ntohs(a.sin_port));
    setenv("WTSNET_REMOTE_TIMEOUT_MS", "1000", 1);
    h = WTSOpenServerA(url);
    unsetenv("WTSNET_REMOTE_TIMEOUT_MS");
    REQUIRE(h != NULL);
    t0 = now_sec();
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsA(h, 0, 1, &info, &count)); /* never accepted, never answered */
    took = now_sec() - t0;
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    if (took > 5.0)
        tap_diag("took %.1f s", took);
    CHECK(took < 5.0);
    CHECK(info == POISON);
    WTSCloseServer(h);
    close(fd);
    CHECK_EQ_I(count_children(), 0);
}

/* A plain name goes over ssh too; ssh's own configuration (here a file
 * named by WTSNET_SSH_CONFIG) supplies the port, as ~/.ssh/config would. */
static void a_plain_name_goes_over_ssh_with_its_config(void) {
    char dir[] = "/tmp/wtsnet-remote-api-XXXXXX", config[64];
    PWTS_SESSION_INFOA info = POISON;
    DWORD count = POISON_COUNT;
    FILE *f;
    HANDLE h;

    need_ssh();
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(config, sizeof(config), "%s/ssh_config", dir);
    f = fopen(config, "w");
    REQUIRE(f != NULL);
    fputs("Host *\n    Port 2419\n    User nobody\n", f);
    fclose(f);
    setenv("WTSNET_SSH_CONFIG", config, 1);
    h = WTSOpenServerA((LPSTR) "127.0.0.1");
    unsetenv("WTSNET_SSH_CONFIG");
    REQUIRE(h != NULL);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsA(h, 0, 1, &info, &count));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE); /* port 2419: refused */
    WTSCloseServer(h);
    unlink(config);
    rmdir(dir);
}

static void remote_access_off_makes_plain_names_not_supported_but_not_ssh_urls(void) {
    PWTS_SESSION_INFOA info = POISON;
    DWORD count = POISON_COUNT;
    HANDLE plain, url;

    need_ssh();
    setenv("WTSNET_REMOTE", "none", 1);
    plain = WTSOpenServerA((LPSTR) "127.0.0.1");
    url = WTSOpenServerA((LPSTR) CLOSED_PORT_URL);
    unsetenv("WTSNET_REMOTE");
    REQUIRE(plain != NULL && url != NULL);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsA(plain, 0, 1, &info, &count));
    CHECK_EQ_U(GetLastError(), ERROR_NOT_SUPPORTED);
    SetLastError(0xdeadbeef);
    CHECK(!WTSEnumerateSessionsA(url, 0, 1, &info, &count));
    CHECK_EQ_U(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
    WTSCloseServer(plain);
    WTSCloseServer(url);
}

static void session_zero_of_a_remote_host_is_refused_before_any_connection(void) {
    HANDLE h = WTSOpenServerA((LPSTR) CLOSED_PORT_URL);

    REQUIRE(h != NULL);
    SetLastError(0xdeadbeef);
    CHECK(!WTSLogoffSession(h, 0, TRUE));
    CHECK_EQ_U(GetLastError(), ERROR_ACCESS_DENIED);
    WTSCloseServer(h);
}

TAP_MAIN(CASE(ssh_urls_that_could_inject_options_are_invalid_parameter),
         CASE(a_closed_port_gives_a_handle_and_calls_fail_with_1722_at_once),
         CASE(a_silent_host_fails_with_1722_within_the_timeout), CASE(a_plain_name_goes_over_ssh_with_its_config),
         CASE(remote_access_off_makes_plain_names_not_supported_but_not_ssh_urls),
         CASE(session_zero_of_a_remote_host_is_refused_before_any_connection))
