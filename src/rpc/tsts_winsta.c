/*
 * MS-TSTS LegacyApi coders (\pipe\Ctx_WinStation_API_service, MS-TSTS
 * 3.7.4.1, IDL in appendix A): every call answers BOOLEAN and puts an
 * NTSTATUS in its [out] DWORD* pResult. RpcWinStationReset carries exactly
 * WTSLogoffSession's (server, session, bWait): the server itself waits when
 * bWait is TRUE, which is how a logoff "really waits" on Windows.
 */
#include "rpc/tsts.h"

#include <errno.h>

#include "common/utf16.h"
#include "rpc/ndr.h"

#define STATUS_UNSUCCESSFUL 0xC0000001u

const struct rpc_syntax tsts_syntax_legacy = {
    {0x60, 0xa7, 0xa4, 0x5c, 0xb1, 0xeb, 0xcf, 0x11, 0x86, 0x11, 0x00, 0xa0, 0x24, 0x54, 0x20, 0xed}, 1, 0};

int tsts_req_ws_session(struct buf *b, const struct tsts_handle *server, uint32_t id, bool wait) {
    tsts_req_handle(b, server);
    ndr_push_u32(b, id);
    buf_put_u8(b, wait ? 1 : 0); /* BOOLEAN: one byte */
    return buf_error(b);
}

int tsts_req_ws_terminate(struct buf *b, const struct tsts_handle *server, uint32_t pid, uint32_t exit_code) {
    tsts_req_handle(b, server);
    ndr_push_u32(b, pid);
    ndr_push_u32(b, exit_code);
    return buf_error(b);
}

/* The BOOLEAN the call returned, then pResult as the status: FALSE with no
 * status is still a failure (never read as success). */
static int ws_outcome(struct cursor *c, uint32_t result, uint32_t *ret_status) {
    uint8_t ok;
    int r;

    if ((r = cur_get_u8(c, &ok)) < 0)
        return r;
    if (ok && result != 0)
        return -EBADMSG; /* TRUE with a failure status: contradictory */
    *ret_status = ok ? 0 : result ? result : STATUS_UNSUCCESSFUL;
    return 0;
}

int tsts_decode_ws_open_server(const uint8_t *p, size_t len, struct tsts_handle *ret, uint32_t *ret_status) {
    struct tsts_handle h;
    uint32_t result, st;
    struct cursor c;
    int r;

    cur_init(&c, p, len);
    if ((r = ndr_pull_u32(&c, &result)) < 0 || (r = cur_get_bytes(&c, h.b, sizeof(h.b))) < 0 ||
        (r = ws_outcome(&c, result, &st)) < 0)
        return r;
    if (st == 0 && tsts_handle_is_null(&h))
        return -EBADMSG;
    *ret = h;
    *ret_status = st;
    return 0;
}

int tsts_decode_ws_result(const uint8_t *p, size_t len, uint32_t *ret_status) {
    uint32_t result;
    struct cursor c;
    int r;

    cur_init(&c, p, len);
    if ((r = ndr_pull_u32(&c, &result)) < 0)
        return r;
    return ws_outcome(&c, result, ret_status);
}

/* A [ref, size_is(n)] WCHAR array: its count, the units (no terminator).
 * n is what the IDL says: a count of WCHARs, which is also what the one
 * public client sends as TitleLength/MessageLength (though WTSSendMessage's
 * own lengths are bytes: the API converts before it gets here). */
static int put_wchar_array(struct buf *b, const char *s, uint32_t *ret_units) {
    size_t at, units;
    int r;

    ndr_push_u32(b, 0);
    at = b->len - 4;
    if ((r = utf16_put_utf8(b, s, &units)) < 0)
        return r;
    if (units > 1024)
        return -EINVAL; /* [range(0, 1024)] */
    buf_set_u32(b, at, (uint32_t) units);
    *ret_units = (uint32_t) units;
    return buf_error(b);
}

int tsts_req_ws_send_message(struct buf *b, const struct tsts_handle *server, uint32_t id, const char *title,
                             const char *message, uint32_t style, uint32_t timeout_sec, bool do_not_wait) {
    uint32_t n;
    int r;

    tsts_req_handle(b, server);
    ndr_push_u32(b, id);
    if ((r = put_wchar_array(b, title, &n)) < 0)
        return r;
    ndr_push_u32(b, n); /* TitleLength */
    if ((r = put_wchar_array(b, message, &n)) < 0)
        return r;
    ndr_push_u32(b, n); /* MessageLength */
    ndr_push_u32(b, style);
    ndr_push_u32(b, timeout_sec);
    buf_put_u8(b, do_not_wait ? 1 : 0);
    return buf_error(b);
}

int tsts_decode_ws_send_message(const uint8_t *p, size_t len, uint32_t *ret_response, uint32_t *ret_status) {
    uint32_t result, response, st;
    struct cursor c;
    int r;

    cur_init(&c, p, len);
    if ((r = ndr_pull_u32(&c, &result)) < 0 || (r = ndr_pull_u32(&c, &response)) < 0 ||
        (r = ws_outcome(&c, result, &st)) < 0)
        return r;
    *ret_response = response;
    *ret_status = st;
    return 0;
}
