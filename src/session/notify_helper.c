/*
 * wtsnet-notify: shows one desktop notification on a user's session bus
 * (the freedesktop.org Desktop Notifications interface) and, when asked,
 * waits for the user's answer. Spawned by the library (session_message.c)
 * by argv, never through a shell:
 *
 *   wtsnet-notify UID GID BUS_PATH TITLE TEXT STYLE TIMEOUT_SEC WAIT DEADLINE_MS
 *
 * Started as root it first becomes UID/GID (no supplementary groups), so it
 * reaches the bus as that user and nothing else; started as anyone else it
 * must already be UID (the bus would refuse it anyway). It prints one line:
 *   shown                  (WAIT 0)
 *   button N               an action was invoked: N is the Win32 ID* it stands for
 *   closed R               closed without an action (R: the spec's reason)
 *   timeout                no answer by TIMEOUT_SEC (the notification is withdrawn)
 * and exits 0; else it exits 2 (the bus refused us), 3 (no notification
 * server on that bus), 1 (anything else), printing nothing.
 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "common/parse_int.h"

#define NOTIFY_SERVICE "org.freedesktop.Notifications"
#define NOTIFY_PATH "/org/freedesktop/Notifications"
#define NOTIFY_IFACE "org.freedesktop.Notifications"

struct state {
    uint32_t id;
    bool done;
    char answer[64];
};

static uint64_t now_ms(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

static int on_action(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    struct state *st = userdata;
    const char *key;
    uint32_t id;

    (void) error;
    if (sd_bus_message_read(m, "us", &id, &key) < 0 || id != st->id || st->done)
        return 0;
    /* Our action keys are the decimal Win32 IDs; anything else (a server's "default") is no button. */
    uint64_t v;
    if (parse_uint(key, 10, 11, 0, &v) >= 0 && v >= 1)
        snprintf(st->answer, sizeof(st->answer), "button %" PRIu64, v);
    else
        snprintf(st->answer, sizeof(st->answer), "closed 2");
    st->done = true;
    return 0;
}

static int on_closed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    struct state *st = userdata;
    uint32_t id, reason;

    (void) error;
    if (sd_bus_message_read(m, "uu", &id, &reason) < 0 || id != st->id || st->done)
        return 0;
    if (reason == 1) /* expired: the Timeout passed without an answer */
        snprintf(st->answer, sizeof(st->answer), "timeout");
    else
        snprintf(st->answer, sizeof(st->answer), "closed %" PRIu32, reason);
    st->done = true;
    return 0;
}

/* The buttons of a message box style (MB_*), as (key = decimal ID, label) pairs. */
static const char *const *actions_of(uint32_t style) {
    static const char *const ok[] = {"1", "OK", NULL};
    static const char *const ok_cancel[] = {"1", "OK", "2", "Cancel", NULL};
    static const char *const abort_retry_ignore[] = {"3", "Abort", "4", "Retry", "5", "Ignore", NULL};
    static const char *const yes_no_cancel[] = {"6", "Yes", "7", "No", "2", "Cancel", NULL};
    static const char *const yes_no[] = {"6", "Yes", "7", "No", NULL};
    static const char *const retry_cancel[] = {"4", "Retry", "2", "Cancel", NULL};
    static const char *const cancel_try_continue[] = {"2", "Cancel", "10", "Try Again", "11", "Continue", NULL};
    static const char *const *const table[] = {ok,     ok_cancel,    abort_retry_ignore, yes_no_cancel,
                                               yes_no, retry_cancel, cancel_try_continue};

    return table[(style & 0xF) < 7 ? (style & 0xF) : 0];
}

static int notify(sd_bus *bus, const char *title, const char *text, uint32_t style, int32_t expire_ms, uint32_t *ret_id,
                  sd_bus_error *error) {
    sd_bus_message *m = NULL, *reply = NULL;
    const char *const *actions = actions_of(style);
    /* An error icon's style is critical urgency: it stays until answered. */
    uint8_t urgency = (style & 0xF0) == 0x10 ? 2 : 1;
    int r;

    r = sd_bus_message_new_method_call(bus, &m, NOTIFY_SERVICE, NOTIFY_PATH, NOTIFY_IFACE, "Notify");
    if (r >= 0)
        r = sd_bus_message_append(m, "susss", "wtsnet", (uint32_t) 0, "", title, text);
    if (r >= 0)
        r = sd_bus_message_open_container(m, 'a', "s");
    for (size_t i = 0; r >= 0 && actions[i]; i++)
        r = sd_bus_message_append(m, "s", actions[i]);
    if (r >= 0)
        r = sd_bus_message_close_container(m);
    if (r >= 0)
        r = sd_bus_message_append(m, "a{sv}i", 1, "urgency", "y", urgency, expire_ms);
    if (r >= 0)
        r = sd_bus_call(bus, m, 10 * 1000000u, error, &reply);
    if (r >= 0)
        r = sd_bus_message_read(reply, "u", ret_id);
    sd_bus_message_unref(m);
    sd_bus_message_unref(reply);
    return r;
}

