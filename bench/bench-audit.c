/*
 * bench-audit ITERATIONS: what a monitoring program does on a host served
 * by the audit provider: enumerate the sessions (WTSEnumerateSessionsExW,
 * level 1) and ask each for user, state and client address
 * (WTSQuerySessionInformationW), ITERATIONS times on the same handle, and
 * once on a fresh handle (no cache). Prints one line of key=value: the
 * median and best wall time of each, the session count, and the process's
 * peak RSS, so bench/bench-audit.sh can compare it with the shell way.
 */
#include <wtsapi32.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

/* One round: enumerate, then three queries per session. Returns the
 * session count, or -1. *ret_enum_ms is the enumeration alone. */
static long round_on(HANDLE h, double *ret_enum_ms) {
    static const WTS_INFO_CLASS classes[] = {WTSUserName, WTSConnectState, WTSClientAddress};
    PWTS_SESSION_INFO_1W info;
    DWORD level = 1, count;
    double t0 = now_ms();

    if (!WTSEnumerateSessionsExW(h, &level, 0, &info, &count)) {
        fprintf(stderr, "WTSEnumerateSessionsExW: error %u\n", GetLastError());
        return -1;
    }
    *ret_enum_ms = now_ms() - t0;
    for (DWORD i = 0; i < count; i++)
        for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
            LPWSTR buf;
            DWORD bytes;

            /* A session may end in between: that is an answer too. */
            if (WTSQuerySessionInformationW(h, info[i].SessionId, classes[c], &buf, &bytes))
                WTSFreeMemory(buf);
        }
    WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, info, count);
    return (long) count;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 10;
    double *total, *enum_only, cold_total, cold_enum, t0;
    struct rusage ru;
    long sessions = 0;
    HANDLE cold;

    if (n < 1 || !(total = calloc((size_t) n, sizeof(double))) || !(enum_only = calloc((size_t) n, sizeof(double))))
        return 2;
    /* Cold: a handle of its own, first call opens the provider and scans. */
    cold = WTSOpenServerW(NULL);
    t0 = now_ms();
    if (round_on(cold, &cold_enum) < 0)
        return 1;
    cold_total = now_ms() - t0;
    WTSCloseServer(cold);

    for (int i = 0; i < n; i++) {
        t0 = now_ms();
        sessions = round_on(WTS_CURRENT_SERVER_HANDLE, &enum_only[i]);
        if (sessions < 0)
            return 1;
        total[i] = now_ms() - t0;
    }
    qsort(total, (size_t) n, sizeof(double), cmp_double);
    qsort(enum_only, (size_t) n, sizeof(double), cmp_double);
    getrusage(RUSAGE_SELF, &ru);
    printf("sessions=%ld enum_median_ms=%.2f enum_best_ms=%.2f total_median_ms=%.2f total_best_ms=%.2f "
           "cold_enum_ms=%.2f cold_total_ms=%.2f queries_per_round=%ld maxrss_kb=%ld\n",
           sessions, enum_only[n / 2], enum_only[0], total[n / 2], total[0], cold_enum, cold_total, sessions * 3,
           ru.ru_maxrss);
    free(total);
    free(enum_only);
    return 0;
}
