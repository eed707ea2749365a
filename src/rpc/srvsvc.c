#include "rpc/srvsvc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/ndr.h"

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
    if ((r = ndr_pull_u32(&c, &werror)) < 0)
        goto fail;
    if (cur_left(&c) >= 8) { /* at most alignment padding may follow */
        r = -EBADMSG;
        goto fail;
    }
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
