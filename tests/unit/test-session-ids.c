/* Session-id mapping and WinStation naming, as docs/api.md documents them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session/provider.h"
#include "tap.h"

static void audit_ids_map_to_themselves(void) {
    uint32_t id = 0;
    char key[32];

    REQUIRE(session_id_from_logind("42", &id) == 0);
    CHECK_EQ_U(id, 42);
    REQUIRE(session_id_to_logind(42, key, sizeof(key)) == 0);
    CHECK_STREQ(key, "42");
}

static void class_c_ids_map_to_the_high_range_and_back(void) {
    uint32_t id = 0;
    char key[32];

    REQUIRE(session_id_from_logind("c7", &id) == 0);
    CHECK_EQ_U(id, 0x80000007u);
    REQUIRE(session_id_to_logind(id, key, sizeof(key)) == 0);
    CHECK_STREQ(key, "c7");
}

static void reserved_ids_are_never_produced(void) {
    uint32_t id;
    char key[32];

    CHECK(session_id_from_logind("0", &id) < 0);               /* 0 is Services */
    CHECK(session_id_from_logind("c2147483646", &id) < 0);     /* would be WTS_ANY_SESSION */
    CHECK(session_id_from_logind("c2147483647", &id) < 0);     /* would be WTS_CURRENT_SESSION */
    CHECK(session_id_from_logind("2147483648", &id) < 0);      /* collides with the c range */
    CHECK_EQ_I(session_id_to_logind(0, key, sizeof(key)), -ESRCH);
    CHECK_EQ_I(session_id_to_logind(0xFFFFFFFFu, key, sizeof(key)), -ESRCH);
    CHECK_EQ_I(session_id_to_logind(0xFFFFFFFEu, key, sizeof(key)), -ESRCH);
}

static void rdp_listener_id_is_outside_both_logind_ranges(void) {
    uint32_t id = 0;
    char key[32];
    struct session_record r = {.id = SESSION_ID_RDP_LISTENER, .kind = SESSION_KIND_LISTENER};

    CHECK(session_id_from_logind("c2147483645", &id) < 0); /* would be the listener */
    REQUIRE(session_id_from_logind("c2147483644", &id) == 0);
    CHECK_EQ_U(id, SESSION_ID_RDP_LISTENER - 1);
    CHECK_EQ_I(session_id_to_logind(SESSION_ID_RDP_LISTENER, key, sizeof(key)), -ESRCH);
    REQUIRE(session_winstation_name(&r, key, sizeof(key)) == 0);
    CHECK_STREQ(key, "RDP-Tcp");
}

static void malformed_logind_ids_are_refused(void) {
    uint32_t id = 99;

    CHECK(session_id_from_logind("", &id) < 0);
    CHECK(session_id_from_logind("c", &id) < 0);
    CHECK(session_id_from_logind("-1", &id) < 0);
    CHECK(session_id_from_logind("007", &id) < 0);
    CHECK(session_id_from_logind("12a", &id) < 0);
    CHECK(session_id_from_logind("99999999999", &id) < 0);
    CHECK(session_id_from_logind(NULL, &id) < 0);
    CHECK_EQ_U(id, 99); /* untouched on failure */
}

static struct session_record record(const char *key, const char *service, const char *seat, const char *display) {
    struct session_record r = {0};

    snprintf(r.key, sizeof(r.key), "%s", key);
    session_id_from_logind(key, &r.id);
    r.service = (char *) service;
    r.seat = (char *) seat;
    r.display = (char *) display;
    r.type = (char *) "";
    session_classify(&r);
    return r;
}

static const char *name_of(struct session_record r) {
    static char buf[40];

    if (session_winstation_name(&r, buf, sizeof(buf)) < 0)
        return "(error)";
    return buf;
}

static void xrdp_sessions_are_named_after_their_display(void) {
    struct session_record r = record("c3", "xrdp-sesman", "", ":10");

    CHECK_EQ_I(r.kind, SESSION_KIND_RDP);
    CHECK_STREQ(name_of(r), "RDP-Tcp#10");
}

static void seat0_sessions_are_the_console(void) {
    CHECK_STREQ(name_of(record("2", "login", "seat0", "")), "Console");
    CHECK_STREQ(name_of(record("5", "gdm-password", "seat1", ":1")), "Console-seat1");
}

static void ssh_and_other_sessions_carry_the_logind_id(void) {
    CHECK_STREQ(name_of(record("12", "sshd", "", "")), "SSH#12");
    CHECK_STREQ(name_of(record("c2", "su-l", "", "")), "su-l#c2");
    CHECK_STREQ(name_of(record("c4", "", "", "")), "session#c4");
}

static void services_session_is_session_zero(void) {
    struct session_record r = {0};

    r.id = SESSION_ID_SERVICES;
    session_classify(&r);
    CHECK_EQ_I(r.kind, SESSION_KIND_SERVICES);
    CHECK_STREQ(name_of(r), "Services");
}

static void long_service_names_fit_a_winstation_name(void) {
    struct session_record r = record("c2147483645", "a-very-long-pam-service-name-indeed", "", "");
    char buf[33];

    REQUIRE(session_winstation_name(&r, buf, sizeof(buf)) == 0);
    CHECK(strlen(buf) <= 32);
}

static void logoff_policy_reads_the_environment(void) {
    struct logoff_policy p;

    setenv("WTSNET_LOGOFF_GRACE_MS", "1500", 1);
    setenv("WTSNET_LOGOFF_TIMEOUT_MS", "4000", 1);
    logoff_policy_from_env(&p);
    CHECK_EQ_U(p.grace_usec, 1500000);
    CHECK_EQ_U(p.deadline_usec, 4000000);

    setenv("WTSNET_LOGOFF_GRACE_MS", "junk", 1);
    setenv("WTSNET_LOGOFF_TIMEOUT_MS", "-5", 1);
    logoff_policy_from_env(&p);
    CHECK_EQ_U(p.grace_usec, 10000000); /* defaults */
    CHECK_EQ_U(p.deadline_usec, 30000000);

    setenv("WTSNET_LOGOFF_GRACE_MS", "9000", 1);
    setenv("WTSNET_LOGOFF_TIMEOUT_MS", "2000", 1);
    logoff_policy_from_env(&p);
    CHECK_EQ_U(p.grace_usec, 2000000); /* the grace never outlasts the deadline */
    unsetenv("WTSNET_LOGOFF_GRACE_MS");
    unsetenv("WTSNET_LOGOFF_TIMEOUT_MS");
}

TAP_MAIN(CASE(audit_ids_map_to_themselves), CASE(class_c_ids_map_to_the_high_range_and_back),
         CASE(reserved_ids_are_never_produced), CASE(rdp_listener_id_is_outside_both_logind_ranges), CASE(malformed_logind_ids_are_refused),
         CASE(xrdp_sessions_are_named_after_their_display), CASE(seat0_sessions_are_the_console),
         CASE(ssh_and_other_sessions_carry_the_logind_id), CASE(services_session_is_session_zero),
         CASE(long_service_names_fit_a_winstation_name), CASE(logoff_policy_reads_the_environment))
