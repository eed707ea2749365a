#include "rpc/dcerpc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auth/ntlm.h"
#include "common/errors.h"

/* NDR 2.0: 8a885d04-1ceb-11c9-9fe8-08002b104860 v2 */
static const struct rpc_syntax ndr20 = {
    {0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60}, 2, 0};

/* The most stub data one response may carry in total: far above any srvsvc
 * answer (131072 sessions, the decoder's own cap, fit in it). A first
 * fragment whose alloc_hint announces more is refused before anything is
 * buffered; a server that sends more anyway is cut off at this size. */
#define RPC_MAX_STUB (16u * 1024 * 1024)
/* Response fragments one call may take: 16 MiB in the smallest fragments a
 * bind accepts (1024 bytes, 1000 of stub) is 16778. */
#define RPC_MAX_FRAGS 17000
/* Non-final fragments with no stub carry nothing: a few are tolerated, a
 * stream of them is a server stalling the call. */
#define RPC_MAX_EMPTY_FRAGS 4
/* We offer large fragments; the server's answer bounds both directions. */
#define RPC_OFFER_FRAG 65280
/* Reply fragments read ahead in one round trip (pipelined READs): 64 of
 * Windows' 4280-byte fragments are 270 KB of answer. */
#define RPC_READ_AHEAD 64u

/* C706 12.6.3.1 common header */
static void put_hdr(struct buf *b, uint8_t ptype, uint8_t flags, uint32_t call_id) {
    buf_put_u8(b, 5);
    buf_put_u8(b, 0);
    buf_put_u8(b, ptype);
    buf_put_u8(b, flags);
    buf_put_bytes(b, "\x10\x00\x00\x00", 4); /* little endian, ASCII, IEEE */
    buf_put_u16(b, 0);                       /* frag_length, set at the end */
    buf_put_u16(b, 0);                       /* auth_length */
    buf_put_u32(b, call_id);
}

int rpc_parse_hdr(const uint8_t *p, size_t len, struct rpc_hdr *ret) {
    struct cursor c;
    uint8_t vers, minor, drep[4];
    struct rpc_hdr h;
    int r;

    cur_init(&c, p, len);
    if ((r = cur_get_u8(&c, &vers)) < 0 || (r = cur_get_u8(&c, &minor)) < 0 || (r = cur_get_u8(&c, &h.ptype)) < 0 ||
        (r = cur_get_u8(&c, &h.flags)) < 0 || (r = cur_get_bytes(&c, drep, 4)) < 0 ||
        (r = cur_get_u16(&c, &h.frag_len)) < 0 || (r = cur_get_u16(&c, &h.auth_len)) < 0 ||
        (r = cur_get_u32(&c, &h.call_id)) < 0)
        return r;
    if (vers != 5 || minor > 1)
        return -EPROTO;
    if (drep[0] != 0x10 || drep[1] != 0)
        return -EPROTO; /* big-endian or non-IEEE peers: none exist for ncacn_np */
    if (h.frag_len != len || h.frag_len < 16)
        return -EBADMSG;
    *ret = h;
    return 0;
}

static void put_context(struct buf *b, uint16_t ctx_id, const struct rpc_syntax *iface) {
    buf_put_u8(b, 1); /* n_context_elem */
    buf_put_u8(b, 0);
    buf_put_u16(b, 0);
    buf_put_u16(b, ctx_id);
    buf_put_u8(b, 1); /* n_transfer_syn */
    buf_put_u8(b, 0);
    buf_put_bytes(b, iface->uuid, 16);
    buf_put_u16(b, iface->major);
    buf_put_u16(b, iface->minor);
    buf_put_bytes(b, ndr20.uuid, 16);
    buf_put_u32(b, ndr20.major);
}

static int build_bind(struct rpc_client *rc, uint8_t ptype, const struct rpc_syntax *iface, struct buf *b) {
    put_hdr(b, ptype,
            RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG |
                (ptype == RPC_PTYPE_BIND && rc->want_multiplex ? RPC_PFC_CONC_MPX : 0),
            rc->next_call_id++);
    buf_put_u16(b, rc->bound ? rc->max_xmit : rc->offer_frag);
    buf_put_u16(b, rc->bound ? rc->max_recv : rc->offer_frag);
    buf_put_u32(b, rc->assoc_group);
    put_context(b, rc->context_id, iface);
    buf_set_u16(b, 8, (uint16_t) b->len);
    return buf_error(b);
}

