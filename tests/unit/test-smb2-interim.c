/* Interim responses (MS-SMB2 3.2.5.1.5) in the transport's receive loop,
 * offline: the "server" is the far end of a socketpair, its answers written
 * before the request is sent. An interim is valid only for its request's
 * MessageId and command, for a command that can go async, once; it never
 * moves the deadline. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "smb2/conn.h" /* builds connections by hand */
#include "tap.h"

static int peer = -1;

static struct smb2_conn *conn(int timeout_ms) {
    struct smb2_conn *c = calloc(1, sizeof(*c));
    int sv[2];

    if (!c || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    c->fd = sv[0];
    peer = sv[1];
    c->timeout_ms = timeout_ms;
    c->credits = 64;
    c->dialect = SMB2_DIALECT_210;
    buf_init(&c->server_gss);
    return c;
}

static void done(struct smb2_conn *c) {
    smb2_conn_free(c);
    close(peer);
    peer = -1;
}

/* One response: header (2.2.1.1/2.2.1.2) and a body of body_len zero bytes
 * whose StructureSize is size. */
static void answer(uint16_t command, uint64_t mid, uint32_t status, bool async, uint16_t size, size_t body_len) {
    struct buf b;

    buf_init(&b);
    buf_put_u32(&b, 0); /* NBSS, set below */
    buf_put_bytes(&b, "\xfeSMB", 4);
    buf_put_u16(&b, 64);
    buf_put_u16(&b, 1);
    buf_put_u32(&b, status);
    buf_put_u16(&b, command);
    buf_put_u16(&b, 1);
    buf_put_u32(&b, SMB2_FLAGS_SERVER_TO_REDIR | (async ? SMB2_FLAGS_ASYNC_COMMAND : 0));
    buf_put_u32(&b, 0);
    buf_put_u64(&b, mid);
    buf_put_u64(&b, async ? 0x77 : 0); /* AsyncId, or Reserved + TreeId */
    buf_put_u64(&b, 0);
    buf_put_zero(&b, 16);
    buf_put_u16(&b, size);
    buf_put_zero(&b, body_len - 2);
    b.data[1] = 0;
    b.data[2] = (uint8_t) ((b.len - 4) >> 8);
    b.data[3] = (uint8_t) (b.len - 4);
    if (write(peer, b.data, b.len) != (ssize_t) b.len)
        abort();
    buf_free(&b);
}

static void interim(uint16_t command, uint64_t mid) {
    answer(command, mid, STATUS_PENDING, true, 9, 9);
}

static int request(struct smb2_conn *c, uint16_t command, struct smb2_msg *m) {
    struct smb2_req q;
    int r;

    smb2_req_init(&q, command, 1);
    buf_put_u16(&q.body, 2);
    buf_put_zero(&q.body, 2);
    r = smb2_transact(c, &q, 1, m);
    smb2_req_clear(&q);
    return r;
}

static double now_s(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void one_interim_then_the_answer_is_the_answer(void) {
    struct smb2_conn *c = conn(2000);
    struct smb2_msg m = {0};

    interim(SMB2_IOCTL, 0);
    answer(SMB2_IOCTL, 0, STATUS_SUCCESS, true, 49, 49);
    CHECK_EQ_I(request(c, SMB2_IOCTL, &m), 0);
    CHECK_EQ_U(m.status, STATUS_SUCCESS);
    CHECK_EQ_U(m.command, SMB2_IOCTL);
    smb2_msg_clear(&m);
    done(c);
}

static void a_second_interim_for_one_request_is_a_protocol_error(void) {
    struct smb2_conn *c = conn(2000);
    struct smb2_msg m = {0};

    interim(SMB2_READ, 0);
    interim(SMB2_READ, 0);
    answer(SMB2_READ, 0, STATUS_SUCCESS, true, 17, 17);
    CHECK_EQ_I(request(c, SMB2_READ, &m), -EBADMSG);
    CHECK(c->broken);
    done(c);
}

static void an_interim_for_a_command_that_never_goes_async_is_refused(void) {
    struct smb2_conn *c = conn(2000);
    struct smb2_msg m = {0};

    interim(SMB2_TREE_CONNECT, 0);
    CHECK_EQ_I(request(c, SMB2_TREE_CONNECT, &m), -EBADMSG);
    done(c);
}

static void an_interim_for_another_command_is_refused(void) {
    struct smb2_conn *c = conn(2000);
    struct smb2_msg m = {0};

    interim(SMB2_READ, 0); /* the request is an IOCTL */
    CHECK_EQ_I(request(c, SMB2_IOCTL, &m), -EBADMSG);
    done(c);
}

static void an_interim_for_another_message_id_is_refused(void) {
    struct smb2_conn *c = conn(2000);
    struct smb2_msg m = {0};

    interim(SMB2_IOCTL, 5);
    CHECK_EQ_I(request(c, SMB2_IOCTL, &m), -EBADMSG);
    done(c);
}

/* On a signed session only an interim may come unsigned (3.2.5.1.3): an
 * unsigned STATUS_PENDING without the async flag is no interim but a forged
 * final answer, and is refused before anything reads it. */
static void an_unsigned_sync_pending_on_a_signed_session_is_refused(void) {
    struct smb2_conn *c = conn(2000);
    struct smb2_msg m = {0};

    c->signing = true;
    answer(SMB2_IOCTL, 0, STATUS_PENDING, false, 9, 9);
    CHECK_EQ_I(request(c, SMB2_IOCTL, &m), -EBADMSG);
    done(c);
}

static void *late_interim(void *arg) {
    (void) arg;
    nanosleep(&(struct timespec){.tv_sec = 1, .tv_nsec = 200000000}, NULL);
    interim(SMB2_IOCTL, 0);
    return NULL;
}

static void an_interim_does_not_move_the_deadline(void) {
    struct smb2_conn *c = conn(1500);
    struct smb2_msg m = {0};
    double t0 = now_s(), dt;
    pthread_t t;

    /* At 1.2 s of a 1.5 s timeout: restarting the wait would end it at 2.7 s. */
    REQUIRE(pthread_create(&t, NULL, late_interim, NULL) == 0);
    CHECK_EQ_I(request(c, SMB2_IOCTL, &m), -ETIMEDOUT);
    dt = now_s() - t0;
    pthread_join(t, NULL);
    CHECK(dt >= 1.4 && dt < 2.5);
    done(c);
}

TAP_MAIN(CASE(one_interim_then_the_answer_is_the_answer), CASE(a_second_interim_for_one_request_is_a_protocol_error),
         CASE(an_interim_for_a_command_that_never_goes_async_is_refused),
         CASE(an_interim_for_another_command_is_refused), CASE(an_interim_for_another_message_id_is_refused),
         CASE(an_interim_does_not_move_the_deadline),
         CASE(an_unsigned_sync_pending_on_a_signed_session_is_refused))
