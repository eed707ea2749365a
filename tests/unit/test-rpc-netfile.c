/*
 * NetrFileEnum / NetrFileClose / NetrConnectionEnum / NetrShareEnum
 * (MS-SRVS 3.1.4.1, 3.1.4.8, 3.1.4.16, 3.1.4.19) and NetrWkstaUserEnum
 * (MS-WKST 3.2.4.3) stubs: byte-exact vectors written by hand from the IDL
 * and NDR 2.0 (C706 14: unique pointers' referents, conformant varying
 * strings, conformant arrays with their deferred members in member order),
 * and hostile answers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/srvsvc.h"
#include "rpc/wkssvc.h"
#include "tap.h"

static bool same(const struct buf *b, const uint8_t *want, size_t n) {
    if (b->len != n || memcmp(b->data, want, n) != 0) {
        tap_diag("got %zu bytes, want %zu", b->len, n);
        for (size_t i = 0; i < b->len && i < n; i++)
            if (b->data[i] != want[i]) {
                tap_diag("first difference at %zu: %02x != %02x", i, b->data[i], want[i]);
                break;
            }
        return false;
    }
    return true;
}

static void file_enum_request(void) {
    static const uint8_t want[] = {
        0x04, 0x00, 0x02, 0x00, /* ServerName: referent */
        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 'S', 0, 0, 0, /* "S" */
        0x00, 0x00, 0x00, 0x00, /* BasePath: NULL */
        0x08, 0x00, 0x02, 0x00, /* UserName */
        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 'u', 0, 0, 0,
        0x03, 0x00, 0x00, 0x00, /* FILE_ENUM_STRUCT.Level */
        0x03, 0x00, 0x00, 0x00, /* union discriminant */
        0x0c, 0x00, 0x02, 0x00, /* -> FILE_INFO_3_CONTAINER */
        0x00, 0x00, 0x00, 0x00, /* EntriesRead */
        0x00, 0x00, 0x00, 0x00, /* Buffer: NULL */
        0xff, 0xff, 0xff, 0xff, /* PreferedMaximumLength */
        0x10, 0x00, 0x02, 0x00, /* -> ResumeHandle */
        0x00, 0x00, 0x00, 0x00,
    };
    struct buf b;

    buf_init(&b);
    REQUIRE(srvs_encode_file_enum(&b, "S", NULL, "u", 3, 0xFFFFFFFFu, 0) == 0);
    CHECK(same(&b, want, sizeof(want)));
    buf_free(&b);
    buf_init(&b);
    CHECK_EQ_I(srvs_encode_file_enum(&b, "S", NULL, NULL, 1, 0, 0), -EINVAL); /* no FILE_INFO_1 over RPC */
    buf_free(&b);
}

static void file_close_and_connection_enum_requests(void) {
    static const uint8_t close_want[] = {0, 0, 0, 0, 0x78, 0x56, 0x34, 0x12};
    static const uint8_t conn_want[] = {
        0x00, 0x00, 0x00, 0x00, /* ServerName: NULL */
        0x04, 0x00, 0x02, 0x00, /* Qualifier "sh" */
        0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 's', 0, 'h', 0, 0, 0, 0, 0,
        0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* Level 1, discriminant */
        0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* -> empty container */
        0x00, 0x10, 0x00, 0x00, /* PreferedMaximumLength 4096 */
        0x0c, 0x00, 0x02, 0x00, 0x07, 0x00, 0x00, 0x00, /* -> ResumeHandle 7 */
    };
    struct buf b;

    buf_init(&b);
    REQUIRE(srvs_encode_file_close(&b, NULL, 0x12345678) == 0);
    CHECK(same(&b, close_want, sizeof(close_want)));
    buf_free(&b);
    buf_init(&b);
    REQUIRE(srvs_encode_connection_enum(&b, NULL, "sh", 1, 4096, 7) == 0);
    CHECK(same(&b, conn_want, sizeof(conn_want)));
    buf_free(&b);
}

/* NetrFileEnum's answer: one FILE_INFO_3 {0x5e000001, 3, 0, "C:\a", "bob"}. */
static const uint8_t file_reply[] = {
    0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, /* Level, discriminant */
    0x00, 0x00, 0x02, 0x00,                         /* -> container */
    0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x02, 0x00, /* EntriesRead, -> Buffer */
    0x01, 0x00, 0x00, 0x00,                         /* max_count */
    0x01, 0x00, 0x00, 0x5e, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* id, permissions, locks */
    0x08, 0x00, 0x02, 0x00, 0x0c, 0x00, 0x02, 0x00,                         /* -> path, -> user */
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, /* "C:\a" */
    'C', 0, ':', 0, '\\', 0, 'a', 0, 0, 0, 0, 0,                            /* + 2 bytes of alignment */
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 'b', 0, 'o', 0, 'b', 0, 0, 0,
    0x01, 0x00, 0x00, 0x00,                         /* TotalEntries */
    0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, /* -> ResumeHandle 0 */
    0x00, 0x00, 0x00, 0x00,                         /* WERROR */
};

static void file_enum_reply_decodes(void) {
    struct srvs_list l;
    uint32_t total, resume = 9, werror = 9;
    const struct srvs_file *f;

    REQUIRE(srvs_decode_enum(file_reply, sizeof(file_reply), SRVS_FILES, 3, &l, &total, &resume, &werror) == 0);
    REQUIRE(l.n == 1);
    f = l.v;
    CHECK_EQ_U(f->id, 0x5e000001);
    CHECK_EQ_U(f->permissions, 3);
    CHECK_EQ_U(f->num_locks, 0);
    CHECK_STREQ(f->path, "C:\\a");
    CHECK_STREQ(f->user, "bob");
    CHECK(total == 1 && resume == 0 && werror == 0);
    srvs_list_free(&l);
    /* the same bytes are not an answer at another level */
    CHECK_EQ_I(srvs_decode_enum(file_reply, sizeof(file_reply), SRVS_FILES, 2, &l, &total, NULL, &werror), -EBADMSG);
}

