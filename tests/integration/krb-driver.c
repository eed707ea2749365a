/*
 * The Kerberos suite's hands (tests/suites/55-kerberos.sh): one public call
 * per run, its Win32 result printed as "rc=N", so that each case of the
 * suite can set up the process's credentials (KRB5CCNAME, KRB5_CLIENT_KTNAME,
 * KRB5_CONFIG, WTSNET_AUTH, faketime) exactly as a user would.
 *     krb-driver enum SERVER                    NetSessionEnum level 10
 *     krb-driver del SERVER CLIENT|- USER|-     NetSessionDel
 *     krb-driver wnet SERVER USER PASSWORD      WNetAddConnection2W(\\SERVER\IPC$),
 *                                               then NetSessionEnum on that connection
 *     krb-driver rt SERVER                      NetServerGetInfo(101) on a fresh
 *                                               connection: "round_trips=N"
 *     krb-driver two SERVER CCACHE1 CCACHE2     NetSessionEnum with KRB5CCNAME=CCACHE1
 *                                               ("first=N"), then in the same process
 *                                               with KRB5CCNAME=CCACHE2 (rc=N)
 * enum prints each session as "client user" (user as the server names it).
 */
#include <lm.h>
#include <winnetwk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "rpc/srvs_client.h"

static wchar_t *wide(const char *s, wchar_t *buf, size_t n) {
    swprintf(buf, n, L"%s", s);
    return buf;
}

static NET_API_STATUS list(const wchar_t *server) {
    SESSION_INFO_10 *v = NULL;
    DWORD n = 0, total = 0;
    NET_API_STATUS st = NetSessionEnum((LPWSTR) server, NULL, NULL, 10, (LPBYTE *) &v, MAX_PREFERRED_LENGTH, &n,
                                       &total, NULL);

    if (st == NERR_Success) {
        for (DWORD i = 0; i < n; i++)
            printf("%ls %ls\n", v[i].sesi10_cname, v[i].sesi10_username);
        NetApiBufferFree(v);
    }
    return st;
}

int main(int argc, char **argv) {
    wchar_t server[300], a[300], b[300];
    DWORD rc;

    if (argc < 3) {
        fprintf(stderr, "usage: %s enum|del|wnet|rt|two SERVER …\n", argv[0]);
        return 2;
    }
    wide(argv[2], server, 300);
    if (strcmp(argv[1], "enum") == 0 && argc == 3) {
        rc = list(server);
    } else if (strcmp(argv[1], "del") == 0 && argc == 5) {
        rc = NetSessionDel(server, strcmp(argv[3], "-") ? wide(argv[3], a, 300) : NULL,
                           strcmp(argv[4], "-") ? wide(argv[4], b, 300) : NULL);
    } else if (strcmp(argv[1], "wnet") == 0 && argc == 5) {
        wchar_t remote[320], user[300], pw[300];
        NETRESOURCEW nr = {.dwType = RESOURCETYPE_ANY, .lpRemoteName = remote};

        swprintf(remote, 320, L"\\\\%ls\\IPC$", server);
        rc = WNetAddConnection2W(&nr, wide(argv[4], pw, 300), wide(argv[3], user, 300), 0);
        printf("wnet=%u\n", (unsigned) rc);
        if (rc == NO_ERROR) {
            rc = list(server);
            WNetCancelConnection2W(remote, 0, TRUE);
        }
    } else if (strcmp(argv[1], "rt") == 0 && argc == 3) {
        SERVER_INFO_101 *i = NULL;

        rc = NetServerGetInfo(server, 101, (LPBYTE *) &i);
        if (rc == NERR_Success) {
            printf("round_trips=%u\n", srvs_client_last_round_trips());
            NetApiBufferFree(i);
        }
    } else if (strcmp(argv[1], "two") == 0 && argc == 5) {
        /* Two callers' tickets in one process: the second must log on as
         * itself, not reuse the first one's pooled connection. */
        setenv("KRB5CCNAME", argv[3], 1);
        printf("first=%u\n", (unsigned) list(server));
        setenv("KRB5CCNAME", argv[4], 1);
        rc = list(server);
    } else {
        fprintf(stderr, "%s: bad arguments\n", argv[0]);
        return 2;
    }
    printf("rc=%u\n", (unsigned) rc);
    return 0;
}
