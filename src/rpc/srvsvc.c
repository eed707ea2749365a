#include "rpc/srvsvc.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/ndr.h"
#include "rpc/ndr_enum.h"

/* 4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0 */
const struct rpc_syntax srvsvc_syntax = {
    {0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88}, 3, 0};

void srvs_server_info_101_free(struct srvs_server_info_101 *i) {
    if (!i)
        return;
    free(i->name);
    free(i->comment);
    memset(i, 0, sizeof(*i));
}

/*
 * NET_API_STATUS NetrServerGetInfo(
 *     [in, string, unique] SRVSVC_HANDLE ServerName,
 *     [in] DWORD Level,
 *     [out, switch_is(Level)] LPSERVER_INFO InfoStruct);
 */
int srvs_encode_server_get_info(struct buf *b, const char *server_unc, uint32_t level) {
    uint32_t ref = 0;
    int r;

    if ((r = ndr_push_unique_string(b, &ref, server_unc)) < 0)
        return r;
    ndr_push_u32(b, level);
    return buf_error(b);
}

/*
 * typedef [switch_type(DWORD)] union { [case(101)] SERVER_INFO_101 *ServerInfo101; … } SERVER_INFO;
 * typedef struct { DWORD sv101_platform_id; [string] wchar_t *sv101_name; DWORD sv101_version_major;
 *     DWORD sv101_version_minor; DWORD sv101_type; [string] wchar_t *sv101_comment; } SERVER_INFO_101;
 */
int srvs_decode_server_get_info(const uint8_t *stub, size_t len, struct srvs_server_info_101 *ret,
                                uint32_t *ret_werror) {
    struct srvs_server_info_101 i = {0};
    struct cursor c;
    uint32_t level, ptr, name_ptr, comment_ptr, werror;
    int r;

    cur_init(&c, stub, len);
    if ((r = ndr_pull_u32(&c, &level)) < 0 || (r = ndr_pull_ptr(&c, &ptr)) < 0)
        goto fail;
    if (ptr != 0) {
        if (level != 101) {
            r = -EBADMSG; /* we asked for 101: another arm is not an answer */
            goto fail;
        }
        if ((r = ndr_pull_u32(&c, &i.platform_id)) < 0 || (r = ndr_pull_ptr(&c, &name_ptr)) < 0 ||
            (r = ndr_pull_u32(&c, &i.version_major)) < 0 || (r = ndr_pull_u32(&c, &i.version_minor)) < 0 ||
            (r = ndr_pull_u32(&c, &i.type)) < 0 || (r = ndr_pull_ptr(&c, &comment_ptr)) < 0)
            goto fail;
        /* Deferred referents, in member order. */
        if (name_ptr && (r = ndr_pull_string(&c, &i.name)) < 0)
            goto fail;
        if (comment_ptr && (r = ndr_pull_string(&c, &i.comment)) < 0)
            goto fail;
    }
    if ((r = ndr_pull_status_end(&c, &werror)) < 0)
        goto fail;
    if (werror == 0 && ptr == 0) {
        r = -EBADMSG; /* success without the structure */
        goto fail;
    }
    *ret = i;
    *ret_werror = werror;
    return 0;
fail:
    srvs_server_info_101_free(&i);
    return r;
}

int srvs_server_get_info_101(struct rpc_client *rc, const char *server_unc, struct srvs_server_info_101 *ret,
                             uint32_t *ret_werror) {
    struct buf q, a;
    int r;

    buf_init(&q), buf_init(&a);
    if ((r = srvs_encode_server_get_info(&q, server_unc, 101)) < 0 ||
        (r = rpc_call(rc, SRVSVC_OPNUM_NETR_SERVER_GET_INFO, q.data, q.len, &a)) < 0)
        goto out;
    r = srvs_decode_server_get_info(a.data, a.len, ret, ret_werror);
out:
    buf_free(&q), buf_free(&a);
    return r;
}

/* ---- sessions ---- */

#define SF(kind, field) {kind, offsetof(struct srvs_session, field)}
/* The members of each level, in IDL order (SESSION_INFO_0/1/2/10/502, MS-SRVS 2.2.4.15-19). */
static const struct ndr_field session_0[] = {SF('S', client)};
static const struct ndr_field session_1[] = {SF('S', client),    SF('S', user),      SF('U', num_opens),
                                             SF('U', time),      SF('U', idle_time), SF('U', user_flags)};
static const struct ndr_field session_2[] = {SF('S', client),    SF('S', user),       SF('U', num_opens), SF('U', time),
                                             SF('U', idle_time), SF('U', user_flags), SF('S', cltype)};
