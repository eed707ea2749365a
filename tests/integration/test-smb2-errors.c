/*
 * What goes wrong against a real smbd (3.1.1, defaults): wrong password,
 * unknown user, a disabled and a locked-out account, nothing listening,
 * names that are not names, credentials files, a server that stalls, and
 * one that dies mid-call.
 */
#include <lm.h>
#include <winnetwk.h>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "auth/creds.h"
#include "rpc/binding.h"
#include "samba-util.h"
#include "tap.h"

static const char *server(void) {
    return env_or("WTSNET_TEST_SERVER", "127.0.0.1:14450");
}

static DWORD wnet_add(const char *user, const char *pw) {
    wchar_t remote[300];
    NETRESOURCEW nr = {.dwType = RESOURCETYPE_ANY, .lpRemoteName = remote};

    swprintf(remote, 300, L"\\\\%s\\IPC$", server());
    return WNetAddConnection2W(&nr, pw ? wide(pw) : NULL, user ? wide(user) : NULL, 0);
}

static void wnet_cancel(void) {
    wchar_t remote[300];

    swprintf(remote, 300, L"\\\\%s\\IPC$", server());
    WNetCancelConnection2W(remote, 0, TRUE);
    binding_drop_all();
}

static void wrong_password_is_logon_failure(void) {
    SetLastError(0xdeadbeef);
    CHECK_EQ_U(wnet_add(env_or("WTSNET_TEST_ADMIN", ""), "not-the-password"), ERROR_LOGON_FAILURE);
    CHECK_EQ_U(GetLastError(), ERROR_LOGON_FAILURE);
    wnet_cancel();
}

static void unknown_user_is_logon_failure(void) {
    CHECK_EQ_U(wnet_add("smbtnobody", "whatever"), ERROR_LOGON_FAILURE);
    wnet_cancel();
}

static void nothing_listening_is_bad_netpath(void) {
    SERVER_INFO_101 *i = (SERVER_INFO_101 *) 0x1;
    double t0 = now_s();

    CHECK_EQ_U(NetServerGetInfo(L"127.0.0.1:14469", 101, (LPBYTE *) &i), ERROR_BAD_NETPATH);
    CHECK(i == (SERVER_INFO_101 *) 0x1); /* untouched on failure */
    CHECK(now_s() - t0 < 5);
}

static void names_that_are_not_names_are_refused(void) {
    LPBYTE b = NULL;

    CHECK_EQ_U(NetServerGetInfo(L"bad name!", 101, &b), NERR_InvalidComputer);
    CHECK_EQ_U(NetServerGetInfo(L"\\\\", 101, &b), NERR_InvalidComputer);
    CHECK_EQ_U(NetServerGetInfo(L"host:99999", 101, &b), NERR_InvalidComputer);
    CHECK_EQ_U(NetServerGetInfo(wide(server()), 102, &b), ERROR_INVALID_LEVEL);
    CHECK_EQ_U(NetServerGetInfo(wide(server()), 101, NULL), ERROR_INVALID_PARAMETER);
    CHECK(b == NULL);
}

static void wnet_refuses_other_shares_and_conflicting_users(void) {
    NETRESOURCEW nr = {.dwType = RESOURCETYPE_ANY, .lpRemoteName = L"\\\\127.0.0.1:14450\\share"};

    CHECK_EQ_U(WNetAddConnection2W(&nr, L"x", L"y", 0), ERROR_BAD_NET_NAME);
    CHECK_EQ_U(WNetAddConnection2W(NULL, L"x", L"y", 0), ERROR_INVALID_PARAMETER);
    REQUIRE(wnet_add(env_or("WTSNET_TEST_ADMIN", ""), env_or("WTSNET_TEST_ADMIN_PW", "")) == NO_ERROR);
    CHECK_EQ_U(wnet_add(env_or("WTSNET_TEST_USER", ""), env_or("WTSNET_TEST_USER_PW", "")),
               ERROR_SESSION_CREDENTIAL_CONFLICT);
    wnet_cancel();
    CHECK_EQ_U(WNetCancelConnection2W(L"\\\\127.0.0.1:14450\\IPC$", 0, TRUE), ERROR_NOT_CONNECTED);
}

static char creds_path[256];

static void write_creds(const char *user, const char *pw, mode_t mode) {
    FILE *f;

    snprintf(creds_path, sizeof(creds_path), "%s/creds", env_or("WTSNET_TEST_TMP", "/tmp"));
    unlink(creds_path);
    f = fopen(creds_path, "w");
    REQUIRE(f != NULL);
    fprintf(f, "# smbclient -A format\nusername = %s\npassword = %s\ndomain = TESTGRP\n", user, pw);
    fclose(f);
    chmod(creds_path, mode);
    setenv(CREDS_ENV, creds_path, 1);
}

