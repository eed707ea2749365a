/* DCE/RPC PDUs and the srvsvc NDR coders, offline, including hostile input. */
#include <stdlib.h>
#include <string.h>

#include "rpc/dcerpc.h"
#include "rpc/ndr.h"
#include "rpc/srvsvc.h"
#include "tap.h"

/* A NetrServerGetInfo level-101 answer built by hand, field by field (MS-SRVS 2.2.4.41). */
static void build_info_101(struct buf *b, uint32_t name_max, uint32_t name_off) {
    static const char name[] = "T\0E\0S\0T\0\0\0";
    static const char comment[] = "h\0i\0\0\0";

    buf_put_u32(b, 101);        /* union discriminant */
    buf_put_u32(b, 0x00020000); /* -> SERVER_INFO_101 */
    buf_put_u32(b, 500);
    buf_put_u32(b, 0x00020004); /* -> name */
    buf_put_u32(b, 6);
    buf_put_u32(b, 1);
    buf_put_u32(b, 0x00809a03);
    buf_put_u32(b, 0x00020008); /* -> comment */
    buf_put_u32(b, name_max);
    buf_put_u32(b, name_off);
    buf_put_u32(b, 5);
    buf_put_bytes(b, name, 10);
    buf_put_zero(b, 2); /* align 4 */
    buf_put_u32(b, 3);
    buf_put_u32(b, 0);
    buf_put_u32(b, 3);
    buf_put_bytes(b, comment, 6);
    buf_put_zero(b, 2);
    buf_put_u32(b, 0); /* WERROR */
}

static void server_info_101_decodes_every_field(void) {
    struct buf b;
    struct srvs_server_info_101 i;
    uint32_t werror = 99;

    buf_init(&b);
    build_info_101(&b, 5, 0);
    REQUIRE(srvs_decode_server_get_info(b.data, b.len, &i, &werror) == 0);
    CHECK(werror == 0);
    CHECK(i.platform_id == 500 && i.version_major == 6 && i.version_minor == 1 && i.type == 0x00809a03);
    CHECK_STREQ(i.name, "TEST");
    CHECK_STREQ(i.comment, "hi");
    srvs_server_info_101_free(&i);
    buf_free(&b);
}

static void server_info_truncated_anywhere_is_an_error(void) {
    struct buf b;
    struct srvs_server_info_101 i;
    uint32_t werror;

    buf_init(&b);
    build_info_101(&b, 5, 0);
    for (size_t len = 0; len < b.len; len++)
        if (srvs_decode_server_get_info(b.data, len, &i, &werror) == 0) {
            TAP_FAIL("decoded a stub cut at %zu of %zu", len, b.len);
            srvs_server_info_101_free(&i);
        }
    buf_free(&b);
}

static void strings_longer_than_declared_or_offset_are_rejected(void) {
    struct buf b;
    struct srvs_server_info_101 i;
    uint32_t werror;

    buf_init(&b);
    build_info_101(&b, 4, 0); /* actual 5 > max 4 */
    CHECK(srvs_decode_server_get_info(b.data, b.len, &i, &werror) < 0);
    buf_free(&b);
    buf_init(&b);
    build_info_101(&b, 5, 1); /* offset must be 0 */
    CHECK(srvs_decode_server_get_info(b.data, b.len, &i, &werror) < 0);
    buf_free(&b);
}

static void huge_counts_fail_before_allocating(void) {
    struct buf b;
    struct cursor c;
    char *s = NULL;
    uint32_t n;

    buf_init(&b);
    buf_put_u32(&b, 0x7fffffff);
    buf_put_u32(&b, 0);
    buf_put_u32(&b, 0x7fffffff);
    buf_put_zero(&b, 8);
    cur_init(&c, b.data, b.len);
    CHECK(ndr_pull_string(&c, &s) < 0 && s == NULL && c.pos == 0);
    cur_init(&c, b.data, b.len);
    CHECK(ndr_pull_array_count(&c, 24, &n) < 0 && c.pos == 0);
    buf_free(&b);
}

