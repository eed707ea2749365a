/*
 * Every public function may be called from many threads at once, on one
 * handle or many (issue 10, "Thread safety"). 16 threads at a time:
 *
 *   - NetServerGetInfo / NetSessionEnum against closed loopback ports;
 *   - a real smbd (WTSNET_TEST_PORT, admin from WTSNET_TEST_ADMIN{,_PW}):
 *     all threads on one pooled connection, then with that connection
 *     dropped (WNetCancelConnection2) and re-added under their feet;
 *   - a test double that accepts, reads a little and hangs up, and a relay
 *     we control that cuts connections to the smbd in the middle of calls;
 *   - WTS calls on one handle of this host (whatever provider runs), with
 *     sessions the suite holds open and, as root, sessions started and
 *     killed meanwhile; the handle closed while the others use it; and
 *     open/close churn;
 *   - NetFileEnum / NetFileGetInfo / NetConnectionEnum / NetShareEnum /
 *     NetWkstaUserEnum on the smbd, with a file the suite holds open
 *     through smbclient (WTSNET_TEST_OPEN_USER, WTSNET_TEST_OPEN_FILE);
 *   - the process calls of this host (WTSEnumerateProcessesW/ExW,
 *     WTSFreeMemoryExW, ProcessIdToSessionId, WTSGetActiveConsoleSessionId);
 *   - WTSWaitSystemEvent: 16 waiters on one handle ended by WTS_EVENT_FLUSH,
 *     and by WTSCloseServer; the wtsnet_events.h subscriptions opened,
 *     read and closed from 16 threads, and closed under 16 readers.
 *
 * Each thread checks its own results (consistent data, or a proper Win32
 * error in GetLastError / the return value, outputs untouched on failure)
 * and counts its failures; the main thread reports them (tap.h is not
 * thread-safe). Run under ASan and under ThreadSanitizer by
 * tests/suites/35-threads.sh; every loop is bounded in count and time.
 */
#include <lm.h>
#include <winnetwk.h>
#include <wtsapi32.h>
#include <wtsnet_events.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "tap.h"

#define THREADS 16
#define POISON ((LPBYTE) 0x5a5a5a5a)

/* ---- per-thread bookkeeping ---- */

struct worker {
    pthread_t tid;
    int index;
    void *arg;
    unsigned failures;
    unsigned ok, errors; /* calls that succeeded / failed with an allowed error */
    char first_failure[256];
};

__attribute__((format(printf, 2, 3))) static void fail_at(struct worker *w, const char *fmt, ...) {
    va_list ap;

    if (w->failures++ == 0) {
        va_start(ap, fmt);
        vsnprintf(w->first_failure, sizeof(w->first_failure), fmt, ap);
        va_end(ap);
    }
}

#define WCHECK(w, cond, ...)                   \
    do {                                       \
        if (!(cond))                           \
            fail_at((w), __VA_ARGS__);         \
    } while (0)

