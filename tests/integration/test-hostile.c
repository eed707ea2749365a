/*
 * One NetServerGetInfo against a hostile peer (tests/integration/hostile/,
 * a test double), as tests/suites/70-hostile.sh runs it for each kind of
 * misbehaviour: the call must fail with the documented error, within the
 * timeout plus a margin, with memory bounded (docs/netapi.md, "Timeouts").
 *
 * usage: test-hostile NAME SERVER EXPECTED_ERROR MAX_SECONDS MAX_RSS_GROWTH_MB [CALLS]
 * (WTSNET_TIMEOUT and the credentials come from the environment.)
 */
#include <lm.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now_s(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static long maxrss_kb(void) {
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv) {
    const char *name, *server;
    unsigned long expected;
    double max_s, worst = 0;
    long max_mb, rss0, grown;
    int calls, n = 0, bad_status = 0;
    wchar_t wserver[300];

    if (argc < 6) {
        fprintf(stderr, "usage: %s NAME SERVER EXPECTED_ERROR MAX_SECONDS MAX_RSS_GROWTH_MB [CALLS]\n", argv[0]);
        return 2;
    }
    name = argv[1], server = argv[2];
    expected = strtoul(argv[3], NULL, 10);
    max_s = strtod(argv[4], NULL);
    max_mb = strtol(argv[5], NULL, 10);
    calls = argc > 6 ? atoi(argv[6]) : 1;
    if (mbstowcs(wserver, server, 300) >= 300)
        return 2;
    printf("1..3\n");
    rss0 = maxrss_kb();
    for (int i = 0; i < calls; i++) {
        LPBYTE b = (LPBYTE) 0x1; /* must stay untouched on failure */
        double t0 = now_s(), dt;
        NET_API_STATUS st = NetServerGetInfo(wserver, 101, &b);

        dt = now_s() - t0;
        if (dt > worst)
            worst = dt;
        printf("# %s call %d: status %u in %.2f s\n", name, i + 1, (unsigned) st, dt);
        if (st != expected || (st != NERR_Success && b != (LPBYTE) 0x1))
            bad_status++;
        if (st == NERR_Success && b != (LPBYTE) 0x1)
            NetApiBufferFree(b);
    }
    grown = (maxrss_kb() - rss0) / 1024;
    if (expected == NERR_Success)
        printf("%s %d - %s: every call succeeds\n", bad_status ? "not ok" : "ok", ++n, name);
    else
        printf("%s %d - %s: every call fails with %lu, *bufptr untouched\n", bad_status ? "not ok" : "ok", ++n, name,
               expected);
    printf("%s %d - %s: each within %.1f s (worst %.2f s)\n", worst <= max_s ? "ok" : "not ok", ++n, name, max_s,
           worst);
    printf("%s %d - %s: memory grew %ld MiB (at most %ld)\n", grown <= max_mb ? "ok" : "not ok", ++n, name, grown,
           max_mb);
    fflush(stdout); /* before any sanitizer report at exit */
    return 0;
}