static int parse_bind_reply(const uint8_t *p, size_t len, uint16_t *ret_max_xmit, uint16_t *ret_max_recv,
                            uint32_t *ret_assoc, uint32_t *ret_fault, size_t *ret_end) {
    struct rpc_hdr h;
    struct cursor c;
    uint16_t xmit, recv, sec_len, result, reason;
    uint32_t assoc;
    uint8_t n;
    int r;

    if ((r = rpc_parse_hdr(p, len, &h)) < 0)
        return r;
    cur_init(&c, p, len);
    cur_seek(&c, 16);
    if (h.ptype == RPC_PTYPE_BIND_NAK) {
        if ((r = cur_get_u16(&c, &reason)) < 0)
            return r;
        /* 12.6.4.4: reason 4 = abstract syntax not supported… any refusal means we cannot talk. */
        *ret_fault = reason == 4 ? NCA_S_UNK_IF : NCA_S_PROTO_ERROR;
        return -EREMOTEIO;
    }
    if (h.ptype != RPC_PTYPE_BIND_ACK && h.ptype != RPC_PTYPE_ALTER_CONTEXT_RESP)
        return -EPROTO;
    if ((r = cur_get_u16(&c, &xmit)) < 0 || (r = cur_get_u16(&c, &recv)) < 0 || (r = cur_get_u32(&c, &assoc)) < 0 ||
        (r = cur_get_u16(&c, &sec_len)) < 0 || (r = cur_skip(&c, sec_len)) < 0 || (r = cur_align(&c, 4)) < 0 ||
        (r = cur_get_u8(&c, &n)) < 0 || (r = cur_skip(&c, 3)) < 0 || (r = cur_get_u16(&c, &result)) < 0 ||
        (r = cur_get_u16(&c, &reason)) < 0 || (r = cur_skip(&c, 20)) < 0)
        return r;
    if (n != 1)
        return -EBADMSG; /* we proposed one context */
    if (result != 0) {
        *ret_fault = reason == 1 ? NCA_S_UNK_IF : NCA_S_PROTO_ERROR;
        return -EREMOTEIO;
    }
    if (h.ptype == RPC_PTYPE_BIND_ACK && (xmit < 1024 || recv < 1024))
        return -EBADMSG; /* C706: at least 1432; we accept a little less, not absurdly less */
    *ret_max_xmit = xmit;
    *ret_max_recv = recv;
    *ret_assoc = assoc;
    *ret_end = (size_t) (cur_ptr(&c) - p);
    return 0;
}

int rpc_parse_bind_reply(const uint8_t *p, size_t len, uint16_t *ret_max_xmit, uint16_t *ret_max_recv,
                         uint32_t *ret_assoc, uint32_t *ret_fault) {
    size_t end;

    return parse_bind_reply(p, len, ret_max_xmit, ret_max_recv, ret_assoc, ret_fault, &end);
}

/* MS-RPCE 2.2.2.11: the sec_trailer sits right before the auth_value, which
 * ends the PDU; the auth padding precedes the trailer and must lie inside the
 * PDU's body, never in its fixed fields. */
int rpc_parse_sec_trailer(const uint8_t *p, size_t len, size_t body_start, struct rpc_sec_trailer *ret) {
    struct rpc_hdr h;
    struct rpc_sec_trailer t;
    struct cursor c;
    uint8_t reserved;
    int r;

    if ((r = rpc_parse_hdr(p, len, &h)) < 0)
        return r;
    if (h.auth_len == 0 || body_start > len || len - body_start < 8u + h.auth_len)
        return -EBADMSG; /* missing, or no room for trailer and value */
    t.offset = len - h.auth_len - 8;
    cur_init(&c, p, len);
    cur_seek(&c, t.offset);
    if ((r = cur_get_u8(&c, &t.type)) < 0 || (r = cur_get_u8(&c, &t.level)) < 0 ||
        (r = cur_get_u8(&c, &t.pad_len)) < 0 || (r = cur_get_u8(&c, &reserved)) < 0 ||
        (r = cur_get_u32(&c, &t.context_id)) < 0)
        return r;
    if (t.pad_len > t.offset - body_start || t.pad_len > 15)
        return -EBADMSG; /* padding only ever aligns to 16 (2.2.2.11), inside the body */
    if (t.offset % 4 != 0)
        return -EBADMSG; /* C706 12.6.3.1: the trailer is 4-octet aligned */
    t.value = p + t.offset + 8;
    t.value_len = h.auth_len;
    *ret = t;
    return 0;
}

int rpc_parse_bind_reply_auth(const uint8_t *p, size_t len, uint16_t *ret_max_xmit, uint16_t *ret_max_recv,
                              uint32_t *ret_assoc, uint32_t *ret_fault, bool may_be_bare,
                              struct rpc_sec_trailer *ret_trailer, bool *ret_has_trailer) {
    uint16_t xmit, recv;
    uint32_t assoc;
    size_t end;
    int r;

    if ((r = parse_bind_reply(p, len, &xmit, &recv, &assoc, ret_fault, &end)) < 0)
        return r;
    if (get_le16(p + 10) == 0) {
        if (!may_be_bare)
            return -EBADMSG;
        *ret_has_trailer = false;
    } else {
        if ((r = rpc_parse_sec_trailer(p, len, end, ret_trailer)) < 0)
            return r;
        *ret_has_trailer = true;
    }
    *ret_max_xmit = xmit;
    *ret_max_recv = recv;
    *ret_assoc = assoc;
    return 0;
}

/* ---- authentication (MS-RPCE 3.3.1.5) ---- */

/* An arbitrary, fixed auth_context_id: one security context per connection. */
#define RPC_AUTH_CONTEXT_ID 0x7754u

static bool protected_level(const struct rpc_client *rc) {
    return rc->auth_type != RPC_C_AUTHN_NONE && rc->auth_level >= RPC_C_AUTHN_LEVEL_PKT_INTEGRITY;
}

static void put_sec_trailer(struct buf *b, const struct rpc_client *rc, uint8_t pad_len) {
    buf_put_u8(b, rc->auth_type);
    buf_put_u8(b, rc->auth_level);
    buf_put_u8(b, pad_len);
    buf_put_u8(b, 0);
    buf_put_u32(b, rc->auth_context_id);
}

