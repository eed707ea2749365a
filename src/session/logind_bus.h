/*
 * What the logind providers share on the bus, whichever bus it is: this
 * host's system bus (logind.c) or a remote host's, reached over ssh
 * (remote.c). Error mapping, the parsing of a session's properties, and
 * the subscribe–terminate–wait logoff.
 */
#ifndef WTSNET_SESSION_LOGIND_BUS_H
#define WTSNET_SESSION_LOGIND_BUS_H

#include <pthread.h>
#include <stdbool.h>

#include <systemd/sd-bus.h>

#include "session/provider.h"

#define LOGIND_SERVICE "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
#define LOGIND_SESSION "org.freedesktop.login1.Session"
#define LOGIND_SESSION_PATH_PREFIX "/org/freedesktop/login1/session"

/*
 * logind's (and the bus's) errors as wtsnet's errnos:
 *   org.freedesktop.login1.NoSuchSession, DBus.Error.UnknownObject  → -ESRCH
 *   DBus.Error.AccessDenied, InteractiveAuthorizationRequired       → -EACCES
 *   ServiceUnknown, NameHasNoOwner, NoServer, Disconnected, NoReply,
 *   Timeout, any other error the bus daemon sends in logind's stead,
 *   or the connection itself broken (ECONNRESET, ENOTCONN, EPIPE)   → -EHOSTDOWN
 * anything else keeps r (or -EIO when r is not negative).
 */
int logind_bus_error_to_errno(const sd_bus_error *e, int r);

/* True for the errnos after which a connection is not worth keeping. */
bool logind_bus_connection_lost(int r);

/* logind's State: "opening", "online", "active", "closing". */
int logind_parse_state(const char *state, enum session_state *ret);

/* Which properties logind_parse_session_properties takes. */
enum {
    LOGIND_PROPS_TIMES = 1 << 0, /* Timestamp, IdleHint, IdleSinceHint, LockedHint, Leader */
    LOGIND_PROPS_IDENTITY = 1 << 1, /* Id, Name, User, Seat, TTY, Display, Remote*, Service, Type, Class, State, VTNr */
    LOGIND_PROPS_ALL = LOGIND_PROPS_TIMES | LOGIND_PROPS_IDENTITY,
};

/*
 * Reads the a{sv} of Properties.GetAll(org.freedesktop.login1.Session)
 * into rec: only the properties named by what; properties it does not know,
 * or of an unexpected type, are skipped. Strings replace rec's (freed).
 * With LOGIND_PROPS_IDENTITY every string of rec is non-NULL afterwards, and
 * the record is classified; with LOGIND_PROPS_TIMES has_times is set.
 */
int logind_parse_session_properties(sd_bus_message *m, unsigned what, struct session_record *rec);

/*
 * A method call that signals do not break: sd_bus_call() gives up with
 * -EINTR when the caller's thread takes a signal, so the call is sent
 * asynchronously and its reply awaited here, through EINTR. Bounded by the
 * bus's method-call timeout. On failure *ret_error holds the D-Bus error
 * (when there was one) and the return is sd-bus's negative errno.
 */
int logind_bus_call_method(sd_bus *bus, const char *destination, const char *path, const char *interface,
                           const char *member, sd_bus_error *ret_error, sd_bus_message **ret_reply,
                           const char *types, ...);

/* Calls a Manager method and waits for its reply (errors mapped as above). */
int logind_call_manager(sd_bus *bus, const char *method, const char *types, ...);

/*
 * TerminateSession(key), subscribed to SessionRemoved first; with wait, then
 * waits for that signal, forcing KillSession(all, SIGKILL) after the grace
 * and giving up with -ETIMEDOUT at the deadline (docs/api.md,
 * "WTSLogoffSession"). EINTR does not end the wait.
 */
int logind_bus_logoff(sd_bus *bus, const char *key, bool wait, const struct logoff_policy *policy);

struct session_subscription;
/*
 * A subscription to logind's session signals on bus (logind_events.c). It
 * takes its own reference on bus; with own_bus it closes the connection when
 * it is closed. bus_lock: the lock every use of a shared connection takes
 * (NULL: the connection is the subscription's alone).
 */
int logind_subscribe_shared(sd_bus *bus, pthread_mutex_t *bus_lock, bool own_bus, struct session_subscription **ret);
#endif
