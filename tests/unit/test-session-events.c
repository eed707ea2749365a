/*
 * The record queue of session-change subscriptions (src/session/session_events.c)
 * and the proc connector parser (src/session/audit_parse.c): the documented
 * bound and what happens past it, the WTS_EVENT_* bits of each code, and
 * connector datagrams whole, cut short and of threads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/audit.h"
#include "session/session_events.h"
#include "tap.h"

static struct session_event_queue q;

static void records_come_out_in_order_with_their_bits(void) {
    struct session_event e;

    memset(&q, 0, sizeof(q));
    session_event_queue_push(&q, SESSION_EVENT_LOGON, 7, "7");
    session_event_queue_push(&q, SESSION_EVENT_LOCK, 7, "7");
    session_event_queue_push(&q, SESSION_EVENT_LOGOFF, 0x80000002u, "c2");
    REQUIRE(session_event_queue_pop(&q, &e));
    CHECK_EQ_U(e.code, 5);
    CHECK_EQ_U(e.flags, 0x1 | 0x20); /* WTS_EVENT_CREATE | WTS_EVENT_LOGON */
    CHECK_EQ_U(e.session_id, 7);
    CHECK(e.time_usec > 0);
    REQUIRE(session_event_queue_pop(&q, &e));
    CHECK_EQ_U(e.code, 7);
    CHECK_EQ_U(e.flags, 0x80); /* WTS_EVENT_STATECHANGE */
    REQUIRE(session_event_queue_pop(&q, &e));
    CHECK_EQ_U(e.flags, 0x2 | 0x40); /* WTS_EVENT_DELETE | WTS_EVENT_LOGOFF */
    CHECK_STREQ(e.key, "c2");
    CHECK(!session_event_queue_pop(&q, &e));
}

/* Past the bound the oldest go, one OVERFLOW mark heads the queue, the newest stay. */
static void past_the_bound_an_overflow_mark_replaces_the_oldest(void) {
    struct session_event e;
    size_t n = 0;

    memset(&q, 0, sizeof(q));
    for (uint32_t i = 0; i < SESSION_EVENT_QUEUE_MAX + 100; i++)
        session_event_queue_push(&q, SESSION_EVENT_LOGON, i, "");
    CHECK_EQ_U(q.count, SESSION_EVENT_QUEUE_MAX);
    REQUIRE(session_event_queue_pop(&q, &e));
    CHECK_EQ_U(e.code, SESSION_EVENT_OVERFLOW);
    CHECK_EQ_U(e.session_id, 0xFFFFFFFFu);
    CHECK_EQ_U(e.flags, 0);
    while (session_event_queue_pop(&q, &e)) {
        CHECK_EQ_U(e.code, SESSION_EVENT_LOGON);
        n++;
    }
    CHECK_EQ_U(n, SESSION_EVENT_QUEUE_MAX - 1);
    CHECK_EQ_U(e.session_id, SESSION_EVENT_QUEUE_MAX + 99); /* the newest is kept */
    /* Once the mark was read, a new overflow gets a new mark. */
    for (uint32_t i = 0; i < SESSION_EVENT_QUEUE_MAX + 1; i++)
        session_event_queue_push(&q, SESSION_EVENT_LOGOFF, i, "");
    REQUIRE(session_event_queue_pop(&q, &e));
    CHECK_EQ_U(e.code, SESSION_EVENT_OVERFLOW);
}

static size_t proc_datagram(uint8_t *buf, uint32_t what, const uint32_t *ids, size_t n_ids) {
    uint32_t payload[4 + 4];
    size_t plen = 16 + n_ids * 4, len = 16 + 20 + plen;
    uint32_t nl[4] = {(uint32_t) len, 3, 0, 0};
    uint32_t cn[4] = {1, 1, 0, 0};
    uint16_t cn_len[2] = {(uint16_t) plen, 0};

    memset(payload, 0, sizeof(payload));
    payload[0] = what;
    memcpy(&payload[4], ids, n_ids * 4);
    memcpy(buf, nl, 16);
    memcpy(buf + 16, cn, 16);
    memcpy(buf + 32, cn_len, 4);
    memcpy(buf + 36, payload, plen);
    return len;
}

static void proc_connector_events_parse_and_threads_do_not_count(void) {
    uint8_t buf[128];
    struct audit_proc_event ev;
    const uint32_t fork_proc[] = {10, 10, 20, 20}, fork_thread[] = {10, 10, 21, 20}, exit_proc[] = {20, 20};
    size_t len;

    len = proc_datagram(buf, 1, fork_proc, 4);
    REQUIRE(audit_parse_proc_event(buf, len, &ev) == 0);
    CHECK(ev.kind == AUDIT_PROC_NEW);
    CHECK_EQ_I(ev.pid, 20);
    CHECK_EQ_I(ev.ppid, 10);
    len = proc_datagram(buf, 1, fork_thread, 4);
    REQUIRE(audit_parse_proc_event(buf, len, &ev) == 0);
    CHECK(ev.kind == AUDIT_PROC_OTHER);
    len = proc_datagram(buf, 0x80000000u, exit_proc, 2);
    REQUIRE(audit_parse_proc_event(buf, len, &ev) == 0);
    CHECK(ev.kind == AUDIT_PROC_EXIT);
    CHECK_EQ_I(ev.pid, 20);
    /* Cut short anywhere: refused, never read past the end. */
    len = proc_datagram(buf, 1, fork_proc, 4);
    for (size_t cut = 0; cut < len; cut++)
        CHECK(audit_parse_proc_event(buf, cut, &ev) < 0);
    /* Another connector's message. */
    buf[16] = 2;
    CHECK(audit_parse_proc_event(buf, len, &ev) < 0);
}

TAP_MAIN(CASE(records_come_out_in_order_with_their_bits), CASE(past_the_bound_an_overflow_mark_replaces_the_oldest),
         CASE(proc_connector_events_parse_and_threads_do_not_count))
