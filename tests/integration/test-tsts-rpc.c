/*
 * The MS-TSTS calls the WTS API does not reach yet (issue 15's process and
 * message API will): RpcWinStationTerminateProcess and
 * RpcWinStationSendMessage over rpc/tsts_client.h, against the MS-TSTS TEST
 * DOUBLE (tests/tsts/tsts_double.py). tests/suites/65-tsts.sh passes
 * TSTS_ADDR (host:port) and TSTS_RECORD, the double's record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/deadline.h"
#include "rpc/tsts_client.h"
#include "tap.h"

static struct server_addr addr;
static const char *record;

static bool recorded(const char *line) {
    char buf[512];
    FILE *f = fopen(record, "r");
    bool found = false;

    if (!f)
        return false;
    while (!found && fgets(buf, sizeof(buf), f))
        found = strncmp(buf, line, strlen(line)) == 0;
    fclose(f);
    return found;
}

static void a_message_reaches_the_session_and_is_answered(void) {
    struct tsts_status st;
    uint32_t response = 0;

    deadline_scope_begin();
    CHECK_EQ_I(tsts_client_send_message(&addr, 2, "Maintenance", "Log off by 18:00, please", 0x40, 30, false,
                                        &response, &st),
               0);
    CHECK_EQ_U(response, 1); /* IDOK: the double's user answers */
    CHECK(recorded("{\"op\": \"message\", \"id\": 2, \"title\": \"Maintenance\", \"message\": \"Log off by 18:00, please\", "
                   "\"style\": 64, \"timeout\": 30, \"wait\": true}"));
    CHECK_EQ_I(tsts_client_send_message(&addr, 2, "t", "m", 0, 0, true, &response, &st), 0);
    CHECK_EQ_U(response, 32001); /* IDASYNC */
    CHECK_EQ_I(tsts_client_send_message(&addr, 77, "t", "m", 0, 0, true, &response, &st), -ESRCH);
    CHECK_EQ_U(st.result, 0xC00A0015);
    deadline_scope_end();
}

static void a_process_is_terminated(void) {
    struct tsts_status st;

    deadline_scope_begin();
    CHECK_EQ_I(tsts_client_terminate(&addr, 4242, 1, &st), 0);
    CHECK(recorded("{\"op\": \"kill\", \"pid\": 4242, \"exit_code\": 1}"));
    deadline_scope_end();
}

int main(void) {
    const char *a = getenv("TSTS_ADDR");

    record = getenv("TSTS_RECORD");
    if (!a || !record || server_addr_parse(a, &addr) < 0) {
        printf("1..0 # SKIP run by tests/suites/65-tsts.sh (TSTS_ADDR, TSTS_RECORD)\n");
        return 0;
    }
    {
        static const struct tap_case cases[] = {CASE(a_message_reaches_the_session_and_is_answered),
                                                CASE(a_process_is_terminated)};
        return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
    }
}
