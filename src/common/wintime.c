#include "common/wintime.h"

#include <time.h>

int64_t filetime_from_unix_usec(uint64_t usec) {
    if (usec == 0)
        return 0;
    /* A value past FILETIME's range (year 30828) cannot come from a clock. */
    if (usec > (UINT64_C(0x7FFFFFFFFFFFFFFF) / 10) - FILETIME_UNIX_EPOCH_SECONDS * 1000000)
        return 0;
    return (int64_t) ((usec + FILETIME_UNIX_EPOCH_SECONDS * 1000000) * 10);
}

static uint64_t now_usec(clockid_t clock) {
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

uint64_t now_realtime_usec(void) {
    return now_usec(CLOCK_REALTIME);
}

uint64_t now_monotonic_usec(void) {
    return now_usec(CLOCK_MONOTONIC);
}
