/*
 * Round trips to list an RD Session Host's sessions over MS-TSTS, on a warm
 * connection (the pooled SMB connection with its pipes bound, as after any
 * first call): the list with user and state (WTSEnumerateSessionsEx), then
 * the same plus each session's client (WTSQuerySessionInformation
 * WTSClientAddress for every session, as `wtsnet list` asks). Prints the
 * counts our client made (SMB request batches that waited for an answer).
 * docs/benchmarks.md.
 *     tsts-list rdsh://HOST:PORT
 */
#include <stdio.h>
#include <wtsapi32.h>

#include "rpc/tsts_client.h"

/* The list, then (with_clients) every session's client address: the round trips it took. */
static int list(HANDLE h, int with_clients, DWORD *ret_count, unsigned *ret_rt) {
    PWTS_SESSION_INFO_1A s = NULL;
    DWORD level = 1, count = 0;
    unsigned before = tsts_client_round_trips();

    if (!WTSEnumerateSessionsExA(h, &level, 0, &s, &count)) {
        fprintf(stderr, "WTSEnumerateSessionsEx: %lu\n", (unsigned long) GetLastError());
        return -1;
    }
    for (DWORD i = 0; with_clients && i < count; i++) {
        LPSTR buf;
        DWORD n;

        if (WTSQuerySessionInformationA(h, s[i].SessionId, WTSClientAddress, &buf, &n))
            WTSFreeMemory(buf);
    }
    *ret_rt = tsts_client_round_trips() - before;
    *ret_count = count;
    WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, s, count);
    return 0;
}

int main(int argc, char **argv) {
    unsigned cold, warm, warm_clients;
    DWORD count;
    HANDLE h;

    if (argc != 2) {
        fprintf(stderr, "usage: %s rdsh://HOST:PORT\n", argv[0]);
        return 2;
    }
    h = WTSOpenServerA(argv[1]);
    /* Cold: connect, authenticate, open and bind every pipe the list and the
     * queries use (their first use binds them). */
    if (list(h, 1, &count, &cold) < 0)
        return 1;
    printf("cold list + client of each: sessions=%lu round_trips=%u\n", (unsigned long) count, cold);
    if (list(h, 0, &count, &warm) < 0 || list(h, 1, &count, &warm_clients) < 0)
        return 1;
    printf("warm list (user, state): sessions=%lu round_trips=%u\n", (unsigned long) count, warm);
    printf("warm list + client of each: sessions=%lu round_trips=%u\n", (unsigned long) count, warm_clients);
    WTSCloseServer(h);
    return 0;
}