/* Counts the bytes could hold but no sane answer has: capped all the same. */
static void counts_beyond_the_sane_maximum_fail(void) {
    struct buf b;
    struct cursor c;
    char *s = NULL;
    uint32_t n;

    buf_init(&b);
    buf_put_u32(&b, NDR_MAX_STRING_UNITS + 1);
    buf_put_u32(&b, 0);
    buf_put_u32(&b, NDR_MAX_STRING_UNITS + 1);
    for (uint32_t i = 0; i <= NDR_MAX_STRING_UNITS; i++)
        buf_put_u16(&b, 'a');
    cur_init(&c, b.data, b.len);
    CHECK(ndr_pull_string(&c, &s) < 0 && s == NULL && c.pos == 0);
    put_le32(b.data, NDR_MAX_STRING_UNITS); /* the largest allowed string fits */
    put_le32(b.data + 8, NDR_MAX_STRING_UNITS);
    cur_init(&c, b.data, b.len);
    CHECK(ndr_pull_string(&c, &s) == 0 && s && strlen(s) == NDR_MAX_STRING_UNITS);
    free(s);
    buf_free(&b);

    buf_init(&b);
    buf_put_u32(&b, NDR_MAX_ARRAY_COUNT + 1);
    buf_put_zero(&b, (size_t) (NDR_MAX_ARRAY_COUNT + 1) * 4);
    cur_init(&c, b.data, b.len);
    CHECK(ndr_pull_array_count(&c, 4, &n) < 0 && c.pos == 0);
    put_le32(b.data, NDR_MAX_ARRAY_COUNT);
    cur_init(&c, b.data, b.len);
    CHECK(ndr_pull_array_count(&c, 4, &n) == 0 && n == NDR_MAX_ARRAY_COUNT);
    buf_free(&b);
}

static void a_werror_without_info_is_data(void) {
    struct buf b;
    struct srvs_server_info_101 i;
    uint32_t werror = 0;

    buf_init(&b);
    buf_put_u32(&b, 101);
    buf_put_u32(&b, 0); /* NULL info */
    buf_put_u32(&b, 5); /* WERR_ACCESS_DENIED */
    REQUIRE(srvs_decode_server_get_info(b.data, b.len, &i, &werror) == 0);
    CHECK(werror == 5 && i.name == NULL);
    buf_free(&b);
}

static void get_info_request_is_unique_string_then_level(void) {
    struct buf b;

    buf_init(&b);
    REQUIRE(srvs_encode_server_get_info(&b, "ab", 101) == 0);
    REQUIRE(b.len == 4 + 12 + 6 + 2 + 4);
    CHECK(get_le32(b.data) != 0);                               /* referent */
    CHECK(get_le32(b.data + 4) == 3 && get_le32(b.data + 8) == 0 && get_le32(b.data + 12) == 3);
    CHECK(memcmp(b.data + 16, "a\0b\0\0\0", 6) == 0);
    CHECK(get_le32(b.data + 24) == 101);                        /* after alignment */
    buf_free(&b);
}

static void pdu(struct buf *b, uint8_t ptype, uint8_t flags, uint32_t call_id) {
    buf_put_u8(b, 5);
    buf_put_u8(b, 0);
    buf_put_u8(b, ptype);
    buf_put_u8(b, flags);
    buf_put_bytes(b, "\x10\0\0\0", 4);
    buf_put_u16(b, 0);
    buf_put_u16(b, 0);
    buf_put_u32(b, call_id);
}

static void bind_ack(struct buf *b, uint16_t result, uint16_t reason) {
    pdu(b, RPC_PTYPE_BIND_ACK, 3, 1);
    buf_put_u16(b, 4280);
    buf_put_u16(b, 4280);
    buf_put_u32(b, 0x1234);
    buf_put_u16(b, 13);
    buf_put_bytes(b, "\\PIPE\\srvsvc\0", 13);
    buf_align(b, 0, 4);
    buf_put_u8(b, 1);
    buf_put_zero(b, 3);
    buf_put_u16(b, result);
    buf_put_u16(b, reason);
    buf_put_zero(b, 20);
    buf_set_u16(b, 8, (uint16_t) b->len);
}