/* bind or alter_context carrying a token (2.2.2.11: after the context list,
 * which ends 4-aligned, so no padding). At integrity and privacy we ask for
 * header signing; the server's answer decides (2.2.2.3). At connect level
 * requests carry no trailer (what rpcclient sends too). */
static int build_bind_auth(struct rpc_client *rc, uint8_t ptype, uint32_t call_id, const struct rpc_syntax *iface,
                           const struct buf *token, struct buf *b) {
    put_hdr(b, ptype,
            RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG |
                (ptype == RPC_PTYPE_BIND && rc->want_multiplex ? RPC_PFC_CONC_MPX : 0) |
                (rc->auth_level >= RPC_C_AUTHN_LEVEL_PKT_INTEGRITY ? RPC_PFC_SUPPORT_HEADER_SIGN : 0),
            call_id);
    buf_put_u16(b, rc->bound ? rc->max_xmit : rc->offer_frag);
    buf_put_u16(b, rc->bound ? rc->max_recv : rc->offer_frag);
    buf_put_u32(b, rc->assoc_group);
    put_context(b, rc->context_id, iface);
    put_sec_trailer(b, rc, 0);
    buf_put_bytes(b, token->data, token->len);
    if (token->len > UINT16_MAX)
        return -EMSGSIZE;
    buf_set_u16(b, 8, (uint16_t) b->len);
    buf_set_u16(b, 10, (uint16_t) token->len);
    return buf_error(b);
}

/* The reply's token must belong to our context (2.2.2.11 fields echo ours). */
static int check_reply_trailer(const struct rpc_client *rc, const struct rpc_sec_trailer *t) {
    if (t->type != rc->auth_type || t->level != rc->auth_level || t->context_id != rc->auth_context_id)
        return -EBADMSG;
    return 0;
}

static int auth_first_token(struct rpc_client *rc, const struct rpc_auth_opts *o, struct buf *tok) {
    static const struct auth_mech_ops *const ntlm_only[] = {&auth_mech_ntlmssp};
    int r;

    if (o->type == RPC_C_AUTHN_WINNT) {
        rc->mech = &auth_mech_ntlmssp;
        if ((r = rc->mech->start(o->id, o->target_host, &rc->mech_state)) < 0)
            return r;
        if (o->level == RPC_C_AUTHN_LEVEL_CONNECT)
            ntlm_client_connect_only(rc->mech_state);
        r = rc->mech->step(rc->mech_state, NULL, 0, tok);
        return r < 0 ? r : 0;
    }
    if (o->type != RPC_C_AUTHN_GSS_NEGOTIATE)
        return -EINVAL;
    if ((r = auth_spnego_new(o->mechs ? o->mechs : ntlm_only, o->mechs ? o->n_mechs : 1, o->id, o->target_host,
                             &rc->spnego)) < 0)
        return r;
    return auth_spnego_step(rc->spnego, NULL, 0, tok);
}

/* NTLMSSP, three legs (MS-RPCE 3.3.1.5.2): the AUTHENTICATE_MESSAGE in an
 * rpc_auth_3 PDU (2.2.2.10), which has no answer: 4 octets of padding, then
 * the trailer. A refused logon shows on the first call. */
static int send_auth3(struct rpc_client *rc, uint32_t call_id, const uint8_t *chal, size_t chal_len) {
    struct buf tok, b;
    int r;

    buf_init(&tok), buf_init(&b);
    if ((r = rc->mech->step(rc->mech_state, chal, chal_len, &tok)) < 0)
        goto out;
    if (r != 0 || tok.len > UINT16_MAX) {
        r = -EPROTO; /* NTLMSSP ends with its third message */
        goto out;
    }
    put_hdr(&b, RPC_PTYPE_AUTH3, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, call_id);
    buf_put_u32(&b, 0);
    put_sec_trailer(&b, rc, 0);
    buf_put_bytes(&b, tok.data, tok.len);
    buf_set_u16(&b, 8, (uint16_t) b.len);
    buf_set_u16(&b, 10, (uint16_t) tok.len);
    if ((r = buf_error(&b)) < 0)
        goto out;
    r = np_write(&rc->pipe, b.data, b.len);
out:
    buf_free(&tok), buf_free(&b);
    return r;
}

/* SPNEGO: alter_context legs until the negotiation is complete (NTLMSSP
 * inside takes one: AUTHENTICATE out, accept-completed back); the last
 * alter_context_resp may come without a token. At most a few legs. */
