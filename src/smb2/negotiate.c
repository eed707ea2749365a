/*
 * SMB2 NEGOTIATE (MS-SMB2 2.2.3, 2.2.4, 3.2.4.2.2.2, 3.2.5.2): every dialect
 * from 2.0.2 to 3.1.1 within the caller's bounds, and for 3.1.1 the
 * pre-auth integrity (SHA-512), encryption and signing contexts.
 */
#include <errno.h>
#include <string.h>

#include "common/crypto.h"
#include "smb2/conn.h"

#define CTX_PREAUTH_INTEGRITY 0x0001
#define CTX_ENCRYPTION 0x0002
#define CTX_SIGNING 0x0008
#define HASH_SHA512 0x0001

static const uint16_t all_dialects[] = {SMB2_DIALECT_202, SMB2_DIALECT_210, SMB2_DIALECT_300, SMB2_DIALECT_302,
                                        SMB2_DIALECT_311};
/* Our preference: GCM before CCM (faster), 128-bit first as Windows does. */
static const uint16_t ciphers[] = {SMB2_ENCRYPTION_AES128_GCM, SMB2_ENCRYPTION_AES128_CCM,
                                   SMB2_ENCRYPTION_AES256_GCM, SMB2_ENCRYPTION_AES256_CCM};
static const uint16_t signing_algs[] = {SMB2_SIGNING_AES_GMAC, SMB2_SIGNING_AES_CMAC, SMB2_SIGNING_HMAC_SHA256};

static void put_context(struct buf *b, size_t msg_start, uint16_t type, const struct buf *data) {
    buf_align(b, msg_start, 8);
    buf_put_u16(b, type);
    buf_put_u16(b, (uint16_t) data->len);
    buf_put_u32(b, 0);
    buf_put_bytes(b, data->data, data->len);
}

static int encode(struct smb2_conn *c, struct smb2_req *q, const struct smb2_options *opt, bool want_signing) {
    uint16_t lo = opt && opt->min_dialect ? opt->min_dialect : SMB2_DIALECT_202;
    uint16_t hi = opt && opt->max_dialect ? opt->max_dialect : SMB2_DIALECT_311;
    uint16_t n = 0;
    size_t ctx_off_at;
    struct buf *b = &q->body;
    int r;

    for (size_t i = 0; i < sizeof(all_dialects) / sizeof(all_dialects[0]); i++)
        if (all_dialects[i] >= lo && all_dialects[i] <= hi)
            n++;
    if (n == 0)
        return -EINVAL;
    /* Remembered: FSCTL_VALIDATE_NEGOTIATE_INFO repeats them (2.2.31.4). */
    c->client_security_mode = want_signing ? SMB2_NEGOTIATE_SIGNING_ENABLED | SMB2_NEGOTIATE_SIGNING_REQUIRED
                                           : SMB2_NEGOTIATE_SIGNING_ENABLED;
    c->client_caps = hi >= SMB2_DIALECT_300 ? SMB2_GLOBAL_CAP_ENCRYPTION | SMB2_GLOBAL_CAP_LARGE_MTU
                                            : SMB2_GLOBAL_CAP_LARGE_MTU;
    c->n_offered = 0;
    buf_put_u16(b, 36);
    buf_put_u16(b, n);
    buf_put_u16(b, c->client_security_mode);
    buf_put_u16(b, 0);
    buf_put_u32(b, c->client_caps);
    buf_put_bytes(b, c->client_guid, 16);
    ctx_off_at = b->len;
    buf_put_zero(b, 8); /* NegotiateContextOffset/Count/Reserved2, or ClientStartTime */
    for (size_t i = 0; i < sizeof(all_dialects) / sizeof(all_dialects[0]); i++)
        if (all_dialects[i] >= lo && all_dialects[i] <= hi) {
            buf_put_u16(b, all_dialects[i]);
            c->offered[c->n_offered++] = all_dialects[i];
        }
    if (hi >= SMB2_DIALECT_311) {
        struct buf d;
        uint8_t salt[32];

        /* Offsets count from the SMB2 header; it is 64 bytes, so 8-alignment is the same. */
        buf_align(b, 0, 8);
        buf_set_u32(b, ctx_off_at, (uint32_t) (SMB2_HDR_SIZE + b->len));
        buf_set_u16(b, ctx_off_at + 4, 3);

        if ((r = crypto_random(salt, sizeof(salt))) < 0)
            return r;
        buf_init(&d);
        buf_put_u16(&d, 1);
        buf_put_u16(&d, sizeof(salt));
        buf_put_u16(&d, HASH_SHA512);
        buf_put_bytes(&d, salt, sizeof(salt));
        put_context(b, 0, CTX_PREAUTH_INTEGRITY, &d);
        buf_free(&d);

        buf_put_u16(&d, sizeof(ciphers) / sizeof(ciphers[0]));
        for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
            buf_put_u16(&d, ciphers[i]);
        put_context(b, 0, CTX_ENCRYPTION, &d);
        buf_free(&d);

        buf_put_u16(&d, sizeof(signing_algs) / sizeof(signing_algs[0]));
        for (size_t i = 0; i < sizeof(signing_algs) / sizeof(signing_algs[0]); i++)
            buf_put_u16(&d, signing_algs[i]);
        put_context(b, 0, CTX_SIGNING, &d);
        if ((r = buf_error(&d)) < 0) {
            buf_free(&d);
            return r;
        }
        buf_free(&d);
    }
    return buf_error(b);
}

