/*
 * The remote provider's pure parts: ssh:// targets (nothing may become an
 * ssh option), the ssh argv, the reading of ssh's diagnostics, and the
 * parsing of logind's replies (GetAll, ListSessions, ListSessionsEx) from
 * messages built here as logind sends them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "session/logind_bus.h"
#include "session/remote.h"
#include "tap.h"

static void ssh_url_with_user_host_and_port_is_parsed(void) {
    struct remote_target t;

    REQUIRE(remote_target_parse("ssh://admin@host-1.example.org:2222", &t) == 0);
    CHECK_STREQ(t.user, "admin");
    CHECK_STREQ(t.host, "host-1.example.org");
    CHECK_EQ_U(t.port, 2222);
    REQUIRE(remote_target_parse("SSH://10.1.2.3", &t) == 0);
    CHECK_STREQ(t.user, "");
    CHECK_STREQ(t.host, "10.1.2.3");
    CHECK_EQ_U(t.port, 0);
}

static void bracketed_ipv6_with_port_is_parsed(void) {
    struct remote_target t;
    char text[128];

    REQUIRE(remote_target_parse("ssh://root@[::1]:2400", &t) == 0);
    CHECK_STREQ(t.host, "::1");
    CHECK_EQ_U(t.port, 2400);
    REQUIRE(remote_target_format(&t, text, sizeof(text)) == 0);
    CHECK_STREQ(text, "ssh://root@[::1]:2400");
}

static void option_injection_and_odd_characters_are_refused(void) {
    static const char *const bad[] = {
        "ssh://-oProxyCommand=touch /tmp/x",
        "ssh://-oProxyCommand=x",
        "ssh://user@-oProxyCommand=x",
        "ssh://-luser@host",
        "ssh://host -oProxyCommand=x",
        "ssh://host\t",
        "ssh://ho\nst",
        "ssh://host%h",
        "ssh://[fe80::1%eth0]",
        "ssh://host;id",
        "ssh://$(id)",
        "ssh://`id`",
        "ssh://host|id",
        "ssh://host&",
        "ssh://ho'st",
        "ssh://ho\"st",
        "ssh://host/path",
        "ssh://.hidden",
        "ssh://",
        "ssh://user@",
        "ssh://@host",
        "ssh://a@b@c",
        "ssh://host:",
        "ssh://host:0",
        "ssh://host:65536",
        "ssh://host:022",
        "ssh://host:22x",
        "ssh://[::1",
        "ssh://[::1]x",
        "ssh://[nothex]",
        "ssh://us er@host",
        "ssh://user:pw@host",
        "host",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct remote_target t = {.port = 77};
        int r = remote_target_parse(bad[i], &t);

        if (r != -EINVAL)
            tap_diag("accepted: \"%s\" (%d)", bad[i], r);
        CHECK_EQ_I(r, -EINVAL);
        CHECK_EQ_U(t.port, 77); /* untouched on failure */
    }
}

static void plain_host_names_and_bare_ipv6_become_targets(void) {
    struct remote_target t;

    REQUIRE(remote_target_from_host("fileserver", &t) == 0);
    CHECK_STREQ(t.host, "fileserver");
    CHECK_STREQ(t.user, "");
    REQUIRE(remote_target_from_host("fe80::1", &t) == 0);
    CHECK_STREQ(t.host, "fe80::1");
    CHECK_EQ_I(remote_target_from_host("-oProxyCommand=x", &t), -EINVAL);
    CHECK_EQ_I(remote_target_from_host("host:22", &t), -EINVAL);
    CHECK_EQ_I(remote_target_from_host("", &t), -EINVAL);
}

