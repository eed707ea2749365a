/*
 * SPNEGO initiator (RFC 4178) as SMB2 uses it (MS-SPNG): NegTokenInit with
 * our mechanisms and the first token of the preferred one, then
 * NegTokenResp both ways. The mechListMIC is sent when the mechanism can
 * sign; the server's is not checked: we offer one mechanism, so there is
 * no list a man in the middle could downgrade.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"

static const uint8_t spnego_oid[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02}; /* 1.3.6.1.5.5.2 */

struct auth_ctx {
    const struct auth_mech_ops *const *mechs;
    size_t n_mechs;
    const struct auth_mech_ops *mech; /* the one in use */
    void *state;
    struct buf mech_types; /* DER MechTypeList as sent, for the mechListMIC */
    int round;
    bool mech_done;
};

int auth_identity_copy(const struct auth_identity *src, struct auth_identity *dst) {
    struct auth_identity d = {0};

    if ((src->user && !(d.user = strdup(src->user))) || (src->domain && !(d.domain = strdup(src->domain))) ||
        (src->password && !(d.password = strdup(src->password)))) {
        auth_identity_clear(&d);
        return -ENOMEM;
    }
    *dst = d;
    return 0;
}

void auth_identity_clear(struct auth_identity *id) {
    if (!id)
        return;
    if (id->password)
        explicit_bzero(id->password, strlen(id->password));
    free(id->user);
    free(id->domain);
    free(id->password);
    memset(id, 0, sizeof(*id));
}

bool auth_identity_is_anonymous(const struct auth_identity *id) {
    return !id || !id->user || !id->user[0];
}

/* ---- DER (X.690), only what SPNEGO needs ---- */

int der_get_tlv(struct cursor *c, uint8_t tag, struct cursor *ret_value) {
    struct cursor save = *c;
    uint8_t t, l;
    size_t len = 0;
    int r;

    if ((r = cur_get_u8(c, &t)) < 0 || (r = cur_get_u8(c, &l)) < 0)
        goto fail;
    r = -EBADMSG;
    if (t != tag)
        goto fail;
    if (l < 0x80)
        len = l;
    else {
        size_t n = l & 0x7f;

        if (n == 0 || n > 4) /* indefinite or absurd lengths: not DER */
            goto fail;
        for (size_t i = 0; i < n; i++) {
            uint8_t b;

            if ((r = cur_get_u8(c, &b)) < 0)
                goto fail;
            len = len << 8 | b;
        }
    }
    if ((r = cur_sub(c, len, ret_value)) < 0)
        goto fail;
    return 0;
fail:
    *c = save;
    return r < 0 ? r : -EBADMSG;
}

static void der_put_header(struct buf *b, uint8_t tag, size_t len) {
    buf_put_u8(b, tag);
    if (len < 0x80)
        buf_put_u8(b, (uint8_t) len);
    else if (len < 0x100) {
        buf_put_u8(b, 0x81);
        buf_put_u8(b, (uint8_t) len);
    } else if (len < 0x10000) {
        buf_put_u8(b, 0x82);
        buf_put_u16_be(b, (uint16_t) len);
    } else {
        buf_put_u8(b, 0x84);
        buf_put_u32_be(b, (uint32_t) len);
    }
}

/* Wraps what b holds from offset start in a TLV (moves the content). */
static void der_wrap(struct buf *b, size_t start, uint8_t tag) {
    struct buf hdr;
    size_t len = b->len - start;
    uint8_t *p;

    buf_init(&hdr);
    der_put_header(&hdr, tag, len);
    if (buf_error(&hdr) < 0 || !buf_reserve(b, hdr.len)) {
        b->failed = true;
        buf_free(&hdr);
        return;
    }
    p = b->data + start;
    memmove(p + hdr.len, p, len);
    memcpy(p, hdr.data, hdr.len);
    buf_free(&hdr);
}

