/*
 * NetFileEnum / NetFileGetInfo / NetFileClose, NetConnectionEnum,
 * NetShareEnum and NetWkstaUserEnum: the Windows contract over MS-SRVS and
 * MS-WKST, the way NetSession* does it (src/api/netsession.c): every entry
 * fetched, Windows' filters and paging applied here, one block per result
 * (netapi_page), outputs untouched on failure, and Windows' answers where
 * Samba's differ (docs/netapi.md, "Open files", "Connections", "Shares",
 * "Workstation users").
 */
#include <lm.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/netapi.h"
#include "common/deadline.h"
#include "common/errors.h"

/* Samba's "no file has that id" (WERR_BADFILE); Windows says NERR_FileIdNotFound. */
#define SAMBA_NO_SUCH_FILE ERROR_FILE_NOT_FOUND
/* Samba's "no share of that name" for NetrConnectionEnum (WERR_INVALID_NAME); Windows: NERR_NetNameNotFound. */
#define SAMBA_NO_SUCH_SHARE 123u

/* One enumeration of kind at level, whole, for a W server name. */
static NET_API_STATUS fetch(LMSTR servername, int kind, const char *in1, const char *in2, DWORD level,
                            struct srvs_list *ret) {
    struct srvs_status st = {0};
    struct server_addr a;
    NET_API_STATUS status;
    int r;

    if ((r = netapi_server(servername, &a)) < 0)
        return netapi_status(r, NULL);
    deadline_scope_begin(); /* one deadline for the whole call (docs/netapi.md, "Timeouts") */
    r = srvs_client_enum(&a, kind, in1, in2, level, ret, &st);
    deadline_scope_end();
    status = netapi_status(r, &st);
    if (status != NERR_Success)
        srvs_list_free(ret);
    return status;
}

/* The resume handle of each call, whatever its C type, as an index. */
static NET_API_STATUS page(const struct netapi_packer *p, size_t n, DWORD prefmaxlen, DWORD_PTR *resume_ptr,
                           LPDWORD resume_dword, LPBYTE *bufptr, LPDWORD entriesread, LPDWORD totalentries) {
    size_t resume = resume_ptr ? *resume_ptr : resume_dword ? *resume_dword : 0;
    bool has = resume_ptr || resume_dword;
    NET_API_STATUS status = netapi_page(p, n, prefmaxlen, has ? &resume : NULL, bufptr, entriesread, totalentries);

    if (status == NERR_Success || status == ERROR_MORE_DATA) {
        if (resume_ptr)
            *resume_ptr = resume;
        if (resume_dword)
            *resume_dword = (DWORD) resume;
    }
    return status;
}

/* ---- open files ---- */

struct file_pack {
    const struct srvs_file *const *v;
    DWORD level;
};

static size_t file_size(const void *ctx, size_t i) {
    const struct file_pack *p = ctx;

    if (p->level == 2)
        return sizeof(FILE_INFO_2);
    return sizeof(FILE_INFO_3) + netapi_wcs_size(p->v[i]->path ? p->v[i]->path : "") +
           netapi_wcs_size(p->v[i]->user ? p->v[i]->user : "");
}

static void file_put(const void *ctx, size_t i, void *fixed, char **strings) {
    const struct file_pack *p = ctx;
    const struct srvs_file *f = p->v[i];

    if (p->level == 2) {
        ((FILE_INFO_2 *) fixed)->fi2_id = f->id;
        return;
    }
    FILE_INFO_3 *o = fixed;

    o->fi3_id = f->id;
    o->fi3_permissions = f->permissions;
    o->fi3_num_locks = f->num_locks;
    o->fi3_pathname = netapi_put_wcs(strings, f->path ? f->path : "");
    o->fi3_username = netapi_put_wcs(strings, f->user ? f->user : "");
}

static size_t file_fixed(DWORD level) {
    return level == 2 ? sizeof(FILE_INFO_2) : sizeof(FILE_INFO_3);
}

/* Whether path begins with base (ASCII letters in any case, '/' and '\\' alike). */
static bool path_under(const char *path, const char *base) {
    for (; *base; base++, path++) {
        int a = *path == '/' ? '\\' : tolower((unsigned char) *path);
        int b = *base == '/' ? '\\' : tolower((unsigned char) *base);

        if (!*path || a != b)
            return false;
    }
    return true;
}