static void credentials_file_is_used(void) {
    LPBYTE b = NULL;
    pid_t pid;

    write_creds(env_or("WTSNET_TEST_ADMIN", ""), env_or("WTSNET_TEST_ADMIN_PW", ""), 0600);
    CHECK_EQ_U(NetServerGetInfo(wide(server()), 101, &b), NERR_Success);
    NetApiBufferFree(b);
    pid = session_pid(env_or("WTSNET_TEST_ADMIN", ""));
    CHECK(pid > 0); /* the server sees our user, not an anonymous session */
    binding_drop_all();
    write_creds(env_or("WTSNET_TEST_ADMIN", ""), "wrong", 0600);
    CHECK_EQ_U(NetServerGetInfo(wide(server()), 101, &b), ERROR_LOGON_FAILURE);
    unsetenv(CREDS_ENV);
    binding_drop_all();
}

static void credentials_file_readable_by_others_is_refused(void) {
    LPBYTE b = NULL;

    write_creds(env_or("WTSNET_TEST_ADMIN", ""), env_or("WTSNET_TEST_ADMIN_PW", ""), 0640);
    CHECK_EQ_U(NetServerGetInfo(wide(server()), 101, &b), ERROR_ACCESS_DENIED);
    write_creds(env_or("WTSNET_TEST_ADMIN", ""), env_or("WTSNET_TEST_ADMIN_PW", ""), 0604);
    CHECK_EQ_U(NetServerGetInfo(wide(server()), 101, &b), ERROR_ACCESS_DENIED);
    CHECK(b == NULL);
    unsetenv(CREDS_ENV);
    binding_drop_all();
}

static void no_credentials_means_an_anonymous_session(void) {
    LPBYTE b = NULL;

    setenv("HOME", env_or("WTSNET_TEST_TMP", "/tmp"), 1); /* no ~/.config/wtsnet/credentials there */
    unsetenv("XDG_CONFIG_HOME");
    CHECK_EQ_U(NetServerGetInfo(wide(server()), 101, &b), NERR_Success); /* Samba answers 101 to anyone */
    NetApiBufferFree(b);
    binding_drop_all();
}

/* The second test user's account flags as pdbedit shows them ("U", "DU"…),
 * from the suite's private passdb. */
static void user2_flags(char *ret, size_t size) {
    char *show[] = {"pdbedit", "-s", (char *) env_or("WTSNET_TEST_SMBCONF", ""), "-v", "-u",
                    (char *) env_or("WTSNET_TEST_USER2", ""), NULL};
    char *out = run_capture(show), *line;
    size_t n = 0;

    REQUIRE(out != NULL);
    line = strstr(out, "Account Flags:");
    REQUIRE(line != NULL && (line = strchr(line, '[')) != NULL);
    for (line++; *line && *line != ']' && n + 1 < size; line++)
        if (*line != ' ')
            ret[n++] = *line;
    ret[n] = '\0';
    free(out);
}

/* Sets them: pdbedit -c takes only the settable ones (N, D, H, L, X) and
 * keeps the others; checks that they took. */
static void set_user2_flags(const char *settable) {
    char arg[32], now[32];
    char *set[] = {"pdbedit", "-s", (char *) env_or("WTSNET_TEST_SMBCONF", ""), "-c", arg, "-u",
                   (char *) env_or("WTSNET_TEST_USER2", ""), NULL};

    snprintf(arg, sizeof(arg), "[%s]", settable);
    free(run_capture(set));
    user2_flags(now, sizeof(now));
    for (const char *f = "NDHLX"; *f; f++)
        REQUIRE(!strchr(settable, *f) == !strchr(now, *f));
}

/* The settable ones among flags, plus add (0: none). */
static void settable_flags(const char *flags, char add, char *ret, size_t size) {
    size_t n = 0;

    for (const char *f = flags; *f && n + 2 < size; f++)
        if (strchr("NDHLX", *f))
            ret[n++] = *f;
    if (add)
        ret[n++] = add;
    ret[n] = '\0';
}

/* A refused logon says why, as Windows does, through NetAPI (credentials
 * file) and WNet alike; the same name and password work once the flag is
 * cleared, so the code is not a wrong password in disguise. */