int auth_spnego_new(const struct auth_mech_ops *const *mechs, size_t n_mechs, const struct auth_identity *id,
                    const char *target_host, struct auth_ctx **ret) {
    struct auth_ctx *a;
    int r;

    if (n_mechs == 0)
        return -EINVAL;
    a = calloc(1, sizeof(*a));
    if (!a)
        return -ENOMEM;
    a->mechs = mechs;
    a->n_mechs = n_mechs;
    a->mech = mechs[0];
    /* MechTypeList ::= SEQUENCE OF OID */
    for (size_t i = 0; i < n_mechs; i++) {
        der_put_header(&a->mech_types, 0x06, mechs[i]->oid_len);
        buf_put_bytes(&a->mech_types, mechs[i]->oid, mechs[i]->oid_len);
    }
    der_wrap(&a->mech_types, 0, 0x30);
    if ((r = buf_error(&a->mech_types)) < 0 || (r = a->mech->start(id, target_host, &a->state)) < 0) {
        auth_spnego_free(a);
        return r;
    }
    *ret = a;
    return 0;
}

/* NegTokenResp ::= [1] SEQUENCE { negState [0], supportedMech [1], responseToken [2], mechListMIC [3] } */
struct neg_token_resp {
    int neg_state; /* -1 when absent */
    struct cursor token;
    bool has_token;
};

static int parse_neg_token_resp(const uint8_t *in, size_t len, struct neg_token_resp *ret) {
    struct cursor c, outer, seq, f, v;
    struct neg_token_resp t = {.neg_state = -1};
    int r;

    cur_init(&c, in, len);
    if ((r = der_get_tlv(&c, 0xa1, &outer)) < 0 || (r = der_get_tlv(&outer, 0x30, &seq)) < 0)
        return r;
    if (der_get_tlv(&seq, 0xa0, &f) >= 0) {
        uint8_t st;

        if ((r = der_get_tlv(&f, 0x0a, &v)) < 0 || (r = cur_get_u8(&v, &st)) < 0 || cur_left(&v) != 0)
            return r < 0 ? r : -EBADMSG;
        t.neg_state = st;
    }
    if (der_get_tlv(&seq, 0xa1, &f) >= 0) {
        /* supportedMech: must be ours (we offer one at a time). */
        if ((r = der_get_tlv(&f, 0x06, &v)) < 0)
            return r;
    }
    if (der_get_tlv(&seq, 0xa2, &f) >= 0) {
        if ((r = der_get_tlv(&f, 0x04, &t.token)) < 0)
            return r;
        t.has_token = true;
    }
    /* mechListMIC [3] may follow; not checked (see top of file). */
    *ret = t;
    return 0;
}

int spnego_parse_resp(const uint8_t *in, size_t len, int *ret_state, const uint8_t **ret_token,
                      size_t *ret_token_len) {
    struct neg_token_resp t;
    int r = parse_neg_token_resp(in, len, &t);

    if (r < 0)
        return r;
    *ret_state = t.neg_state;
    *ret_token = t.has_token ? t.token.base : NULL;
    *ret_token_len = t.has_token ? t.token.len : 0;
    return 0;
}

