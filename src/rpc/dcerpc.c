#include "rpc/dcerpc.h"

#include <errno.h>
#include <string.h>

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
    put_hdr(b, ptype, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, rc->next_call_id++);
    buf_put_u16(b, rc->bound ? rc->max_xmit : RPC_OFFER_FRAG);
    buf_put_u16(b, rc->bound ? rc->max_recv : RPC_OFFER_FRAG);
    buf_put_u32(b, rc->assoc_group);
    put_context(b, rc->context_id, iface);
    buf_set_u16(b, 8, (uint16_t) b->len);
    return buf_error(b);
}

int rpc_parse_bind_reply(const uint8_t *p, size_t len, uint16_t *ret_max_xmit, uint16_t *ret_max_recv,
                         uint32_t *ret_assoc, uint32_t *ret_fault) {
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
        (r = cur_get_u16(&c, &reason)) < 0)
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
    return 0;
}

int rpc_bind_np(struct rpc_client *rc, struct smb2_conn *c, uint32_t *tree_id, const char *pipe,
                const struct rpc_syntax *iface) {
    struct buf q, a;
    uint16_t xmit, recv;
    uint32_t assoc;
    int r;

    memset(rc, 0, sizeof(*rc));
    rc->next_call_id = 1;
    buf_init(&q), buf_init(&a);
    if ((r = build_bind(rc, RPC_PTYPE_BIND, iface, &q)) < 0 ||
        (r = np_open_transceive(&rc->pipe, c, tree_id, pipe, q.data, q.len, &a)) < 0)
        goto out;
    if ((r = rpc_parse_bind_reply(a.data, a.len, &xmit, &recv, &assoc, &rc->fault)) < 0)
        goto out;
    if (get_le32(a.data + 12) != 1) {
        r = -EBADMSG;
        goto out;
    }
    /* 12.6.4.4: what we may send is what the server can receive, and vice versa. */
    rc->max_xmit = recv < RPC_OFFER_FRAG ? recv : RPC_OFFER_FRAG;
    rc->max_recv = xmit < RPC_OFFER_FRAG ? xmit : RPC_OFFER_FRAG;
    rc->assoc_group = assoc;
    rc->bound = true;
out:
    buf_free(&q), buf_free(&a);
    return r;
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

int rpc_call(struct rpc_client *rc, uint16_t opnum, const uint8_t *stub, size_t stub_len, struct buf *out) {
    uint32_t call_id = rc->next_call_id++;
    size_t max_payload = ((size_t) rc->max_xmit - 24) & ~(size_t) 7, off = 0;
    struct buf f, a;
    bool last = false, first = true;
    int r;

    if (!rc->bound)
        return -ENOTCONN;
    buf_init(&f), buf_init(&a);
    /* Request fragments (12.6.4.9): all but the last are written, the last transceived. */
    do {
        size_t n = stub_len - off < max_payload ? stub_len - off : max_payload;
        uint8_t flags = (off == 0 ? RPC_PFC_FIRST_FRAG : 0) | (off + n == stub_len ? RPC_PFC_LAST_FRAG : 0);

        buf_free(&f);
        put_hdr(&f, RPC_PTYPE_REQUEST, flags, call_id);
        buf_put_u32(&f, (uint32_t) (stub_len - off)); /* alloc_hint: what remains */
        buf_put_u16(&f, rc->context_id);
        buf_put_u16(&f, opnum);
        buf_put_bytes(&f, stub + off, n);
        buf_set_u16(&f, 8, (uint16_t) f.len);
        if ((r = buf_error(&f)) < 0)
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
     * are read in one compound instead of one round trip each. */
    {
        size_t hint = a.len >= 20 ? get_le32(a.data + 16) : 0, queued = 0, next = 0, frags = 0, empty = 0;
        struct buf more[8];

        for (size_t i = 0; i < 8; i++)
            buf_init(&more[i]);
        for (;;) {
            size_t before = out->len;

            if (a.len > rc->max_recv) {
                r = -EBADMSG;
                break;
            }
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
                size_t per = rc->max_recv - 24, left = hint - out->len, k = (left + per - 1) / per;

                /* Only what must come: fragments are at most max_recv, so at
                 * least k more follow; a server whose alloc_hint overstates
                 * would leave a READ waiting (and the call then times out). */
                queued = k < 8 ? k : 8;
                if ((r = np_read_pdus(&rc->pipe, queued, more)) < 0)
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
        }
        for (size_t i = 0; i < 8; i++)
            buf_free(&more[i]);
    }
out:
    buf_free(&f), buf_free(&a);
    return r;
}

void rpc_client_close(struct rpc_client *rc) {
    if (!rc)
        return;
    np_close(&rc->pipe);
    rc->bound = false;
}