/*
 * The files matching Windows' filters, in server order: basepath a prefix
 * of the path, username equal or the user part of a listed "DOMAIN\user"
 * (Samba applies an exact user filter itself but ignores BasePath; applying
 * both here gives Windows' answer from any server).
 */
static int select_files(const struct srvs_list *l, const char *base, const char *user,
                        const struct srvs_file ***ret, size_t *ret_n) {
    const struct srvs_file *v = l->v, **m = calloc(l->n ? l->n : 1, sizeof(*m));
    size_t n = 0;

    if (!m)
        return -ENOMEM;
    for (size_t i = 0; i < l->n; i++) {
        if (base && *base && !path_under(v[i].path ? v[i].path : "", base))
            continue;
        if (user && *user && !srvs_user_matches(v[i].user, user))
            continue;
        m[n++] = &v[i];
    }
    *ret = m;
    *ret_n = n;
    return 0;
}

NET_API_STATUS NET_API_FUNCTION NetFileEnum(LMSTR servername, LMSTR basepath, LMSTR username, DWORD level,
                                            LPBYTE *bufptr, DWORD prefmaxlen, LPDWORD entriesread,
                                            LPDWORD totalentries, PDWORD_PTR resume_handle) {
    struct srvs_list l = {0};
    const struct srvs_file **m = NULL;
    char *base = NULL, *user = NULL;
    size_t n = 0;
    NET_API_STATUS status;

    if (!bufptr || !entriesread || !totalentries)
        return ERROR_INVALID_PARAMETER;
    if (level != 2 && level != 3)
        return ERROR_INVALID_LEVEL;
    if (netapi_utf8(basepath, &base) < 0 || netapi_utf8(username, &user) < 0) {
        status = ERROR_INVALID_PARAMETER;
        goto out;
    }
    /* A bare user name also means a listed "DOMAIN\user" (docs/netapi.md, "User
     * names with and without a domain"); the server compares exactly, so it
     * gets only a qualified name and the rest is filtered here. */
    if ((status = fetch(servername, SRVS_FILES, base, user && strchr(user, '\\') ? user : NULL, level, &l)) !=
        NERR_Success)
        goto out;
    if (select_files(&l, base, user, &m, &n) < 0) {
        status = ERROR_NOT_ENOUGH_MEMORY;
        goto out;
    }
    {
        struct file_pack fp = {m, level};
        struct netapi_packer p = {file_fixed(level), file_size, file_put, &fp};

        status = page(&p, n, prefmaxlen, resume_handle, NULL, bufptr, entriesread, totalentries);
    }
out:
    free(m);
    free(base);
    free(user);
    srvs_list_free(&l);
    return status;
}

/* The file with this id in a level-3 enumeration, or NULL. */
static const struct srvs_file *find_file(const struct srvs_list *l, DWORD id) {
    const struct srvs_file *v = l->v;

    for (size_t i = 0; i < l->n; i++)
        if (v[i].id == id)
            return &v[i];
    return NULL;
}

/* Samba does not implement NetrFileGetInfo (docs/netapi.md): the one
 * answer that holds for every server is the enumeration's entry. */
NET_API_STATUS NET_API_FUNCTION NetFileGetInfo(LMSTR servername, DWORD fileid, DWORD level, LPBYTE *bufptr) {
    struct srvs_list l = {0};
    const struct srvs_file *f;
    NET_API_STATUS status;

    if (!bufptr)
        return ERROR_INVALID_PARAMETER;
    if (level != 2 && level != 3)
        return ERROR_INVALID_LEVEL;
    if ((status = fetch(servername, SRVS_FILES, NULL, NULL, level, &l)) != NERR_Success)
        return status;
    if (!(f = find_file(&l, fileid)))
        status = NERR_FileIdNotFound;
    else {
        struct file_pack fp = {&f, level};
        struct netapi_packer p = {file_fixed(level), file_size, file_put, &fp};

        if (netapi_pack(&p, 0, 1, bufptr) < 0)
            status = ERROR_NOT_ENOUGH_MEMORY;
    }
    srvs_list_free(&l);
    return status;
}