static void bind_ack_acceptance_and_refusals(void) {
    struct buf b;
    uint16_t x, r;
    uint32_t assoc, fault = 0;

    buf_init(&b);
    bind_ack(&b, 0, 0);
    REQUIRE(rpc_parse_bind_reply(b.data, b.len, &x, &r, &assoc, &fault) == 0);
    CHECK(x == 4280 && assoc == 0x1234);
    for (size_t len = 0; len < b.len; len++)
        CHECK(rpc_parse_bind_reply(b.data, len, &x, &r, &assoc, &fault) < 0);
    buf_free(&b);
    buf_init(&b);
    bind_ack(&b, 2, 1); /* provider rejection: abstract syntax not supported */
    CHECK(rpc_parse_bind_reply(b.data, b.len, &x, &r, &assoc, &fault) == -EREMOTEIO);
    CHECK(fault == NCA_S_UNK_IF);
    buf_free(&b);
    buf_init(&b);
    pdu(&b, RPC_PTYPE_BIND_NAK, 3, 1);
    buf_put_u16(&b, 4);
    buf_set_u16(&b, 8, (uint16_t) b.len);
    CHECK(rpc_parse_bind_reply(b.data, b.len, &x, &r, &assoc, &fault) == -EREMOTEIO);
    CHECK(fault == NCA_S_UNK_IF);
    buf_free(&b);
}

static void response_fragments_are_checked(void) {
    struct buf b, out;
    bool last = false;
    uint32_t fault = 0;

    buf_init(&b), buf_init(&out);
    pdu(&b, RPC_PTYPE_RESPONSE, RPC_PFC_FIRST_FRAG, 7);
    buf_put_u32(&b, 4);
    buf_put_u32(&b, 0);
    buf_put_bytes(&b, "stub", 4);
    buf_set_u16(&b, 8, (uint16_t) b.len);
    REQUIRE(rpc_parse_response_frag(b.data, b.len, 7, true, &out, &last, &fault) == 0);
    CHECK(!last && out.len == 4 && memcmp(out.data, "stub", 4) == 0);
    CHECK(rpc_parse_response_frag(b.data, b.len, 8, true, &out, &last, &fault) == -EBADMSG); /* call id */
    CHECK(rpc_parse_response_frag(b.data, b.len, 7, false, &out, &last, &fault) == -EBADMSG); /* FIRST again */
    CHECK(rpc_parse_response_frag(b.data, b.len - 1, 7, true, &out, &last, &fault) < 0);      /* frag_len */
    buf_free(&b);
    buf_init(&b);
    pdu(&b, RPC_PTYPE_FAULT, 3, 7);
    buf_put_u32(&b, 0);
    buf_put_u32(&b, 0);
    buf_put_u32(&b, 0x1c010002);
    buf_put_u32(&b, 0);
    buf_set_u16(&b, 8, (uint16_t) b.len);
    CHECK(rpc_parse_response_frag(b.data, b.len, 7, true, &out, &last, &fault) == -EREMOTEIO);
    CHECK(fault == 0x1c010002);
    buf_free(&b), buf_free(&out);
}


static void put_cvs(struct buf *b, const char *s) {
    size_t n = strlen(s) + 1;

    buf_align(b, 0, 4);
    buf_put_u32(b, (uint32_t) n);
    buf_put_u32(b, 0);
    buf_put_u32(b, (uint32_t) n);
    for (size_t i = 0; i < n; i++)
        buf_put_u16(b, (uint8_t) s[i]);
}