static void refused_account_reports_why(char flag, DWORD want) {
    const char *u2 = env_or("WTSNET_TEST_USER2", ""), *pw2 = env_or("WTSNET_TEST_USER2_PW", "");
    char before[32], before_settable[32], with_flag[32];
    LPBYTE b = NULL;

    REQUIRE(*u2 && *pw2);
    user2_flags(before, sizeof(before));
    REQUIRE(!strchr(before, 'D') && !strchr(before, 'L'));
    settable_flags(before, 0, before_settable, sizeof(before_settable));
    settable_flags(before, flag, with_flag, sizeof(with_flag));
    set_user2_flags(with_flag);
    write_creds(u2, pw2, 0600);
    CHECK_EQ_U(NetServerGetInfo(wide(server()), 101, &b), want);
    CHECK(b == NULL);
    binding_drop_all();
    SetLastError(0xdeadbeef);
    CHECK_EQ_U(wnet_add(u2, pw2), want);
    CHECK_EQ_U(GetLastError(), want);
    wnet_cancel();
    set_user2_flags(before_settable); /* as it was: the other cases are unaffected */
    CHECK_EQ_U(NetServerGetInfo(wide(server()), 101, &b), NERR_Success);
    NetApiBufferFree(b);
    unsetenv(CREDS_ENV);
    binding_drop_all();
}

static void disabled_account_is_account_disabled(void) {
    refused_account_reports_why('D', ERROR_ACCOUNT_DISABLED); /* 1331, not 1326 */
}

static void locked_out_account_is_account_locked_out(void) {
    refused_account_reports_why('L', ERROR_ACCOUNT_LOCKED_OUT); /* 1909, not 1326 */
}

static void a_stalled_server_times_out(void) {
    LPBYTE b = NULL;
    pid_t child;
    double t0;
    DWORD st;

    REQUIRE(wnet_add(env_or("WTSNET_TEST_ADMIN", ""), env_or("WTSNET_TEST_ADMIN_PW", "")) == NO_ERROR);
    child = session_pid(env_or("WTSNET_TEST_ADMIN", ""));
    REQUIRE(child > 0);
    setenv("WTSNET_TIMEOUT", "2", 1);
    binding_drop_all(); /* reconnect with the short deadline */
    REQUIRE(NetServerGetInfo(wide(server()), 101, &b) == NERR_Success);
    NetApiBufferFree(b);
    b = NULL;
    child = session_pid(env_or("WTSNET_TEST_ADMIN", ""));
    REQUIRE(child > 0);
    kill(child, SIGSTOP);
    t0 = now_s();
    st = NetServerGetInfo(wide(server()), 101, &b);
    CHECK_EQ_U(st, ERROR_TIMEOUT);
    CHECK(now_s() - t0 < 6);
    kill(child, SIGCONT);
    kill(child, SIGTERM);
    unsetenv("WTSNET_TIMEOUT");
    wnet_cancel();
}

/* Last: the whole server dies while our request is in flight. */
static void a_server_killed_mid_call_is_an_error_not_a_hang(void) {
    LPBYTE b = NULL;
    pid_t child, parent = (pid_t) atoi(env_or("WTSNET_TEST_SMBD_PID", "0")), killer;
    double t0;
    DWORD st;

    REQUIRE(parent > 0);
    REQUIRE(wnet_add(env_or("WTSNET_TEST_ADMIN", ""), env_or("WTSNET_TEST_ADMIN_PW", "")) == NO_ERROR);
    child = session_pid(env_or("WTSNET_TEST_ADMIN", ""));
    REQUIRE(child > 0);
    kill(child, SIGSTOP); /* the request will be sent and stay unanswered… */
    killer = fork();
    if (killer == 0) {
        usleep(300 * 1000); /* …until the server is killed under it */
        kill(parent, SIGKILL);
        kill(child, SIGKILL);
        _exit(0);
    }
    t0 = now_s();
    st = NetServerGetInfo(wide(server()), 101, &b);
    waitpid(killer, NULL, 0);
    CHECK(st == RPC_S_SERVER_UNAVAILABLE || st == ERROR_BAD_NETPATH);
    tap_diag("status %u after %.2f s", st, now_s() - t0);
    CHECK(now_s() - t0 < 5); /* the default deadline is 20 s: this must be the EOF, not the timer */
    CHECK(b == NULL);
    wnet_cancel();
}

TAP_MAIN(CASE(wrong_password_is_logon_failure), CASE(unknown_user_is_logon_failure),
         CASE(nothing_listening_is_bad_netpath), CASE(names_that_are_not_names_are_refused),
         CASE(wnet_refuses_other_shares_and_conflicting_users), CASE(credentials_file_is_used),
         CASE(credentials_file_readable_by_others_is_refused), CASE(no_credentials_means_an_anonymous_session),
         CASE(disabled_account_is_account_disabled), CASE(locked_out_account_is_account_locked_out),
         CASE(a_stalled_server_times_out), CASE(a_server_killed_mid_call_is_an_error_not_a_hang))