int auth_spnego_step(struct auth_ctx *a, const uint8_t *in, size_t in_len, struct buf *out) {
    struct buf tok;
    size_t start = out->len;
    int r;

    buf_init(&tok);
    if (a->round == 0) {
        /* The server's NegTokenInit2 hints (from NEGOTIATE) are not needed: we lead. */
        r = a->mech->step(a->state, NULL, 0, &tok);
        if (r < 0)
            goto out;
        a->mech_done = r == 0;
        /* InitialContextToken ::= [APPLICATION 0] { thisMech OID, NegTokenInit [0] SEQUENCE {
         *     mechTypes [0], mechToken [2] } } */
        der_put_header(out, 0x06, sizeof(spnego_oid));
        buf_put_bytes(out, spnego_oid, sizeof(spnego_oid));
        {
            size_t init = out->len, types;

            types = out->len;
            buf_put_bytes(out, a->mech_types.data, a->mech_types.len);
            der_wrap(out, types, 0xa0);
            {
                size_t mt = out->len;

                der_put_header(out, 0x04, tok.len);
                buf_put_bytes(out, tok.data, tok.len);
                der_wrap(out, mt, 0xa2);
            }
            der_wrap(out, init, 0x30);
            der_wrap(out, init, 0xa0);
        }
        der_wrap(out, start, 0x60);
    } else {
        struct neg_token_resp t;

        if ((r = parse_neg_token_resp(in, in_len, &t)) < 0)
            goto out;
        if (t.neg_state == 2) {
            r = -EKEYREJECTED; /* reject */
            goto out;
        }
        if (a->mech_done || !t.has_token) {
            r = -EPROTO;
            goto out;
        }
        r = a->mech->step(a->state, t.token.base, t.token.len, &tok);
        if (r < 0)
            goto out;
        a->mech_done = r == 0;
        {
            size_t seq = out->len, f = out->len;

            der_put_header(out, 0x04, tok.len);
            buf_put_bytes(out, tok.data, tok.len);
            der_wrap(out, f, 0xa2);
            if (a->mech_done && a->mech->get_mic) {
                struct buf mic;

                buf_init(&mic);
                if (a->mech->get_mic(a->state, a->mech_types.data, a->mech_types.len, &mic) >= 0 &&
                    buf_error(&mic) == 0) {
                    f = out->len;
                    der_put_header(out, 0x04, mic.len);
                    buf_put_bytes(out, mic.data, mic.len);
                    der_wrap(out, f, 0xa3);
                }
                buf_free(&mic);
            }
            der_wrap(out, seq, 0x30);
            der_wrap(out, seq, 0xa1);
        }
    }
    a->round++;
    r = buf_error(out);
out:
    buf_free(&tok);
    return r;
}

int auth_spnego_finish(struct auth_ctx *a, const uint8_t *in, size_t in_len) {
    struct neg_token_resp t;
    int r;

    if (!a->mech_done)
        return -EPROTO;
    if (in_len == 0)
        return 0; /* some servers end without a token */
    if ((r = parse_neg_token_resp(in, in_len, &t)) < 0)
        return r;
    if (t.neg_state == 2)
        return -EKEYREJECTED;
    if (t.neg_state != -1 && t.neg_state != 0)
        return -EPROTO;
    return 0;
}

int auth_spnego_session_key(struct auth_ctx *a, const uint8_t **ret_key, size_t *ret_len) {
    return a->mech->session_key(a->state, ret_key, ret_len);
}

void auth_spnego_free(struct auth_ctx *a) {
    if (!a)
        return;
    if (a->mech && a->state)
        a->mech->free(a->state);
    buf_free(&a->mech_types);
    free(a);
}

/* Per-message protection belongs to the mechanism SPNEGO chose (RFC 4178
 * adds none of its own): forwarded as is. */
size_t auth_spnego_sig_len(struct auth_ctx *a) {
    return a->mech->sig_len && a->mech_done ? a->mech->sig_len(a->state) : 0;
}

int auth_spnego_protect(struct auth_ctx *a, bool seal, struct auth_iov *iov, size_t n, uint8_t *sig) {
    if (!a->mech->protect)
        return -EOPNOTSUPP;
    if (!a->mech_done)
        return -ENOKEY;
    return a->mech->protect(a->state, seal, iov, n, sig);
}

int auth_spnego_unprotect(struct auth_ctx *a, bool sealed, struct auth_iov *iov, size_t n, const uint8_t *sig,
                          size_t sig_len) {
    if (!a->mech->unprotect)
        return -EOPNOTSUPP;
    if (!a->mech_done)
        return -ENOKEY;
    return a->mech->unprotect(a->state, sealed, iov, n, sig, sig_len);
}
