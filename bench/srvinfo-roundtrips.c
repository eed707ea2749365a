/*
 * One NetServerGetInfo(101) on a fresh connection, as a whole process:
 * prints the round trips our client counted. Credentials as usual
 * (WTSNET_CREDENTIALS_FILE). Used by docs/benchmarks.md; compare with the
 * same call through a counting relay (bench/count-roundtrips.sh).
 *     srvinfo-roundtrips SERVER
 */
#include <lm.h>
#include <stdio.h>

#include "rpc/srvs_client.h"

int main(int argc, char **argv) {
    wchar_t server[300];
    SERVER_INFO_101 *i = NULL;
    NET_API_STATUS st;

    if (argc != 2) {
        fprintf(stderr, "usage: %s SERVER\n", argv[0]);
        return 2;
    }
    swprintf(server, 300, L"%s", argv[1]);
    st = NetServerGetInfo(server, 101, (LPBYTE *) &i);
    if (st != NERR_Success) {
        fprintf(stderr, "NetServerGetInfo: %u\n", st);
        return 1;
    }
    printf("%ls round_trips=%u\n", i->sv101_name, srvs_client_last_round_trips());
    NetApiBufferFree(i);
    return 0;
}