static const struct ndr_field session_10[] = {SF('S', client), SF('S', user), SF('U', time), SF('U', idle_time)};
static const struct ndr_field session_502[] = {SF('S', client),     SF('S', user),   SF('U', num_opens),
                                               SF('U', time),       SF('U', idle_time), SF('U', user_flags),
                                               SF('S', cltype),     SF('S', transport)};
#undef SF

static const struct {
    uint32_t level;
    struct ndr_layout lay;
} session_levels[] = {
    {0, NDR_LAYOUT(session_0, struct srvs_session)},     {1, NDR_LAYOUT(session_1, struct srvs_session)},
    {2, NDR_LAYOUT(session_2, struct srvs_session)},     {10, NDR_LAYOUT(session_10, struct srvs_session)},
    {502, NDR_LAYOUT(session_502, struct srvs_session)},
};

static const struct ndr_layout *session_layout(uint32_t level) {
    for (size_t i = 0; i < sizeof(session_levels) / sizeof(session_levels[0]); i++)
        if (session_levels[i].level == level)
            return &session_levels[i].lay;
    return NULL;
}

bool srvs_session_level_valid(uint32_t level) {
    return session_layout(level) != NULL;
}

void srvs_session_list_free(struct srvs_session_list *l) {
    if (!l)
        return;
    ndr_enum_free(&session_levels[4].lay, l->v, l->n); /* 502 names every string member */
    memset(l, 0, sizeof(*l));
}

/* Up to three [in, string, unique] wchar_t* arguments, then the enumeration's tail. */
static int encode_enum(struct buf *b, const char *const *strings, size_t n, uint32_t level, uint32_t max_buffer,
                       uint32_t resume) {
    uint32_t ref = 0;
    int r;

    for (size_t i = 0; i < n; i++)
        if ((r = ndr_push_unique_string(b, &ref, strings[i])) < 0)
            return r;
    ndr_enum_push_request(b, &ref, level, max_buffer, resume);
    return buf_error(b);
}

/*
 * NET_API_STATUS NetrSessionEnum(
 *     [in, string, unique] SRVSVC_HANDLE ServerName, [in, string, unique] WCHAR *ClientName,
 *     [in, string, unique] WCHAR *UserName, [in, out] PSESSION_ENUM_STRUCT InfoStruct,
 *     [in] DWORD PreferedMaximumLength, [out] DWORD *TotalEntries, [in, out, unique] DWORD *ResumeHandle);
 */
int srvs_encode_session_enum(struct buf *b, const char *server_unc, const char *client, const char *user,
                             uint32_t level, uint32_t max_buffer, uint32_t resume) {
    const char *in[] = {server_unc, client, user};

    if (!session_layout(level))
        return -EINVAL;
    return encode_enum(b, in, 3, level, max_buffer, resume);
}

int srvs_decode_session_enum(const uint8_t *stub, size_t len, uint32_t level, struct srvs_session_list *ret,
                             uint32_t *ret_total, uint32_t *ret_werror) {
    const struct ndr_layout *lay = session_layout(level);
    void *v;
    size_t n;
    int r;

    if (!lay)
        return -EINVAL;
    if ((r = ndr_enum_pull_reply(stub, len, level, lay, &v, &n, ret_total, NULL, ret_werror)) < 0)
        return r;
    *ret = (struct srvs_session_list){.v = v, .n = n, .level = level};
    return 0;
}

/* NET_API_STATUS NetrSessionDel([in, string, unique] SRVSVC_HANDLE ServerName,
 *     [in, string, unique] WCHAR *ClientName, [in, string, unique] WCHAR *UserName); */
int srvs_encode_session_del(struct buf *b, const char *server_unc, const char *client, const char *user) {
    uint32_t ref = 0;
    int r;

    if ((r = ndr_push_unique_string(b, &ref, server_unc)) < 0 || (r = ndr_push_unique_string(b, &ref, client)) < 0 ||
        (r = ndr_push_unique_string(b, &ref, user)) < 0)
        return r;
    return buf_error(b);
}

int srvs_decode_session_del(const uint8_t *stub, size_t len, uint32_t *ret_werror) {
    struct cursor c;

    cur_init(&c, stub, len);
    return ndr_pull_status_end(&c, ret_werror);
}

int srvs_session_enum(struct rpc_client *rc, const char *server_unc, const char *client, const char *user,
                      uint32_t level, struct srvs_session_list *ret, uint32_t *ret_total, uint32_t *ret_werror) {
    struct buf q, a;
    int r;

    buf_init(&q), buf_init(&a);
    if ((r = srvs_encode_session_enum(&q, server_unc, client, user, level, 0xFFFFFFFFu, 0)) < 0 ||
        (r = rpc_call(rc, SRVSVC_OPNUM_NETR_SESSION_ENUM, q.data, q.len, &a)) < 0)
        goto out;
    r = srvs_decode_session_enum(a.data, a.len, level, ret, ret_total, ret_werror);
out:
    buf_free(&q), buf_free(&a);
    return r;
}

