/*
 * MS-TSTS coders of the LSM interfaces (TermSrvSession, TermSrvEnumeration)
 * and RCMPublic, from the IDL of MS-TSTS appendix A. Every reply is read
 * through the bounds-checked cursor; NDR padding is skipped, never checked
 * (ms-tsts.md: it is not guaranteed to be zero).
 */
#include "rpc/tsts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/ntstatus.h"
#include "common/utf16.h"
#include "rpc/ndr.h"

/* UUIDs in wire order (the first three fields little endian), version 1.0. */
const struct rpc_syntax tsts_syntax_session = {
    {0xd6, 0x09, 0x48, 0x48, 0x39, 0x42, 0x1b, 0x47, 0xb5, 0xbc, 0x61, 0xdf, 0x8c, 0x23, 0xac, 0x48}, 1, 0};
const struct rpc_syntax tsts_syntax_enumeration = {
    {0xd0, 0x3f, 0x14, 0x88, 0x8d, 0xc2, 0x2b, 0x4b, 0x8f, 0xef, 0x8d, 0x88, 0x2f, 0x6a, 0x93, 0x90}, 1, 0};
const struct rpc_syntax tsts_syntax_rcm = {
    {0xdf, 0x5f, 0xe9, 0xbd, 0xe0, 0xee, 0xde, 0x45, 0x9e, 0x12, 0xe5, 0xa6, 0x1c, 0xd0, 0xd4, 0xfe}, 1, 0};

bool tsts_handle_is_null(const struct tsts_handle *h) {
    for (size_t i = 0; i < sizeof(h->b); i++)
        if (h->b[i])
            return false;
    return true;
}

