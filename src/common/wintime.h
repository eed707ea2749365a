/* Unix time ↔ FILETIME (100 ns ticks since 1601-01-01 UTC). */
#ifndef WTSNET_COMMON_WINTIME_H
#define WTSNET_COMMON_WINTIME_H

#include <stdint.h>

/* Seconds between 1601-01-01 and 1970-01-01. */
#define FILETIME_UNIX_EPOCH_SECONDS UINT64_C(11644473600)

/* 0 (unknown) stays 0. */
int64_t filetime_from_unix_usec(uint64_t usec);
uint64_t now_realtime_usec(void);
uint64_t now_monotonic_usec(void);

#endif
