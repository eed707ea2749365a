/*
 * The issue-14 benchmark's probe (bench/events.sh drives it, inside the
 * logind namespace).
 *
 *   events-latency latency N    N logon+logoff pairs (`su -l USER -c true`,
 *                               USER from $BENCH_USER): for each SessionNew /
 *                               SessionRemoved, the time from a bare sd-bus
 *                               listener's receipt of the signal (the
 *                               baseline: what busctl monitor sees) to the
 *                               wtsnet record reaching the caller through
 *                               WTSNetReadSessionEvent; prints median and p99.
 *   events-latency idle SECONDS a WTSWaitSystemEvent(WTS_EVENT_ALL) pending for
 *                               SECONDS with no events; prints the CPU the
 *                               process used meanwhile (getrusage).
 *
 * Both listeners block in poll in their own threads; times are
 * CLOCK_MONOTONIC. The baseline connection is the same kind as wtsnet's (its
 * own system-bus connection, the same match rules), so the difference is
 * what wtsnet adds between the socket and the caller.
 */
#include <windows.h>
#include <wtsapi32.h>
#include <wtsnet_events.h>

#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

extern char **environ;

#define MAX_SAMPLES 4096

struct arrival {
    char key[32];
    int kind; /* 5 logon, 6 logoff */
    uint64_t at;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct arrival raw[MAX_SAMPLES];
static size_t n_raw;
static volatile int stop;

static uint64_t now_usec(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *e) {
    const char *key;
    uint64_t at = now_usec();

    (void) userdata, (void) e;
    if (sd_bus_message_read(m, "s", &key) < 0)
        return 0;
    pthread_mutex_lock(&lock);
    if (n_raw < MAX_SAMPLES) {
        snprintf(raw[n_raw].key, sizeof(raw[n_raw].key), "%s", key);
        raw[n_raw].kind = strcmp(sd_bus_message_get_member(m), "SessionNew") == 0 ? 5 : 6;
        raw[n_raw].at = at;
        n_raw++;
    }
    pthread_mutex_unlock(&lock);
    return 0;
}

static void *baseline_main(void *arg) {
    sd_bus *bus = arg;

    while (!stop) {
        struct pollfd p = {.fd = sd_bus_get_fd(bus), .events = POLLIN};
        while (sd_bus_process(bus, NULL) > 0)
            ;
        poll(&p, 1, 200);
    }
    return NULL;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}


static void key_of(DWORD id, char *buf, size_t size) {
    if (id & 0x80000000u)
        snprintf(buf, size, "c%u", (unsigned) (id & ~0x80000000u));
    else
        snprintf(buf, size, "%u", (unsigned) id);
}

static struct arrival ours[MAX_SAMPLES];
static size_t n_ours;

/* The caller: a thread that only reads records, as an event loop would. */
static void *reader_main(void *arg) {
    HWTSNET_EVENTS e = arg;
    WTSNET_SESSION_EVENT ev;

    while (!stop) {
        uint64_t at;

        if (!WTSNetReadSessionEvent(e, &ev, 200))
            continue;
        at = now_usec();
        if (ev.Code != WTS_SESSION_LOGON && ev.Code != WTS_SESSION_LOGOFF)
            continue;
        pthread_mutex_lock(&lock);
        if (n_ours < MAX_SAMPLES) {
            key_of(ev.SessionId, ours[n_ours].key, sizeof(ours[n_ours].key));
            ours[n_ours].kind = (int) ev.Code;
            ours[n_ours].at = at;
            n_ours++;
        }
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static int latency(int n) {
    const char *user = getenv("BENCH_USER") ? getenv("BENCH_USER") : "wtsitbob";
    char *argv[] = {"su", "-l", (char *) user, "-c", "true", NULL};
    static uint64_t lat[MAX_SAMPLES];
    size_t n_lat = 0, want = (size_t) n * 2, got;
    HWTSNET_EVENTS e = WTSNetOpenSessionEvents(WTS_CURRENT_SERVER_HANDLE);
    sd_bus *bus = NULL;
    pthread_t tb, tr;

    if (!e || sd_bus_open_system(&bus) < 0 ||
        sd_bus_match_signal(bus, NULL, "org.freedesktop.login1", "/org/freedesktop/login1",
                            "org.freedesktop.login1.Manager", "SessionNew", on_signal, NULL) < 0 ||
        sd_bus_match_signal(bus, NULL, "org.freedesktop.login1", "/org/freedesktop/login1",
                            "org.freedesktop.login1.Manager", "SessionRemoved", on_signal, NULL) < 0) {
        fprintf(stderr, "cannot subscribe\n");
        return 1;
    }
    pthread_create(&tb, NULL, baseline_main, bus);
    pthread_create(&tr, NULL, reader_main, e);
    for (int i = 0; i < n; i++) {
        pid_t pid;
        int status;

        if (posix_spawnp(&pid, "su", NULL, NULL, argv, environ) != 0)
            return 1;
        waitpid(pid, &status, 0);
    }
    for (uint64_t end = now_usec() + 10000000; now_usec() < end; usleep(10000)) {
        pthread_mutex_lock(&lock);
        got = n_ours;
        pthread_mutex_unlock(&lock);
        if (got >= want)
            break;
    }
    usleep(200 * 1000);
    stop = 1;
    pthread_join(tb, NULL);
    pthread_join(tr, NULL);
    sd_bus_flush_close_unref(bus);
    WTSNetCloseSessionEvents(e);
    for (size_t i = 0; i < n_ours; i++)
        for (size_t j = 0; j < n_raw; j++)
            if (raw[j].kind == ours[i].kind && strcmp(raw[j].key, ours[i].key) == 0) {
                lat[n_lat++] = ours[i].at > raw[j].at ? ours[i].at - raw[j].at : 0;
                break;
            }
    if (n_lat == 0) {
        fprintf(stderr, "no samples\n");
        return 1;
    }
    qsort(lat, n_lat, sizeof(lat[0]), cmp_u64);
    printf("events %zu of %zu, paired %zu: signal-to-caller median %.3f ms, p99 %.3f ms, max %.3f ms\n", n_ours, want,
           n_lat, lat[n_lat / 2] / 1000.0, lat[(n_lat * 99) / 100 < n_lat ? (n_lat * 99) / 100 : n_lat - 1] / 1000.0,
           lat[n_lat - 1] / 1000.0);
    return n_ours == want ? 0 : 1;
}

static void *idle_wait(void *arg) {
    DWORD flags;

    (void) arg;
    WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_ALL, &flags);
    return NULL;
}

static int idle(int seconds) {
    struct rusage a, b;
    pthread_t t;
    DWORD flags;

    pthread_create(&t, NULL, idle_wait, NULL);
    usleep(500 * 1000); /* subscribed and waiting */
    getrusage(RUSAGE_SELF, &a);
    sleep((unsigned) seconds);
    getrusage(RUSAGE_SELF, &b);
    printf("idle waiter, %d s: user %ld us, system %ld us\n", seconds,
           (b.ru_utime.tv_sec - a.ru_utime.tv_sec) * 1000000L + (b.ru_utime.tv_usec - a.ru_utime.tv_usec),
           (b.ru_stime.tv_sec - a.ru_stime.tv_sec) * 1000000L + (b.ru_stime.tv_usec - a.ru_stime.tv_usec));
    WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_FLUSH, &flags);
    pthread_join(t, NULL);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "latency") == 0)
        return latency(atoi(argv[2]));
    if (argc == 3 && strcmp(argv[1], "idle") == 0)
        return idle(atoi(argv[2]));
    fprintf(stderr, "usage: events-latency latency N | idle SECONDS\n");
    return 2;
}
