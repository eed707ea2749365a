/* The settings table (src/common/settings.h, docs/settings.md): one
 * grammar per kind, strict, and the documented table is the real one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/deadline.h"
#include "common/settings.h"
#include "tap.h"

static void durations_take_a_unit_or_their_own(void) {
    uint64_t ms = 7;

    CHECK(setting_parse_duration("20", 1000, &ms) == 0 && ms == 20000); /* WTSNET_TIMEOUT counts seconds */
    CHECK(setting_parse_duration("20", 1, &ms) == 0 && ms == 20);        /* the *_MS ones milliseconds */
    CHECK(setting_parse_duration("20s", 1, &ms) == 0 && ms == 20000);
    CHECK(setting_parse_duration("20ms", 1000, &ms) == 0 && ms == 20);
    CHECK(setting_parse_duration("0", 1, &ms) == 0 && ms == 0);
    CHECK(setting_parse_duration("015", 1, &ms) == 0 && ms == 15);
}

static void malformed_durations_are_refused(void) {
    static const char *const bad[] = {"20abc", "", "-1", " 5", "5 ", "+5", "5\n", "ms", "s", "5 s", "5S",
                                      "5min", "0x10", "1.5s", "99999999999999999999"};
    uint64_t ms = 7;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (setting_parse_duration(bad[i], 1000, &ms) >= 0)
            TAP_FAIL("\"%s\" accepted", bad[i]);
    CHECK_EQ_U(ms, 7);
    CHECK_EQ_I(setting_parse_duration("18446744073709552", 1000, &ms), -ERANGE); /* overflows in ms */
}

static void a_malformed_value_is_the_default_and_says_so(void) {
    uint64_t ms;

    unsetenv("WTSNET_TIMEOUT");
    CHECK(setting_duration_ms(SETTING_TIMEOUT, &ms) == 0 && ms == 20000);
    setenv("WTSNET_TIMEOUT", "20abc", 1); /* strtol read 20 here once */
    CHECK_EQ_I(setting_duration_ms(SETTING_TIMEOUT, &ms), -EINVAL);
    CHECK_EQ_U(ms, 20000);
    setenv("WTSNET_TIMEOUT", "3abc", 1);
    CHECK_EQ_I(deadline_timeout_ms(), DEADLINE_DEFAULT_MS); /* the readers use the default */
    setenv("WTSNET_TIMEOUT", "0", 1);
    CHECK_EQ_I(setting_duration_ms(SETTING_TIMEOUT, &ms), -ERANGE);
    CHECK_EQ_U(ms, 20000);
    setenv("WTSNET_TIMEOUT", "3", 1);
    CHECK(setting_duration_ms(SETTING_TIMEOUT, &ms) == 0 && ms == 3000);
    setenv("WTSNET_TIMEOUT", "1500ms", 1);
    CHECK_EQ_I(deadline_timeout_ms(), 1500);
    setenv("WTSNET_TIMEOUT", "", 1);
    CHECK(setting_duration_ms(SETTING_TIMEOUT, &ms) == 0 && ms == 20000); /* empty: unset */
    unsetenv("WTSNET_TIMEOUT");

    setenv("WTSNET_LOGOFF_GRACE_MS", "0", 1); /* no grace at all is a valid choice */
    CHECK(setting_duration_ms(SETTING_LOGOFF_GRACE, &ms) == 0 && ms == 0);
    setenv("WTSNET_LOGOFF_GRACE_MS", "2s", 1);
    CHECK(setting_duration_ms(SETTING_LOGOFF_GRACE, &ms) == 0 && ms == 2000);
    unsetenv("WTSNET_LOGOFF_GRACE_MS");
    setenv("WTSNET_REMOTE_TIMEOUT_MS", "3600001", 1);
    CHECK_EQ_I(setting_duration_ms(SETTING_REMOTE_TIMEOUT, &ms), -ERANGE);
    CHECK_EQ_U(ms, 10000);
    unsetenv("WTSNET_REMOTE_TIMEOUT_MS");
}

static void a_malformed_port_is_an_error_not_the_default(void) {
    uint16_t port = 7;

    unsetenv("WTSNET_SMB_PORT");
    CHECK(setting_port(SETTING_SMB_PORT, &port) == 0 && port == 445);
    setenv("WTSNET_SMB_PORT", "14450", 1);
    CHECK(setting_port(SETTING_SMB_PORT, &port) == 0 && port == 14450);
    port = 7;
    setenv("WTSNET_SMB_PORT", "14450x", 1);
    CHECK_EQ_I(setting_port(SETTING_SMB_PORT, &port), -EINVAL);
    setenv("WTSNET_SMB_PORT", "0", 1);
    CHECK_EQ_I(setting_port(SETTING_SMB_PORT, &port), -EINVAL);
    CHECK_EQ_U(port, 7);
    unsetenv("WTSNET_SMB_PORT");
}

/* Every variable in the table is in docs/settings.md, and no other
 * WTSNET_ variable is documented there as a setting. */
static void the_documented_table_is_the_table(void) {
    FILE *f = fopen(SETTINGS_DOC, "r");
    char line[1024];
    bool seen[SETTING_COUNT_] = {0};
    unsigned rows = 0;

    REQUIRE(f);
    while (fgets(line, sizeof(line), f)) {
        char name[64];
        bool known = false;

        if (sscanf(line, "| `%63[A-Z0-9_]` |", name) != 1 || strncmp(name, "WTSNET_", 7) != 0)
            continue;
        rows++;
        for (int s = 0; s < SETTING_COUNT_; s++)
            if (strcmp(setting_info((enum setting) s)->name, name) == 0)
                known = seen[s] = true;
        if (!known)
            TAP_FAIL("docs/settings.md documents %s, which the table does not have", name);
    }
    fclose(f);
    CHECK_EQ_U(rows, SETTING_COUNT_);
    for (int s = 0; s < SETTING_COUNT_; s++)
        if (!seen[s])
            TAP_FAIL("%s is not in docs/settings.md", setting_info((enum setting) s)->name);
}

TAP_MAIN(CASE(durations_take_a_unit_or_their_own), CASE(malformed_durations_are_refused),
         CASE(a_malformed_value_is_the_default_and_says_so), CASE(a_malformed_port_is_an_error_not_the_default),
         CASE(the_documented_table_is_the_table))