static bool offered(const uint16_t *list, size_t n, uint16_t v) {
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return true;
    return false;
}

/* 2.2.4 / 2.2.3.1: checks every field against what we offered. */
int smb2_negotiate_decode(struct smb2_conn *c, const struct smb2_msg *m) {
    struct cursor b = m->body, all, sec, ctx;
    uint16_t size, mode, dialect, n_ctx, sec_off, sec_len;
    uint32_t caps, max_t, max_r, max_w, ctx_off;
    uint8_t guid[16];
    bool have_preauth = false;
    int r;

    cur_init(&all, m->raw, m->raw_len);
    if ((r = cur_get_u16(&b, &size)) < 0 || (r = cur_get_u16(&b, &mode)) < 0 ||
        (r = cur_get_u16(&b, &dialect)) < 0 || (r = cur_get_u16(&b, &n_ctx)) < 0 ||
        (r = cur_get_bytes(&b, guid, 16)) < 0 || (r = cur_get_u32(&b, &caps)) < 0 ||
        (r = cur_get_u32(&b, &max_t)) < 0 || (r = cur_get_u32(&b, &max_r)) < 0 || (r = cur_get_u32(&b, &max_w)) < 0 ||
        (r = cur_skip(&b, 16)) < 0 || (r = cur_get_u16(&b, &sec_off)) < 0 || (r = cur_get_u16(&b, &sec_len)) < 0 ||
        (r = cur_get_u32(&b, &ctx_off)) < 0)
        return r;
    if (size != 65)
        return -EBADMSG;
    if (!offered(c->offered, c->n_offered, dialect))
        return -EPROTO; /* 0x02FF (SMB1 multi-protocol) or anything we did not offer */
    if (max_t < 4096 || max_r < 4096 || max_w < 4096)
        return -EBADMSG;
    if (sec_len && (r = cur_slice(&all, sec_off, sec_len, &sec)) < 0)
        return r;
    c->dialect = dialect;
    memcpy(c->server_guid, guid, 16);
    c->server_security_mode = mode;
    c->server_caps = caps;
    c->max_transact = max_t;
    c->max_read = max_r;
    c->max_write = max_w;
    buf_free(&c->server_gss);
    if (sec_len)
        buf_put_bytes(&c->server_gss, sec.base, sec.len);
    if (dialect >= SMB2_DIALECT_300 && dialect < SMB2_DIALECT_311 && (caps & SMB2_GLOBAL_CAP_ENCRYPTION))
        c->cipher = SMB2_ENCRYPTION_AES128_CCM;
    c->signing_alg = dialect >= SMB2_DIALECT_300 ? SMB2_SIGNING_AES_CMAC : SMB2_SIGNING_HMAC_SHA256;
    if (dialect != SMB2_DIALECT_311)
        return buf_error(&c->server_gss);

    /* 3.2.5.2: the contexts; exactly one preauth context naming SHA-512. */
    if ((r = cur_slice(&all, ctx_off, all.len - (ctx_off < all.len ? ctx_off : all.len), &ctx)) < 0)
        return r;
    for (uint16_t i = 0; i < n_ctx; i++) {
        uint16_t type, len, count, v;
        struct cursor d;

        if (i > 0 && (r = cur_align(&ctx, 8)) < 0)
            return r;
        if ((r = cur_get_u16(&ctx, &type)) < 0 || (r = cur_get_u16(&ctx, &len)) < 0 || (r = cur_skip(&ctx, 4)) < 0 ||
            (r = cur_sub(&ctx, len, &d)) < 0)
            return r;
        switch (type) {
        case CTX_PREAUTH_INTEGRITY:
            if (have_preauth || (r = cur_get_u16(&d, &count)) < 0 || (r = cur_skip(&d, 2)) < 0 ||
                (r = cur_get_u16(&d, &v)) < 0)
                return r < 0 ? r : -EBADMSG;
            if (count != 1 || v != HASH_SHA512)
                return -EBADMSG;
            have_preauth = true;
            break;
        case CTX_ENCRYPTION:
            if ((r = cur_get_u16(&d, &count)) < 0 || (r = cur_get_u16(&d, &v)) < 0)
                return r;
            if (count != 1)
                return -EBADMSG;
            if (v != 0 && !offered(ciphers, sizeof(ciphers) / sizeof(ciphers[0]), v))
                return -EBADMSG;
            c->cipher = v; /* 0: the server supports none of ours */
            break;
        case CTX_SIGNING:
            if ((r = cur_get_u16(&d, &count)) < 0 || (r = cur_get_u16(&d, &v)) < 0)
                return r;
            if (count != 1 || !offered(signing_algs, sizeof(signing_algs) / sizeof(signing_algs[0]), v))
                return -EBADMSG;
            c->signing_alg = v;
            break;
        default:
            break; /* contexts we did not ask for are ignored (3.2.5.2) */
        }
    }
    if (!have_preauth)
        return -EBADMSG;
    return buf_error(&c->server_gss);
}