int main(int argc, char **argv) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    struct state st = {0};
    sd_bus *bus = NULL;
    uint64_t uid, gid, style, timeout, wait, deadline_ms;
    char address[4200];
    int r;

    if (argc != 10 || parse_uint(argv[1], 10, UINT32_MAX - 1, 0, &uid) < 0 ||
        parse_uint(argv[2], 10, UINT32_MAX - 1, 0, &gid) < 0 || argv[3][0] != '/' ||
        parse_uint(argv[6], 10, UINT32_MAX, 0, &style) < 0 || parse_uint(argv[7], 10, UINT32_MAX, 0, &timeout) < 0 ||
        parse_uint(argv[8], 10, 1, 0, &wait) < 0 || parse_uint(argv[9], 10, UINT32_MAX, 0, &deadline_ms) < 0)
        return 1;
    if (getuid() == 0 && uid != 0) {
        if (setgroups(0, NULL) < 0 || setresgid((gid_t) gid, (gid_t) gid, (gid_t) gid) < 0 ||
            setresuid((uid_t) uid, (uid_t) uid, (uid_t) uid) < 0)
            return 1;
    } else if (getuid() != (uid_t) uid)
        return 2;
    snprintf(address, sizeof(address), "unix:path=%s", argv[3]);
    r = sd_bus_new(&bus);
    if (r >= 0)
        r = sd_bus_set_address(bus, address);
    if (r >= 0)
        r = sd_bus_set_bus_client(bus, 1);
    if (r >= 0)
        r = sd_bus_start(bus);
    if (r < 0) {
        sd_bus_unref(bus);
        return r == -EACCES || r == -EPERM ? 2 : 1;
    }
    /* Subscribed before the notification exists: its answer cannot be missed. */
    if (wait) {
        r = sd_bus_match_signal(bus, NULL, NULL, NOTIFY_PATH, NOTIFY_IFACE, "ActionInvoked", on_action, &st);
        if (r >= 0)
            r = sd_bus_match_signal(bus, NULL, NULL, NOTIFY_PATH, NOTIFY_IFACE, "NotificationClosed", on_closed, &st);
    }
    /* Windows' Timeout 0 with bWait: the box stays until answered (0: never expires). */
    if (r >= 0)
        r = notify(bus, argv[4], argv[5], (uint32_t) style,
                   timeout ? (int32_t) (timeout > INT32_MAX / 1000 ? INT32_MAX : timeout * 1000) : wait ? 0 : -1,
                   &st.id, &error);
    if (r < 0) {
        bool no_server = sd_bus_error_has_names(&error, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER);

        sd_bus_error_free(&error);
        sd_bus_flush_close_unref(bus);
        return no_server ? 3 : r == -EACCES || r == -EPERM ? 2 : 1;
    }
    if (!wait) {
        puts("shown");
        sd_bus_flush_close_unref(bus);
        return 0;
    }
    /* Until the answer, or the deadline (the caller's bound on the whole wait). */
    uint64_t until = now_ms() + deadline_ms;
    while (!st.done) {
        uint64_t now = now_ms();

        r = sd_bus_process(bus, NULL);
        if (r < 0)
            break;
        if (r > 0)
            continue;
        if (now >= until)
            break;
        r = sd_bus_wait(bus, (until - now) * 1000u);
        if (r < 0 && r != -EINTR)
            break;
    }
    if (!st.done) {
        /* No answer in time: withdrawn, as Windows dismisses a timed-out box. */
        (void) sd_bus_call_method(bus, NOTIFY_SERVICE, NOTIFY_PATH, NOTIFY_IFACE, "CloseNotification", NULL, NULL,
                                  "u", st.id);
        snprintf(st.answer, sizeof(st.answer), "timeout");
    }
    puts(st.answer);
    sd_bus_flush_close_unref(bus);
    return 0;
}