static void ssh_argv_ends_options_before_the_host(void) {
    struct remote_target t;
    struct remote_argv a;
    size_t n = 0, dashdash = 0;
    bool batch = false, timeout = false;

    REQUIRE(remote_target_parse("ssh://admin@node7:2401", &t) == 0);
    REQUIRE(remote_build_argv(&t, 5, "/etc/wtsnet/ssh_config", &a) == 0);
    while (a.argv[n])
        n++;
    REQUIRE(n >= 4);
    CHECK_STREQ(a.argv[0], "ssh");
    CHECK_STREQ(a.argv[1], "-xT");
    CHECK_STREQ(a.argv[n - 1], "systemd-stdio-bridge");
    CHECK_STREQ(a.argv[n - 2], "node7");
    CHECK_STREQ(a.argv[n - 3], "--");
    for (size_t i = 0; i < n; i++) {
        if (strcmp(a.argv[i], "--") == 0 && !dashdash)
            dashdash = i;
        batch |= strcmp(a.argv[i], "BatchMode=yes") == 0;
        timeout |= strcmp(a.argv[i], "ConnectTimeout=5") == 0;
    }
    CHECK_EQ_U(dashdash, n - 3);
    CHECK(batch);
    CHECK(timeout);
    /* The user and the port are values of -l and -p, never options of their own. */
    for (size_t i = 1; i < n; i++) {
        if (strcmp(a.argv[i], "admin") == 0)
            CHECK_STREQ(a.argv[i - 1], "-l");
        if (strcmp(a.argv[i], "2401") == 0)
            CHECK_STREQ(a.argv[i - 1], "-p");
    }
}

static void refused_login_is_access_denied_and_the_rest_unreachable(void) {
    CHECK_EQ_I(remote_classify_ssh_error("wtsrmuser@127.0.0.1: Permission denied (publickey).\r\n"), -EACCES);
    CHECK_EQ_I(remote_classify_ssh_error("ssh: connect to host 127.0.0.1 port 2419: Connection refused\r\n"),
               -EHOSTDOWN);
    CHECK_EQ_I(remote_classify_ssh_error("Host key verification failed.\r\n"), -EHOSTDOWN);
    CHECK_EQ_I(remote_classify_ssh_error("ssh: connect to host h port 22: Connection timed out\r\n"), -EHOSTDOWN);
    CHECK_EQ_I(remote_classify_ssh_error("sh: 1: systemd-stdio-bridge: not found\n"), -EHOSTDOWN);
    CHECK_EQ_I(remote_classify_ssh_error(""), -EHOSTDOWN);
}

static int peer_fd = -1;

static void drop(sd_bus_message *m, sd_bus *bus) {
    sd_bus_message_unref(m);
    sd_bus_close_unref(bus);
    close(peer_fd);
    peer_fd = -1;
}

/* A message as logind would send it, sealed and rewound for reading. It
 * needs a started bus: one over a socketpair, never authenticated. */
static sd_bus_message *new_message(sd_bus **ret_bus) {
    sd_bus_message *m = NULL;
    int sv[2];

    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    peer_fd = sv[1]; /* open while the bus lives: it writes its greeting there */
    REQUIRE(sd_bus_new(ret_bus) >= 0);
    REQUIRE(sd_bus_set_fd(*ret_bus, sv[0], sv[0]) >= 0);
    REQUIRE(sd_bus_start(*ret_bus) >= 0);
    REQUIRE(sd_bus_message_new_method_call(*ret_bus, &m, "org.freedesktop.login1", "/org/freedesktop/login1",
                                           "org.freedesktop.DBus.Properties", "GetAll") >= 0);
    return m;
}

static void finish_message(sd_bus_message *m) {
    REQUIRE(sd_bus_message_seal(m, 1, 0) >= 0);
    REQUIRE(sd_bus_message_rewind(m, 1) >= 0);
}

