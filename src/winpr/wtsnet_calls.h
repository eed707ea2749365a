/*
 * The provider's view of libwtsnet, in plain C types: WinPR's <winpr/wtsapi.h>
 * and wtsnet's <wtsapi32.h> declare the same names with different layouts
 * (16-bit vs 32-bit WCHAR), so no file includes both. wtsnet_calls.c talks
 * to libwtsnet; provider.c talks to WinPR; this header is all they share.
 *
 * Every call returns 0, or the Win32 error libwtsnet reported (its
 * GetLastError on this thread), for the caller to hand on to WinPR's.
 * Text is UTF-8 (wtsnet's A API); results are malloc()ed, freed by the
 * matching wn_*_free.
 */
#ifndef WTSNET_WINPR_WTSNET_CALLS_H
#define WTSNET_WINPR_WTSNET_CALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Finds libwtsnet (loaded beside this module) and its entry points, once. */
uint32_t wn_init(void);

uint32_t wn_open_server(const char *name, bool ex, void **ret);
void wn_close_server(void *server);

struct wn_session {
    uint32_t id;
    int32_t state;
    char *station;
};
uint32_t wn_enumerate(void *server, uint32_t reserved, uint32_t version, struct wn_session **ret, uint32_t *ret_count);
void wn_sessions_free(struct wn_session *s, uint32_t count);

/* WTS_SESSION_INFO_1: NULL strings stay NULL. The names in an array, in the
 * structure's order, so that one loop copies, packs or frees them all. */
enum { WN_SESSION_NAME, WN_HOST_NAME, WN_USER_NAME, WN_DOMAIN_NAME, WN_FARM_NAME, WN_SESSION1_NAMES };
struct wn_session1 {
    uint32_t exec_env_id;
    int32_t state;
    uint32_t id;
    char *names[WN_SESSION1_NAMES];
};
uint32_t wn_enumerate_ex(void *server, uint32_t *level, uint32_t filter, struct wn_session1 **ret,
                         uint32_t *ret_count);
void wn_sessions1_free(struct wn_session1 *s, uint32_t count);

/* WTSINFO and WTSINFOEX level 1 merged; names whole (UTF-8), cut by the caller. */
struct wn_info {
    uint32_t state, session_id;
    int32_t flags; /* SessionFlags (WTSSessionInfoEx only) */
    uint32_t incoming_bytes, outgoing_bytes, incoming_frames, outgoing_frames;
    uint32_t incoming_compressed_bytes, outgoing_compressed_bytes;
    char station[33 * 4], domain[18 * 4], user[21 * 4];
    int64_t connect_time, disconnect_time, last_input_time, logon_time, current_time;
};

enum wn_value_kind { WN_TEXT, WN_BYTES, WN_INFO, WN_INFOEX };
struct wn_value {
    enum wn_value_kind kind;
    char *text;               /* WN_TEXT */
    unsigned char bytes[32];  /* WN_BYTES: the value as libwtsnet laid it out (no WCHAR inside) */
    size_t size;
    struct wn_info info;      /* WN_INFO, WN_INFOEX */
};
/* Classes are numbered as WTS_INFO_CLASS (the same in both headers). */
uint32_t wn_query(void *server, uint32_t session_id, int cls, struct wn_value *ret);
void wn_value_done(struct wn_value *v);

uint32_t wn_logoff(void *server, uint32_t session_id, bool wait);
uint32_t wn_disconnect(void *server, uint32_t session_id, bool wait);
uint32_t wn_wait_system_event(void *server, uint32_t mask, uint32_t *ret_flags);

#endif
