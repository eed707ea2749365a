#include "rpc/wkssvc.h"

#include <errno.h>
#include <string.h>

#include "rpc/ndr.h"
#include "rpc/ndr_enum.h"

/* 6bffd098-a112-3610-9833-46c3f87e345a v1.0 (MS-WKST 1.9) */
const struct rpc_syntax wkssvc_syntax = {
    {0x98, 0xd0, 0xff, 0x6b, 0x12, 0xa1, 0x10, 0x36, 0x98, 0x33, 0x46, 0xc3, 0xf8, 0x7e, 0x34, 0x5a}, 1, 0};

#define WF(field) {'S', offsetof(struct wkst_user, field)}
static const struct ndr_field user_0[] = {WF(user)};
static const struct ndr_field user_1[] = {WF(user), WF(logon_domain), WF(oth_domains), WF(logon_server)};
#undef WF
static const struct ndr_layout user_layout[2] = {NDR_LAYOUT(user_0, struct wkst_user),
                                                 NDR_LAYOUT(user_1, struct wkst_user)};

void wkst_user_list_free(struct wkst_user_list *l) {
    if (!l)
        return;
    ndr_enum_free(&user_layout[1], l->v, l->n);
    memset(l, 0, sizeof(*l));
}

/*
 * unsigned long NetrWkstaUserEnum([in, string, unique] WKSSVC_IDENTIFY_HANDLE ServerName,
 *     [in, out] LPWKSTA_USER_ENUM_STRUCT UserInfo, [in] unsigned long PreferredMaximumLength,
 *     [out] unsigned long *TotalEntries, [in, out, unique] unsigned long *ResumeHandle);
 */
int wkst_encode_user_enum(struct buf *b, const char *server_unc, uint32_t level, uint32_t max_buffer,
                          uint32_t resume) {
    uint32_t ref = 0;
    int r;

    if (level > 1)
        return -EINVAL;
    if ((r = ndr_push_unique_string(b, &ref, server_unc)) < 0)
        return r;
    ndr_enum_push_request(b, &ref, level, max_buffer, resume);
    return buf_error(b);
}

int wkst_decode_user_enum(const uint8_t *stub, size_t len, uint32_t level, struct wkst_user_list *ret,
                          uint32_t *ret_total, uint32_t *ret_werror) {
    void *v;
    size_t n;
    int r;

    if (level > 1)
        return -EINVAL;
    if ((r = ndr_enum_pull_reply(stub, len, level, &user_layout[level], &v, &n, ret_total, NULL, ret_werror)) < 0)
        return r;
    *ret = (struct wkst_user_list){.v = v, .n = n, .level = level};
    return 0;
}

int wkst_user_enum(struct rpc_client *rc, const char *server_unc, uint32_t level, struct wkst_user_list *ret,
                   uint32_t *ret_total, uint32_t *ret_werror) {
    struct buf q, a;
    int r;

    buf_init(&q), buf_init(&a);
    if ((r = wkst_encode_user_enum(&q, server_unc, level, 0xFFFFFFFFu, 0)) >= 0 &&
        (r = rpc_call(rc, WKSSVC_OPNUM_NETR_WKSTA_USER_ENUM, q.data, q.len, &a)) >= 0)
        r = wkst_decode_user_enum(a.data, a.len, level, ret, ret_total, ret_werror);
    buf_free(&q), buf_free(&a);
    return r;
}