int smb2_negotiate(struct smb2_conn *c, const struct smb2_options *opt, bool want_signing) {
    struct smb2_req q;
    struct smb2_msg m = {0};
    int r;

    smb2_req_init(&q, SMB2_NEGOTIATE, 0);
    q.credit_charge = 0;
    if ((r = encode(c, &q, opt, want_signing)) < 0)
        goto out;
    if ((r = smb2_transact(c, &q, 1, &m)) < 0)
        goto out;
    if (m.status != STATUS_SUCCESS) {
        r = smb2_status_to_errno(m.status);
        goto out;
    }
    if ((r = smb2_negotiate_decode(c, &m)) < 0)
        goto out;
    r = 0; /* the transport hashed both messages for 3.1.1 pre-auth integrity */
out:
    if (r < 0)
        c->broken = true;
    smb2_req_clear(&q);
    smb2_msg_clear(&m);
    return r;
}

/*
 * Secure dialect negotiation. MS-SMB2 3.2.5.5 asks for it after the tree
 * connect of a session that is neither anonymous nor guest when the dialect
 * is 3.0 or 3.0.2; 3.1.1 has pre-auth integrity instead (servers drop the
 * connection on this FSCTL, 3.3.5.15.12). Below 3.0 MS-SMB2 asks nothing
 * and Windows sends nothing; we validate there too when we offered 3.x,
 * because a relay that strips 3.x from our list lands exactly there.
 * Anonymous sessions cannot be validated: nothing in them is signed.
 */