static void getall_reply_fills_every_field_of_the_record(void) {
    struct session_record rec = {.lock = SESSION_LOCK_UNKNOWN};
    sd_bus *bus = NULL;
    sd_bus_message *m = new_message(&bus);

    REQUIRE(sd_bus_message_append(m, "a{sv}", 19, "Id", "s", "c7", "Name", "s", "alice", "User", "(uo)", 1001,
                                  "/org/freedesktop/login1/user/_1001", "Seat", "(so)", "", "/", "TTY", "s", "pts/3",
                                  "Display", "s", "", "RemoteHost", "s", "192.0.2.7", "RemoteUser", "s", "",
                                  "Service", "s", "sshd", "Type", "s", "tty", "Class", "s", "user", "State", "s",
                                  "closing", "Remote", "b", 1, "VTNr", "u", 0, "Leader", "u", 4242, "Timestamp", "t",
                                  UINT64_C(1700000000000000), "IdleHint", "b", 1, "IdleSinceHint", "t",
                                  UINT64_C(1700000001000000), "LockedHint", "b", 0) >= 0);
    finish_message(m);
    REQUIRE(logind_parse_session_properties(m, LOGIND_PROPS_ALL, &rec) == 0);
    CHECK_STREQ(rec.key, "c7");
    CHECK_EQ_U(rec.id, 0x80000007u);
    CHECK_STREQ(rec.user, "alice");
    CHECK(rec.has_uid);
    CHECK_EQ_U(rec.uid, 1001);
    CHECK_STREQ(rec.tty, "pts/3");
    CHECK_STREQ(rec.remote_host, "192.0.2.7");
    CHECK_STREQ(rec.service, "sshd");
    CHECK_STREQ(rec.display, "");
    CHECK_EQ_I(rec.state, SESSION_STATE_CLOSING);
    CHECK_EQ_I(rec.kind, SESSION_KIND_SSH);
    CHECK(rec.remote);
    CHECK_EQ_I(rec.leader, 4242);
    CHECK_EQ_U(rec.logon_usec, UINT64_C(1700000000000000));
    CHECK(rec.idle);
    CHECK_EQ_U(rec.idle_since_usec, UINT64_C(1700000001000000));
    CHECK_EQ_I(rec.lock, SESSION_LOCK_UNLOCKED);
    CHECK(rec.has_times);
    session_record_done(&rec);
    drop(m, bus);
}

static void unknown_and_mistyped_properties_are_skipped(void) {
    struct session_record rec = {.lock = SESSION_LOCK_UNKNOWN};
    sd_bus *bus = NULL;
    sd_bus_message *m = new_message(&bus);

    REQUIRE(sd_bus_message_append(m, "a{sv}", 5, "Id", "s", "3", "FutureThing", "as", 2, "a", "b", "Remote", "u", 1,
                                  "State", "s", "hibernating", "Service", "s", "su-l") >= 0);
    finish_message(m);
    REQUIRE(logind_parse_session_properties(m, LOGIND_PROPS_ALL, &rec) == 0);
    CHECK_EQ_U(rec.id, 3);
    CHECK(!rec.remote);                          /* "u" where "b" was expected: skipped */
    CHECK_EQ_I(rec.state, SESSION_STATE_ONLINE); /* a state newer than this code */
    CHECK_STREQ(rec.user, "");                   /* absent: empty, never NULL */
    CHECK_STREQ(rec.service, "su-l");
    session_record_done(&rec);
    drop(m, bus);
}

static void times_only_leave_the_other_fields_alone(void) {
    struct session_record rec = {.lock = SESSION_LOCK_UNKNOWN};
    sd_bus *bus = NULL;
    sd_bus_message *m = new_message(&bus);

    REQUIRE(sd_bus_message_append(m, "a{sv}", 3, "Name", "s", "mallory", "Timestamp", "t", UINT64_C(5), "LockedHint",
                                  "b", 1) >= 0);
    finish_message(m);
    REQUIRE(logind_parse_session_properties(m, LOGIND_PROPS_TIMES, &rec) == 0);
    CHECK(rec.user == NULL);
    CHECK_EQ_U(rec.logon_usec, 5);
    CHECK_EQ_I(rec.lock, SESSION_LOCK_LOCKED);
    session_record_done(&rec);
    drop(m, bus);
}

static void list_sessions_ex_and_list_sessions_give_the_ids(void) {
    sd_bus *bus = NULL;
    sd_bus_message *m = new_message(&bus);
    char **keys = NULL;
    size_t n = 0;

    REQUIRE(sd_bus_message_append(m, "a(sussussbto)", 2, "4", 1000, "bob", "seat0", 77, "user", "tty2", 0,
                                  UINT64_C(0), "/org/freedesktop/login1/session/_34", "c1", 1001, "eve", "", 88,
                                  "background", "", 1, UINT64_C(9), "/org/freedesktop/login1/session/c1") >= 0);
    finish_message(m);
    REQUIRE(remote_read_session_keys(m, true, &keys, &n) == 0);
    REQUIRE(n == 2);
    CHECK_STREQ(keys[0], "4");
    CHECK_STREQ(keys[1], "c1");
    CHECK(keys[2] == NULL);
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    drop(m, bus);

    m = new_message(&bus);
    REQUIRE(sd_bus_message_append(m, "a(susso)", 1, "12", 0, "root", "", "/org/freedesktop/login1/session/_312") >= 0);
    finish_message(m);
    REQUIRE(remote_read_session_keys(m, false, &keys, &n) == 0);
    REQUIRE(n == 1);
    CHECK_STREQ(keys[0], "12");
    free(keys[0]);
    free(keys);
    drop(m, bus);
}

