/*
 * MS-SRVS client calls over \PIPE\srvsvc. Results are plain C structs in
 * UTF-8, freed with the matching *_free(); WERROR is returned as data.
 */
#ifndef WTSNET_RPC_SRVSVC_H
#define WTSNET_RPC_SRVSVC_H

#include <stdbool.h>
#include <stdint.h>

#include "common/cursor.h"
#include "rpc/dcerpc.h"

extern const struct rpc_syntax srvsvc_syntax;

#define SRVSVC_OPNUM_NETR_SESSION_ENUM 12
#define SRVSVC_OPNUM_NETR_SESSION_DEL 13
#define SRVSVC_OPNUM_NETR_SERVER_GET_INFO 21

/* SERVER_INFO_101 (MS-SRVS 2.2.4.41) */
struct srvs_server_info_101 {
    uint32_t platform_id;
    char *name;
    uint32_t version_major, version_minor;
    uint32_t type;
    char *comment;
};
void srvs_server_info_101_free(struct srvs_server_info_101 *i);

/* One session, whatever the level (SESSION_INFO_0/1/2/10/502, MS-SRVS 2.2.4.15-19):
 * fields a level does not carry stay NULL / 0. */
struct srvs_session {
    char *client, *user, *cltype, *transport;
    uint32_t num_opens, time, idle_time, user_flags;
};
struct srvs_session_list {
    struct srvs_session *v;
    size_t n;
    uint32_t level; /* what the server answered */
};
void srvs_session_list_free(struct srvs_session_list *l);
bool srvs_session_level_valid(uint32_t level);

/* Stub coders, exposed for the unit tests and the NDR fuzz target. */
int srvs_encode_server_get_info(struct buf *b, const char *server_unc, uint32_t level);
int srvs_decode_server_get_info(const uint8_t *stub, size_t len, struct srvs_server_info_101 *ret,
                                uint32_t *ret_werror);

int srvs_encode_session_enum(struct buf *b, const char *server_unc, const char *client, const char *user,
                             uint32_t level, uint32_t max_buffer, uint32_t resume);
int srvs_decode_session_enum(const uint8_t *stub, size_t len, uint32_t level, struct srvs_session_list *ret,
                             uint32_t *ret_total, uint32_t *ret_werror);
int srvs_encode_session_del(struct buf *b, const char *server_unc, const char *client, const char *user);
int srvs_decode_session_del(const uint8_t *stub, size_t len, uint32_t *ret_werror);

/* NetrSessionEnum (3.1.4.5): everything the server will give (MAX_PREFERRED_LENGTH, resume 0). */
int srvs_session_enum(struct rpc_client *rc, const char *server_unc, const char *client, const char *user,
                      uint32_t level, struct srvs_session_list *ret, uint32_t *ret_total, uint32_t *ret_werror);
/* NetrSessionDel (3.1.4.6). */
int srvs_session_del(struct rpc_client *rc, const char *server_unc, const char *client, const char *user,
                     uint32_t *ret_werror);

/* NetrServerGetInfo level 101 (MS-SRVS 3.1.4.17). */
int srvs_server_get_info_101(struct rpc_client *rc, const char *server_unc, struct srvs_server_info_101 *ret,
                             uint32_t *ret_werror);

#endif
