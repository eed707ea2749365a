/*
 * MS-WKST client calls over \PIPE\wkssvc: NetrWkstaUserEnum (3.2.4.3).
 * Results are plain C structs in UTF-8; WERROR is returned as data.
 */
#ifndef WTSNET_RPC_WKSSVC_H
#define WTSNET_RPC_WKSSVC_H

#include <stddef.h>
#include <stdint.h>

#include "common/cursor.h"
#include "rpc/dcerpc.h"

extern const struct rpc_syntax wkssvc_syntax;

#define WKSSVC_OPNUM_NETR_WKSTA_USER_ENUM 2

/* WKSTA_USER_INFO_0/1 (MS-WKST 2.2.5.12-13): level 0 fills only user. */
struct wkst_user {
    char *user, *logon_domain, *oth_domains, *logon_server;
};
struct wkst_user_list {
    struct wkst_user *v;
    size_t n;
    uint32_t level;
};
void wkst_user_list_free(struct wkst_user_list *l);

int wkst_encode_user_enum(struct buf *b, const char *server_unc, uint32_t level, uint32_t max_buffer,
                          uint32_t resume);
int wkst_decode_user_enum(const uint8_t *stub, size_t len, uint32_t level, struct wkst_user_list *ret,
                          uint32_t *ret_total, uint32_t *ret_werror);
int wkst_user_enum(struct rpc_client *rc, const char *server_unc, uint32_t level, struct wkst_user_list *ret,
                   uint32_t *ret_total, uint32_t *ret_werror);

#endif
