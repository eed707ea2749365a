/*
 * logoff — log off one session by id, the Windows way.
 *
 *   cc logoff.c $(pkg-config --cflags --libs wtsnet) -o logoff
 *   ./logoff 3        # log off session 3 and wait until it is gone
 *
 * The same source builds on Windows against Wtsapi32.lib.
 */
#include <windows.h>
#include <wtsapi32.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char *argv[])
{
    DWORD sessionId;
    char message[256];

    if (argc != 2) {
        fprintf(stderr, "Usage: %s SessionId\n", argv[0]);
        return 2;
    }
    sessionId = (DWORD)strtoul(argv[1], NULL, 10);

    if (!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, sessionId, TRUE)) {
        DWORD error = GetLastError();

        FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS | FORMAT_MESSAGE_MAX_WIDTH_MASK,
                       NULL, error, 0, message, sizeof(message), NULL);
        fprintf(stderr, "WTSLogoffSession(%lu) failed: %s (%lu)\n", (unsigned long)sessionId, message,
                (unsigned long)error);
        return 1;
    }
    printf("Session %lu logged off.\n", (unsigned long)sessionId);
    return 0;
}
