/*
 * Which interactive-session provider serves this host (docs/providers.md):
 * WTSNET_PROVIDER=logind|audit forces one, anything else is refused, and
 * without it a host where logind does not run is served from the kernel's
 * audit sessions. Each case opens a new handle, since a handle keeps the
 * provider it first opened.
 *
 *   test-provider-choice ID     ID: a live ssh session on this host
 */
#include <wtsapi32.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static DWORD ssh_id;

static bool logind_runs(void) {
    /* logind's own test (src/session/logind.c): systemd booted, and
     * logind's runtime state present. */
    return access("/run/systemd/system", F_OK) == 0 && access("/run/systemd/sessions", F_OK) == 0;
}

static DWORD enumerate_with(const char *provider, bool *ret_has_ssh) {
    PWTS_SESSION_INFOA info = (void *) 0xdeadbeef;
    DWORD count = 0, err = 0;
    HANDLE h;

    if (provider)
        setenv("WTSNET_PROVIDER", provider, 1);
    else
        unsetenv("WTSNET_PROVIDER");
    h = WTSOpenServerA((LPSTR) "localhost");
    if (!h)
        return GetLastError();
    SetLastError(0xdeadbeef);
    if (!WTSEnumerateSessionsA(h, 0, 1, &info, &count))
        err = GetLastError();
    else {
        char want[32];

        snprintf(want, sizeof(want), "SSH#%u", ssh_id);
        *ret_has_ssh = false;
        for (DWORD i = 0; i < count; i++)
            if (info[i].SessionId == ssh_id && strcmp(info[i].pWinStationName, want) == 0)
                *ret_has_ssh = true;
        if (count == 0 || info[0].SessionId != 0)
            err = 0xffffffffu; /* session 0 must come first */
        WTSFreeMemory(info);
    }
    WTSCloseServer(h);
    unsetenv("WTSNET_PROVIDER");
    return err;
}

static void an_unknown_provider_name_is_not_supported(void) {
    bool has = false;

    CHECK_EQ_U(enumerate_with("bogus", &has), ERROR_NOT_SUPPORTED);
}

static void forcing_logind_where_it_does_not_run_is_server_unavailable(void) {
    bool has = false;

    if (logind_runs())
        SKIP("logind runs on this host");
    CHECK_EQ_U(enumerate_with("logind", &has), RPC_S_SERVER_UNAVAILABLE);
}

static void forcing_audit_lists_the_ssh_session(void) {
    bool has = false;

    CHECK_EQ_U(enumerate_with("audit", &has), 0);
    CHECK(has);
}

static void without_a_choice_a_host_without_logind_uses_audit_sessions(void) {
    bool has = false;

    if (logind_runs())
        SKIP("logind runs on this host");
    CHECK_EQ_U(enumerate_with(NULL, &has), 0);
    CHECK(has);
    CHECK_EQ_U(enumerate_with("", &has), 0); /* empty means unset */
    CHECK(has);
}

int main(int argc, char **argv) {
    static const struct tap_case cases[] = {
        CASE(an_unknown_provider_name_is_not_supported),
        CASE(forcing_logind_where_it_does_not_run_is_server_unavailable),
        CASE(forcing_audit_lists_the_ssh_session),
        CASE(without_a_choice_a_host_without_logind_uses_audit_sessions),
    };

    if (argc != 2 || (ssh_id = (DWORD) strtoul(argv[1], NULL, 10)) == 0) {
        fprintf(stderr, "usage: test-provider-choice SSH_SESSION_ID\n");
        return 2;
    }
    return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