static int spnego_rounds(struct rpc_client *rc, const struct rpc_syntax *iface, const uint8_t *in, size_t in_len) {
    struct buf tok, q, a, prev;
    struct rpc_sec_trailer t;
    uint16_t xmit, recv;
    uint32_t assoc;
    int r = -EPROTO;

    buf_init(&tok), buf_init(&q), buf_init(&a), buf_init(&prev);
    for (int leg = 0; leg < 4; leg++) {
        bool has = false;
        uint32_t call_id = rc->next_call_id++;

        buf_free(&tok), buf_free(&q);
        if ((r = auth_spnego_step(rc->spnego, in, in_len, &tok)) < 0 ||
            (r = build_bind_auth(rc, RPC_PTYPE_ALTER_CONTEXT, call_id, iface, &tok, &q)) < 0)
            break;
        buf_free(&prev);
        prev = a; /* in may point into it until the step above */
        buf_init(&a);
        if ((r = np_transceive(&rc->pipe, q.data, q.len, &a)) < 0)
            break;
        if (a.len > 2 && a.data[2] == RPC_PTYPE_FAULT) {
            /* a server refusing our token (a wrong password) faults the alter_context */
            struct buf none;
            bool last;

            buf_init(&none);
            r = rpc_parse_response_frag(a.data, a.len, call_id, true, &none, &last, &rc->fault);
            buf_free(&none);
            r = r == -EREMOTEIO ? r : -EPROTO;
            break;
        }
        if ((r = rpc_parse_bind_reply_auth(a.data, a.len, &xmit, &recv, &assoc, &rc->fault, true, &t, &has)) < 0)
            break;
        if (a.data[2] != RPC_PTYPE_ALTER_CONTEXT_RESP || get_le32(a.data + 12) != call_id ||
            (has && check_reply_trailer(rc, &t) < 0)) {
            r = -EBADMSG;
            break;
        }
        r = auth_spnego_finish(rc->spnego, has ? t.value : NULL, has ? t.value_len : 0);
        if (r != -EPROTO || !has)
            break; /* done, refused, or nothing more to go on */
        in = t.value, in_len = t.value_len;
    }
    buf_free(&tok), buf_free(&q), buf_free(&a), buf_free(&prev);
    return r;
}

