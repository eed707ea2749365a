/*
 * The systemd-logind provider.
 *
 * Reads go through logind's session files under /run/systemd/sessions, as
 * sd-login does, but each file is read once per session rather than once
 * per field (logind_file.c): no bus round trip, so enumerating hundreds of
 * sessions stays cheap. The few facts the files lack (idle and lock hints)
 * come from one GetAll on the session object. Logoff is
 * TerminateSession on the bus, waited for through the SessionRemoved signal.
 *
 * RDP sessions are the xrdp layer's, which wraps this provider
 * (xrdp_provider.c). What logind's errors mean here: logind_bus.h (shared with the remote
 * provider, as are the property parsing and the logoff wait); no system bus
 * at all, or the bus daemon answering in logind's stead → -EHOSTDOWN.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-login.h>

#include "common/errors.h"
#include "common/parse_int.h"
#include "common/wintime.h"
#include "session/logind_bus.h"
#include "session/logind_file.h"
#include "session/provider.h"

struct logind_provider {
    struct session_provider base;
    pthread_mutex_t bus_lock; /* bus, and every message on it (sd_bus is not thread-safe; a handle may be shared) */
    sd_bus *bus;              /* for property reads; opened on first need */
};

static struct logind_provider *to_logind(struct session_provider *p) {
    return (struct logind_provider *) p;
}

/* A failure to reach the system bus at all means logind is unreachable. */
static int open_system_bus(sd_bus **ret) {
    int r = sd_bus_open_system(ret);

    if (r == -ENOENT || r == -ECONNREFUSED || r == -ENOTCONN || r == -ECONNRESET)
        return -E_UNREACHABLE;
    return r;
}

static int dup_or_empty(char *s, char **ret) {
    *ret = s ? s : strdup("");
    return *ret ? 0 : -ENOMEM;
}

static int user_name_for_uid(uid_t uid, char **ret) {
    struct passwd pw, *result = NULL;
    char buf[4096];
    char number[16];

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &result) == 0 && result)
        *ret = strdup(result->pw_name);
    else {
        /* A uid without a passwd entry is still a user: show its number. */
        snprintf(number, sizeof(number), "%u", (unsigned) uid);
        *ret = strdup(number);
    }
    return *ret ? 0 : -ENOMEM;
}

static int dup_field(const struct logind_file *f, const char *name, char **ret) {
    const char *v = logind_file_get(f, name);

    *ret = strdup(v ? v : "");
    return *ret ? 0 : -ENOMEM;
}

/* A number of logind's file: digits only (leading zeros allowed), at most max. */
static int parse_number(const char *s, unsigned long long max, unsigned long long *ret) {
    uint64_t v;
    int r = parse_uint(s, 10, max, PARSE_INT_LEADING_ZEROS, &v);

    if (r >= 0)
        *ret = v;
    return r;
}

/* sd-login's boolean words (parse_boolean). */
static bool parse_true(const char *s) {
    static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};

    for (size_t i = 0; s && i < sizeof(yes) / sizeof(yes[0]); i++)
        if (strcmp(s, yes[i]) == 0)
            return true;
    return false;
}

/*
 * One session from its logind file, read once: the same keys and rules the
 * sd_session_get_*() getters use (STATE, UID, SERVICE, TYPE, CLASS, SEAT,
 * TTY, DISPLAY, REMOTE_HOST, REMOTE_USER, REMOTE, VTNR), plus USER, LEADER
 * and REALTIME, which sd-login 252 has no getters for. One getter call per
 * field meant one open and parse of the file per field: 13 per session.
 */
