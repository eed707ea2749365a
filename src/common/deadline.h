/*
 * One absolute deadline per public call (issue 10, "every wait has a hard
 * deadline"). A public network call (NetServerGetInfo, NetSession*,
 * WNetAddConnection2) opens a scope: its deadline is computed once, from
 * $WTSNET_TIMEOUT, on CLOCK_MONOTONIC; every connect, name resolution, send,
 * receive and poll below it waits only for the time that remains, and
 * nothing a server sends moves it (docs/netapi.md, "Timeouts").
 *
 * The scope is per thread (calls on other threads have their own), and
 * nests: an inner scope inside a call keeps the outer deadline, so a retry
 * or a second RPC inside one public call shares the one deadline.
 */
#ifndef WTSNET_COMMON_DEADLINE_H
#define WTSNET_COMMON_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

/* Seconds a whole call may take (default 20, 1 … 3599). */
#define DEADLINE_TIMEOUT_ENV "WTSNET_TIMEOUT"
#define DEADLINE_DEFAULT_MS 20000

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t deadline_now_ms(void);
/* $WTSNET_TIMEOUT in milliseconds (common/settings.h: SETTING_TIMEOUT), or the default. */
int deadline_timeout_ms(void);

/* Opens this thread's call scope, or enters the one already open (then its
 * deadline stands); every begin is paired with one end. */
void deadline_scope_begin(void);
void deadline_scope_end(void);
/* The open scope's absolute deadline, INT64_MAX when none is open. */
int64_t deadline_scope(void);

/* The earlier of the scope's deadline and now + timeout_ms (timeout_ms ≤ 0: the scope's alone). */
int64_t deadline_for(int timeout_ms);
/* Milliseconds left until d, clamped to 0 … INT32_MAX-ish for poll(). */
int deadline_left_ms(int64_t d);

#endif
