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
 *     open/close churn.
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