static int record_from_file(const char *key, uint32_t id, struct session_record *ret) {
    struct session_record rec = {.id = id, .lock = SESSION_LOCK_UNKNOWN};
    struct logind_file f = {0};
    const char *state, *user;
    unsigned long long v;
    int r;

    if (strlen(key) >= sizeof(rec.key))
        return -ERANGE;
    strcpy(rec.key, key);

    r = logind_file_read_session(key, &f);
    if (r < 0)
        return r;
    state = logind_file_get(&f, "STATE");
    if (!state) {
        r = -E_NO_SESSION; /* as sd_session_get_state: a session without a state is not one */
        goto fail;
    }
    if (logind_parse_state(state, &rec.state) < 0)
        rec.state = SESSION_STATE_ONLINE; /* a state newer than this code: logged in, at least */

    if (parse_number(logind_file_get(&f, "UID"), (uid_t) -1 - 1, &v) >= 0) {
        rec.uid = (uid_t) v;
        rec.has_uid = true;
    }
    user = logind_file_get(&f, "USER");
    if (user && *user)
        r = (rec.user = strdup(user)) ? 0 : -ENOMEM;
    else if (rec.has_uid)
        r = user_name_for_uid(rec.uid, &rec.user);
    else
        r = dup_or_empty(NULL, &rec.user);
    if (r < 0)
        goto fail;

    if ((r = dup_field(&f, "SERVICE", &rec.service)) < 0 || (r = dup_field(&f, "TYPE", &rec.type)) < 0 ||
        (r = dup_field(&f, "CLASS", &rec.class_name)) < 0 || (r = dup_field(&f, "SEAT", &rec.seat)) < 0 ||
        (r = dup_field(&f, "TTY", &rec.tty)) < 0 || (r = dup_field(&f, "DISPLAY", &rec.display)) < 0 ||
        (r = dup_field(&f, "REMOTE_HOST", &rec.remote_host)) < 0 ||
        (r = dup_field(&f, "REMOTE_USER", &rec.remote_user)) < 0)
        goto fail;

    rec.remote = parse_true(logind_file_get(&f, "REMOTE"));
    if (parse_number(logind_file_get(&f, "VTNR"), UINT32_MAX, &v) >= 0)
        rec.vt = (uint32_t) v;
    if (parse_number(logind_file_get(&f, "LEADER"), INT32_MAX, &v) >= 0)
        rec.leader = (pid_t) v;
    if (parse_number(logind_file_get(&f, "REALTIME"), UINT64_MAX, &v) >= 0)
        rec.logon_usec = v;
    /* The strings logind has no file field for (the WinStation name and
     * domain a Windows host tells): "" as in every record handed out. */
    if ((r = session_record_fill_strings(&rec)) < 0)
        goto fail;

    session_classify(&rec);
    logind_file_done(&f);
    *ret = rec;
    return 0;
fail:
    logind_file_done(&f);
    session_record_done(&rec);
    return r;
}

/* Reads the facts sd-login lacks on systemd 252 with one GetAll. */
static int read_times(struct logind_provider *lp, struct session_record *rec) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message *call = NULL, *reply = NULL;
    char *path = NULL;
    int r;

    r = sd_bus_path_encode(LOGIND_SESSION_PATH_PREFIX, rec->key, &path);
    if (r < 0)
        return r;

    pthread_mutex_lock(&lp->bus_lock);
    if (!lp->bus)
        r = open_system_bus(&lp->bus);
    if (r >= 0)
        r = logind_bus_call_method(lp->bus, LOGIND_SERVICE, path, "org.freedesktop.DBus.Properties", "GetAll",
                                   &error, &reply, "s", LOGIND_SESSION);
    if (r < 0) {
        r = logind_bus_error_to_errno(&error, r);
        /* A broken connection is not kept for the next call. */
        if (logind_bus_connection_lost(r))
            lp->bus = sd_bus_flush_close_unref(lp->bus);
        goto out;
    }
    r = logind_parse_session_properties(reply, LOGIND_PROPS_TIMES, rec);
out:
    /* Under the lock: a message holds a reference on the bus, and sd-bus
     * counts references without atomics (two threads unreferencing replies
     * at once lost a count: the bus leaked, or could be freed twice). */
    sd_bus_message_unref(call);
    sd_bus_message_unref(reply);
    pthread_mutex_unlock(&lp->bus_lock);
    sd_bus_error_free(&error);
    free(path);
    return r;
}

/* logind runs when its runtime directory is there and systemd is PID 1 of
 * this namespace; otherwise sd-login would silently report no sessions. */
static int logind_available(void) {
    if (sd_booted() <= 0 || access("/run/systemd/sessions", F_OK) < 0)
        return -E_UNREACHABLE;
    return 0;
}

static int logind_open(const char *target, struct session_provider **ret) {
    struct logind_provider *lp;
    int r;

    if (target)
        return -EOPNOTSUPP; /* remote hosts are another provider's business */
    r = logind_available();
    if (r < 0)
        return r;
    lp = calloc(1, sizeof(*lp));
    if (!lp)
        return -ENOMEM;
    lp->base.ops = &logind_provider_ops;
    pthread_mutex_init(&lp->bus_lock, NULL);
    *ret = &lp->base;
    return 0;
}

static void logind_close(struct session_provider *p) {
    struct logind_provider *lp = to_logind(p); /* base is the first member: NULL stays NULL */

    if (!lp)
        return;
    sd_bus_flush_close_unref(lp->bus);
    pthread_mutex_destroy(&lp->bus_lock);
    free(lp);
}

static int logind_list(struct session_provider *p, struct session_list *ret) {
    struct session_list list = {0};
    char **keys = NULL;
    int n, r;

    (void) p;
    n = sd_get_sessions(&keys);
    if (n < 0)
        return n;
    r = session_list_begin(&list, (size_t) n);
    if (r < 0)
        goto out;

    for (int i = 0; i < n; i++) {
        uint32_t id;

        if (session_id_from_logind(keys[i], &id) < 0)
            continue; /* not a name logind gives sessions: nothing we can address */
        r = record_from_file(keys[i], id, &list.items[list.count]);
        if (r == -E_NO_SESSION)
            continue; /* ended while we were reading */
        if (r < 0)
            goto out;
        list.count++;
    }
    *ret = list;
    list = (struct session_list){0};
    r = 0;
out:
    session_list_free(&list);
    if (keys)
        for (int i = 0; i < n; i++)
            free(keys[i]);
    free(keys);
    return r;
}

