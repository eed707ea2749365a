/*
 * MS-TSTS LegacyApi coders (\pipe\Ctx_WinStation_API_service, MS-TSTS
 * 3.7.4.1, IDL in appendix A): every call answers BOOLEAN and puts an
 * NTSTATUS in its [out] DWORD* pResult. RpcWinStationReset carries exactly
 * WTSLogoffSession's (server, session, bWait): the server itself waits when
 * bWait is TRUE, which is how a logoff "really waits" on Windows.
 */
#include "rpc/tsts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- RpcWinStationGetAllProcesses ---- */

void tsts_process_list_free(struct tsts_process_list *l) {
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

int tsts_req_ws_get_all_processes(struct buf *b, const struct tsts_handle *server, uint32_t max) {
    if (max > TSTS_MAX_PROCESSES)
        return -EINVAL; /* BOUNDED_ULONG: [range(0, 0x8000)] */
    tsts_req_handle(b, server);
    ndr_push_u32(b, 0); /* Level: MUST be 0 */
    ndr_push_u32(b, max);
    return buf_error(b);
}

/* The fixed part of TS_ALL_PROCESSES_INFO: two referents around SizeOfSid. */
struct all_info {
    uint32_t info_ref, sid_size, sid_ref;
};

/*
 * TS_UNICODE_STRING's buffer: [size_is(MaximumLength), length_is(Length)]
 * though both lengths count bytes (ms-tsts.md), so the array's counts are
 * taken from its NDR header (max_count, offset, actual_count in WCHARs) and
 * the text is at most Length / 2 of those units, up to a NUL.
 */
static int get_image_name(struct cursor *c, uint16_t length, char *out, size_t size) {
    uint32_t max, offset, actual;
    const uint8_t *p;
    size_t n = 0, units;
    char *s;
    int r;

    if ((r = ndr_pull_u32(c, &max)) < 0 || (r = ndr_pull_u32(c, &offset)) < 0 || (r = ndr_pull_u32(c, &actual)) < 0)
        return r;
    if (offset > max || actual > max - offset || (r = cur_get_ptr(c, (size_t) actual * 2, &p)) < 0)
        return -EBADMSG;
    units = length / 2u < actual ? length / 2u : actual;
    while (n < units && get_le16(p + 2 * n))
        n++;
    if (n > 260)
        return -EBADMSG; /* longer than any image name (MAX_PATH) */
    if ((r = utf16_to_utf8(p, n, &s)) < 0)
        return r == -ENOMEM ? r : -EBADMSG;
    if (strlen(s) >= size) {
        free(s);
        return -EBADMSG;
    }
    memcpy(out, s, strlen(s) + 1);
    free(s);
    return 0;
}

/* TS_SYS_PROCESS_INFORMATION (136 octets, 8-aligned: it holds LARGE_INTEGERs),
 * then its deferred ImageName buffer. */
static int get_sys_process(struct cursor *c, struct tsts_process *pr) {
    uint16_t name_len, name_max;
    uint32_t name_ref, skip32;
    int r;

    if ((r = cur_align(c, 8)) < 0 || (r = cur_get_u32(c, &skip32)) < 0 || /* NextEntryOffset */
        (r = cur_get_u32(c, &pr->threads)) < 0 || (r = cur_skip(c, 4 * 8)) < 0 || /* Spare 1-3, CreateTime */
        (r = cur_get_u64(c, &pr->user_time)) < 0 || (r = cur_get_u64(c, &pr->kernel_time)) < 0 ||
        (r = cur_get_u16(c, &name_len)) < 0 || (r = cur_get_u16(c, &name_max)) < 0 ||
        (r = cur_get_u32(c, &name_ref)) < 0 || (r = cur_skip(c, 4)) < 0 || /* BasePriority */
        (r = cur_get_u32(c, &pr->pid)) < 0 || (r = cur_skip(c, 4)) < 0 || /* InheritedFrom… */
        (r = cur_get_u32(c, &pr->handles)) < 0 || (r = cur_get_u32(c, &pr->session)) < 0 ||
        (r = cur_skip(c, 4)) < 0 || /* SpareUl3 */
        (r = cur_get_u32(c, &pr->vm_peak)) < 0 || (r = cur_get_u32(c, &pr->vm)) < 0 ||
        (r = cur_skip(c, 4)) < 0 || /* PageFaultCount */
        (r = cur_get_u32(c, &pr->ws_peak)) < 0 || (r = cur_get_u32(c, &pr->ws)) < 0 ||
        (r = cur_skip(c, 4 * 4)) < 0 || /* the four quota counters */
        (r = cur_get_u32(c, &pr->pagefile)) < 0 || (r = cur_get_u32(c, &pr->pagefile_peak)) < 0 ||
        (r = cur_skip(c, 4)) < 0) /* PrivatePageCount */
        return r;
    (void) skip32, (void) name_max; /* NextEntryOffset means nothing on the wire; counts come from NDR */
    pr->name[0] = '\0';
    return name_ref ? get_image_name(c, name_len, pr->name, sizeof(pr->name)) : 0;
}

/* A SID's shape (MS-DTYP 2.4.2): revision 1, at most 15 sub-authorities, exactly its length. */
static bool sid_shape_ok(const uint8_t *p, size_t n) {
    return n >= 8 && n <= TSTS_SID_MAX && p[0] == 1 && p[1] <= 15 && n == 8u + 4u * p[1];
}

int tsts_decode_ws_get_all_processes(const uint8_t *p, size_t len, struct tsts_process_list *ret,
                                     uint32_t *ret_status) {
    struct tsts_process_list l = {0};
    struct all_info *fixed = NULL;
    uint32_t result, count, ref, max = 0, st;
    struct cursor c;
    int r;

    cur_init(&c, p, len);
    if ((r = ndr_pull_u32(&c, &result)) < 0 || (r = ndr_pull_u32(&c, &count)) < 0 ||
        (r = ndr_pull_ptr(&c, &ref)) < 0)
        return r;
    if (ref) {
        /* size_is(, *pNumberOfProcesses): the array is exactly that long. */
        if ((r = ndr_pull_array_count(&c, 12, &max)) < 0)
            return r;
        if (max != count || max > TSTS_MAX_PROCESSES)
            return -EBADMSG;
        if (max && (!(fixed = calloc(max, sizeof(*fixed))) || !(l.v = calloc(max, sizeof(*l.v))))) {
            r = -ENOMEM;
            goto fail;
        }
        for (uint32_t i = 0; i < max; i++)
            if ((r = ndr_pull_ptr(&c, &fixed[i].info_ref)) < 0 || (r = ndr_pull_u32(&c, &fixed[i].sid_size)) < 0 ||
                (r = ndr_pull_ptr(&c, &fixed[i].sid_ref)) < 0)
                goto fail;
        /* The deferred pointees, element by element, each depth first (NDR
         * 2.0): the process structure, its image name, then the SID. */
        for (l.n = 0; l.n < max; l.n++) {
            struct tsts_process *pr = &l.v[l.n];
            const uint8_t *sid;
            uint32_t sid_max;

            r = -EBADMSG;
            if (!fixed[l.n].info_ref)
                goto fail; /* an entry with no process */
            if ((r = get_sys_process(&c, pr)) < 0)
                goto fail;
            if (!fixed[l.n].sid_ref)
                continue;
            if ((r = ndr_pull_array_count(&c, 1, &sid_max)) < 0)
                goto fail;
            r = -EBADMSG;
            if (sid_max != fixed[l.n].sid_size || cur_get_ptr(&c, sid_max, &sid) < 0)
                goto fail;
            if (sid_shape_ok(sid, sid_max)) { /* otherwise: no SID we could hand out */
                memcpy(pr->sid, sid, sid_max);
                pr->sid_len = (uint8_t) sid_max;
            }
        }
    } else if (count != 0 && result == 0) {
        return -EBADMSG; /* processes announced, none sent */
    }
    if ((r = ws_outcome(&c, result, &st)) < 0)
        goto fail;
    free(fixed);
    if (st != 0)
        tsts_process_list_free(&l);
    *ret = l;
    *ret_status = st;
    return 0;
fail:
    free(fixed);
    tsts_process_list_free(&l);
    return r;
}