void tsts_session_list_free(struct tsts_session_list *l) {
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* WCHAR name[units], NUL-terminated within it (or filling it): UTF-8 into out.
 * Shared with tsts_winsta.c through this file only. */
static int get_wchars(struct cursor *c, size_t units, char *out, size_t size) {
    const uint8_t *p;
    size_t n = 0;
    char *s;
    int r;

    if ((r = cur_get_ptr(c, units * 2, &p)) < 0)
        return r;
    while (n < units && get_le16(p + 2 * n))
        n++;
    if ((r = utf16_to_utf8(p, n, &s)) < 0)
        return r == -ENOMEM ? r : -EBADMSG;
    if (strlen(s) >= size) {
        free(s);
        return -EBADMSG; /* cannot happen for a WCHAR[units] with size ≥ 3·units+1 */
    }
    memcpy(out, s, strlen(s) + 1);
    free(s);
    return 0;
}

static int pull_u64(struct cursor *c, uint64_t *ret) {
    struct cursor save = *c;
    int r;

    if ((r = cur_align(c, 8)) < 0 || (r = cur_get_u64(c, ret)) < 0)
        *c = save;
    return r;
}

static int expect_end(struct cursor *c, uint32_t *ret_status) {
    uint32_t st;
    int r;

    if ((r = ndr_pull_u32(c, &st)) < 0)
        return r;
    *ret_status = st;
    return 0;
}

/* ---- requests ---- */

int tsts_req_get_all_sessions(struct buf *b, uint32_t level) {
    ndr_push_u32(b, level); /* [in,out] ULONG* pLevel */
    return buf_error(b);
}

int tsts_req_session_id(struct buf *b, uint32_t id) {
    ndr_push_u32(b, id);
    return buf_error(b);
}

int tsts_req_get_session_information_ex(struct buf *b, uint32_t id, uint32_t level) {
    ndr_push_u32(b, id);
    ndr_push_u32(b, level);
    return buf_error(b);
}

int tsts_req_handle(struct buf *b, const struct tsts_handle *h) {
    buf_align(b, 0, 4);
    buf_put_bytes(b, h->b, sizeof(h->b));
    return buf_error(b);
}

/* ---- replies ---- */

/*
 * RpcGetAllSessions ([in,out] ULONG* pLevel, [out, size_is(,*pcEntries)]
 * PEXECENVDATA* ppSessionData, [out] ULONG* pcEntries): pLevel, the unique
 * pointer's referent, the conformant array of {DWORD Level; union switched
 * on a DWORD} (a level, then the union's own tag), pcEntries, HRESULT.
 */
#define EXECENV2_MIN_SIZE (8u + 4 + 4 + 66 + 2 + 4 + 4 * 66)

static int get_execenv2(struct cursor *c, struct tsts_session *s) {
    uint32_t level, tag, env_id;
    int r;

    if ((r = ndr_pull_u32(c, &level)) < 0 || (r = ndr_pull_u32(c, &tag)) < 0)
        return r;
    if (level != 2 || tag != 2)
        return -EBADMSG; /* we asked for level 2 and read only that */
    if ((r = ndr_pull_u32(c, &env_id)) < 0 || (r = ndr_pull_u32(c, &s->state)) < 0 ||
        (r = get_wchars(c, 33, s->name, sizeof(s->name))) < 0 || (r = ndr_pull_u32(c, &s->id)) < 0 ||
        (r = get_wchars(c, 33, s->host, sizeof(s->host))) < 0 ||
        (r = get_wchars(c, 33, s->user, sizeof(s->user))) < 0 ||
        (r = get_wchars(c, 33, s->domain, sizeof(s->domain))) < 0 || (r = cur_skip(c, 66)) < 0) /* FarmName */
        return r;
    return 0;
}

int tsts_decode_get_all_sessions(const uint8_t *p, size_t len, struct tsts_session_list *ret, uint32_t *ret_status) {
    struct tsts_session_list l = {0};
    uint32_t level, ref, count = 0, entries, st;
    struct cursor c;
    int r;

    cur_init(&c, p, len);
    if ((r = ndr_pull_u32(&c, &level)) < 0 || (r = ndr_pull_ptr(&c, &ref)) < 0)
        return r;
    if (ref) {
        if ((r = ndr_pull_array_count(&c, EXECENV2_MIN_SIZE, &count)) < 0)
            return r;
        if (count && level != 2)
            return -EBADMSG;
        if (count && !(l.v = calloc(count, sizeof(*l.v))))
            return -ENOMEM;
        for (l.n = 0; l.n < count; l.n++)
            if ((r = get_execenv2(&c, &l.v[l.n])) < 0)
                goto fail;
    }
    r = -EBADMSG;
    if (ndr_pull_u32(&c, &entries) < 0 || expect_end(&c, &st) < 0)
        goto fail;
    if (st == 0 && entries != count)
        goto fail; /* *pcEntries sizes the array: they must agree */
    *ret_status = st;
    if (st != 0)
        tsts_session_list_free(&l);
    *ret = l;
    return 0;
fail:
    tsts_session_list_free(&l);
    return r;
}

/*
 * RpcGetSessionInformationEx ([in] LONG SessionId, [in] DWORD Level,
 * [out, ref] LSM_SESSIONINFO_EX*): a [ref] struct {DWORD Level; union
 * switch(Level)} — no referent id, the level, the union's tag, then
 * LSM_SESSIONINFO_EX_LEVEL1 (8-aligned: it holds FILETIMEs), then the HRESULT.
 */
int tsts_decode_session_information_ex(const uint8_t *p, size_t len, struct tsts_session_info *ret,
                                       uint32_t *ret_status) {
    struct tsts_session_info i;
    uint32_t level, tag, proto_len, proto_ref, st;
    struct cursor c;
    int r;

    memset(&i, 0, sizeof(i));
    cur_init(&c, p, len);
    if ((r = ndr_pull_u32(&c, &level)) < 0 || (r = ndr_pull_u32(&c, &tag)) < 0)
        return r;
    if (level != 1 || tag != 1) {
        /* A failed call may leave the union empty: then only the HRESULT is read. */
        if (expect_end(&c, &st) < 0 || st == 0)
            return -EBADMSG;
        *ret_status = st;
        return 0;
    }
    if ((r = cur_align(&c, 8)) < 0 || (r = ndr_pull_u32(&c, &i.state)) < 0 || (r = ndr_pull_u32(&c, &i.flags)) < 0 ||
        (r = get_wchars(&c, 33, i.name, sizeof(i.name))) < 0 ||
        (r = get_wchars(&c, 18, i.domain, sizeof(i.domain))) < 0 ||
        (r = get_wchars(&c, 21, i.user, sizeof(i.user))) < 0 || (r = pull_u64(&c, &i.connect_time)) < 0 ||
        (r = pull_u64(&c, &i.disconnect_time)) < 0 || (r = pull_u64(&c, &i.logon_time)) < 0 ||
        (r = pull_u64(&c, &i.last_input_time)) < 0 || (r = ndr_pull_u32(&c, &proto_len)) < 0 ||
        (r = ndr_pull_ptr(&c, &proto_ref)) < 0)
        return r;
    if (proto_ref) { /* [size_is(ProtocolDataSize)] PBYTE: deferred after the struct */
        uint32_t max;

        if ((r = ndr_pull_array_count(&c, 1, &max)) < 0)
            return r;
        if (max != proto_len || (r = cur_skip(&c, max)) < 0)
            return -EBADMSG;
    }
    if ((r = expect_end(&c, &st)) < 0)
        return r;
    *ret = i;
    *ret_status = st;
    return 0;
}

int tsts_decode_handle_hresult(const uint8_t *p, size_t len, struct tsts_handle *ret, uint32_t *ret_status) {
    struct tsts_handle h;
    uint32_t st;
    struct cursor c;
    int r;

    cur_init(&c, p, len);
    if ((r = cur_get_bytes(&c, h.b, sizeof(h.b))) < 0 || (r = expect_end(&c, &st)) < 0)
        return r;
    if (st == 0 && tsts_handle_is_null(&h))
        return -EBADMSG; /* success with no handle */
    *ret = h;
    *ret_status = st;
    return 0;
}

int tsts_decode_close(const uint8_t *p, size_t len, uint32_t *ret_status) {
    struct cursor c;
    int r;

    cur_init(&c, p, len);
    if ((r = cur_skip(&c, sizeof(struct tsts_handle))) < 0) /* the [in,out] handle, zeroed */
        return r;
    return expect_end(&c, ret_status);
}

int tsts_decode_hresult(const uint8_t *p, size_t len, uint32_t *ret_status) {
    struct cursor c;

    cur_init(&c, p, len);
    return expect_end(&c, ret_status);
}

/* ---- RCMPublic ---- */

/* WINSTATIONCLIENT in its C layout (MS-TSTS 2.2.2.19): the offsets of the fields we read. */
#define WSC_CLIENT_NAME 4         /* WCHAR[21] */
#define WSC_ADDRESS_FAMILY 1192   /* ULONG */
#define WSC_CLIENT_ADDRESS 1196   /* WCHAR[31] */
#define WSC_HRES 1258             /* USHORT HRes, VRes, ColorDepth, ProtocolType */
#define WSC_BUILD 2012            /* ULONG ClientBuildNumber */

int tsts_parse_winstationclient(const uint8_t *p, size_t len, struct tsts_client *ret) {
    struct tsts_client t;
    struct cursor c;
    int r;

    memset(&t, 0, sizeof(t));
    if (len < TSTS_WINSTATIONCLIENT_SIZE)
        return -EBADMSG;
    cur_init(&c, p, len);
    if ((r = cur_seek(&c, WSC_CLIENT_NAME)) < 0 || (r = get_wchars(&c, 21, t.name, sizeof(t.name))) < 0 ||
        (r = cur_seek(&c, WSC_ADDRESS_FAMILY)) < 0 || (r = cur_get_u32(&c, &t.address_family)) < 0 ||
        (r = get_wchars(&c, 31, t.address, sizeof(t.address))) < 0 || (r = cur_get_u16(&c, &t.hres)) < 0 ||
        (r = cur_get_u16(&c, &t.vres)) < 0 || (r = cur_get_u16(&c, &t.color_depth)) < 0 ||
        (r = cur_get_u16(&c, &t.protocol)) < 0 || (r = cur_seek(&c, WSC_BUILD)) < 0 ||
        (r = cur_get_u32(&c, &t.build)) < 0)
        return r;
    *ret = t;
    return 0;
}

/* RpcGetClientData ([in] ULONG SessionId, [out, size_is(,*pOutBuffByteLen)]
 * PBYTE* ppBuff, [out] ULONG* pOutBuffByteLen): referent, the conformant
 * byte array, its length, the HRESULT. */
int tsts_decode_client_data(const uint8_t *p, size_t len, struct tsts_client *ret, uint32_t *ret_status) {
    struct tsts_client t;
    uint32_t ref, max = 0, n, st;
    const uint8_t *data = NULL;
    struct cursor c;
    int r;

    cur_init(&c, p, len);
    if ((r = ndr_pull_ptr(&c, &ref)) < 0)
        return r;
    if (ref && ((r = ndr_pull_array_count(&c, 1, &max)) < 0 || (r = cur_get_ptr(&c, max, &data)) < 0))
        return r;
    if ((r = ndr_pull_u32(&c, &n)) < 0 || (r = expect_end(&c, &st)) < 0)
        return r;
    if (st == 0) {
        if (!ref || n != max || (r = tsts_parse_winstationclient(data, max, &t)) < 0)
            return -EBADMSG;
        *ret = t;
    }
    *ret_status = st;
    return 0;
}

/* ---- results ---- */

int tsts_status_errno(uint32_t status) {
    switch (status) {
    case 0:
    case TSTS_LOGOFF_OK_QUIRK: /* RpcLogoff's success */
        return 0;
    case TSTS_HR_ACCESS_DENIED:
    case STATUS_ACCESS_DENIED:
        return -EACCES;
    case TSTS_HR_NOT_FOUND:
    case 0x80070490u:            /* HRESULT of ERROR_NOT_FOUND */
    case 0x80071B5Eu:            /* HRESULT of ERROR_CTX_WINSTATION_NOT_FOUND (7022) */
    case 0xC000003Au:            /* STATUS_OBJECT_PATH_NOT_FOUND */
    case STATUS_OBJECT_NAME_NOT_FOUND:
    case 0xC0000225u:            /* STATUS_NOT_FOUND */
    case 0xC00A0015u:            /* STATUS_CTX_WINSTATION_NOT_FOUND */
    case TSTS_STATUS_INVALID_CID: /* no such process */
        return -ESRCH;
    case 0x80070057u:            /* E_INVALIDARG */
    case STATUS_INVALID_PARAMETER:
        return -EINVAL;
    case 0x80004001u:            /* E_NOTIMPL */
    case 0xC0000002u:            /* STATUS_NOT_IMPLEMENTED */
    case STATUS_NOT_SUPPORTED:
        return -EOPNOTSUPP;
    case 0x800705B4u:            /* HRESULT of ERROR_TIMEOUT */
    case 0x00000102u:            /* STATUS_TIMEOUT */
        return -ETIMEDOUT;
    default:
        return -EREMOTEIO;       /* a failure we have no meaning for: data, never success */
    }
}

uint64_t tsts_filetime_to_usec(uint64_t ft) {
    /* 1970-01-01 … 9999-12-31 in 100 ns ticks since 1601; anything else is "unknown". */
    const uint64_t epoch = UINT64_C(116444736000000000), max = UINT64_C(2650467743999999999);

    if (ft < epoch || ft > max)
        return 0;
    return (ft - epoch) / 10;
}
