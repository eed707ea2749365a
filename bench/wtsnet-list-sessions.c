/*
 * The benchmark's wtsnet side (bench/logind-sessions.sh): what an admin
 * tool does to show every session's user, state and client address — one
 * WTSEnumerateSessionsW, then three WTSQuerySessionInformationW per session.
 * Prints one line per session, like `loginctl list-sessions`.
 */
#include <wtsapi32.h>

#include <stdio.h>

static const char *state_name(WTS_CONNECTSTATE_CLASS s) {
    static const char *names[] = {"Active", "Connected", "ConnectQuery", "Shadow", "Disconnected",
                                  "Idle",   "Listen",    "Reset",        "Down",   "Init"};

    return (unsigned) s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

int main(void) {
    PWTS_SESSION_INFOW sessions;
    DWORD count;

    if (!WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &sessions, &count)) {
        fprintf(stderr, "WTSEnumerateSessionsW: error %u\n", (unsigned) GetLastError());
        return 1;
    }
    for (DWORD i = 0; i < count; i++) {
        DWORD id = sessions[i].SessionId, bytes;
        LPWSTR user = NULL, state = NULL, address = NULL;
        const WTS_CLIENT_ADDRESS *a;

        if (!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, WTSUserName, &user, &bytes) ||
            !WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, WTSConnectState, &state, &bytes) ||
            !WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, WTSClientAddress, &address, &bytes)) {
            printf("%10u (gone: error %u)\n", (unsigned) id, (unsigned) GetLastError());
        } else {
            a = (const WTS_CLIENT_ADDRESS *) address;
            printf("%10u %-20ls %-12s ", (unsigned) id, user, state_name(*(WTS_CONNECTSTATE_CLASS *) state));
            if (a->AddressFamily == WTS_AF_INET)
                printf("%u.%u.%u.%u\n", a->Address[2], a->Address[3], a->Address[4], a->Address[5]);
            else
                printf("-\n");
        }
        WTSFreeMemory(user);
        WTSFreeMemory(state);
        WTSFreeMemory(address);
    }
    WTSFreeMemory(sessions);
    return 0;
}