bool smb2_needs_validation(const struct smb2_conn *c) {
    return !c->negotiate_validated && !c->anonymous && c->signing && c->dialect < SMB2_DIALECT_311 &&
           c->n_offered > 0 && c->offered[c->n_offered - 1] >= SMB2_DIALECT_300;
}

void smb2_validate_negotiate_encode(struct smb2_conn *c, struct smb2_req *q) {
    static const struct smb2_file_id none = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                              0xff, 0xff, 0xff, 0xff}};
    struct buf in;

    /* 2.2.31.4: what our NEGOTIATE said, word for word. */
    buf_init(&in);
    buf_put_u32(&in, c->client_caps);
    buf_put_bytes(&in, c->client_guid, 16);
    buf_put_u16(&in, c->client_security_mode);
    buf_put_u16(&in, c->n_offered);
    for (uint16_t i = 0; i < c->n_offered; i++)
        buf_put_u16(&in, c->offered[i]);
    smb2_req_init(q, SMB2_IOCTL, 0xFFFFFFFFu);
    q->related = true; /* the tree id of the TREE_CONNECT before it */
    smb2_ioctl_encode(q, FSCTL_VALIDATE_NEGOTIATE_INFO, &none, in.data, in.len, 24);
    if (buf_error(&in) < 0)
        q->body.failed = true; /* the caller's buf_error(&q->body) sees it */
    buf_free(&in);
}

static int check_validate_answer(struct smb2_conn *c, const struct smb2_msg *m) {
    struct cursor b;
    struct buf out;
    uint32_t caps;
    uint16_t mode, dialect;
    uint8_t guid[16];
    bool more;
    int r;

    /* 3.2.5.14.12: an answer neither signed nor encrypted ends the connection
     * (the transport already verified any signature it carries). */
    if (!(m->flags & SMB2_FLAGS_SIGNED) && !m->was_encrypted)
        return -E_TAMPERED;
    if (m->status != STATUS_SUCCESS) {
        /* A 2.x-only server may not know the FSCTL; its signed refusal is all
         * it can say. At 3.0/3.0.2 the server must answer (3.3.5.15.12), and
         * STATUS_ACCESS_DENIED is its way of saying "not what I negotiated". */
        if (c->dialect < SMB2_DIALECT_300 &&
            (m->status == STATUS_FILE_CLOSED || m->status == STATUS_NOT_SUPPORTED ||
             m->status == STATUS_INVALID_DEVICE_REQUEST || m->status == STATUS_FS_DRIVER_REQUIRED))
            return 0;
        return -E_TAMPERED;
    }
    buf_init(&out);
    if ((r = smb2_ioctl_decode(m, &out, &more)) < 0 || out.len != 24) {
        buf_free(&out);
        return r < 0 && r != -EBADMSG ? r : -E_TAMPERED;
    }
    cur_init(&b, out.data, out.len);
    r = cur_get_u32(&b, &caps);
    if (r >= 0)
        r = cur_get_bytes(&b, guid, 16);
    if (r >= 0)
        r = cur_get_u16(&b, &mode);
    if (r >= 0)
        r = cur_get_u16(&b, &dialect);
    buf_free(&out);
    if (r < 0)
        return -E_TAMPERED;
    /* 3.2.5.14.12: each must equal what the NEGOTIATE response said. */
    if (caps != c->server_caps || memcmp(guid, c->server_guid, 16) != 0 || mode != c->server_security_mode ||
        dialect != c->dialect)
        return -E_TAMPERED;
    return 0;
}

int smb2_validate_negotiate_finish(struct smb2_conn *c, const struct smb2_msg *m) {
    int r = check_validate_answer(c, m);

    if (r < 0)
        c->broken = true; /* 3.2.5.14.12: terminate the connection */
    else
        c->negotiate_validated = true;
    return r;
}