/* NetrShareEnum's answer at 502: {"IPC$", 0x80000003, "x", 0, -1, 1, "", NULL, 4, 01 00 04 80}. */
static const uint8_t share_reply[] = {
    0xf6, 0x01, 0x00, 0x00, 0xf6, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, /* 502, 502, -> container */
    0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, /* 1, -> array, max_count 1 */
    0x08, 0x00, 0x02, 0x00,                                                 /* -> netname */
    0x03, 0x00, 0x00, 0x80,                                                 /* type */
    0x0c, 0x00, 0x02, 0x00,                                                 /* -> remark */
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00, /* permissions, max, current */
    0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,                         /* -> path, passwd NULL */
    0x04, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00,                         /* reserved = 4, -> SD */
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
    'I', 0, 'P', 0, 'C', 0, '$', 0, 0, 0, 0, 0,                                               /* "IPC$" + pad */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 'x', 0, 0, 0, /* "x" */
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0,   /* "" + pad */
    0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x04, 0x80,                                       /* SD: conformant BYTE[4] */
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,               /* total, resume NULL, WERROR */
};

static void share_enum_502_decodes_the_descriptor(void) {
    struct srvs_list l;
    uint32_t total, werror;
    const struct srvs_share *s;
    uint8_t bad[sizeof(share_reply)];

    REQUIRE(srvs_decode_enum(share_reply, sizeof(share_reply), SRVS_SHARES, 502, &l, &total, NULL, &werror) == 0);
    REQUIRE(l.n == 1);
    s = l.v;
    CHECK_STREQ(s->netname, "IPC$");
    CHECK_EQ_U(s->type, 0x80000003u);
    CHECK_STREQ(s->remark, "x");
    CHECK_STREQ(s->path, "");
    CHECK(s->passwd == NULL);
    CHECK(s->max_uses == 0xFFFFFFFFu && s->current_uses == 1);
    CHECK_EQ_U(s->sd_len, 4);
    CHECK(s->sd && memcmp(s->sd, "\x01\x00\x04\x80", 4) == 0);
    srvs_list_free(&l);
    /* a descriptor whose array disagrees with shi502_reserved is no answer */
    memcpy(bad, share_reply, sizeof(bad));
    bad[56] = 5; /* reserved: 5, the array still 4 */
    CHECK_EQ_I(srvs_decode_enum(bad, sizeof(bad), SRVS_SHARES, 502, &l, &total, NULL, &werror), -EBADMSG);
}

static void wksta_user_enum_request_and_reply(void) {
    static const uint8_t want[] = {
        0x04, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 'S', 0, 0, 0,
        0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* WKSTA_USER_ENUM_STRUCT.Level 1, discriminant */
        0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xff, 0xff, 0xff, 0xff, 0x0c, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    static const uint8_t reply[] = {
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, /* level 0, -> container */
        0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, /* 1 entry */
        0x08, 0x00, 0x02, 0x00,                                                 /* -> wkui0_username */
        0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 'a', 0, 'l', 0, 0, 0, 0, 0,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* total, resume NULL, 0 */
    };
    struct wkst_user_list l;
    uint32_t total, werror;
    struct buf b;

    buf_init(&b);
    REQUIRE(wkst_encode_user_enum(&b, "S", 1, 0xFFFFFFFFu, 0) == 0);
    CHECK(same(&b, want, sizeof(want)));
    buf_free(&b);
    REQUIRE(wkst_decode_user_enum(reply, sizeof(reply), 0, &l, &total, &werror) == 0);
    REQUIRE(l.n == 1);
    CHECK_STREQ(l.v[0].user, "al");
    CHECK(l.v[0].logon_domain == NULL);
    CHECK(total == 1 && werror == 0);
    wkst_user_list_free(&l);
    CHECK_EQ_I(wkst_decode_user_enum(reply, sizeof(reply), 1, &l, &total, &werror), -EBADMSG);
}

/* Every truncation of every vector fails cleanly (and leaks nothing: ASan). */
static void truncated_answers_fail(void) {
    struct srvs_list l;
    struct wkst_user_list w;
    uint32_t total, werror;

    for (size_t n = 0; n + 4 < sizeof(file_reply); n++)
        if (srvs_decode_enum(file_reply, n, SRVS_FILES, 3, &l, &total, NULL, &werror) == 0) {
            TAP_FAIL("file reply truncated to %zu bytes decoded", n);
            srvs_list_free(&l);
        }
    for (size_t n = 0; n + 4 < sizeof(share_reply); n++)
        if (srvs_decode_enum(share_reply, n, SRVS_SHARES, 502, &l, &total, NULL, &werror) == 0) {
            TAP_FAIL("share reply truncated to %zu bytes decoded", n);
            srvs_list_free(&l);
        }
    for (size_t n = 0; n < 8; n++)
        CHECK(wkst_decode_user_enum(file_reply, n, 0, &w, &total, &werror) < 0);
}

TAP_MAIN(CASE(file_enum_request), CASE(file_close_and_connection_enum_requests), CASE(file_enum_reply_decodes),
         CASE(share_enum_502_decodes_the_descriptor), CASE(wksta_user_enum_request_and_reply),
         CASE(truncated_answers_fail))