NET_API_STATUS NET_API_FUNCTION NetFileClose(LMSTR servername, DWORD fileid) {
    struct srvs_status st = {0};
    struct server_addr a;
    NET_API_STATUS status;
    int r;

    if ((r = netapi_server(servername, &a)) < 0)
        return netapi_status(r, NULL);
    deadline_scope_begin();
    r = srvs_client_file_close(&a, fileid, &st);
    deadline_scope_end();
    if (r >= 0 && st.werror == SAMBA_NO_SUCH_FILE)
        st.werror = NERR_FileIdNotFound;
    status = netapi_status(r, &st);
    return status;
}

/* ---- connections ---- */

struct conn_pack {
    const struct srvs_conn *v;
    DWORD level;
};

static size_t conn_size(const void *ctx, size_t i) {
    const struct conn_pack *p = ctx;

    if (p->level == 0)
        return sizeof(CONNECTION_INFO_0);
    return sizeof(CONNECTION_INFO_1) + netapi_wcs_size(p->v[i].user ? p->v[i].user : "") +
           netapi_wcs_size(p->v[i].netname ? p->v[i].netname : "");
}

static void conn_put(const void *ctx, size_t i, void *fixed, char **strings) {
    const struct conn_pack *p = ctx;
    const struct srvs_conn *c = &p->v[i];

    if (p->level == 0) {
        ((CONNECTION_INFO_0 *) fixed)->coni0_id = c->id;
        return;
    }
    *(CONNECTION_INFO_1 *) fixed = (CONNECTION_INFO_1){c->id, c->type, c->num_opens, c->num_users, c->time, NULL, NULL};
    ((CONNECTION_INFO_1 *) fixed)->coni1_username = netapi_put_wcs(strings, c->user ? c->user : "");
    ((CONNECTION_INFO_1 *) fixed)->coni1_netname = netapi_put_wcs(strings, c->netname ? c->netname : "");
}

/*
 * Samba (source3/rpc_server/srvsvc/srv_srvsvc_nt.c, init_srv_conn_info_1)
 * counts the tree connections to a share truly, and their opens, but fills
 * every entry with placeholders: user "dummy_user", netname "IPC$", type 3,
 * time 3; for a "\\client" qualifier it answers one such entry whatever
 * the client. Those are not answers: the placeholders become what is not
 * known ("" and 0), and a client qualifier gets ERROR_NOT_SUPPORTED rather
 * than an invented connection (docs/netapi.md, "Connections").
 */
static bool samba_placeholder(const struct srvs_conn *c) {
    return c->user && strcmp(c->user, "dummy_user") == 0 && c->netname && strcmp(c->netname, "IPC$") == 0 &&
           c->time == 3 && c->type == 3;
}

static NET_API_STATUS unmake_placeholders(struct srvs_list *l, bool client_qualifier) {
    struct srvs_conn *v = l->v;

    for (size_t i = 0; i < l->n; i++) {
        if (!samba_placeholder(&v[i]))
            continue;
        if (client_qualifier)
            return ERROR_NOT_SUPPORTED;
        free(v[i].user), free(v[i].netname);
        v[i].user = v[i].netname = NULL;
        v[i].time = 0;
        v[i].type = STYPE_DISKTREE; /* a connection to a share is to a disk or print share, never IPC here */
        v[i].id = (uint32_t) i + 1; /* Samba gives every entry the count as its id */
    }
    return NERR_Success;
}

NET_API_STATUS NET_API_FUNCTION NetConnectionEnum(LMSTR servername, LMSTR qualifier, DWORD level, LPBYTE *bufptr,
                                                  DWORD prefmaxlen, LPDWORD entriesread, LPDWORD totalentries,
                                                  LPDWORD resume_handle) {
    struct srvs_list l = {0};
    char *q = NULL;
    NET_API_STATUS status;

    if (!bufptr || !entriesread || !totalentries)
        return ERROR_INVALID_PARAMETER;
    if (level != 0 && level != 1)
        return ERROR_INVALID_LEVEL;
    /* MS-SRVS 3.1.4.1: the qualifier is required. */
    if (!qualifier || !*qualifier)
        return ERROR_INVALID_PARAMETER;
    if (netapi_utf8(qualifier, &q) < 0)
        return ERROR_INVALID_PARAMETER;
    status = fetch(servername, SRVS_CONNS, q, NULL, level, &l);
    if (status == SAMBA_NO_SUCH_SHARE)
        status = NERR_NetNameNotFound;
    if (status == NERR_Success &&
        (status = unmake_placeholders(&l, q[0] == '\\' && q[1] == '\\')) == NERR_Success) {
        struct conn_pack cp = {l.v, level};
        struct netapi_packer p = {level == 0 ? sizeof(CONNECTION_INFO_0) : sizeof(CONNECTION_INFO_1), conn_size,
                                  conn_put, &cp};

        status = page(&p, l.n, prefmaxlen, NULL, resume_handle, bufptr, entriesread, totalentries);
    }
    free(q);
    srvs_list_free(&l);
    return status;
}

