/*
 * A malformed server name given to a Net* function is an error, never this
 * host. The local SMB server is pointed at a closed loopback port
 * (WTSNET_SMB_PORT=9): a call that fell back to this host would try it and
 * fail with RPC_S_SERVER_UNAVAILABLE (the control case shows it does), so
 * NERR_InvalidComputer, with the output untouched, proves the name was
 * refused before anything was asked of anybody.
 */
#include <lm.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#define POISON ((LPBYTE) 0xdeadbeef)

/* This host's server on a closed port: a connection error (ERROR_BAD_NETPATH
 * or RPC_S_SERVER_UNAVAILABLE), not a refused name. */
static bool connection_error(NET_API_STATUS st) {
    return st == ERROR_BAD_NETPATH || st == RPC_S_SERVER_UNAVAILABLE;
}

static void control_this_host_is_asked_on_the_closed_port(void) {
    LPBYTE buf = POISON;
    NET_API_STATUS st = NetServerGetInfo(NULL, 101, &buf);

    if (!connection_error(st))
        TAP_FAIL("NetServerGetInfo(NULL) on the closed port: %u", (unsigned) st);
    CHECK(buf == POISON);
    st = NetServerGetInfo((LMSTR) L"", 101, &buf);
    if (!connection_error(st))
        TAP_FAIL("NetServerGetInfo(\"\") on the closed port: %u", (unsigned) st);
}

static void malformed_names_are_invalid_computer_and_ask_nobody(void) {
    wchar_t long_name[401];
    const wchar_t *bad[] = {L"bad name with spaces", L"ssh://", L"ssh://-oProxyCommand=x", L"host\nname",
                            L"\\\\", L"\\\\ ", L":445", L"\\\\:445", L"-oProxyCommand=x", L"\\\\a\\b", long_name};

    wmemset(long_name, L'a', 400);
    long_name[400] = L'\0';
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        LMSTR name = (LMSTR) bad[i];
        LPBYTE buf = POISON;
        DWORD read = 0xdeadbeef, total = 0xdeadbeef, resume = 0;

        CHECK_EQ_U(NetServerGetInfo(name, 101, &buf), NERR_InvalidComputer);
        CHECK_EQ_U(NetSessionEnum(name, NULL, NULL, 10, &buf, MAX_PREFERRED_LENGTH, &read, &total, &resume),
                   NERR_InvalidComputer);
        CHECK_EQ_U(NetSessionGetInfo(name, (LMSTR) L"\\\\127.0.0.1", (LMSTR) L"nobody", 10, &buf),
                   NERR_InvalidComputer);
        CHECK_EQ_U(NetSessionDel(name, (LMSTR) L"\\\\127.0.0.1", (LMSTR) L"nobody"), NERR_InvalidComputer);
        CHECK(buf == POISON);
        CHECK_EQ_U(read, 0xdeadbeef);
        CHECK_EQ_U(total, 0xdeadbeef);
    }
}

int main(void) {
    static const struct tap_case cases[] = {CASE(control_this_host_is_asked_on_the_closed_port),
                                            CASE(malformed_names_are_invalid_computer_and_ask_nobody)};

    setenv("WTSNET_SMB_PORT", "9", 1);
    setenv("WTSNET_TIMEOUT", "5", 1);
    unsetenv("WTSNET_CREDENTIALS_FILE");
    setenv("XDG_CONFIG_HOME", "/nonexistent-wtsnet-test", 1); /* no credentials file: anonymous */
    return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