/* Runs fn on THREADS threads, all released at once, and reports their failures. */
static void run_threads(void *(*fn)(void *), void *arg, struct worker *ws) {
    for (int i = 0; i < THREADS; i++) {
        ws[i] = (struct worker){.index = i, .arg = arg};
        REQUIRE(pthread_create(&ws[i].tid, NULL, fn, &ws[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(ws[i].tid, NULL);
    for (int i = 0; i < THREADS; i++)
        if (ws[i].failures) {
            TAP_FAIL("thread %d: %u failed checks; first: %s", i, ws[i].failures, ws[i].first_failure);
        }
}

static unsigned total_ok(const struct worker *ws) {
    unsigned n = 0;

    for (int i = 0; i < THREADS; i++)
        n += ws[i].ok;
    return n;
}

static unsigned total_errors(const struct worker *ws) {
    unsigned n = 0;

    for (int i = 0; i < THREADS; i++)
        n += ws[i].errors;
    return n;
}

/* All threads start their calls together. */
static pthread_barrier_t start_line;

static void line_up(void) {
    pthread_barrier_wait(&start_line);
}

/* ---- loopback sockets ---- */

/* A port on 127.0.0.1 that refuses connections for as long as fd stays open:
 * bound, never listening, so nobody else can take it meanwhile. */
static int closed_port(int *ret_fd) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof(a)) < 0 ||
        getsockname(fd, (struct sockaddr *) &a, &len) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *ret_fd = fd;
    return ntohs(a.sin_port);
}

static int listener(int *ret_port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof(a)) < 0 || listen(fd, 64) < 0 ||
        getsockname(fd, (struct sockaddr *) &a, &len) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *ret_port = ntohs(a.sin_port);
    return fd;
}

static void hang_up(int fd, bool reset) {
    if (reset) { /* an RST instead of a FIN: the other way a connection dies */
        struct linger l = {.l_onoff = 1, .l_linger = 0};

        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    }
    close(fd);
}

static double now_s(void) {
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

/* ---- (a) closed ports ---- */

struct closed_ports {
    wchar_t names[4][32];
};

static void *closed_port_worker(void *p) {
    struct worker *w = p;
    const struct closed_ports *c = w->arg;

    line_up();
    for (int it = 0; it < 25; it++) {
        LPWSTR name = (LPWSTR) c->names[(w->index + it) % 4];
        LPBYTE b = POISON;
        DWORD read = 7, total = 7, resume = 0;
        NET_API_STATUS st;

        st = NetServerGetInfo(name, 101, &b);
        /* docs/netapi.md: nothing listening is ERROR_BAD_NETPATH, as on Windows. */
        WCHECK(w, st == ERROR_BAD_NETPATH, "NetServerGetInfo(%ls) = %u", name, (unsigned) st);
        WCHECK(w, b == POISON, "NetServerGetInfo wrote its output on failure");
        st = NetSessionEnum(name, NULL, NULL, 10, &b, MAX_PREFERRED_LENGTH, &read, &total, &resume);
        WCHECK(w, st == ERROR_BAD_NETPATH, "NetSessionEnum(%ls) = %u", name, (unsigned) st);
        WCHECK(w, b == POISON, "NetSessionEnum wrote its output on failure");
        if (st == ERROR_BAD_NETPATH)
            w->errors += 2;
    }
    return NULL;
}

static void net_calls_to_closed_ports_fail_cleanly_from_16_threads(void) {
    struct closed_ports c;
    struct worker ws[THREADS];
    int fds[4];

    for (int i = 0; i < 4; i++) {
        int port = closed_port(&fds[i]);

        REQUIRE(port > 0);
        swprintf(c.names[i], 32, L"127.0.0.1:%d", port);
    }
    run_threads(closed_port_worker, &c, ws);
    CHECK_EQ_U(total_errors(ws), THREADS * 25 * 2);
    for (int i = 0; i < 4; i++)
        close(fds[i]);
}

/* ---- (b) one pooled connection to a real smbd ---- */

static const char *smb_port, *admin, *admin_pw;
static wchar_t smb_server[64], admin_w[64];
/* Our client address: as NetSessionGetInfo takes it, and as the server reports it (no "\\"). */
static wchar_t local_unc[] = L"\\\\127.0.0.1", local_client[] = L"127.0.0.1";

static bool have_samba(void) {
    smb_port = getenv("WTSNET_TEST_PORT");
    admin = getenv("WTSNET_TEST_ADMIN");
    admin_pw = getenv("WTSNET_TEST_ADMIN_PW");
    if (!smb_port || !*smb_port || !admin || !admin_pw)
        return false;
    swprintf(smb_server, 64, L"127.0.0.1:%s", smb_port);
    swprintf(admin_w, 64, L"%s", admin);
    return true;
}

static DWORD add_admin(const wchar_t *server) {
    wchar_t remote[100], pw[64];
    NETRESOURCEW nr = {.dwType = RESOURCETYPE_ANY, .lpRemoteName = remote};

    swprintf(remote, 100, L"\\\\%ls\\IPC$", server);
    swprintf(pw, 64, L"%s", admin_pw);
    return WNetAddConnection2W(&nr, pw, admin_w, 0);
}

static DWORD cancel(const wchar_t *server) {
    wchar_t remote[100];

    swprintf(remote, 100, L"\\\\%ls\\IPC$", server);
    return WNetCancelConnection2W(remote, 0, TRUE);
}

/* What one answer from the server must be, taken once before the threads run. */
struct samba_truth {
    const wchar_t *server;
    wchar_t name[64];
    DWORD platform, major, minor, type;
    bool cutting; /* behind the cutting relay: a lost connection is an allowed error */
};

static bool allowed_loss(NET_API_STATUS st) {
    /* docs/netapi.md: a connection lost mid-call is RPC_S_SERVER_UNAVAILABLE. */
    return st == RPC_S_SERVER_UNAVAILABLE;
}

static void check_server_info(struct worker *w, const struct samba_truth *t) {
    LPBYTE b = POISON;
    NET_API_STATUS st = NetServerGetInfo((LPWSTR) t->server, 101, &b);

    if (st == NERR_Success) {
        const SERVER_INFO_101 *i = (const SERVER_INFO_101 *) b;

        WCHECK(w, b != POISON && i->sv101_name && wcscmp(i->sv101_name, t->name) == 0 &&
                      i->sv101_platform_id == t->platform && i->sv101_version_major == t->major &&
                      i->sv101_version_minor == t->minor && i->sv101_type == t->type,
               "NetServerGetInfo answered differently from the first call (%ls)", i->sv101_name);
        NetApiBufferFree(b);
        w->ok++;
    } else if (t->cutting && allowed_loss(st)) {
        WCHECK(w, b == POISON, "NetServerGetInfo wrote its output on failure");
        w->errors++;
    } else
        fail_at(w, "NetServerGetInfo = %u", (unsigned) st);
}

/* Our own admin session from 127.0.0.1 is listed: we are connected while we ask. */
static void check_session_enum(struct worker *w, const struct samba_truth *t) {
    LPBYTE b = POISON;
    DWORD read = 0, total = 0, resume = 0, mine = 0;
    NET_API_STATUS st = NetSessionEnum((LPWSTR) t->server, NULL, NULL, 10, &b, MAX_PREFERRED_LENGTH, &read, &total,
                                       &resume);

    if (st == NERR_Success) {
        const SESSION_INFO_10 *v = (const SESSION_INFO_10 *) b;

        for (DWORD i = 0; i < read; i++)
            if (v[i].sesi10_username && wcscasecmp(v[i].sesi10_username, admin_w) == 0 && v[i].sesi10_cname &&
                wcscmp(v[i].sesi10_cname, local_client) == 0)
                mine++;
        WCHECK(w, read == total && mine >= 1, "NetSessionEnum: %u of %u, %u of ours", (unsigned) read,
               (unsigned) total, (unsigned) mine);
        NetApiBufferFree(b);
        w->ok++;
    } else if (t->cutting && allowed_loss(st)) {
        WCHECK(w, b == POISON, "NetSessionEnum wrote its output on failure");
        w->errors++;
    } else
        fail_at(w, "NetSessionEnum = %u", (unsigned) st);
}

static void check_session_get_info(struct worker *w, const struct samba_truth *t) {
    LPBYTE b = POISON;
    NET_API_STATUS st = NetSessionGetInfo((LPWSTR) t->server, local_unc, admin_w, 10, &b);

    if (st == NERR_Success) {
        const SESSION_INFO_10 *i = (const SESSION_INFO_10 *) b;

        WCHECK(w, i->sesi10_username && wcscasecmp(i->sesi10_username, admin_w) == 0 && i->sesi10_cname &&
                      wcscmp(i->sesi10_cname, local_client) == 0,
               "NetSessionGetInfo named another session");
        NetApiBufferFree(b);
        w->ok++;
    } else if (t->cutting && allowed_loss(st)) {
        WCHECK(w, b == POISON, "NetSessionGetInfo wrote its output on failure");
        w->errors++;
    } else
        fail_at(w, "NetSessionGetInfo = %u", (unsigned) st);
}

static int samba_iterations = 12;

static void *samba_worker(void *p) {
    struct worker *w = p;
    const struct samba_truth *t = w->arg;

    line_up();
    for (int it = 0; it < samba_iterations; it++)
        switch ((w->index + it) % 3) {
        case 0:
            check_server_info(w, t);
            break;
        case 1:
            check_session_enum(w, t);
            break;
        default:
            check_session_get_info(w, t);
        }
    return NULL;
}

static void learn_truth(struct samba_truth *t, const wchar_t *server) {
    LPBYTE b = NULL;
    const SERVER_INFO_101 *i;

    memset(t, 0, sizeof(*t));
    t->server = server;
    REQUIRE(NetServerGetInfo((LPWSTR) server, 101, &b) == NERR_Success);
    i = (const SERVER_INFO_101 *) b;
    swprintf(t->name, 64, L"%ls", i->sv101_name);
    t->platform = i->sv101_platform_id, t->major = i->sv101_version_major;
    t->minor = i->sv101_version_minor, t->type = i->sv101_type;
    NetApiBufferFree(b);
}

/* How many sessions of ours the server lists (one pooled connection = one). */
static int our_sessions(void) {
    LPBYTE b = NULL;
    DWORD read = 0, total = 0, resume = 0;
    int mine = 0;

    if (NetSessionEnum(smb_server, NULL, admin_w, 10, &b, MAX_PREFERRED_LENGTH, &read, &total, &resume) != NERR_Success)
        return -1;
    for (DWORD i = 0; i < read; i++)
        if (wcscmp(((SESSION_INFO_10 *) b)[i].sesi10_cname, local_client) == 0)
            mine++;
    NetApiBufferFree(b);
    return mine;
}

static void samba_calls_from_16_threads_share_one_pooled_connection(void) {
    struct samba_truth t;
    struct worker ws[THREADS];

    if (!have_samba())
        SKIP("no smbd (WTSNET_TEST_PORT unset)");
    REQUIRE(add_admin(smb_server) == NO_ERROR); /* authenticates: the pooled connection exists now */
    learn_truth(&t, smb_server);
    REQUIRE(our_sessions() == 1);
    run_threads(samba_worker, &t, ws);
    CHECK_EQ_U(total_ok(ws), THREADS * samba_iterations);
    CHECK_EQ_I(our_sessions(), 1); /* still the one connection every thread shared */
    CHECK_EQ_U(cancel(smb_server), NO_ERROR);
}

/* One thread drops the server's pooled connection (WNetCancelConnection2)
 * and adds it back, again and again, while 15 others call through it. With
 * WTSNET_CREDENTIALS_FILE naming the same admin, every call must succeed. */
static atomic_int churn_stop;

static void *churn_worker(void *p) {
    struct worker *w = p;
    const struct samba_truth *t = w->arg;

    if (w->index != 0)
        return samba_worker(p);
    line_up();
    for (int it = 0; it < 40 && !atomic_load(&churn_stop); it++) {
        DWORD r = cancel(t->server);

        WCHECK(w, r == NO_ERROR, "WNetCancelConnection2 = %u", (unsigned) r);
        r = add_admin(t->server);
        WCHECK(w, r == NO_ERROR, "WNetAddConnection2 = %u", (unsigned) r);
        usleep(20000);
    }
    return NULL;
}

static void dropping_the_pooled_connection_under_busy_threads_is_safe(void) {
    struct samba_truth t;
    struct worker ws[THREADS];
    const char *creds = getenv("WTSNET_CREDENTIALS_FILE");

    if (!have_samba())
        SKIP("no smbd (WTSNET_TEST_PORT unset)");
    if (!creds || !*creds)
        SKIP("WTSNET_CREDENTIALS_FILE unset (the suite names the admin in one)");
    REQUIRE(add_admin(smb_server) == NO_ERROR);
    learn_truth(&t, smb_server);
    atomic_store(&churn_stop, 0);
    run_threads(churn_worker, &t, ws);
    CHECK_EQ_U(total_ok(ws), (THREADS - 1) * samba_iterations);
    cancel(smb_server);
}

/* ---- (c) connections that die mid-call ---- */

struct peer {
    int fd, port;
    atomic_int stop;
    atomic_uint accepted;
    pthread_t tid;
    /* the relay only */
    int target_port;
    atomic_uint cut;
    pthread_t conn_tids[512];
    atomic_uint nconn;
};

/* Test double: accepts, reads a little of the request, hangs up. */
static void *closing_peer(void *p) {
    struct peer *pe = p;

    while (!atomic_load(&pe->stop)) {
        struct pollfd pf = {.fd = pe->fd, .events = POLLIN};
        char buf[64];
        unsigned n;
        int c;

        if (poll(&pf, 1, 100) <= 0)
            continue;
        c = accept4(pe->fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        n = atomic_fetch_add(&pe->accepted, 1);
        pf = (struct pollfd){.fd = c, .events = POLLIN};
        if (poll(&pf, 1, 2000) > 0)
            (void) !read(c, buf, 1 + n % sizeof(buf)); /* a bit, never the whole request */
        hang_up(c, n % 2);
    }
    return NULL;
}

static void *closing_peer_worker(void *p) {
    struct worker *w = p;
    const wchar_t *name = w->arg;

    line_up();
    for (int it = 0; it < 10; it++) {
        LPBYTE b = POISON;
        DWORD read = 7, total = 7, resume = 0;
        NET_API_STATUS st = (it + w->index) % 2
                                ? NetServerGetInfo((LPWSTR) name, 101, &b)
                                : NetSessionEnum((LPWSTR) name, NULL, NULL, 10, &b, MAX_PREFERRED_LENGTH, &read,
                                                 &total, &resume);

        WCHECK(w, allowed_loss(st), "a call to a server that hangs up = %u", (unsigned) st);
        WCHECK(w, b == POISON, "output written on failure");
        w->errors++;
    }
    return NULL;
}

static void a_server_hanging_up_mid_call_fails_every_thread_cleanly(void) {
    struct peer pe = {0};
    struct worker ws[THREADS];
    wchar_t name[32];
    double t0;

    REQUIRE((pe.fd = listener(&pe.port)) >= 0);
    REQUIRE(pthread_create(&pe.tid, NULL, closing_peer, &pe) == 0);
    swprintf(name, 32, L"127.0.0.1:%d", pe.port);
    t0 = now_s();
    run_threads(closing_peer_worker, name, ws);
    atomic_store(&pe.stop, 1);
    pthread_join(pe.tid, NULL);
    close(pe.fd);
    CHECK_EQ_U(total_errors(ws), THREADS * 10);
    CHECK(atomic_load(&pe.accepted) > 0); /* (threads waiting on one attempt share its outcome) */
    /* Hang-ups are answers: nothing waited for WTSNET_TIMEOUT (generous margin). */
    CHECK(now_s() - t0 < 60);
}

/* Test double: accepts and never says a word (the connections stay open until the end). */
static void *silent_peer(void *p) {
    struct peer *pe = p;
    int held[64];
    unsigned n = 0;

    while (!atomic_load(&pe->stop)) {
        struct pollfd pf = {.fd = pe->fd, .events = POLLIN};
        int c;

        if (poll(&pf, 1, 100) <= 0)
            continue;
        c = accept4(pe->fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        atomic_fetch_add(&pe->accepted, 1);
        if (n < sizeof(held) / sizeof(held[0]))
            held[n++] = c;
        else
            close(c);
    }
    while (n)
        close(held[--n]);
    return NULL;
}

static double call_timeout_s(void) {
    const char *t = getenv("WTSNET_TIMEOUT");

    return t && atoi(t) > 0 ? atoi(t) : 20; /* docs/netapi.md: WTSNET_TIMEOUT, default 20 s */
}

static void *silent_peer_worker(void *p) {
    struct worker *w = p;
    const wchar_t *name = w->arg;
    LPBYTE b = POISON;
    NET_API_STATUS st;
    double t0, took;

    line_up();
    t0 = now_s();
    st = NetServerGetInfo((LPWSTR) name, 101, &b);
    took = now_s() - t0;
    WCHECK(w, st == ERROR_TIMEOUT, "a call to a silent server = %u", (unsigned) st);
    WCHECK(w, b == POISON, "output written on failure");
    /* Threads waiting for one connection attempt share its outcome: each
     * call ends within about one timeout, not one per thread ahead of it
     * (generous margin: the machine is loaded). */
    WCHECK(w, took < 2 * call_timeout_s() + 15, "took %.1f s with WTSNET_TIMEOUT %.0f s", took, call_timeout_s());
    w->errors++;
    return NULL;
}

static void threads_waiting_on_a_silent_server_fail_within_one_timeout(void) {
    struct peer pe = {0};
    struct worker ws[THREADS];
    wchar_t name[32];

    if (call_timeout_s() > 10)
        SKIP("WTSNET_TIMEOUT above 10 s: the suite sets 5");
    REQUIRE((pe.fd = listener(&pe.port)) >= 0);
    REQUIRE(pthread_create(&pe.tid, NULL, silent_peer, &pe) == 0);
    swprintf(name, 32, L"127.0.0.1:%d", pe.port);
    run_threads(silent_peer_worker, name, ws);
    atomic_store(&pe.stop, 1);
    pthread_join(pe.tid, NULL);
    close(pe.fd);
    CHECK_EQ_U(total_errors(ws), THREADS);
}

/* A relay we control in front of the smbd: connection n is cut (FIN or RST,
 * both ways) after cut_after[n % 6] bytes have crossed it, so that calls
 * die in negotiation, authentication, the pipe bind and the call itself;
 * every sixth connection is left alone. */
static const unsigned cut_after[] = {40, 300, 700, 1200, 2400, 0};

struct relay_conn {
    struct peer *pe;
    int client, server;
    unsigned limit;
    bool reset;
};

static void *relay_pump(void *p) {
    struct relay_conn *rc = p;
    unsigned crossed = 0;
    double deadline = now_s() + 60;
    bool cut = false;

    for (;;) {
        struct pollfd pf[2] = {{.fd = rc->client, .events = POLLIN}, {.fd = rc->server, .events = POLLIN}};
        char buf[4096];

        if (atomic_load(&rc->pe->stop) || now_s() > deadline || poll(pf, 2, 100) < 0)
            break;
        for (int k = 0; k < 2; k++) {
            ssize_t n;
            size_t want = sizeof(buf);

            if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (rc->limit && crossed + want > rc->limit)
                want = rc->limit - crossed;
            n = want ? read(pf[k].fd, buf, want) : 0;
            if (n <= 0 || write(pf[1 - k].fd, buf, (size_t) n) != n)
                goto done;
            crossed += (unsigned) n;
            if (rc->limit && crossed >= rc->limit) {
                cut = true;
                goto done;
            }
        }
    }
done:
    if (cut)
        atomic_fetch_add(&rc->pe->cut, 1);
    hang_up(rc->client, rc->reset);
    hang_up(rc->server, rc->reset);
    free(rc);
    return NULL;
}

static void *relay_accept(void *p) {
    struct peer *pe = p;

    while (!atomic_load(&pe->stop)) {
        struct pollfd pf = {.fd = pe->fd, .events = POLLIN};
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                .sin_port = htons((uint16_t) pe->target_port)};
        struct relay_conn *rc;
        unsigned n;
        int c, s;

        if (poll(&pf, 1, 100) <= 0)
            continue;
        c = accept4(pe->fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        n = atomic_load(&pe->nconn);
        s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (n >= sizeof(pe->conn_tids) / sizeof(pe->conn_tids[0]) || s < 0 ||
            connect(s, (struct sockaddr *) &a, sizeof(a)) < 0 || !(rc = malloc(sizeof(*rc)))) {
            if (s >= 0)
                close(s);
            close(c); /* over the bound: refused like a dead server */
            continue;
        }
        *rc = (struct relay_conn){.pe = pe, .client = c, .server = s, .limit = cut_after[n % 6], .reset = n % 2};
        if (pthread_create(&pe->conn_tids[n], NULL, relay_pump, rc) != 0) {
            close(c), close(s), free(rc);
            continue;
        }
        atomic_store(&pe->nconn, n + 1);
    }
    return NULL;
}

static void a_relay_cutting_smb_connections_mid_call_gives_answers_or_clean_errors(void) {
    static struct peer pe; /* large: not on the stack */
    struct samba_truth t;
    struct worker ws[THREADS];
    wchar_t relay[32];

    if (!have_samba())
        SKIP("no smbd (WTSNET_TEST_PORT unset)");
    memset(&pe, 0, sizeof(pe));
    pe.target_port = atoi(smb_port);
    if (!getenv("WTSNET_CREDENTIALS_FILE"))
        SKIP("WTSNET_CREDENTIALS_FILE unset (the suite names the admin in one)");
    REQUIRE((pe.fd = listener(&pe.port)) >= 0);
    REQUIRE(pthread_create(&pe.tid, NULL, relay_accept, &pe) == 0);
    swprintf(relay, 32, L"127.0.0.1:%d", pe.port);
    learn_truth(&t, smb_server); /* the answer, straight from the server */
    t.server = relay;
    t.cutting = true;
    run_threads(samba_worker, &t, ws);
    atomic_store(&pe.stop, 1);
    pthread_join(pe.tid, NULL);
    for (unsigned i = 0; i < atomic_load(&pe.nconn); i++)
        pthread_join(pe.conn_tids[i], NULL);
    close(pe.fd);
    tap_diag("%u answers, %u lost connections, %u connections cut", total_ok(ws), total_errors(ws),
             atomic_load(&pe.cut));
    CHECK_EQ_U(total_ok(ws) + total_errors(ws), THREADS * samba_iterations);
    CHECK(atomic_load(&pe.cut) > 0); /* the relay really cut calls */
    CHECK(total_ok(ws) > 0);          /* and let some through: answers come back between cuts */
}

/* ---- (d) WTS calls on one handle of this host ---- */

/* The host the WTS cases ask: this one, or WTSNET_TEST_THREADS_SERVER (e.g.
 * "ssh://user@127.0.0.1:2490": the remote provider, whose one ssh connection
 * the threads of a handle share). */
static wchar_t wts_server[300]; /* set by main before any thread runs */
static bool remote_host;

static void choose_wts_server(void) {
    const char *s = getenv("WTSNET_TEST_THREADS_SERVER");

    remote_host = s && *s;
    swprintf(wts_server, 300, L"%s", remote_host ? s : "localhost");
}

static bool wts_remote(void) {
    return remote_host;
}

static HANDLE open_wts(bool alternate) {
    /* "." and "localhost" both name this host: two spellings, one meaning. */
    return WTSOpenServerW(alternate && !wts_remote() ? (LPWSTR) L"." : wts_server);
}

/* Sessions the suite keeps open (WTSNET_TEST_MIN_SESSIONS), and the uid the
 * churn below may give new ones (WTSNET_TEST_SESSION_UID, root only). */
static unsigned min_sessions;

/* Sessions come and go while the threads look: a child that sets its
 * loginuid (what pam_loginuid does; the kernel gives it a new audit session)
 * and sleeps until killed. Only async-signal-safe calls after fork. */
static atomic_int session_churn_stop;

static pid_t start_session(const char *uid) {
    pid_t pid = fork();

    if (pid == 0) {
        int fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);

        if (fd < 0 || write(fd, uid, strlen(uid)) < 0)
            _exit(1);
        close(fd);
        execl("/bin/sleep", "sleep", "30", (char *) NULL);
        _exit(1);
    }
    return pid;
}

static void *session_churn(void *p) {
    const char *uid = p;

    for (int i = 0; i < 20 && !atomic_load(&session_churn_stop); i++) {
        pid_t pid = start_session(uid);

        if (pid < 0)
            break;
        usleep(50000);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    return NULL;
}

/* With times (a bus call on logind): the same id, or gone meanwhile. */
static void check_session_info(struct worker *w, HANDLE h, DWORD id) {
    WTSINFOW *info = NULL;
    DWORD bytes = 0;

    SetLastError(0xdead0000u | (DWORD) w->index);
    if (WTSQuerySessionInformationW(h, id, WTSSessionInfo, (LPWSTR *) &info, &bytes)) {
        WCHECK(w, bytes == sizeof(WTSINFOW) && info->SessionId == id, "WTSSessionInfo of %u names %u",
               (unsigned) id, (unsigned) info->SessionId);
        WTSFreeMemory(info);
    } else
        WCHECK(w, GetLastError() == ERROR_CTX_WINSTATION_NOT_FOUND, "WTSSessionInfo of %u: error %u", (unsigned) id,
               (unsigned) GetLastError());
}

static void check_one_enumeration(struct worker *w, HANDLE h) {
    PWTS_SESSION_INFOW v = (PWTS_SESSION_INFOW) POISON;
    DWORD n = 0, services = 0;

    SetLastError(0xdead0000u | (DWORD) w->index);
    if (!WTSEnumerateSessionsW(h, 0, 1, &v, &n)) {
        fail_at(w, "WTSEnumerateSessionsW failed: %u", (unsigned) GetLastError());
        return;
    }
    for (DWORD i = 0; i < n; i++) {
        LPWSTR name = NULL;
        DWORD bytes = 0, *id = NULL;

        if (v[i].SessionId == 0)
            services++;
        for (DWORD j = i + 1; j < n; j++)
            WCHECK(w, v[j].SessionId != v[i].SessionId, "session %u listed twice", (unsigned) v[i].SessionId);
        /* Asked again by id: the same session, or gone meanwhile, said properly. */
        SetLastError(0xdead0000u | (DWORD) w->index);
        if (WTSQuerySessionInformationW(h, v[i].SessionId, WTSSessionId, (LPWSTR *) &id, &bytes)) {
            WCHECK(w, bytes == sizeof(DWORD) && *id == v[i].SessionId, "WTSSessionId of %u is %u",
                   (unsigned) v[i].SessionId, id ? (unsigned) *id : 0u);
            WTSFreeMemory(id);
        } else
            WCHECK(w, GetLastError() == ERROR_CTX_WINSTATION_NOT_FOUND, "WTSSessionId of %u: error %u",
                   (unsigned) v[i].SessionId, (unsigned) GetLastError());
        SetLastError(0xdead0000u | (DWORD) w->index);
        if (WTSQuerySessionInformationW(h, v[i].SessionId, WTSWinStationName, &name, &bytes)) {
            /* Session 0's name is fixed; another's may change while its login
             * is still being set up (its PAM service becomes known). */
            WCHECK(w, v[i].SessionId ? name[0] != 0 : wcscmp(name, L"Services") == 0,
                   "WinStation of %u: \"%ls\", listed as %ls", (unsigned) v[i].SessionId, name,
                   v[i].pWinStationName);
            WTSFreeMemory(name);
        } else
            WCHECK(w, GetLastError() == ERROR_CTX_WINSTATION_NOT_FOUND, "WTSWinStationName of %u: error %u",
                   (unsigned) v[i].SessionId, (unsigned) GetLastError());
        check_session_info(w, h, v[i].SessionId);
    }
    WCHECK(w, services == 1, "session 0 listed %u times", (unsigned) services);
    WCHECK(w, n - services >= min_sessions, "%u sessions besides 0, the suite made %u", (unsigned) (n - services),
           min_sessions);
    WTSFreeMemory(v);
    w->ok++;
}


static void *wts_worker(void *p) {
    struct worker *w = p;

    line_up();
    for (int it = 0; it < 8; it++)
        check_one_enumeration(w, (HANDLE) w->arg);
    return NULL;
}

static void wts_calls_on_one_handle_from_16_threads_agree(void) {
    HANDLE h = open_wts(false);
    struct worker ws[THREADS];
    const char *min = getenv("WTSNET_TEST_MIN_SESSIONS"), *uid = getenv("WTSNET_TEST_SESSION_UID");
    pthread_t churn;
    bool churning = false;

    REQUIRE(h != WTS_CURRENT_SERVER_HANDLE);
    min_sessions = min ? (unsigned) atoi(min) : 0;
    if (uid && *uid && geteuid() == 0) {
        atomic_store(&session_churn_stop, 0);
        churning = pthread_create(&churn, NULL, session_churn, (void *) uid) == 0;
    }
    run_threads(wts_worker, h, ws);
    CHECK_EQ_U(total_ok(ws), THREADS * 8);
    if (!wts_remote()) {
        run_threads(wts_worker, WTS_CURRENT_SERVER_HANDLE, ws); /* and the process-wide one */
        CHECK_EQ_U(total_ok(ws), THREADS * 8);
    }
    if (churning) {
        atomic_store(&session_churn_stop, 1);
        pthread_join(churn, NULL);
    }
    tap_diag("%u sessions kept open by the suite; sessions churned meanwhile: %s", min_sessions,
             churning ? "yes" : "no");
    WTSCloseServer(h);
}

/* The handle is closed by the main thread while the 16 use it: each call
 * either works or says ERROR_INVALID_HANDLE, and once one said so, every
 * later one does. Closing it again (from every thread) is harmless. */
static atomic_uint calls_before_close;

static void *closing_race_worker(void *p) {
    struct worker *w = p;
    HANDLE h = w->arg;
    bool closed = false;
    int after = 0;
    double deadline = now_s() + 120;

    line_up();
    while (after < 5 && now_s() < deadline) {
        PWTS_SESSION_INFOW v = (PWTS_SESSION_INFOW) POISON;
        DWORD n = 7;

        SetLastError(0xdead0000u | (DWORD) w->index);
        if (WTSEnumerateSessionsW(h, 0, 1, &v, &n)) {
            WCHECK(w, !closed, "a call worked after the handle was seen closed");
            WTSFreeMemory(v);
            atomic_fetch_add(&calls_before_close, 1);
            w->ok++;
        } else {
            DWORD e = GetLastError();

            WCHECK(w, e == ERROR_INVALID_HANDLE, "on a closing handle: error %u", (unsigned) e);
            WCHECK(w, v == (PWTS_SESSION_INFOW) POISON && n == 7, "outputs written on failure");
            closed = true;
            after++;
            w->errors++;
        }
    }
    WCHECK(w, closed, "the handle was never seen closed");
    WTSCloseServer(h); /* a second close: ignored */
    return NULL;
}

struct closer {
    HANDLE h;
};

static void *close_when_busy(void *p) {
    struct closer *c = p;
    double deadline = now_s() + 60;

    while (atomic_load(&calls_before_close) < THREADS * 2 && now_s() < deadline)
        usleep(1000);
    WTSCloseServer(c->h);
    return NULL;
}

static void closing_a_handle_other_threads_use_is_safe(void) {
    struct worker ws[THREADS];
    struct closer c = {.h = open_wts(false)};
    pthread_t closer;

    REQUIRE(c.h != WTS_CURRENT_SERVER_HANDLE);
    atomic_store(&calls_before_close, 0);
    REQUIRE(pthread_create(&closer, NULL, close_when_busy, &c) == 0);
    run_threads(closing_race_worker, c.h, ws);
    pthread_join(closer, NULL);
    CHECK(total_ok(ws) >= THREADS * 2);
    CHECK(total_errors(ws) >= THREADS * 5);
}

/* A remote handle is an ssh connection each: fewer of them. */
static int churn_iterations(void) {
    return wts_remote() ? 2 : 20;
}

/* Every thread opens and closes its own handles while all also use one shared handle. */
static void *churn_handles_worker(void *p) {
    struct worker *w = p;

    line_up();
    for (int it = 0; it < churn_iterations(); it++) {
        HANDLE mine = open_wts(it % 2);
        PWTS_SESSION_INFOW v = NULL;
        DWORD n = 0;

        if (!mine) {
            fail_at(w, "WTSOpenServerW failed: %u", (unsigned) GetLastError());
            continue;
        }
        WCHECK(w, WTSEnumerateSessionsW(mine, 0, 1, &v, &n) && n >= 1, "enumeration on a new handle: %u",
               (unsigned) GetLastError());
        if (v)
            WTSFreeMemory(v), v = NULL;
        WCHECK(w, WTSEnumerateSessionsW((HANDLE) w->arg, 0, 1, &v, &n) && n >= 1,
               "enumeration on the shared handle: %u", (unsigned) GetLastError());
        if (v)
            WTSFreeMemory(v);
        /* (Not checked here that "mine" is dead after the close: another
         * thread's open may get the same value, as handles do on Windows.) */
        WTSCloseServer(mine);
        w->ok++;
    }
    return NULL;
}

static void opening_and_closing_handles_from_16_threads_is_safe(void) {
    HANDLE shared = open_wts(false);
    struct worker ws[THREADS];

    REQUIRE(shared != WTS_CURRENT_SERVER_HANDLE);
    run_threads(churn_handles_worker, shared, ws);
    CHECK_EQ_U(total_ok(ws), THREADS * churn_iterations());
    WTSCloseServer(shared);
}

/* ---- (e) the share, file, connection and workstation calls on a real smbd ---- */

/* The suite holds one file open through a real smbclient
 * (WTSNET_TEST_OPEN_FILE in share "share", as WTSNET_TEST_OPEN_USER):
 * what the server says of it, of its shares and of its users is learned once
 * and must come back the same from every thread. */
struct netfile_truth {
    wchar_t user[64];
    DWORD file_id, file_perms;
    wchar_t file_path[512];
    DWORD file_count;          /* NetFileEnum level 3: every open file */
    CONNECTION_INFO_1 conn;    /* NetConnectionEnum("share"): the smbclient's, the one with an open file */
    wchar_t conn_user[64], conn_netname[80];
    DWORD conns;
    DWORD shares;              /* NetShareEnum level 1 */
    wchar_t share_names[32][80];
    DWORD wksta_users;         /* NetWkstaUserEnum level 0 */
    wchar_t wksta_names[32][80];
};

static bool ends_with(const wchar_t *s, const wchar_t *tail) {
    size_t ls = s ? wcslen(s) : 0, lt = wcslen(tail);

    return ls > lt && s[ls - lt - 1] == L'\\' && wcscasecmp(s + ls - lt, tail) == 0;
}

static void check_file_enum(struct worker *w, const struct netfile_truth *t) {
    LPBYTE b = POISON;
    DWORD read = 0, total = 0, found = 0;
    DWORD_PTR resume = 0;
    NET_API_STATUS st = NetFileEnum(smb_server, NULL, NULL, 3, &b, MAX_PREFERRED_LENGTH, &read, &total, &resume);

    if (st != NERR_Success) {
        fail_at(w, "NetFileEnum = %u", (unsigned) st);
        return;
    }
    for (DWORD i = 0; i < read; i++) {
        const FILE_INFO_3 *f = &((const FILE_INFO_3 *) b)[i];

        if (f->fi3_id == t->file_id) {
            found++;
            WCHECK(w, f->fi3_pathname && wcscmp(f->fi3_pathname, t->file_path) == 0 && f->fi3_username &&
                          wcscmp(f->fi3_username, t->user) == 0 && f->fi3_permissions == t->file_perms,
                   "NetFileEnum: file %u is now %ls of %ls", (unsigned) t->file_id, f->fi3_pathname,
                   f->fi3_username);
        }
    }
    WCHECK(w, found == 1 && read == t->file_count && total == read && resume == 0,
           "NetFileEnum: %u of %u files (%u before), ours %u times", (unsigned) read, (unsigned) total,
           (unsigned) t->file_count, (unsigned) found);
    NetApiBufferFree(b);
    w->ok++;
}

static void check_file_get_info(struct worker *w, const struct netfile_truth *t) {
    LPBYTE b = POISON;
    NET_API_STATUS st = NetFileGetInfo(smb_server, t->file_id, 3, &b);

    if (st == NERR_Success) {
        const FILE_INFO_3 *f = (const FILE_INFO_3 *) b;

        WCHECK(w, f->fi3_id == t->file_id && f->fi3_pathname && wcscmp(f->fi3_pathname, t->file_path) == 0 &&
                      f->fi3_username && wcscmp(f->fi3_username, t->user) == 0,
               "NetFileGetInfo(%u) named %ls of %ls", (unsigned) t->file_id, f->fi3_pathname, f->fi3_username);
        NetApiBufferFree(b);
        w->ok++;
    } else
        fail_at(w, "NetFileGetInfo(%u) = %u", (unsigned) t->file_id, (unsigned) st);
    /* an id nobody has: NERR_FileIdNotFound, output untouched */
    b = POISON;
    st = NetFileGetInfo(smb_server, t->file_id ^ 0x5a5a0000u, 3, &b);
    WCHECK(w, st == NERR_FileIdNotFound && b == POISON, "NetFileGetInfo of an unknown id = %u", (unsigned) st);
}

static void check_connection_enum(struct worker *w, const struct netfile_truth *t) {
    LPBYTE b = POISON;
    DWORD read = 0, total = 0, theirs = 0;
    NET_API_STATUS st = NetConnectionEnum(smb_server, (LMSTR) L"share", 1, &b, MAX_PREFERRED_LENGTH, &read, &total,
                                          NULL);

    if (st != NERR_Success) {
        fail_at(w, "NetConnectionEnum = %u", (unsigned) st);
        return;
    }
    /* the smbclient's tree connection, with its open file, as first seen
     * (Samba names neither its user nor its client there: both come as "") */
    for (DWORD i = 0; i < read; i++) {
        const CONNECTION_INFO_1 *c = &((const CONNECTION_INFO_1 *) b)[i];

        if (c->coni1_id == t->conn.coni1_id && c->coni1_type == t->conn.coni1_type &&
            c->coni1_num_opens == t->conn.coni1_num_opens && c->coni1_username &&
            wcscmp(c->coni1_username, t->conn_user) == 0 && c->coni1_netname &&
            wcscmp(c->coni1_netname, t->conn_netname) == 0)
            theirs++;
    }
    WCHECK(w, theirs == 1 && read == t->conns && total == read,
           "NetConnectionEnum(share): %u of %u (%u before), %u the smbclient's", (unsigned) read, (unsigned) total,
           (unsigned) t->conns, (unsigned) theirs);
    NetApiBufferFree(b);
    w->ok++;
}

/* An enumeration whose entries begin with a name (SHARE_INFO_1,
 * WKSTA_USER_INFO_0): the same names as learned, as many. */
static void check_names(struct worker *w, const char *what, NET_API_STATUS st, LPBYTE b, DWORD read, size_t stride,
                        const wchar_t (*names)[80], DWORD count) {
    DWORD known = 0;

    if (st != NERR_Success) {
        fail_at(w, "%s = %u", what, (unsigned) st);
        return;
    }
    for (DWORD i = 0; i < read; i++) {
        const wchar_t *name = *(const LPWSTR *) (b + i * stride);

        for (DWORD j = 0; j < count; j++)
            if (name && wcscmp(name, names[j]) == 0) {
                known++;
                break;
            }
    }
    WCHECK(w, read == count && known == read, "%s: %u entries (%u known), %u before", what, (unsigned) read,
           (unsigned) known, (unsigned) count);
    NetApiBufferFree(b);
    w->ok++;
}

static void check_share_enum(struct worker *w, const struct netfile_truth *t) {
    LPBYTE b = POISON;
    DWORD read = 0, total = 0;
    NET_API_STATUS st = NetShareEnum(smb_server, 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL);

    WCHECK(w, st != NERR_Success || total == read, "NetShareEnum: %u of %u", (unsigned) read, (unsigned) total);
    check_names(w, "NetShareEnum", st, b, read, sizeof(SHARE_INFO_1), t->share_names, t->shares);
}

static void check_wksta_user_enum(struct worker *w, const struct netfile_truth *t) {
    LPBYTE b = POISON;
    DWORD read = 0, total = 0;
    NET_API_STATUS st = NetWkstaUserEnum(smb_server, 0, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL);

    check_names(w, "NetWkstaUserEnum", st, b, read, sizeof(WKSTA_USER_INFO_0), t->wksta_names, t->wksta_users);
}

static int netfile_iterations = 10;

/* Each thread starts at another call of the five and goes round. */
static void (*const netfile_checks[])(struct worker *, const struct netfile_truth *) = {
    check_file_enum, check_file_get_info, check_connection_enum, check_share_enum, check_wksta_user_enum};

static void *netfile_worker(void *p) {
    struct worker *w = p;
    size_t n = sizeof(netfile_checks) / sizeof(netfile_checks[0]);

    line_up();
    for (int it = 0; it < netfile_iterations; it++)
        netfile_checks[(size_t) (w->index + it) % n](w, w->arg);
    return NULL;
}

static void learn_netfile_truth(struct netfile_truth *t, const char *user, const char *file) {
    LPBYTE b = NULL;
    DWORD read = 0, total = 0, found = 0;
    wchar_t name[256];

    memset(t, 0, sizeof(*t));
    swprintf(t->user, 64, L"%s", user);
    swprintf(name, 256, L"%s", file);
    REQUIRE(NetFileEnum(smb_server, NULL, NULL, 3, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL) == NERR_Success);
    t->file_count = read;
    for (DWORD i = 0; i < read; i++) {
        const FILE_INFO_3 *f = &((const FILE_INFO_3 *) b)[i];

        if (ends_with(f->fi3_pathname, name) && f->fi3_username && wcscmp(f->fi3_username, t->user) == 0) {
            found++;
            t->file_id = f->fi3_id, t->file_perms = f->fi3_permissions;
            swprintf(t->file_path, 512, L"%ls", f->fi3_pathname);
        }
    }
    NetApiBufferFree(b);
    REQUIRE(found == 1); /* the suite's smbclient holds it open */
    REQUIRE(NetConnectionEnum(smb_server, (LMSTR) L"share", 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL) ==
            NERR_Success);
    t->conns = read;
    found = 0;
    for (DWORD i = 0; i < read; i++) {
        const CONNECTION_INFO_1 *c = &((const CONNECTION_INFO_1 *) b)[i];

        tap_diag("connection to share: id %u type %u opens %u user %ls netname %ls", (unsigned) c->coni1_id,
                 (unsigned) c->coni1_type, (unsigned) c->coni1_num_opens, c->coni1_username, c->coni1_netname);
        if (c->coni1_num_opens >= 1) {
            found++;
            t->conn = *c;
            swprintf(t->conn_user, 64, L"%ls", c->coni1_username ? c->coni1_username : L"");
            swprintf(t->conn_netname, 80, L"%ls", c->coni1_netname ? c->coni1_netname : L"");
        }
    }
    NetApiBufferFree(b);
    REQUIRE(found == 1 && t->conn.coni1_type == STYPE_DISKTREE); /* only the smbclient has a file open there */
    REQUIRE(NetShareEnum(smb_server, 1, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL) == NERR_Success);
    REQUIRE(read >= 2 && read <= 32); /* share and IPC$ at least */
    t->shares = read;
    for (DWORD i = 0; i < read; i++)
        swprintf(t->share_names[i], 80, L"%ls", ((const SHARE_INFO_1 *) b)[i].shi1_netname);
    NetApiBufferFree(b);
    REQUIRE(NetWkstaUserEnum(smb_server, 0, &b, MAX_PREFERRED_LENGTH, &read, &total, NULL) == NERR_Success);
    REQUIRE(read <= 32);
    t->wksta_users = read;
    for (DWORD i = 0; i < read; i++)
        swprintf(t->wksta_names[i], 80, L"%ls", ((const WKSTA_USER_INFO_0 *) b)[i].wkui0_username);
    NetApiBufferFree(b);
}

static void file_share_and_user_calls_from_16_threads_agree(void) {
    static struct netfile_truth t; /* large: not on the stack */
    struct worker ws[THREADS];
    const char *user = getenv("WTSNET_TEST_OPEN_USER"), *file = getenv("WTSNET_TEST_OPEN_FILE");

    if (!have_samba())
        SKIP("no smbd (WTSNET_TEST_PORT unset)");
    if (!user || !*user || !file || !*file)
        SKIP("WTSNET_TEST_OPEN_USER/FILE unset (the suite holds a file open through smbclient)");
    REQUIRE(add_admin(smb_server) == NO_ERROR); /* NetFileEnum, NetWkstaUserEnum need an administrator */
    learn_netfile_truth(&t, user, file);
    tap_diag("%u open files (ours: id %u, %ls), %u shares, %u workstation users", (unsigned) t.file_count,
             (unsigned) t.file_id, t.file_path, (unsigned) t.shares, (unsigned) t.wksta_users);
    run_threads(netfile_worker, &t, ws);
    CHECK_EQ_U(total_ok(ws), THREADS * netfile_iterations);
    CHECK_EQ_I(our_sessions(), 1); /* all on the one pooled connection */
    CHECK_EQ_U(cancel(smb_server), NO_ERROR);
}

/* ---- (f) processes and the console on this host ---- */

struct process_truth {
    HANDLE h;
    BOOL have_session;  /* ProcessIdToSessionId(getpid()) worked */
    DWORD session;      /* ... and said this */
    DWORD console;      /* WTSGetActiveConsoleSessionId() */
    wchar_t name[64];   /* our process's name, as the enumeration gives it */
};

/* Our own entry, found once in each enumeration, with the same session and name. */
static void check_own_entry(struct worker *w, const struct process_truth *t, const char *what, DWORD n,
                            DWORD session_of(const void *, DWORD), DWORD pid_of(const void *, DWORD),
                            const wchar_t *name_of(const void *, DWORD), const void *v) {
    DWORD mine = 0, me = (DWORD) getpid();

    for (DWORD i = 0; i < n; i++)
        if (pid_of(v, i) == me) {
            mine++;
            WCHECK(w, session_of(v, i) == t->session && name_of(v, i) && wcscmp(name_of(v, i), t->name) == 0,
                   "%s: we are %ls in session %u, not %ls in %u", what, name_of(v, i), (unsigned) session_of(v, i),
                   t->name, (unsigned) t->session);
        }
    WCHECK(w, mine == 1 && n > 1, "%s: %u processes, we are listed %u times", what, (unsigned) n, (unsigned) mine);
}

static DWORD pi_session(const void *v, DWORD i) { return ((const WTS_PROCESS_INFOW *) v)[i].SessionId; }
static DWORD pi_pid(const void *v, DWORD i) { return ((const WTS_PROCESS_INFOW *) v)[i].ProcessId; }
static const wchar_t *pi_name(const void *v, DWORD i) { return ((const WTS_PROCESS_INFOW *) v)[i].pProcessName; }
static DWORD px_session(const void *v, DWORD i) { return ((const WTS_PROCESS_INFO_EXW *) v)[i].SessionId; }
static DWORD px_pid(const void *v, DWORD i) { return ((const WTS_PROCESS_INFO_EXW *) v)[i].ProcessId; }
static const wchar_t *px_name(const void *v, DWORD i) { return ((const WTS_PROCESS_INFO_EXW *) v)[i].pProcessName; }

static void check_processes(struct worker *w, const struct process_truth *t, HANDLE h) {
    PWTS_PROCESS_INFOW v = NULL;
    LPWSTR x = NULL;
    DWORD n = 0, level = 1, me = (DWORD) getpid();

    SetLastError(0xdead0000u | (DWORD) w->index);
    if (WTSEnumerateProcessesW(h, 0, 1, &v, &n)) {
        check_own_entry(w, t, "WTSEnumerateProcessesW", n, pi_session, pi_pid, pi_name, v);
        WTSFreeMemory(v);
    } else
        fail_at(w, "WTSEnumerateProcessesW: %u", (unsigned) GetLastError());
    /* level 1, every session: our thread count too (the 16, alive until all
     * are done, and the main thread at least) */
    if (WTSEnumerateProcessesExW(h, &level, WTS_ANY_SESSION, &x, &n)) {
        const WTS_PROCESS_INFO_EXW *e = (const WTS_PROCESS_INFO_EXW *) x;

        check_own_entry(w, t, "WTSEnumerateProcessesExW(1)", n, px_session, px_pid, px_name, e);
        for (DWORD i = 0; i < n; i++)
            if (e[i].ProcessId == me)
                WCHECK(w, e[i].NumberOfThreads >= THREADS + 1, "we have %u threads", (unsigned) e[i].NumberOfThreads);
        WCHECK(w, level == 1, "level became %u", (unsigned) level);
        WCHECK(w, WTSFreeMemoryExW(WTSTypeProcessInfoLevel1, x, n), "WTSFreeMemoryExW(1): %u",
               (unsigned) GetLastError());
    } else
        fail_at(w, "WTSEnumerateProcessesExW(1): %u", (unsigned) GetLastError());
    /* level 0, our session only: every entry is of that session */
    level = 0;
    if (t->have_session && WTSEnumerateProcessesExW(h, &level, t->session, &x, &n)) {
        const WTS_PROCESS_INFOW *e = (const WTS_PROCESS_INFOW *) x;
        DWORD others = 0;

        for (DWORD i = 0; i < n; i++)
            others += e[i].SessionId != t->session;
        WCHECK(w, others == 0, "WTSEnumerateProcessesExW(0, session %u) gave %u of other sessions",
               (unsigned) t->session, (unsigned) others);
        check_own_entry(w, t, "WTSEnumerateProcessesExW(0)", n, pi_session, pi_pid, pi_name, e);
        WCHECK(w, WTSFreeMemoryExW(WTSTypeProcessInfoLevel0, x, n), "WTSFreeMemoryExW(0): %u",
               (unsigned) GetLastError());
    } else if (t->have_session)
        fail_at(w, "WTSEnumerateProcessesExW(0): %u", (unsigned) GetLastError());
}

static void check_own_session(struct worker *w, const struct process_truth *t) {
    DWORD id = 0xdeadbeef;
    BOOL ok;

    SetLastError(0xdead0000u | (DWORD) w->index);
    ok = ProcessIdToSessionId((DWORD) getpid(), &id);
    WCHECK(w, ok == t->have_session && (!ok || id == t->session), "ProcessIdToSessionId(us): %d, %u (error %u)",
           ok, (unsigned) id, (unsigned) GetLastError());
    /* no such process: ERROR_INVALID_PARAMETER, output untouched (docs/api.md) */
    id = 0xdeadbeef;
    SetLastError(0xdead0000u | (DWORD) w->index);
    ok = ProcessIdToSessionId(0x7ffffff0u, &id);
    WCHECK(w, !ok && GetLastError() == ERROR_INVALID_PARAMETER && id == 0xdeadbeef,
           "ProcessIdToSessionId(no such pid): %d, error %u", ok, (unsigned) GetLastError());
    id = WTSGetActiveConsoleSessionId();
    WCHECK(w, id == t->console, "WTSGetActiveConsoleSessionId: %u, then %u", (unsigned) t->console, (unsigned) id);
}

static void *process_worker(void *p) {
    struct worker *w = p;
    const struct process_truth *t = w->arg;

    line_up();
    for (int it = 0; it < 6; it++) {
        check_processes(w, t, it % 2 ? t->h : WTS_CURRENT_SERVER_HANDLE);
        check_own_session(w, t);
        w->ok++;
    }
    line_up(); /* none leaves before all are done: the thread count above holds */
    return NULL;
}

static void process_calls_from_16_threads_agree(void) {
    static struct process_truth t;
    struct worker ws[THREADS];
    PWTS_PROCESS_INFOW v = NULL;
    DWORD n = 0;

    memset(&t, 0, sizeof(t));
    t.h = open_wts(false);
    REQUIRE(t.h != WTS_CURRENT_SERVER_HANDLE);
    t.have_session = ProcessIdToSessionId((DWORD) getpid(), &t.session);
    t.console = WTSGetActiveConsoleSessionId();
    REQUIRE(WTSEnumerateProcessesW(t.h, 0, 1, &v, &n));
    for (DWORD i = 0; i < n; i++)
        if (v[i].ProcessId == (DWORD) getpid()) {
            swprintf(t.name, 64, L"%ls", v[i].pProcessName);
            if (!t.have_session) /* then the enumeration's word is what every thread must see */
                t.session = v[i].SessionId;
        }
    WTSFreeMemory(v);
    REQUIRE(t.name[0] != 0);
    tap_diag("we are %ls in session %u (ProcessIdToSessionId %s), console session %u", t.name, (unsigned) t.session,
             t.have_session ? "agrees" : "failed", (unsigned) t.console);
    run_threads(process_worker, &t, ws);
    CHECK_EQ_U(total_ok(ws), THREADS * 6);
    WTSCloseServer(t.h);
}

/* ---- (g) WTSWaitSystemEvent: many waiters on one handle ---- */

/* RENAME and LICENSE never happen on Linux (docs/api.md): a wait for only
 * them ends by a flush or a close, never by a session that changed meanwhile. */
#define NEVER_HAPPENS (WTS_EVENT_RENAME | WTS_EVENT_LICENSE)

static atomic_uint waits_returned;

struct wait_result {
    BOOL ok;
    DWORD error, flags;
};

struct waiters {
    HANDLE h;
    struct wait_result r[THREADS];
};

/* The waiters and the closer start together (closing_a_handle_ends_every_wait_on_it). */
static pthread_barrier_t close_line;
static bool use_close_line;

static void *waiter(void *p) {
    struct worker *w = p;
    struct waiters *ws = w->arg;
    struct wait_result *r = &ws->r[w->index];

    if (use_close_line)
        pthread_barrier_wait(&close_line);
    r->flags = 0xdeadbeef;
    SetLastError(0xdead0000u | (DWORD) w->index);
    r->ok = WTSWaitSystemEvent(ws->h, NEVER_HAPPENS, &r->flags);
    r->error = r->ok ? 0 : GetLastError();
    atomic_fetch_add(&waits_returned, 1);
    return NULL;
}

/* Starts THREADS waiters without waiting for them (run_threads joins). */
static void start_waiters(struct worker *wk, struct waiters *ws) {
    atomic_store(&waits_returned, 0);
    for (int i = 0; i < THREADS; i++) {
        wk[i] = (struct worker){.index = i, .arg = ws};
        REQUIRE(pthread_create(&wk[i].tid, NULL, waiter, &wk[i]) == 0);
    }
}

/* Joins them if all returned within limit_s; false (and they are left) if not. */
static bool join_waiters(struct worker *wk, double limit_s) {
    double deadline = now_s() + limit_s;

    while (atomic_load(&waits_returned) < THREADS && now_s() < deadline)
        usleep(10000);
    if (atomic_load(&waits_returned) < THREADS)
        return false;
    for (int i = 0; i < THREADS; i++)
        pthread_join(wk[i].tid, NULL);
    return true;
}

static bool events_supported(HANDLE h) {
    struct worker wk[THREADS];
    static struct waiters ws;
    DWORD f = 0;

    /* one waiter: ERROR_NOT_SUPPORTED at once where the provider has no change signals */
    ws.h = h;
    ws.r[0].flags = 0xdeadbeef;
    wk[0] = (struct worker){.index = 0, .arg = &ws};
    atomic_store(&waits_returned, 0);
    REQUIRE(pthread_create(&wk[0].tid, NULL, waiter, &wk[0]) == 0);
    while (atomic_load(&waits_returned) == 0) {
        usleep(20000);
        REQUIRE(WTSWaitSystemEvent(h, WTS_EVENT_FLUSH, &f) && f == WTS_EVENT_NONE);
    }
    pthread_join(wk[0].tid, NULL);
    return ws.r[0].ok || ws.r[0].error != ERROR_NOT_SUPPORTED;
}

static void a_flush_ends_every_wait_on_the_handle(void) {
    static struct waiters ws;
    struct worker wk[THREADS];
    HANDLE h = open_wts(false);

    REQUIRE(h != WTS_CURRENT_SERVER_HANDLE);
    if (!events_supported(h)) {
        WTSCloseServer(h);
        SKIP("this host's provider has no change signals (ERROR_NOT_SUPPORTED)");
    }
    for (int round = 0; round < 3; round++) {
        double deadline = now_s() + 60;
        unsigned flushes = 0, none = 0;

        memset(&ws, 0, sizeof(ws));
        ws.h = h;
        start_waiters(wk, &ws);
        /* A flush ends the waits pending at that moment: flush until all
         * have come and gone (one that arrives later waits for the next). */
        while (atomic_load(&waits_returned) < THREADS && now_s() < deadline) {
            DWORD f = 0xdeadbeef;

            usleep(round == 0 ? 20000 : 2000 * (unsigned) round);
            CHECK(WTSWaitSystemEvent(h, WTS_EVENT_FLUSH, &f) && f == WTS_EVENT_NONE);
            flushes++;
        }
        if (!join_waiters(wk, 1)) {
            TAP_FAIL("round %d: %u of %u waits ended after %u flushes", round, atomic_load(&waits_returned),
                     THREADS, flushes);
            return; /* the others still wait: the handle stays open for them */
        }
        for (int i = 0; i < THREADS; i++) {
            if (ws.r[i].ok && ws.r[i].flags == WTS_EVENT_NONE)
                none++;
            else
                TAP_FAIL("round %d, waiter %d: returned %d, flags 0x%x, error %u", round, i, ws.r[i].ok,
                         (unsigned) ws.r[i].flags, (unsigned) ws.r[i].error);
        }
        CHECK_EQ_U(none, THREADS);
        tap_diag("round %d: %u waiters, %u flushes", round, THREADS, flushes);
    }
    WTSCloseServer(h);
}

/* WTSCloseServer while 16 threads wait on the handle (or are just about to):
 * every wait returns FALSE with ERROR_INVALID_HANDLE, flags untouched
 * (docs/api.md); the handle's hub and provider are freed only after the last
 * waiter left it (ASan, TSan). The close comes at a different moment each
 * round, also while waits are still starting. */
static void closing_a_handle_ends_every_wait_on_it(void) {
    static struct waiters ws;
    struct worker wk[THREADS];

    {
        HANDLE h = open_wts(false);
        bool supported;

        REQUIRE(h != WTS_CURRENT_SERVER_HANDLE);
        supported = events_supported(h);
        WTSCloseServer(h);
        if (!supported)
            SKIP("this host's provider has no change signals (ERROR_NOT_SUPPORTED)");
    }
    pthread_barrier_init(&close_line, NULL, THREADS + 1);
    use_close_line = true;
    for (int round = 0; round < 60; round++) {
        unsigned right = 0;
        double at;

        memset(&ws, 0, sizeof(ws));
        ws.h = open_wts(false);
        REQUIRE(ws.h != WTS_CURRENT_SERVER_HANDLE);
        start_waiters(wk, &ws);
        /* All start their waits at once; the close comes 0 to 2.8 ms later --
         * while the first call on the handle opens its provider, while the
         * others queue for it, while the wait queue is made -- and once
         * when all surely wait. */
        pthread_barrier_wait(&close_line);
        at = now_s() + (round < 57 ? round * 50e-6 : 0.1);
        while (now_s() < at)
            ;
        WTSCloseServer(ws.h);
        if (!join_waiters(wk, 60)) {
            TAP_FAIL("round %d: only %u of %u waits ended after the close", round, atomic_load(&waits_returned),
                     THREADS);
            return;
        }
        for (int i = 0; i < THREADS; i++) {
            bool ok = !ws.r[i].ok && ws.r[i].error == ERROR_INVALID_HANDLE && ws.r[i].flags == 0xdeadbeef;

            right += ok;
            if (!ok)
                TAP_FAIL("round %d, waiter %d: returned %d, error %u, flags 0x%x", round, i, ws.r[i].ok,
                         (unsigned) ws.r[i].error, (unsigned) ws.r[i].flags);
        }
        CHECK_EQ_U(right, THREADS);
    }
    use_close_line = false;
    pthread_barrier_destroy(&close_line);
}

/* ---- (h) the session-event subscriptions (wtsnet_events.h) ---- */

struct subs_arg {
    HANDLE h; /* closed by the main thread while the workers open subscriptions on it */
    atomic_int closed;
    atomic_uint unsupported;
};

/* A live subscription: its descriptor, and a read that finds a record or none. */
static void check_subscription(struct worker *w, HWTSNET_EVENTS e) {
    WTSNET_SESSION_EVENT ev;

    WCHECK(w, WTSNetSessionEventsFd(e) >= 0, "no descriptor: %u", (unsigned) GetLastError());
    SetLastError(0xdead0000u | (DWORD) w->index);
    if (!WTSNetReadSessionEvent(e, &ev, 0))
        WCHECK(w, GetLastError() == ERROR_NO_MORE_ITEMS, "a read on a live subscription: error %u",
               (unsigned) GetLastError());
}

static void *subscription_worker(void *p) {
    struct worker *w = p;
    struct subs_arg *a = w->arg;
    bool seen_closed = false;

    line_up();
    for (int it = 0; it < 8; it++) {
        /* this host's handle, and a handle the main thread closes meanwhile */
        HANDLE h = it % 2 ? a->h : WTS_CURRENT_SERVER_HANDLE;
        bool closed_before = h == a->h && atomic_load(&a->closed);
        HWTSNET_EVENTS e;

        SetLastError(0xdead0000u | (DWORD) w->index);
        e = WTSNetOpenSessionEvents(h);
        if (!e) {
            DWORD err = GetLastError();

            if (err == ERROR_NOT_SUPPORTED) {
                atomic_fetch_add(&a->unsupported, 1);
                return NULL;
            }
            WCHECK(w, h == a->h && err == ERROR_INVALID_HANDLE, "WTSNetOpenSessionEvents: error %u", (unsigned) err);
            seen_closed |= h == a->h;
            continue;
        }
        WCHECK(w, !closed_before && !(h == a->h && seen_closed), "a subscription on a handle seen closed");
        check_subscription(w, e);
        WTSNetCloseSessionEvents(e);
        w->ok++;
    }
    return NULL;
}

/* A subscription read by 16 threads at once and closed under them: each
 * read ends, FALSE with ERROR_INVALID_HANDLE (docs/api.md). */
static atomic_uint reads_ended;

static void *blocked_reader(void *p) {
    struct worker *w = p;
    HWTSNET_EVENTS e = w->arg;
    double deadline = now_s() + 120;

    line_up();
    for (;;) {
        WTSNET_SESSION_EVENT ev;

        SetLastError(0xdead0000u | (DWORD) w->index);
        if (WTSNetReadSessionEvent(e, &ev, 30000)) { /* a session changed meanwhile: read on */
            WCHECK(w, now_s() < deadline, "still reading records after 120 s");
            if (now_s() >= deadline)
                break;
            continue;
        }
        WCHECK(w, GetLastError() == ERROR_INVALID_HANDLE, "a read on a closing subscription: error %u",
               (unsigned) GetLastError());
        break;
    }
    atomic_fetch_add(&reads_ended, 1);
    return NULL;
}

static void subscriptions_opened_read_and_closed_from_16_threads(void) {
    static struct subs_arg a;
    struct worker ws[THREADS];
    pthread_t tids[THREADS];
    HWTSNET_EVENTS e;
    double deadline;

    memset(&a, 0, sizeof(a));
    a.h = open_wts(false);
    REQUIRE(a.h != WTS_CURRENT_SERVER_HANDLE);
    e = WTSNetOpenSessionEvents(WTS_CURRENT_SERVER_HANDLE);
    if (!e && GetLastError() == ERROR_NOT_SUPPORTED) {
        WTSCloseServer(a.h);
        SKIP("this host's provider has no change signals (ERROR_NOT_SUPPORTED)");
    }
    REQUIRE(e != NULL);
    /* 1. open, use and close, 16 at a time, while the handle half of them use is closed */
    {
        for (int i = 0; i < THREADS; i++) {
            ws[i] = (struct worker){.index = i, .arg = &a};
            REQUIRE(pthread_create(&ws[i].tid, NULL, subscription_worker, &ws[i]) == 0);
        }
        usleep(200000);
        WTSCloseServer(a.h); /* subscriptions already open on it keep working (docs/api.md) */
        atomic_store(&a.closed, 1); /* after: an open that saw this must fail */
        for (int i = 0; i < THREADS; i++)
            pthread_join(ws[i].tid, NULL);
        for (int i = 0; i < THREADS; i++)
            if (ws[i].failures)
                TAP_FAIL("thread %d: %u failed checks; first: %s", i, ws[i].failures, ws[i].first_failure);
        CHECK_EQ_U(atomic_load(&a.unsupported), 0);
        CHECK(total_ok(ws) >= THREADS * 4); /* at least those on WTS_CURRENT_SERVER_HANDLE */
        tap_diag("%u subscriptions opened and closed", total_ok(ws));
    }
    /* 2. one subscription, 16 readers waiting on it, closed under them */
    atomic_store(&reads_ended, 0);
    for (int i = 0; i < THREADS; i++) {
        ws[i] = (struct worker){.index = i, .arg = e};
        REQUIRE(pthread_create(&tids[i], NULL, blocked_reader, &ws[i]) == 0);
    }
    usleep(300000);
    WTSNetCloseSessionEvents(e);
    deadline = now_s() + 60;
    while (atomic_load(&reads_ended) < THREADS && now_s() < deadline)
        usleep(10000);
    if (atomic_load(&reads_ended) < THREADS) {
        TAP_FAIL("only %u of %u reads ended after the close", atomic_load(&reads_ended), THREADS);
        return;
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(tids[i], NULL);
    for (int i = 0; i < THREADS; i++)
        if (ws[i].failures)
            TAP_FAIL("reader %d: %s", i, ws[i].first_failure);
    WTSNetCloseSessionEvents(e); /* closing again: ignored */
}

static void on_alarm(int sig) {
    static const char msg[] = "Bail out! test-threads ran out of time\n";

    (void) sig;
    (void) !write(STDOUT_FILENO, msg, sizeof(msg) - 1);
    _exit(3);
}

int main(void) {
    static const struct tap_case all[] = {
        /* WTS first: WTSNET_TEST_THREADS_ONLY=wts runs these alone (in the logind namespace). */
        CASE(wts_calls_on_one_handle_from_16_threads_agree),
        CASE(closing_a_handle_other_threads_use_is_safe),
        CASE(opening_and_closing_handles_from_16_threads_is_safe),
        CASE(net_calls_to_closed_ports_fail_cleanly_from_16_threads),
        CASE(a_server_hanging_up_mid_call_fails_every_thread_cleanly),
        CASE(threads_waiting_on_a_silent_server_fail_within_one_timeout),
        CASE(samba_calls_from_16_threads_share_one_pooled_connection),
        CASE(dropping_the_pooled_connection_under_busy_threads_is_safe),
        CASE(a_relay_cutting_smb_connections_mid_call_gives_answers_or_clean_errors),
        CASE(file_share_and_user_calls_from_16_threads_agree),
        CASE(process_calls_from_16_threads_agree),
        CASE(a_flush_ends_every_wait_on_the_handle),
        CASE(closing_a_handle_ends_every_wait_on_it),
        CASE(subscriptions_opened_read_and_closed_from_16_threads),
    };
    const char *limit = getenv("WTSNET_TEST_THREADS_LIMIT_S"), *only = getenv("WTSNET_TEST_THREADS_ONLY");
    size_t n = only && strcmp(only, "wts") == 0 ? 3 : sizeof(all) / sizeof(all[0]);

    /* The whole program is bounded: a deadlock is a failure, not a hung suite. */
    signal(SIGALRM, on_alarm);
    alarm(limit && atoi(limit) > 0 ? (unsigned) atoi(limit) : 600);
    signal(SIGPIPE, SIG_IGN);
    choose_wts_server();
    pthread_barrier_init(&start_line, NULL, THREADS);
    return tap_run(all, n);
}