int srvs_session_del(struct rpc_client *rc, const char *server_unc, const char *client, const char *user,
                     uint32_t *ret_werror) {
    struct buf q, a;
    int r;

    buf_init(&q), buf_init(&a);
    if ((r = srvs_encode_session_del(&q, server_unc, client, user)) < 0 ||
        (r = rpc_call(rc, SRVSVC_OPNUM_NETR_SESSION_DEL, q.data, q.len, &a)) < 0)
        goto out;
    r = srvs_decode_session_del(a.data, a.len, ret_werror);
out:
    buf_free(&q), buf_free(&a);
    return r;
}

/* ---- files, connections, shares ---- */

#define FF(kind, field) {kind, offsetof(struct srvs_file, field)}
static const struct ndr_field file_2[] = {FF('U', id)};
static const struct ndr_field file_3[] = {FF('U', id), FF('U', permissions), FF('U', num_locks), FF('S', path),
                                          FF('S', user)};
#undef FF
#define CF(kind, field) {kind, offsetof(struct srvs_conn, field)}
static const struct ndr_field conn_0[] = {CF('U', id)};
static const struct ndr_field conn_1[] = {CF('U', id),   CF('U', type), CF('U', num_opens), CF('U', num_users),
                                          CF('U', time), CF('S', user), CF('S', netname)};
#undef CF
#define HF(kind, field) {kind, offsetof(struct srvs_share, field)}
static const struct ndr_field share_0[] = {HF('S', netname)};
static const struct ndr_field share_1[] = {HF('S', netname), HF('U', type), HF('S', remark)};
static const struct ndr_field share_2[] = {HF('S', netname),  HF('U', type),         HF('S', remark),
                                           HF('U', permissions), HF('U', max_uses), HF('U', current_uses),
                                           HF('S', path),     HF('S', passwd)};
/* SHARE_INFO_502_I: … shi502_reserved, [size_is(shi502_reserved)] BYTE *shi502_security_descriptor */
static const struct ndr_field share_502[] = {HF('S', netname),     HF('U', type),     HF('S', remark),
                                             HF('U', permissions), HF('U', max_uses), HF('U', current_uses),
                                             HF('S', path),        HF('S', passwd),   HF('U', sd_len),
                                             HF('B', sd)};
#undef HF

static const struct {
    int kind;
    uint32_t level;
    struct ndr_layout lay;
} enum_levels[] = {
    {SRVS_FILES, 2, NDR_LAYOUT(file_2, struct srvs_file)},
    {SRVS_FILES, 3, NDR_LAYOUT(file_3, struct srvs_file)},
    {SRVS_CONNS, 0, NDR_LAYOUT(conn_0, struct srvs_conn)},
    {SRVS_CONNS, 1, NDR_LAYOUT(conn_1, struct srvs_conn)},
    {SRVS_SHARES, 0, NDR_LAYOUT(share_0, struct srvs_share)},
    {SRVS_SHARES, 1, NDR_LAYOUT(share_1, struct srvs_share)},
    {SRVS_SHARES, 2, NDR_LAYOUT(share_2, struct srvs_share)},
    {SRVS_SHARES, 502, NDR_LAYOUT(share_502, struct srvs_share)},
};

static const struct ndr_layout *enum_layout(int kind, uint32_t level) {
    for (size_t i = 0; i < sizeof(enum_levels) / sizeof(enum_levels[0]); i++)
        if (enum_levels[i].kind == kind && enum_levels[i].level == level)
            return &enum_levels[i].lay;
    return NULL;
}

bool srvs_level_valid(int kind, uint32_t level) {
    return enum_layout(kind, level) != NULL;
}

void srvs_list_free(struct srvs_list *l) {
    if (!l)
        return;
    if (l->v)
        ndr_enum_free(enum_layout(l->kind, l->level), l->v, l->n);
    memset(l, 0, sizeof(*l));
}

/* NET_API_STATUS NetrFileEnum([in, string, unique] SRVSVC_HANDLE ServerName,
 *     [in, string, unique] WCHAR *BasePath, [in, string, unique] WCHAR *UserName,
 *     [in, out] PFILE_ENUM_STRUCT InfoStruct, [in] DWORD PreferedMaximumLength,
 *     [out] DWORD *TotalEntries, [in, out, unique] DWORD *ResumeHandle); */
