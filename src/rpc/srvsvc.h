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

#define SRVSVC_OPNUM_NETR_CONNECTION_ENUM 8
#define SRVSVC_OPNUM_NETR_FILE_ENUM 9
#define SRVSVC_OPNUM_NETR_FILE_CLOSE 11
#define SRVSVC_OPNUM_NETR_SESSION_ENUM 12
#define SRVSVC_OPNUM_NETR_SESSION_DEL 13
#define SRVSVC_OPNUM_NETR_SHARE_ENUM 15
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

/* An open file (FILE_INFO_2/3, MS-SRVS 2.2.4.7-8): level 2 fills only id. */
struct srvs_file {
    uint32_t id, permissions, num_locks;
    char *path, *user;
};
/* A tree connection (CONNECTION_INFO_0/1, 2.2.4.1-2): level 0 fills only id. */
struct srvs_conn {
    uint32_t id, type, num_opens, num_users, time;
    char *user, *netname;
};
/* A share (SHARE_INFO_0/1/2/502_I, 2.2.4.22-26); sd: the self-relative
 * security descriptor of level 502 (sd_len bytes, may be NULL). */
struct srvs_share {
    char *netname, *remark, *path, *passwd;
    uint32_t type, permissions, max_uses, current_uses, sd_len;
    uint8_t *sd;
};
/* What an enumeration returned: n entries of the level asked for. */
struct srvs_list {
    void *v;
    size_t n;
    uint32_t level;
    int kind; /* SRVS_FILES, SRVS_CONNS, SRVS_SHARES: which struct v holds */
};
enum { SRVS_FILES, SRVS_CONNS, SRVS_SHARES };
void srvs_list_free(struct srvs_list *l);
/* Whether the server can be asked for this level of this kind. */
bool srvs_level_valid(int kind, uint32_t level);

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

/* NetrFileEnum (3.1.4.16): base_path, user may be NULL. */
int srvs_encode_file_enum(struct buf *b, const char *server_unc, const char *base_path, const char *user,
                          uint32_t level, uint32_t max_buffer, uint32_t resume);
/* NetrConnectionEnum (3.1.4.1): qualifier a share name or "\\client". */
int srvs_encode_connection_enum(struct buf *b, const char *server_unc, const char *qualifier, uint32_t level,
                                uint32_t max_buffer, uint32_t resume);
/* NetrShareEnum (3.1.4.8). */
int srvs_encode_share_enum(struct buf *b, const char *server_unc, uint32_t level, uint32_t max_buffer,
                           uint32_t resume);
/* The reply of any of the three (kind says which); *ret_resume may be NULL. */
int srvs_decode_enum(const uint8_t *stub, size_t len, int kind, uint32_t level, struct srvs_list *ret,
                     uint32_t *ret_total, uint32_t *ret_resume, uint32_t *ret_werror);
/* NetrFileClose (3.1.4.19); the reply is a bare WERROR, as NetrSessionDel's. */
int srvs_encode_file_close(struct buf *b, const char *server_unc, uint32_t file_id);

/* One enumeration call of kind; in1/in2: the call's [in] strings after
 * ServerName (files: base path, user; connections: qualifier; shares: none). */
int srvs_enum(struct rpc_client *rc, int kind, const char *server_unc, const char *in1, const char *in2,
              uint32_t level, uint32_t max_buffer, uint32_t resume, struct srvs_list *ret, uint32_t *ret_total,
              uint32_t *ret_resume, uint32_t *ret_werror);
int srvs_file_close(struct rpc_client *rc, const char *server_unc, uint32_t file_id, uint32_t *ret_werror);

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