static void a_reply_of_the_wrong_shape_is_an_error(void) {
    sd_bus *bus = NULL;
    sd_bus_message *m = new_message(&bus);
    char **keys = (char **) 0x1;
    size_t n = 99;

    REQUIRE(sd_bus_message_append(m, "a(susso)", 1, "12", 0, "root", "", "/org/freedesktop/login1/session/_312") >= 0);
    finish_message(m);
    CHECK(remote_read_session_keys(m, true, &keys, &n) < 0); /* Ex expected, plain given */
    CHECK(keys == (char **) 0x1);
    CHECK_EQ_U(n, 99);
    drop(m, bus);
}

static void session_scopes_name_the_session_of_a_cgroup(void) {
    char key[32] = "untouched";

    CHECK_EQ_I(remote_cgroup_session_key("/user.slice/user-1000.slice/session-3.scope", key, sizeof(key)), 0);
    CHECK_STREQ(key, "3");
    CHECK_EQ_I(remote_cgroup_session_key("/user.slice/user-0.slice/session-c12.scope/payload", key, sizeof(key)), 0);
    CHECK_STREQ(key, "c12");
    strcpy(key, "untouched");
    CHECK_EQ_I(remote_cgroup_session_key("/system.slice/ssh.service", key, sizeof(key)), -ENOENT);
    CHECK_EQ_I(remote_cgroup_session_key("/user.slice/user-1000.slice/user@1000.service/app.slice", key, sizeof(key)),
               -ENOENT);
    CHECK_EQ_I(remote_cgroup_session_key("/session-.scope", key, sizeof(key)), -ENOENT);
    CHECK_EQ_I(remote_cgroup_session_key("/x/session-3;rm.scope", key, sizeof(key)), -EINVAL);
    CHECK_EQ_I(remote_cgroup_session_key("/x/session-1234567890.scope", key, 4), -EINVAL);
    CHECK_STREQ(key, "untouched");
}

static void command_lines_give_argv0s_last_component(void) {
    char name[8];

    remote_cmdline_name("/usr/sbin/sshd -D -e", name, sizeof(name));
    CHECK_STREQ(name, "sshd");
    remote_cmdline_name("[kworker/0:1-events]", name, sizeof(name));
    CHECK_STREQ(name, "kworker"); /* a kernel thread's comm whole (its '/' is no path), cut to the buffer */
    remote_cmdline_name("[kthreadd]", name, sizeof(name));
    CHECK_STREQ(name, "kthread");
    remote_cmdline_name("sleep 1000", name, sizeof(name));
    CHECK_STREQ(name, "sleep");
    remote_cmdline_name("", name, sizeof(name));
    CHECK_STREQ(name, "");
    remote_cmdline_name("/usr/bin/", name, sizeof(name));
    CHECK_STREQ(name, "");
}

TAP_MAIN(CASE(session_scopes_name_the_session_of_a_cgroup), CASE(command_lines_give_argv0s_last_component),
         CASE(ssh_url_with_user_host_and_port_is_parsed), CASE(bracketed_ipv6_with_port_is_parsed),
         CASE(option_injection_and_odd_characters_are_refused), CASE(plain_host_names_and_bare_ipv6_become_targets),
         CASE(ssh_argv_ends_options_before_the_host), CASE(refused_login_is_access_denied_and_the_rest_unreachable),
         CASE(getall_reply_fills_every_field_of_the_record), CASE(unknown_and_mistyped_properties_are_skipped),
         CASE(times_only_leave_the_other_fields_alone), CASE(list_sessions_ex_and_list_sessions_give_the_ids),
         CASE(a_reply_of_the_wrong_shape_is_an_error))
