/*
 * xrdp sessions, read live from the running xrdp rather than from its logs:
 *   - the listener: the TCP listening sockets of the process in xrdp's pid file;
 *   - whether a session has a client: an accepted connection on xorgxrdp's
 *     xrdp_display_<N> socket (none: disconnected);
 *   - the client's address: that connection's peer is held by one xrdp
 *     child process, whose accepted TCP connection names the client
 *     (reading another process's descriptors needs root or xrdp's user);
 *   - the client's display: xorgxrdp records the size and colour depth the
 *     RDP client negotiated in its X server's log at each (re)connection;
 *   - disconnecting: the datagram xrdp-dis sends to xrdp_disconnect_display_<N>.
 * docs/api.md, "xrdp sessions", says what each answers and when. The
 * provider wrapper that adds all this to another provider's records is
 * xrdp_provider.c (provider.h, xrdp_provider_wrap). By job:
 *   xrdp_listener.c    the daemon, its listening sockets, the "RDP-Tcp" record
 *   xrdp_client.c      whether a client is attached, and its address
 *   xrdp_display.c     the client's desktop size and depth, from xorgxrdp's log
 *   xrdp_disconnect.c  detaching the client
 *   xrdp_logoff.c      what a logoff waits for
 */
#ifndef WTSNET_SESSION_XRDP_H
#define WTSNET_SESSION_XRDP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "session/provider.h"
#include "session/sockdiag.h"

/* xrdp's pid file (its build's XRDP_PID_PATH; Debian's and upstream's default). */
#define XRDP_PID_FILE "/run/xrdp/xrdp.pid"

/* 0 when xrdp is running and listening; -ENOENT when it is not. */
int xrdp_listening(void);

/* The listener as a session record ("RDP-Tcp", state listening, no user). */
int xrdp_listener_record(struct session_record *ret);

struct xrdp_client {
    bool connected;      /* an xrdp process serves the display now */
    pid_t server;        /* that process, when it could be identified (else 0) */
    int family;          /* AF_INET / AF_INET6 when the address is known, else 0 */
    uint8_t address[16]; /* network order */
};

/*
 * The client of X display `display`. -ENOENT when no xorgxrdp serves that
 * display. With connected set and family 0, the address could not be read
 * (-EACCES is returned then when the reason was permissions).
 */
int xrdp_display_client(long display, struct xrdp_client *ret);

/* Turns an active/online RDP record into SESSION_STATE_DISCONNECTED when no client is connected. */
void xrdp_refine_state(struct session_record *r);

/* The RDP client's desktop size and colour depth (bits per pixel) of the session's display.
 * inner tells which session the display's X server is in (its pid_session op). */
int xrdp_client_display(struct session_provider *inner, const struct session_record *r,
                        struct session_client_display *ret);

/* The client's address of an RDP session, as text ("" when no client is connected). */
int xrdp_client_address(const struct session_record *r, char **ret);

/* Asks xorgxrdp to drop the session's client; with wait, returns once it is gone. */
int xrdp_disconnect(const struct session_record *r, bool wait, uint64_t deadline_usec);

/* What a logoff of an RDP session waits for after logind removed it. */
struct xrdp_logoff_watch {
    int server_fd; /* pidfd of the xrdp process that tells the client (-1 when unknown) */
    int leader_fd; /* pidfd of sesman's child for the session (-1 when unknown) */
};

void xrdp_logoff_prepare(const struct session_record *r, struct xrdp_logoff_watch *ret);
/* Waits until the client was told (the xrdp process exited) and sesman reaped its child. */
int xrdp_logoff_wait(struct xrdp_logoff_watch *w, uint64_t deadline_usec);
void xrdp_logoff_done(struct xrdp_logoff_watch *w);

/* Parses the last "set width W height H bpp B" line of an xorgxrdp log; -ENOENT when there is none. */
int xrdp_parse_screen_size(const char *text, size_t len, struct session_client_display *ret);

/* --- between the xrdp files --- */

/* A pid as pid and lock files hold it ("1234\n", X's "      1234\n"); 0 and 1 are never one of ours. */
int xrdp_parse_pid(const char *s, pid_t *ret);
/* The xrdp daemon's pid; -ENOENT when it does not run. */
int xrdp_daemon(pid_t *ret);
/* The ports of the daemon's LISTEN sockets in t (at most max). -EACCES for a
 * root xrdp whose descriptors we may not read. */
int xrdp_daemon_listeners(pid_t daemon, const struct tcp_table *t, uint16_t *ports, size_t max, size_t *ret_n);
/* "…/xrdp_display_10" names display 10's xorgxrdp socket. */
bool xrdp_is_display_socket(const char *path, long display);
/* xrdp_display_client; with_server false asks only whether a client is
 * attached (no /proc reads, no privilege needed). */
int xrdp_display_client_state(long display, bool with_server, struct xrdp_client *ret);

/* Session changes (xrdp_events.c): inner's, plus RDP clients' REMOTE_CONNECT/REMOTE_DISCONNECT. */
struct session_subscription;
int xrdp_subscribe(struct session_provider *inner, struct session_subscription **ret);

#endif
