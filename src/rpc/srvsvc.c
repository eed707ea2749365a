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

/* ---- sessions ---- */

/* The members of each level, in IDL order: 'S' a [string] wchar_t* (deferred),
 * 'U' a DWORD. Which srvs_session field each fills follows. */
static const struct {
    uint32_t level;
    const char *shape;
} session_levels[] = {
    {0, "S"}, {1, "SSUUUU"}, {2, "SSUUUUS"}, {10, "SSUU"}, {502, "SSUUUUSS"},
};

static const char *session_shape(uint32_t level) {
    for (size_t i = 0; i < sizeof(session_levels) / sizeof(session_levels[0]); i++)
        if (session_levels[i].level == level)
            return session_levels[i].shape;
    return NULL;
}

bool srvs_session_level_valid(uint32_t level) {
    return session_shape(level) != NULL;
}

void srvs_session_list_free(struct srvs_session_list *l) {
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].client);
        free(l->v[i].user);
        free(l->v[i].cltype);
        free(l->v[i].transport);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/*
 * NET_API_STATUS NetrSessionEnum(
 *     [in, string, unique] SRVSVC_HANDLE ServerName, [in, string, unique] WCHAR *ClientName,
 *     [in, string, unique] WCHAR *UserName, [in, out] PSESSION_ENUM_STRUCT InfoStruct,
 *     [in] DWORD PreferedMaximumLength, [out] DWORD *TotalEntries, [in, out, unique] DWORD *ResumeHandle);
 * typedef struct { DWORD Level; [switch_is(Level)] SESSION_ENUM_UNION SessionInfo; } SESSION_ENUM_STRUCT;
 * typedef [switch_type(DWORD)] union { [case(0)] SESSION_INFO_0_CONTAINER *Level0; … } SESSION_ENUM_UNION;
 * typedef struct { DWORD EntriesRead; [size_is(EntriesRead)] LPSESSION_INFO_0 Buffer; } SESSION_INFO_0_CONTAINER;
 */
int srvs_encode_session_enum(struct buf *b, const char *server_unc, const char *client, const char *user,
                             uint32_t level, uint32_t max_buffer, uint32_t resume) {
    uint32_t ref = 0;
    int r;

    if (!session_shape(level))
        return -EINVAL;
    if ((r = ndr_push_unique_string(b, &ref, server_unc)) < 0 || (r = ndr_push_unique_string(b, &ref, client)) < 0 ||
        (r = ndr_push_unique_string(b, &ref, user)) < 0)
        return r;
    ndr_push_u32(b, level);
    ndr_push_u32(b, level);        /* union discriminant */
    ndr_push_ptr(b, &ref, true);   /* -> container */
    ndr_push_u32(b, 0);            /* EntriesRead */
    ndr_push_ptr(b, &ref, false);  /* Buffer: none sent */
    ndr_push_u32(b, max_buffer);
    ndr_push_ptr(b, &ref, true);   /* -> ResumeHandle */
    ndr_push_u32(b, resume);
    return buf_error(b);
}

static int pull_session_strings(struct cursor *c, const char *shape, const uint32_t *ptrs, struct srvs_session *s) {
    char **dst[4] = {&s->client, &s->user, &s->cltype, &s->transport};
    size_t k = 0;
    int r;

    for (size_t f = 0; shape[f]; f++) {
        if (shape[f] != 'S')
            continue;
        if (ptrs[k] && (r = ndr_pull_string(c, dst[k])) < 0)
            return r;
        k++;
    }
    return 0;
}

int srvs_decode_session_enum(const uint8_t *stub, size_t len, uint32_t level, struct srvs_session_list *ret,
                             uint32_t *ret_total, uint32_t *ret_werror) {
    struct srvs_session_list l = {.level = level};
    const char *shape = session_shape(level);
    struct cursor c;
    uint32_t got_level, disc, ctr_ptr, count = 0, buf_ptr = 0, max, total, resume_ptr, resume, werror;
    uint32_t (*ptrs)[4] = NULL;
    size_t nfields;
    int r;

    if (!shape)
        return -EINVAL;
    nfields = strlen(shape);
    cur_init(&c, stub, len);
    if ((r = ndr_pull_u32(&c, &got_level)) < 0 || (r = ndr_pull_u32(&c, &disc)) < 0 ||
        (r = ndr_pull_ptr(&c, &ctr_ptr)) < 0)
        goto fail;
    if (got_level != disc) {
        r = -EBADMSG;
        goto fail;
    }
    if (ctr_ptr) {
        if (got_level != level) {
            r = -EBADMSG; /* an answer at another level than asked: not ours to reinterpret */
            goto fail;
        }
        if ((r = ndr_pull_u32(&c, &count)) < 0 || (r = ndr_pull_ptr(&c, &buf_ptr)) < 0)
            goto fail;
        if (buf_ptr) {
            /* Conformant array: max_count, then count fixed parts of 4 × nfields bytes. */
            if ((r = ndr_pull_array_count(&c, 4 * nfields, &max)) < 0)
                goto fail;
            if (max != count) {
                r = -EBADMSG;
                goto fail;
            }
            l.v = calloc(count ? count : 1, sizeof(*l.v));
            ptrs = calloc(count ? count : 1, sizeof(*ptrs));
            if (!l.v || !ptrs) {
                r = -ENOMEM;
                goto fail;
            }
            l.n = count;
            for (uint32_t i = 0; i < count; i++) {
                struct srvs_session *s = &l.v[i];
                uint32_t *u[4] = {&s->num_opens, &s->time, &s->idle_time, &s->user_flags};
                size_t ks = 0, ku = 0;

                for (size_t f = 0; f < nfields; f++) {
                    if (shape[f] == 'S')
                        r = ndr_pull_ptr(&c, &ptrs[i][ks++]);
                    else if (level == 10 && ku == 0)
                        r = ndr_pull_u32(&c, &s->time), ku = 2; /* level 10: time, idle_time */
                    else
                        r = ndr_pull_u32(&c, u[ku++]);
                    if (r < 0)
                        goto fail;
                }
            }
            /* Deferred strings, element by element. */
            for (uint32_t i = 0; i < count; i++)
                if ((r = pull_session_strings(&c, shape, ptrs[i], &l.v[i])) < 0)
                    goto fail;
        } else if (count != 0) {
            r = -EBADMSG;
            goto fail;
        }
    }
    if ((r = ndr_pull_u32(&c, &total)) < 0 || (r = ndr_pull_ptr(&c, &resume_ptr)) < 0)
        goto fail;
    if (resume_ptr && (r = ndr_pull_u32(&c, &resume)) < 0)
        goto fail;
    if ((r = ndr_pull_u32(&c, &werror)) < 0)
        goto fail;
    if (cur_left(&c) >= 8) {
        r = -EBADMSG;
        goto fail;
    }
    free(ptrs);
    *ret = l;
    *ret_total = total;
    *ret_werror = werror;
    return 0;
fail:
    free(ptrs);
    srvs_session_list_free(&l);
    return r;
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
    int r;

    cur_init(&c, stub, len);
    if ((r = ndr_pull_u32(&c, ret_werror)) < 0)
        return r;
    return cur_left(&c) >= 8 ? -EBADMSG : 0;
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
