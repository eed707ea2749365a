/*
 * One NetSessionEnum at a level, as a whole process (the benchmark's unit):
 * prints the entries read and the round trips our client counted.
 *     netsessenum SERVER [LEVEL]
 */
#include <lm.h>
#include <stdio.h>

#include "rpc/srvs_client.h"

int main(int argc, char **argv) {
    wchar_t server[300];
    LPBYTE b = NULL;
    DWORD read = 0, total = 0;
    NET_API_STATUS st;

    if (argc < 2) {
        fprintf(stderr, "usage: %s SERVER [LEVEL]\n", argv[0]);
        return 2;
    }
    swprintf(server, 300, L"%s", argv[1]);
    st = NetSessionEnum(server, NULL, NULL, argc > 2 ? (DWORD) atoi(argv[2]) : 1, &b, MAX_PREFERRED_LENGTH, &read,
                        &total, NULL);
    if (st != NERR_Success) {
        fprintf(stderr, "NetSessionEnum: %u\n", st);
        return 1;
    }
    printf("entries=%u round_trips=%u\n", read, srvs_client_last_round_trips());
    NetApiBufferFree(b);
    return 0;
}