int srvs_encode_file_enum(struct buf *b, const char *server_unc, const char *base_path, const char *user,
                          uint32_t level, uint32_t max_buffer, uint32_t resume) {
    const char *in[] = {server_unc, base_path, user};

    return enum_layout(SRVS_FILES, level) ? encode_enum(b, in, 3, level, max_buffer, resume) : -EINVAL;
}

/* NET_API_STATUS NetrConnectionEnum([in, string, unique] SRVSVC_HANDLE ServerName,
 *     [in, string, unique] WCHAR *Qualifier, [in, out] LPCONNECT_ENUM_STRUCT InfoStruct, … same tail); */
int srvs_encode_connection_enum(struct buf *b, const char *server_unc, const char *qualifier, uint32_t level,
                                uint32_t max_buffer, uint32_t resume) {
    const char *in[] = {server_unc, qualifier};

    return enum_layout(SRVS_CONNS, level) ? encode_enum(b, in, 2, level, max_buffer, resume) : -EINVAL;
}

/* NET_API_STATUS NetrShareEnum([in, string, unique] SRVSVC_HANDLE ServerName,
 *     [in, out] LPSHARE_ENUM_STRUCT InfoStruct, … same tail); */
int srvs_encode_share_enum(struct buf *b, const char *server_unc, uint32_t level, uint32_t max_buffer,
                           uint32_t resume) {
    const char *in[] = {server_unc};

    return enum_layout(SRVS_SHARES, level) ? encode_enum(b, in, 1, level, max_buffer, resume) : -EINVAL;
}

int srvs_decode_enum(const uint8_t *stub, size_t len, int kind, uint32_t level, struct srvs_list *ret,
                     uint32_t *ret_total, uint32_t *ret_resume, uint32_t *ret_werror) {
    const struct ndr_layout *lay = enum_layout(kind, level);
    void *v;
    size_t n;
    int r;

    if (!lay)
        return -EINVAL;
    if ((r = ndr_enum_pull_reply(stub, len, level, lay, &v, &n, ret_total, ret_resume, ret_werror)) < 0)
        return r;
    *ret = (struct srvs_list){.v = v, .n = n, .level = level, .kind = kind};
    return 0;
}

/* NET_API_STATUS NetrFileClose([in, string, unique] SRVSVC_HANDLE ServerName, [in] DWORD FileId); */
int srvs_encode_file_close(struct buf *b, const char *server_unc, uint32_t file_id) {
    uint32_t ref = 0;
    int r;

    if ((r = ndr_push_unique_string(b, &ref, server_unc)) < 0)
        return r;
    ndr_push_u32(b, file_id);
    return buf_error(b);
}

int srvs_enum(struct rpc_client *rc, int kind, const char *server_unc, const char *in1, const char *in2,
              uint32_t level, uint32_t max_buffer, uint32_t resume, struct srvs_list *ret, uint32_t *ret_total,
              uint32_t *ret_resume, uint32_t *ret_werror) {
    struct buf q, a;
    uint16_t opnum;
    int r;

    buf_init(&q), buf_init(&a);
    switch (kind) {
    case SRVS_FILES:
        opnum = SRVSVC_OPNUM_NETR_FILE_ENUM;
        r = srvs_encode_file_enum(&q, server_unc, in1, in2, level, max_buffer, resume);
        break;
    case SRVS_CONNS:
        opnum = SRVSVC_OPNUM_NETR_CONNECTION_ENUM;
        r = srvs_encode_connection_enum(&q, server_unc, in1, level, max_buffer, resume);
        break;
    default:
        opnum = SRVSVC_OPNUM_NETR_SHARE_ENUM;
        r = srvs_encode_share_enum(&q, server_unc, level, max_buffer, resume);
        break;
    }
    if (r >= 0 && (r = rpc_call(rc, opnum, q.data, q.len, &a)) >= 0)
        r = srvs_decode_enum(a.data, a.len, kind, level, ret, ret_total, ret_resume, ret_werror);
    buf_free(&q), buf_free(&a);
    return r;
}

int srvs_file_close(struct rpc_client *rc, const char *server_unc, uint32_t file_id, uint32_t *ret_werror) {
    struct buf q, a;
    int r;

    buf_init(&q), buf_init(&a);
    if ((r = srvs_encode_file_close(&q, server_unc, file_id)) >= 0 &&
        (r = rpc_call(rc, SRVSVC_OPNUM_NETR_FILE_CLOSE, q.data, q.len, &a)) >= 0)
        r = srvs_decode_session_del(a.data, a.len, ret_werror); /* the same bare WERROR reply */
    buf_free(&q), buf_free(&a);
    return r;
}