/* ---- shares ---- */

struct share_pack {
    const struct srvs_share *v;
    DWORD level;
};

static size_t share_fixed(DWORD level) {
    switch (level) {
    case 0:
        return sizeof(SHARE_INFO_0);
    case 1:
        return sizeof(SHARE_INFO_1);
    case 2:
        return sizeof(SHARE_INFO_2);
    case 502:
        return sizeof(SHARE_INFO_502);
    default:
        return 0;
    }
}

/* A security descriptor's room in the block: its bytes at 8-byte alignment. */
static size_t sd_room(const struct srvs_share *s) {
    return s->sd ? (s->sd_len + 7) / 8 * 8 + 8 : 0;
}

static const char *or_empty(const char *s) {
    return s ? s : "";
}

static size_t share_size(const void *ctx, size_t i) {
    const struct share_pack *p = ctx;
    const struct srvs_share *s = &p->v[i];
    size_t n = share_fixed(p->level) + netapi_wcs_size(or_empty(s->netname));

    if (p->level >= 1)
        n += netapi_wcs_size(or_empty(s->remark));
    if (p->level >= 2)
        n += netapi_wcs_size(or_empty(s->path)) + (s->passwd ? netapi_wcs_size(s->passwd) : 0);
    if (p->level == 502)
        n += sd_room(s);
    return n;
}

static void share_put(const void *ctx, size_t i, void *fixed, char **strings) {
    const struct share_pack *p = ctx;
    const struct srvs_share *s = &p->v[i];
    void *sd = NULL;

    if (p->level == 502 && s->sd) {
        /* First, at 8-byte alignment: a self-relative SECURITY_DESCRIPTOR is read in place. */
        *strings += (8 - (uintptr_t) *strings % 8) % 8;
        sd = memcpy(*strings, s->sd, s->sd_len);
        *strings += (s->sd_len + 3) / 4 * 4; /* WCHARs after it stay aligned */
    }
    LMSTR name = netapi_put_wcs(strings, or_empty(s->netname));
    LMSTR remark = p->level >= 1 ? netapi_put_wcs(strings, or_empty(s->remark)) : NULL;
    LMSTR path = p->level >= 2 ? netapi_put_wcs(strings, or_empty(s->path)) : NULL;
    LMSTR passwd = p->level >= 2 ? netapi_put_wcs(strings, s->passwd) : NULL;

    switch (p->level) {
    case 0:
        ((SHARE_INFO_0 *) fixed)->shi0_netname = name;
        break;
    case 1:
        *(SHARE_INFO_1 *) fixed = (SHARE_INFO_1){name, s->type, remark};
        break;
    case 2:
        *(SHARE_INFO_2 *) fixed =
            (SHARE_INFO_2){name, s->type, remark, s->permissions, s->max_uses, s->current_uses, path, passwd};
        break;
    case 502:
        *(SHARE_INFO_502 *) fixed = (SHARE_INFO_502){
            name, s->type, remark, s->permissions, s->max_uses, s->current_uses, path, passwd, sd ? s->sd_len : 0, sd};
        break;
    }
}

/*
 * Samba's level 502 says max_uses -1 and current_uses 1 for every share
 * (init_srv_share_info_502, marked "???" there), while its level 2 counts the
 * connections and gives the configured maximum: Windows' 502 has the real
 * ones, so they are taken from a level-2 enumeration, matched by name.
 */
static NET_API_STATUS counts_of_level_2(LMSTR servername, struct srvs_list *l502) {
    struct srvs_list l2 = {0};
    struct srvs_share *v = l502->v;
    const struct srvs_share *w;
    NET_API_STATUS status = fetch(servername, SRVS_SHARES, NULL, NULL, 2, &l2);

    if (status != NERR_Success)
        return status;
    w = l2.v;
    for (size_t i = 0; i < l502->n; i++)
        for (size_t j = 0; j < l2.n; j++)
            if (v[i].netname && w[j].netname && strcasecmp(v[i].netname, w[j].netname) == 0) {
                v[i].max_uses = w[j].max_uses;
                v[i].current_uses = w[j].current_uses;
                break;
            }
    srvs_list_free(&l2);
    return NERR_Success;
}