int rpc_bind_np_auth(struct rpc_client *rc, struct smb2_conn *c, uint32_t *tree_id, const char *pipe,
                     const struct rpc_syntax *iface, const struct rpc_auth_opts *auth) {
    struct buf q, a, tok;
    struct rpc_sec_trailer t;
    uint16_t xmit, recv;
    uint32_t assoc;
    bool has = false, with_auth = auth && auth->level > RPC_C_AUTHN_LEVEL_NONE;
    int r;

    memset(rc, 0, sizeof(*rc));
    rc->next_call_id = 1;
    rc->iface = *iface;
    rc->offer_frag = auth && auth->max_frag >= 1024 && auth->max_frag < RPC_OFFER_FRAG ? auth->max_frag : RPC_OFFER_FRAG;
    rc->want_multiplex = auth && auth->multiplex;
    buf_init(&q), buf_init(&a), buf_init(&tok);
    if (with_auth) {
        if (auth->level != RPC_C_AUTHN_LEVEL_CONNECT && auth->level != RPC_C_AUTHN_LEVEL_PKT_INTEGRITY &&
            auth->level != RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
            return -EINVAL;
        rc->auth_type = auth->type;
        rc->auth_level = auth->level;
        rc->auth_context_id = RPC_AUTH_CONTEXT_ID;
        if ((r = auth_first_token(rc, auth, &tok)) < 0)
            goto fail;
        r = build_bind_auth(rc, RPC_PTYPE_BIND, rc->next_call_id++, iface, &tok, &q);
    } else
        r = build_bind(rc, RPC_PTYPE_BIND, iface, &q);
    if (r < 0 || (r = np_open_transceive(&rc->pipe, c, tree_id, pipe, q.data, q.len, &a)) < 0)
        goto fail;
    if (with_auth)
        r = rpc_parse_bind_reply_auth(a.data, a.len, &xmit, &recv, &assoc, &rc->fault, false, &t, &has);
    else
        r = rpc_parse_bind_reply(a.data, a.len, &xmit, &recv, &assoc, &rc->fault);
    if (r < 0)
        goto fail;
    if (get_le32(a.data + 12) != 1 || (has && (r = check_reply_trailer(rc, &t)) < 0)) {
        r = r < 0 ? r : -EBADMSG;
        goto fail;
    }
    /* 12.6.4.4: what we may send is what the server can receive, and vice versa. */
    rc->max_xmit = recv < rc->offer_frag ? recv : rc->offer_frag;
    rc->max_recv = xmit < rc->offer_frag ? xmit : rc->offer_frag;
    rc->assoc_group = assoc;
    rc->hdr_sign = with_auth && (a.data[3] & RPC_PFC_SUPPORT_HEADER_SIGN);
    /* MS-RPCE 3.3.1.5.8: only a connection both sides said multiplexes may
     * carry a request before the previous call's answer came. */
    rc->multiplex = rc->want_multiplex && (a.data[3] & RPC_PFC_CONC_MPX);
    rc->bound = true; /* alter_context keeps the sizes the bind agreed */
    if (with_auth) {
        if (rc->auth_type == RPC_C_AUTHN_WINNT)
            r = send_auth3(rc, 1, t.value, t.value_len);
        else
            r = spnego_rounds(rc, iface, t.value, t.value_len);
        if (r < 0)
            goto fail;
        /* integrity and privacy need the mechanism's protection */
        if (protected_level(rc) &&
            (rc->mech ? !rc->mech->protect || rc->mech->sig_len(rc->mech_state) == 0
                      : auth_spnego_sig_len(rc->spnego) == 0)) {
            r = -EOPNOTSUPP;
            goto fail;
        }
    }
    r = 0;
    goto out;
fail:
    rpc_client_close(rc);
    rc->bound = false;
out:
    buf_free(&q), buf_free(&a), buf_free(&tok);
    return r;
}

int rpc_bind_np(struct rpc_client *rc, struct smb2_conn *c, uint32_t *tree_id, const char *pipe,
                const struct rpc_syntax *iface) {
    return rpc_bind_np_auth(rc, c, tree_id, pipe, iface, NULL);
}

static size_t auth_sig_len(struct rpc_client *rc) {
    return rc->mech ? rc->mech->sig_len(rc->mech_state) : auth_spnego_sig_len(rc->spnego);
}

static int auth_protect(struct rpc_client *rc, struct auth_iov *iov, size_t n, uint8_t *sig) {
    bool seal = rc->auth_level == RPC_C_AUTHN_LEVEL_PKT_PRIVACY;

    return rc->mech ? rc->mech->protect(rc->mech_state, seal, iov, n, sig)
                    : auth_spnego_protect(rc->spnego, seal, iov, n, sig);
}

static int auth_unprotect(struct rpc_client *rc, struct auth_iov *iov, size_t n, const uint8_t *sig, size_t len) {
    bool sealed = rc->auth_level == RPC_C_AUTHN_LEVEL_PKT_PRIVACY;

    return rc->mech ? rc->mech->unprotect(rc->mech_state, sealed, iov, n, sig, len)
                    : auth_spnego_unprotect(rc->spnego, sealed, iov, n, sig, len);
}

/* The pieces a signature covers (MS-RPCE 2.2.2.11/3.3.1.5.2.2): with header
 * signing the whole PDU but the auth_value, of which only the stub and its
 * padding are sealed; without it, the stub and padding alone. */
static size_t pdu_iovs(const struct rpc_client *rc, uint8_t *pdu, size_t body_start, size_t trailer_off,
                       struct auth_iov iov[3]) {
    size_t n = 0;

    if (rc->hdr_sign)
        iov[n++] = (struct auth_iov){pdu, body_start, true};
    iov[n++] = (struct auth_iov){pdu + body_start, trailer_off - body_start, false};
    if (rc->hdr_sign)
        iov[n++] = (struct auth_iov){pdu + trailer_off, 8, true};
    return n;
}

/* A reply fragment of an authenticated connection, checked (and unsealed) in
 * place, then cut back to the bare PDU the parser below knows: trailer,
 * auth_value and padding gone, auth_length 0. Nothing of the stub is looked
 * at before the signature held. A fault may come bare (a server refusing
 * the call before its security context is set up sends one). */
static int open_reply_checked(struct rpc_client *rc, struct buf *a) {
    struct rpc_hdr h;
    struct rpc_sec_trailer t;
    struct auth_iov iov[3];
    size_t n;
    int r;

    if ((r = rpc_parse_hdr(a->data, a->len, &h)) < 0)
        return r;
    if (h.auth_len == 0) {
        if (h.ptype == RPC_PTYPE_FAULT || !protected_level(rc))
            return 0;
        return -EBADMSG; /* integrity or privacy with no trailer: refused */
    }
    if (h.ptype != RPC_PTYPE_RESPONSE && h.ptype != RPC_PTYPE_FAULT)
        return -EPROTO;
    if ((r = rpc_parse_sec_trailer(a->data, a->len, 24, &t)) < 0 || (r = check_reply_trailer(rc, &t)) < 0)
        return r;
    if (protected_level(rc)) {
        if (t.value_len != auth_sig_len(rc))
            return -EBADMSG;
        n = pdu_iovs(rc, a->data, 24, t.offset, iov);
        if ((r = auth_unprotect(rc, iov, n, t.value, t.value_len)) < 0)
            return r;
    }
    /* connect level: a trailer may come; there is nothing in it to check */
    a->len = t.offset - t.pad_len;
    buf_set_u16(a, 8, (uint16_t) a->len);
    buf_set_u16(a, 10, 0);
    return 0;
}

/* Every way a reply of a protected connection can fail its protection (bad
 * signature or sequence number, trailer missing, truncated, not ours, padding
 * that does not fit) is one answer: tampered, which the API reports as
 * ERROR_ACCESS_DENIED, as it does a caught SMB downgrade (docs/netapi.md).
 * The connection is then unusable: its key streams are out of step. */
int rpc_check_reply(struct rpc_client *rc, struct buf *a) {
    int r;

    if (rc->auth_type == RPC_C_AUTHN_NONE)
        return 0;
    r = open_reply_checked(rc, a);
    if (r == -EBADMSG && protected_level(rc)) {
        rpc_client_close(rc); /* no further call on this binding: the next binds afresh */
        return -E_TAMPERED;
    }
    return r;
}

/* MS-RPCE 2.2.2.13 verification trailer, appended to the stub of every
 * protected request (so it travels signed, and sealed at privacy): it binds
 * the call's header fields and presentation context to the signature even
 * where the header is not signed, and tells the server we sign headers. */
#define SEC_VT_COMMAND_BITMASK_1 0x0001
#define SEC_VT_COMMAND_PCONTEXT 0x0002
#define SEC_VT_COMMAND_HEADER2 0x0003
#define SEC_VT_COMMAND_END 0x4000
#define SEC_VT_CLIENT_SUPPORTS_HEADER_SIGNING 0x00000001u

static void put_verification_trailer(struct buf *b, size_t stub_start, const struct rpc_client *rc, uint32_t call_id,
                                     uint16_t opnum) {
    static const uint8_t magic[8] = {0x8a, 0xe3, 0x13, 0x71, 0x02, 0xf4, 0x36, 0x71};

    while ((b->len - stub_start) % 4)
        buf_put_u8(b, 0);
    buf_put_bytes(b, magic, 8);
    buf_put_u16(b, SEC_VT_COMMAND_BITMASK_1);
    buf_put_u16(b, 4);
    buf_put_u32(b, rc->hdr_sign ? SEC_VT_CLIENT_SUPPORTS_HEADER_SIGNING : 0);
    buf_put_u16(b, SEC_VT_COMMAND_PCONTEXT);
    buf_put_u16(b, 40);
    buf_put_bytes(b, rc->iface.uuid, 16);
    buf_put_u16(b, rc->iface.major);
    buf_put_u16(b, rc->iface.minor);
    buf_put_bytes(b, ndr20.uuid, 16);
    buf_put_u32(b, ndr20.major);
    buf_put_u16(b, SEC_VT_COMMAND_HEADER2 | SEC_VT_COMMAND_END);
    buf_put_u16(b, 16);
    buf_put_u8(b, RPC_PTYPE_REQUEST);
    buf_put_u8(b, 0);
    buf_put_u16(b, 0);
    buf_put_bytes(b, "\x10\x00\x00\x00", 4);
    buf_put_u32(b, call_id);
    buf_put_u16(b, rc->context_id);
    buf_put_u16(b, opnum);
}

int rpc_parse_response_frag(const uint8_t *p, size_t len, uint32_t call_id, bool first, struct buf *out,
                            bool *ret_last, uint32_t *ret_fault) {
    struct rpc_hdr h;
    struct cursor c;
    uint32_t alloc_hint, status;
    uint16_t ctx;
    uint8_t cancel;
    int r;

    if ((r = rpc_parse_hdr(p, len, &h)) < 0)
        return r;
    if (h.call_id != call_id || h.auth_len != 0)
        return -EBADMSG;
    if (first != !!(h.flags & RPC_PFC_FIRST_FRAG))
        return -EBADMSG;
    cur_init(&c, p, len);
    cur_seek(&c, 16);
    if ((r = cur_get_u32(&c, &alloc_hint)) < 0 || (r = cur_get_u16(&c, &ctx)) < 0 ||
        (r = cur_get_u8(&c, &cancel)) < 0 || (r = cur_skip(&c, 1)) < 0)
        return r;
    if (h.ptype == RPC_PTYPE_FAULT) {
        if ((r = cur_get_u32(&c, &status)) < 0)
            return r;
        *ret_fault = status;
        return -EREMOTEIO;
    }
    if (h.ptype != RPC_PTYPE_RESPONSE)
        return -EPROTO;
    if (cur_left(&c) > RPC_MAX_STUB - out->len)
        return -EMSGSIZE;
    buf_put_bytes(out, cur_ptr(&c), cur_left(&c));
    *ret_last = !!(h.flags & RPC_PFC_LAST_FRAG);
    return buf_error(out);
}

/* The stub bytes one request fragment may carry (0: none fit). */
static size_t request_payload(struct rpc_client *rc) {
    size_t sig_len = protected_level(rc) ? auth_sig_len(rc) : 0;

    if (protected_level(rc))
        return rc->max_xmit < 24 + 8 + sig_len + 16 ? 0 : ((size_t) rc->max_xmit - 24 - 8 - sig_len) & ~(size_t) 15;
    return rc->max_xmit < 24 + 8 ? 0 : ((size_t) rc->max_xmit - 24) & ~(size_t) 7;
}

/* One request fragment (12.6.4.9) into f (emptied first): stub[off, off + n)
 * of a stub_len-byte stub, signed or sealed at a protected level. */
static int build_request_frag(struct rpc_client *rc, uint32_t call_id, uint16_t opnum, const uint8_t *stub,
                              size_t stub_len, size_t off, size_t n, uint8_t flags, struct buf *f) {
    int r;

    buf_free(f);
    put_hdr(f, RPC_PTYPE_REQUEST, flags, call_id);
    buf_put_u32(f, (uint32_t) (stub_len - off)); /* alloc_hint: what remains */
    buf_put_u16(f, rc->context_id);
    buf_put_u16(f, opnum);
    buf_put_bytes(f, stub + off, n);
    if (protected_level(rc)) {
        /* 2.2.2.11: pad the stub to 16, trailer, then the signature over
         * the PDU as it will travel (lengths set first) */
        size_t sig_len = auth_sig_len(rc);
        uint8_t pad = (uint8_t) ((16 - n % 16) % 16);
        size_t trailer;
        struct auth_iov iov[3];

        buf_put_zero(f, pad);
        trailer = f->len;
        put_sec_trailer(f, rc, pad);
        buf_put_zero(f, sig_len);
        buf_set_u16(f, 8, (uint16_t) f->len);
        buf_set_u16(f, 10, (uint16_t) sig_len);
        if ((r = buf_error(f)) < 0)
            return r;
        if ((r = auth_protect(rc, iov, pdu_iovs(rc, f->data, 24, trailer, iov), f->data + trailer + 8)) < 0)
            return r;
    }
    buf_set_u16(f, 8, (uint16_t) f->len);
    return buf_error(f);
}

int rpc_call(struct rpc_client *rc, uint16_t opnum, const uint8_t *stub, size_t stub_len, struct buf *out) {
    uint32_t call_id = rc->next_call_id++;
    bool prot = protected_level(rc);
    size_t sig_len = prot ? auth_sig_len(rc) : 0, max_payload, off = 0;
    struct buf f, a, full;
    bool last = false, first = true;
    int r;

    if (!rc->bound)
        return -ENOTCONN;
    buf_init(&f), buf_init(&a), buf_init(&full);
    if (prot) {
        /* The stub with its verification trailer is what gets fragmented. */
        buf_put_bytes(&full, stub, stub_len);
        put_verification_trailer(&full, 0, rc, call_id, opnum);
        if ((r = buf_error(&full)) < 0)
            goto out;
        stub = full.data, stub_len = full.len;
        /* Each fragment: header, stub (16-aligned but in the last one, so it
         * needs no padding), trailer, signature, within max_xmit. */
    }
    if ((max_payload = request_payload(rc)) == 0) {
        r = -EMSGSIZE;
        goto out;
    }
    /* Request fragments (12.6.4.9): all but the last are written, the last transceived. */
    do {
        size_t n = stub_len - off < max_payload ? stub_len - off : max_payload;
        uint8_t flags = (off == 0 ? RPC_PFC_FIRST_FRAG : 0) | (off + n == stub_len ? RPC_PFC_LAST_FRAG : 0);

        if ((r = build_request_frag(rc, call_id, opnum, stub, stub_len, off, n, flags, &f)) < 0)
            goto out;
        off += n;
        if (flags & RPC_PFC_LAST_FRAG)
            r = np_transceive(&rc->pipe, f.data, f.len, &a);
        else
            r = np_write(&rc->pipe, f.data, f.len);
        if (r < 0)
            goto out;
    } while (off < stub_len);

    /* Response fragments, until PFC_LAST_FRAG. The first one's alloc_hint
     * says how much stub is coming (12.6.2.10): the fragments that must follow
     * are read in one compound instead of one round trip each. Each fragment
     * is checked (rpc_check_reply) before any of it is believed. */
    if (a.len > rc->max_recv) {
        r = -EBADMSG;
        goto out;
    }
    if ((r = rpc_check_reply(rc, &a)) < 0)
        goto out;
    {
        size_t hint = a.len >= 20 ? get_le32(a.data + 16) : 0, queued = 0, next = 0, frags = 0, empty = 0;
        struct buf more[RPC_READ_AHEAD];

        for (size_t i = 0; i < RPC_READ_AHEAD; i++)
            buf_init(&more[i]);
        for (;;) {
            size_t before = out->len;

            if (first && hint > RPC_MAX_STUB) {
                r = -EMSGSIZE; /* announced larger than any sane answer: not read at all */
                break;
            }
            if ((r = rpc_parse_response_frag(a.data, a.len, call_id, first, out, &last, &rc->fault)) < 0 || last)
                break;
            if (++frags >= RPC_MAX_FRAGS) {
                r = -EMSGSIZE;
                break;
            }
            if (out->len == before && ++empty > RPC_MAX_EMPTY_FRAGS) {
                r = -EBADMSG;
                break;
            }
            buf_free(&a);
            if (first && hint > out->len && rc->max_recv > 24) {
                size_t per = rc->max_recv - 24 - (prot ? 8 + sig_len + 15 : 0), left = hint - out->len, k;

                /* Only what must come: fragments are at most max_recv, so at
                 * least k more follow; a server whose alloc_hint overstates
                 * would leave a READ waiting (and the call then times out). */
                k = (left + per - 1) / per;
                unsigned credits = smb2_conn_credits(rc->pipe.conn);

                /* As many as must come, the server's credits allow and one round trip may carry. */
                queued = k < RPC_READ_AHEAD ? k : RPC_READ_AHEAD;
                queued = queued < credits ? queued : credits ? credits : 1;
                if ((r = np_write_read(&rc->pipe, NULL, 0, queued, more)) < 0)
                    break;
                next = 0;
            }
            first = false;
            if (next < queued) {
                a = more[next];
                buf_init(&more[next]);
                next++;
            } else if ((r = np_read_pdu(&rc->pipe, &a)) < 0)
                break;
            if (a.len > rc->max_recv) {
                r = -EBADMSG;
                break;
            }
            if ((r = rpc_check_reply(rc, &a)) < 0)
                break;
        }
        for (size_t i = 0; i < RPC_READ_AHEAD; i++)
            buf_free(&more[i]);
    }
out:
    buf_free(&f), buf_free(&a), buf_free(&full);
    return r;
}

/* ---- batches (rpc_call_many) ---- */

/* The verification trailer a protected request's stub gets (put_verification_trailer). */
#define RPC_VT_LEN 80u

/* One answer PDU of a multiplexed batch: checked, then given to the call
 * whose call_id it carries. A PDU of no call of ours, or of one already
 * answered, means the connection is out of step: an error for the batch. */
static int dispatch_reply(struct rpc_client *rc, struct buf *a, struct rpc_batch_call *calls, size_t n,
                          uint32_t first_id, bool *started, size_t *n_done) {
    struct rpc_hdr h;
    bool last = false;
    size_t i;
    int r;

    if (a->len > rc->max_recv)
        return -EBADMSG;
    if ((r = rpc_check_reply(rc, a)) < 0 || (r = rpc_parse_hdr(a->data, a->len, &h)) < 0)
        return r;
    i = (size_t) (h.call_id - first_id); /* unsigned: an id below first_id is far out of range */
    if (i >= n || calls[i].result != 1)
        return -EBADMSG;
    r = rpc_parse_response_frag(a->data, a->len, h.call_id, !started[i], &calls[i].out, &last, &calls[i].fault);
    started[i] = true;
    if (r == -EREMOTEIO)
        last = true; /* a fault ends its call, and only its call */
    else if (r < 0)
        return r;
    if (last) {
        calls[i].result = r < 0 ? r : 0;
        ++*n_done;
    }
    return 0;
}

static int call_many_multiplexed(struct rpc_client *rc, struct rpc_batch_call *calls, size_t n) {
    struct buf *pdus = calloc(n, sizeof(*pdus)), *outs = NULL;
    bool *started = calloc(n, sizeof(*started));
    uint32_t first_id = rc->next_call_id;
    size_t sent = 0, n_done = 0, reads = 0;
    int r = 0;

    if (!pdus || !started) {
        r = -ENOMEM;
        goto out;
    }
    /* Every request, each one fragment (the caller checked that it fits),
     * signed or sealed in the order it will be sent. */
    for (size_t i = 0; i < n && r >= 0; i++) {
        uint32_t call_id = rc->next_call_id++;
        struct buf full;
        const uint8_t *stub = calls[i].stub;
        size_t len = calls[i].stub_len;

        buf_init(&full);
        buf_init(&pdus[i]);
        calls[i].result = 1; /* pending */
        if (protected_level(rc)) {
            buf_put_bytes(&full, stub, len);
            put_verification_trailer(&full, 0, rc, call_id, calls[i].opnum);
            if ((r = buf_error(&full)) < 0)
                break;
            stub = full.data, len = full.len;
        }
        r = build_request_frag(rc, call_id, calls[i].opnum, stub, len, 0, len, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
                               &pdus[i]);
        buf_free(&full);
    }
    /* Round trips of pipelined WRITEs (requests not yet sent) then READs (no
     * more than the calls still unanswered, each of which owes at least one
     * PDU: no READ ever waits for an answer that is not coming), within the
     * server's credits. Every wait is bounded by the call's deadline. */
    while (r >= 0 && n_done < n) {
        unsigned credits = smb2_conn_credits(rc->pipe.conn);
        size_t budget = credits < SMB2_MAX_PIPELINE ? credits : SMB2_MAX_PIPELINE, owed = sent - n_done, w, rd;

        if (budget == 0) {
            r = -EAGAIN; /* the server granted nothing: a broken server */
            break;
        }
        w = n - sent < budget / 2 ? n - sent : budget / 2;
        if (w == 0 && owed == 0)
            w = 1;
        rd = owed + w < budget - w ? owed + w : budget - w;
        if (++reads > n + RPC_MAX_FRAGS) {
            r = -EMSGSIZE; /* answers that never end */
            break;
        }
        if (rd && !(outs = calloc(rd, sizeof(*outs)))) {
            r = -ENOMEM;
            break;
        }
        for (size_t i = 0; i < rd; i++)
            buf_init(&outs[i]);
        r = np_write_read(&rc->pipe, pdus + sent, w, rd, outs);
        if (r >= 0)
            sent += w;
        for (size_t i = 0; i < rd && r >= 0; i++)
            r = dispatch_reply(rc, &outs[i], calls, n, first_id, started, &n_done);
        for (size_t i = 0; i < rd; i++)
            buf_free(&outs[i]);
        free(outs);
        outs = NULL;
    }
out:
    if (pdus)
        for (size_t i = 0; i < n; i++)
            buf_free(&pdus[i]);
    free(pdus), free(started);
    if (r < 0) {
        for (size_t i = 0; i < n; i++)
            if (calls[i].result == 1)
                calls[i].result = r;
        /* Answers may still be on their way: this binding is out of step. */
        rpc_client_close(rc);
    }
    return r;
}

int rpc_call_many(struct rpc_client *rc, struct rpc_batch_call *calls, size_t n) {
    size_t payload;
    bool one_fragment_each = true;
    int r;

    if (!rc->bound)
        return -ENOTCONN;
    payload = request_payload(rc);
    for (size_t i = 0; i < n; i++) {
        size_t len = protected_level(rc) ? ((calls[i].stub_len + 3) & ~(size_t) 3) + RPC_VT_LEN : calls[i].stub_len;

        calls[i].result = 0, calls[i].fault = 0;
        one_fragment_each &= len <= payload;
    }
    if (rc->multiplex && n > 1 && one_fragment_each)
        return call_many_multiplexed(rc, calls, n);
    /* An exclusive connection (3.3.1.5.8): one call after the other. */
    for (size_t i = 0; i < n; i++) {
        r = rpc_call(rc, calls[i].opnum, calls[i].stub, calls[i].stub_len, &calls[i].out);
        calls[i].result = r;
        calls[i].fault = r == -EREMOTEIO ? rc->fault : 0;
        if (r < 0 && r != -EREMOTEIO)
            return r;
    }
    return 0;
}

void rpc_client_close(struct rpc_client *rc) {
    if (!rc)
        return;
    np_close(&rc->pipe);
    rc->bound = false;
    if (rc->mech && rc->mech_state)
        rc->mech->free(rc->mech_state);
    rc->mech = NULL, rc->mech_state = NULL;
    auth_spnego_free(rc->spnego);
    rc->spnego = NULL;
}
