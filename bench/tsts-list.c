/*
 * Round trips to list an RD Session Host's sessions over MS-TSTS, on a warm
 * connection (the pooled SMB connection with its pipes bound, as after any
 * first call): the list with user and state (WTSEnumerateSessionsEx), then
 * the same plus each session's client (WTSQuerySessionInformation
 * WTSClientAddress, as `wtsnet list` asks). Prints the counts our client
 * made (SMB request batches that waited for an answer). docs/benchmarks.md.
 *     tsts-list rdsh://HOST:PORT
 */
#include <stdio.h>
#include <wtsapi32.h>

#include "rpc/tsts_client.h"

int main(int argc, char **argv) {
    PWTS_SESSION_INFO_1A s = NULL;
    DWORD level = 1, count = 0;
    unsigned list_rt, client_rt = 0;
    HANDLE h;

    if (argc != 2) {
        fprintf(stderr, "usage: %s rdsh://HOST:PORT\n", argv[0]);
        return 2;
    }
    h = WTSOpenServerA(argv[1]);
    /* Cold: connect, authenticate, open and bind the pipe. */
    if (!WTSEnumerateSessionsExA(h, &level, 0, &s, &count)) {
        fprintf(stderr, "WTSEnumerateSessionsEx: %lu\n", (unsigned long) GetLastError());
        return 1;
    }
    printf("cold list: sessions=%lu round_trips=%u\n", (unsigned long) count, tsts_client_last_round_trips());
    WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, s, count);
    /* Warm: the same list again. */
    {
        unsigned before = tsts_client_round_trips();

        if (!WTSEnumerateSessionsExA(h, &level, 0, &s, &count))
            return 1;
        list_rt = tsts_client_round_trips() - before;
    }
    /* Each session's client, as `wtsnet list` asks (the first query also binds
     * \pipe\TermSrv_API_service: done once, before counting). */
    if (count > 0) {
        LPSTR buf;
        DWORD n;
        unsigned before;

        if (WTSQuerySessionInformationA(h, s[0].SessionId, WTSClientAddress, &buf, &n))
            WTSFreeMemory(buf);
        before = tsts_client_round_trips();
        for (DWORD i = 0; i < count; i++)
            if (WTSQuerySessionInformationA(h, s[i].SessionId, WTSClientAddress, &buf, &n))
                WTSFreeMemory(buf);
        client_rt = tsts_client_round_trips() - before;
    }
    printf("warm list (user, state): sessions=%lu round_trips=%u\n", (unsigned long) count, list_rt);
    printf("warm list + client of each: round_trips=%u\n", list_rt + client_rt);
    WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, s, count);
    WTSCloseServer(h);
    return 0;
}