static int logind_get(struct session_provider *p, uint32_t id, bool with_times, struct session_record *ret) {
    struct session_record rec;
    char key[32];
    int r;

    if (id == SESSION_ID_SERVICES)
        return session_record_services(ret);
    r = session_id_to_logind(id, key, sizeof(key));
    if (r < 0)
        return -E_NO_SESSION;
    r = record_from_file(key, id, &rec);
    if (r < 0)
        return r;
    if (with_times) {
        r = read_times(to_logind(p), &rec);
        if (r < 0) {
            session_record_done(&rec);
            return r;
        }
    }
    *ret = rec;
    return 0;
}

/* TerminateSession, then (bWait) the wait for SessionRemoved: logind_bus.c. */
static int logind_logoff(struct session_provider *p, uint32_t id, bool wait, const struct logoff_policy *policy) {
    sd_bus *bus = NULL;
    char key[32];
    int r;

    (void) p;
    if (id == SESSION_ID_SERVICES || id == SESSION_ID_RDP_LISTENER)
        return -EACCES; /* session 0 holds the system's services, the listener is xrdp itself: never ended */
    r = session_id_to_logind(id, key, sizeof(key));
    if (r < 0)
        return -E_NO_SESSION;
    r = open_system_bus(&bus);
    if (r < 0)
        return r;
    r = logind_bus_logoff(bus, key, wait, policy);
    sd_bus_flush_close_unref(bus);
    return r;
}

/* The session of a process (0: the caller); sd-login's error when it has none. */
static int session_of(pid_t pid, uint32_t *ret) {
    char *key = NULL;
    int r;

    r = sd_pid_get_session(pid, &key);
    if (r < 0)
        return r;
    r = session_id_from_logind(key, ret);
    free(key);
    return r < 0 ? -E_NO_SESSION : 0;
}

static int logind_current(struct session_provider *p, uint32_t *ret) {
    int r;

    (void) p;
    r = session_of(0, ret);
    if (r == -ENODATA || r == -ENXIO) {
        *ret = SESSION_ID_SERVICES; /* like a Windows service: session 0 */
        return 0;
    }
    return r;
}

/* Which logind session a process is in (the xrdp layer asks it of an X server). */
static int logind_pid_session(struct session_provider *p, pid_t pid, uint32_t *ret) {
    int r;

    (void) p;
    r = session_of(pid, ret);
    return r == -ENODATA || r == -ENXIO ? -E_NO_SESSION : r;
}

static int logind_processes(struct session_provider *p, uint32_t session, struct session_process_list *ret) {
    return session_processes_local(p, AT_FDCWD, session, ret);
}

static int logind_terminate_process(struct session_provider *p, pid_t pid) {
    (void) p;
    return session_terminate_local(pid);
}

/* The session in the foreground of seat0 (sd_seat_get_active), as Windows'
 * console session is the one attached to the physical console. */
static int logind_console_session(struct session_provider *p, uint32_t *ret) {
    char *key = NULL;
    int r;

    (void) p;
    r = sd_seat_get_active("seat0", &key, NULL);
    if (r < 0)
        return r == -ENODATA || r == -ENXIO || r == -ENOENT ? -E_NO_SESSION : r;
    r = session_id_from_logind(key, ret);
    free(key);
    return r < 0 ? -E_NO_SESSION : 0;
}

static int logind_send_message(struct session_provider *p, uint32_t id, const struct session_message *m,
                          struct session_message_result *ret) {
    return session_message_local(p, AT_FDCWD, id, m, ret);
}

/* Its own connection: a subscriber's signals never wait behind another thread's call. */
static int logind_subscribe(struct session_provider *p, struct session_subscription **ret) {
    sd_bus *bus = NULL;
    int r;

    (void) p;
    r = open_system_bus(&bus);
    if (r < 0)
        return r;
    r = logind_subscribe_shared(bus, NULL, true, ret);
    sd_bus_unref(bus);
    return r;
}

const struct session_provider_ops logind_provider_ops = {
    .name = "logind",
    .open = logind_open,
    .close = logind_close,
    .list = logind_list,
    .get = logind_get,
    .current = logind_current,
    .logoff = logind_logoff,
    .pid_session = logind_pid_session,
    .processes = logind_processes,
    .terminate_process = logind_terminate_process,
    .idle_time = session_idle_local,
    .send_message = logind_send_message,
    .console_session = logind_console_session,
    .subscribe = logind_subscribe,
};