/* A NetrSessionEnum answer at level 10 (cname, username, time, idle_time) or 1, by hand. */
static void build_sessions(struct buf *b, uint32_t level, uint32_t count, uint32_t max) {
    buf_put_u32(b, level);
    buf_put_u32(b, level);
    buf_put_u32(b, 0x20000); /* -> container */
    buf_put_u32(b, count);
    buf_put_u32(b, 0x20004); /* -> array */
    buf_put_u32(b, max);
    for (uint32_t i = 0; i < count; i++) {
        buf_put_u32(b, 0x20008 + 8 * i);
        buf_put_u32(b, 0x2000c + 8 * i);
        buf_put_u32(b, level == 10 ? 7 + i : 3); /* time | num_opens */
        buf_put_u32(b, level == 10 ? 0 : 7 + i); /* idle | time */
        if (level == 1) {
            buf_put_u32(b, 0); /* idle */
            buf_put_u32(b, 1); /* user_flags: guest */
        }
    }
    for (uint32_t i = 0; i < count; i++) {
        put_cvs(b, i ? "127.0.0.2" : "127.0.0.1");
        put_cvs(b, i ? "bob" : "alice");
    }
    buf_align(b, 0, 4);
    buf_put_u32(b, count); /* TotalEntries */
    buf_put_u32(b, 0x20100);
    buf_put_u32(b, count); /* ResumeHandle */
    buf_put_u32(b, 0);     /* WERROR */
}

static void session_enum_decodes_levels_1_and_10(void) {
    struct buf b;
    struct srvs_session_list l;
    uint32_t total, werror;

    buf_init(&b);
    build_sessions(&b, 1, 2, 2);
    REQUIRE(srvs_decode_session_enum(b.data, b.len, 1, &l, &total, &werror) == 0);
    REQUIRE(l.n == 2);
    CHECK_STREQ(l.v[1].client, "127.0.0.2");
    CHECK_STREQ(l.v[1].user, "bob");
    CHECK(l.v[1].num_opens == 3 && l.v[1].time == 8 && l.v[1].user_flags == 1);
    CHECK(total == 2 && werror == 0);
    srvs_session_list_free(&l);
    buf_free(&b);
    buf_init(&b);
    build_sessions(&b, 10, 2, 2);
    REQUIRE(srvs_decode_session_enum(b.data, b.len, 10, &l, &total, &werror) == 0);
    CHECK(l.n == 2 && l.v[0].time == 7 && l.v[0].idle_time == 0 && l.v[0].num_opens == 0);
    CHECK_STREQ(l.v[0].user, "alice");
    srvs_session_list_free(&l);
    /* asked for 1, answered 10: refused, never reinterpreted */
    CHECK(srvs_decode_session_enum(b.data, b.len, 1, &l, &total, &werror) < 0);
    buf_free(&b);
}

static void session_enum_hostile_answers_fail(void) {
    struct buf b;
    struct srvs_session_list l;
    uint32_t total, werror;

    buf_init(&b);
    build_sessions(&b, 1, 2, 2);
    for (size_t len = 0; len < b.len - 4; len++)
        if (srvs_decode_session_enum(b.data, len, 1, &l, &total, &werror) == 0) {
            TAP_FAIL("decoded a stub cut at %zu of %zu", len, b.len);
            srvs_session_list_free(&l);
        }
    buf_free(&b);
    buf_init(&b);
    build_sessions(&b, 1, 2, 3); /* max_count disagrees with EntriesRead */
    CHECK(srvs_decode_session_enum(b.data, b.len, 1, &l, &total, &werror) < 0);
    buf_free(&b);
    buf_init(&b);
    build_sessions(&b, 1, 0, 0);
    put_le32(b.data + 12, 0x40000000); /* a billion entries in a few bytes */
    put_le32(b.data + 20, 0x40000000);
    CHECK(srvs_decode_session_enum(b.data, b.len, 1, &l, &total, &werror) < 0);
    buf_free(&b);
}

TAP_MAIN(CASE(session_enum_decodes_levels_1_and_10), CASE(session_enum_hostile_answers_fail), CASE(server_info_101_decodes_every_field), CASE(server_info_truncated_anywhere_is_an_error),
         CASE(strings_longer_than_declared_or_offset_are_rejected), CASE(huge_counts_fail_before_allocating), CASE(counts_beyond_the_sane_maximum_fail),
         CASE(a_werror_without_info_is_data), CASE(get_info_request_is_unique_string_then_level),
         CASE(bind_ack_acceptance_and_refusals), CASE(response_fragments_are_checked))
