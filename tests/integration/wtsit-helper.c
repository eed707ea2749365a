/*
 * One wtsapi32 call on behalf of an integration test, run as another user
 * (setpriv) or as the login shell of a new session (su -l -s HELPER USER -c
 * VERB). Prints one line: "ok …" or "err <GetLastError()>"; exit 0 unless
 * the arguments were wrong. Built like a ported program: the public headers
 * and the shared library only.
 *
 *   wtsit-helper logoff ID WAIT    WTSLogoffSession(current server, ID, WAIT)
 *   wtsit-helper current           ok <WTS_CURRENT_SESSION's WTSSessionId> <$XDG_SESSION_ID>
 */
#include <wtsapi32.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void) {
    fprintf(stderr, "usage: wtsit-helper logoff ID WAIT | current\n");
    return 2;
}

static int current(void) {
    LPWSTR buf = NULL;
    DWORD bytes = 0;
    const char *xdg = getenv("XDG_SESSION_ID");

    if (!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSSessionId, &buf, &bytes)) {
        printf("err %u\n", (unsigned) GetLastError());
        return 0;
    }
    printf("ok %lu %u %s\n", (unsigned long) *(ULONG *) buf, (unsigned) bytes, xdg ? xdg : "-");
    WTSFreeMemory(buf);
    return 0;
}

int main(int argc, char **argv) {
    /* As a login shell: argv = {"-wtsit-helper", "-c", "VERB"}. */
    if (argc == 3 && strcmp(argv[1], "-c") == 0) {
        argv++;
        argc--;
    }
    if (argc == 2 && strcmp(argv[1], "current") == 0)
        return current();
    if (argc == 4 && strcmp(argv[1], "logoff") == 0) {
        char *end;
        unsigned long id = strtoul(argv[2], &end, 0);

        if (*end)
            return usage();
        if (WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, (DWORD) id, atoi(argv[3]) ? TRUE : FALSE))
            printf("ok\n");
        else
            printf("err %u\n", (unsigned) GetLastError());
        return 0;
    }
    return usage();
}