NET_API_STATUS NET_API_FUNCTION NetShareEnum(LMSTR servername, DWORD level, LPBYTE *bufptr, DWORD prefmaxlen,
                                             LPDWORD entriesread, LPDWORD totalentries, LPDWORD resume_handle) {
    struct srvs_list l = {0};
    NET_API_STATUS status;

    if (!bufptr || !entriesread || !totalentries)
        return ERROR_INVALID_PARAMETER;
    if (!share_fixed(level))
        return ERROR_INVALID_LEVEL;
    deadline_scope_begin(); /* both enumerations of level 502 under the call's one deadline */
    status = fetch(servername, SRVS_SHARES, NULL, NULL, level, &l);
    if (status == NERR_Success && level == 502)
        status = counts_of_level_2(servername, &l);
    deadline_scope_end();
    if (status == NERR_Success) {
        struct share_pack sp = {l.v, level};
        struct netapi_packer p = {share_fixed(level), share_size, share_put, &sp};

        status = page(&p, l.n, prefmaxlen, NULL, resume_handle, bufptr, entriesread, totalentries);
    }
    srvs_list_free(&l);
    return status;
}

/* ---- workstation users ---- */

struct wksta_pack {
    const struct wkst_user *v;
    DWORD level;
};

static size_t wksta_size(const void *ctx, size_t i) {
    const struct wksta_pack *p = ctx;
    const struct wkst_user *u = &p->v[i];

    if (p->level == 0)
        return sizeof(WKSTA_USER_INFO_0) + netapi_wcs_size(or_empty(u->user));
    return sizeof(WKSTA_USER_INFO_1) + netapi_wcs_size(or_empty(u->user)) + netapi_wcs_size(or_empty(u->logon_domain)) +
           netapi_wcs_size(or_empty(u->oth_domains)) + netapi_wcs_size(or_empty(u->logon_server));
}

static void wksta_put(const void *ctx, size_t i, void *fixed, char **strings) {
    const struct wksta_pack *p = ctx;
    const struct wkst_user *u = &p->v[i];
    LMSTR name = netapi_put_wcs(strings, or_empty(u->user));

    if (p->level == 0) {
        ((WKSTA_USER_INFO_0 *) fixed)->wkui0_username = name;
        return;
    }
    WKSTA_USER_INFO_1 *o = fixed;

    o->wkui1_username = name;
    o->wkui1_logon_domain = netapi_put_wcs(strings, or_empty(u->logon_domain));
    o->wkui1_oth_domains = netapi_put_wcs(strings, or_empty(u->oth_domains));
    o->wkui1_logon_server = netapi_put_wcs(strings, or_empty(u->logon_server));
}

NET_API_STATUS NET_API_FUNCTION NetWkstaUserEnum(LMSTR servername, DWORD level, LPBYTE *bufptr, DWORD prefmaxlen,
                                                 LPDWORD entriesread, LPDWORD totalentries, LPDWORD resumehandle) {
    struct wkst_user_list l = {0};
    struct srvs_status st = {0};
    struct server_addr a;
    NET_API_STATUS status;
    int r;

    if (!bufptr || !entriesread || !totalentries)
        return ERROR_INVALID_PARAMETER;
    if (level != 0 && level != 1)
        return ERROR_INVALID_LEVEL;
    if ((r = netapi_server(servername, &a)) < 0)
        return netapi_status(r, NULL);
    deadline_scope_begin();
    r = srvs_client_wksta_user_enum(&a, level, &l, &st);
    deadline_scope_end();
    if ((status = netapi_status(r, &st)) == NERR_Success) {
        struct wksta_pack wp = {l.v, level};
        struct netapi_packer p = {level == 0 ? sizeof(WKSTA_USER_INFO_0) : sizeof(WKSTA_USER_INFO_1), wksta_size,
                                  wksta_put, &wp};

        status = page(&p, l.n, prefmaxlen, NULL, resumehandle, bufptr, entriesread, totalentries);
    }
    wkst_user_list_free(&l);
    return status;
}
