/*
 * SMB2 SESSION_SETUP (MS-SMB2 2.2.5, 2.2.6, 3.2.4.2.3, 3.2.5.3): SPNEGO
 * rounds until SUCCESS, the 3.1.1 pre-auth hash over every round but the
 * last response, then key derivation, signing and encryption.
 */
#include <errno.h>
#include <string.h>

#include "smb2/conn.h"

static void encode(struct smb2_conn *c, struct smb2_req *q, const struct buf *token) {
    struct buf *b = &q->body;

    buf_put_u16(b, 25);
    buf_put_u8(b, 0); /* Flags: not a binding */
    buf_put_u8(b, c->anonymous ? SMB2_NEGOTIATE_SIGNING_ENABLED
                               : SMB2_NEGOTIATE_SIGNING_ENABLED | SMB2_NEGOTIATE_SIGNING_REQUIRED);
    buf_put_u32(b, 0); /* Capabilities */
    buf_put_u32(b, 0); /* Channel */
    buf_put_u16(b, SMB2_HDR_SIZE + 24);
    buf_put_u16(b, (uint16_t) token->len);
    buf_put_u64(b, 0); /* PreviousSessionId */
    buf_put_bytes(b, token->data, token->len);
}

/* 2.2.6: SessionFlags and the security buffer. */
static int decode(const struct smb2_msg *m, uint16_t *ret_flags, struct cursor *ret_token) {
    struct cursor b = m->body, all;
    uint16_t size, flags, off, len;
    int r;

    cur_init(&all, m->raw, m->raw_len);
    if ((r = cur_get_u16(&b, &size)) < 0 || (r = cur_get_u16(&b, &flags)) < 0 || (r = cur_get_u16(&b, &off)) < 0 ||
        (r = cur_get_u16(&b, &len)) < 0)
        return r;
    if (size != 9)
        return -EBADMSG;
    if (len == 0)
        cur_init(ret_token, NULL, 0);
    else if ((r = cur_slice(&all, off, len, ret_token)) < 0)
        return r;
    *ret_flags = flags;
    return 0;
}

int smb2_session_setup(struct smb2_conn *c, const struct auth_identity *id) {
    struct auth_ctx *a = NULL;
    struct buf tok;
    struct smb2_msg m = {0};
    struct cursor in = {0};
    uint16_t flags = 0;
    int r;

    const struct auth_mech_ops *mechs[2];
    size_t n_mechs;

    buf_init(&tok);
    /* WTSNET_AUTH: Kerberos then NTLMv2 as Windows' Negotiate, or one of them. */
    if ((r = auth_negotiate_mechs(c->server, &auth_mech_krb5, mechs, &n_mechs)) < 0 ||
        (r = auth_spnego_new(mechs, n_mechs, id, c->server, &a)) < 0)
        return r;
    /* Nobody named but Kerberos found the caller's own ticket: not a null session. */
    c->anonymous = auth_identity_is_anonymous(id) && auth_spnego_mech(a) != &auth_mech_krb5;
    for (int round = 0;; round++) {
        struct smb2_req q;

        if (round == 4) {
            /* NTLMSSP needs two, Kerberos one (its AP-REP rides on the final
             * answer), three when the server declines Kerberos for NTLMSSP;
             * anything longer is not a conversation we know. */
            r = -EPROTO;
            goto out;
        }
        buf_free(&tok);
        if ((r = auth_spnego_step(a, in.base, in.len, &tok)) < 0)
            goto out;
        smb2_req_init(&q, SMB2_SESSION_SETUP, 0);
        encode(c, &q, &tok);
        smb2_msg_clear(&m);
        r = buf_error(&q.body);
        if (r >= 0)
            r = smb2_transact(c, &q, 1, &m); /* it keeps the 3.1.1 pre-auth hash */
        smb2_req_clear(&q);
        if (r < 0)
            goto out;
        if (c->session_id == 0)
            c->session_id = m.session_id;
        else if (m.session_id != c->session_id) {
            r = -EBADMSG;
            goto out;
        }
        if ((r = decode(&m, &flags, &in)) < 0 && m.status != STATUS_SUCCESS &&
            m.status != STATUS_MORE_PROCESSING_REQUIRED) {
            c->logon_status = m.status; /* an error body, not a session setup answer */
            r = smb2_status_to_errno(m.status);
            goto out;
        }
        if (r < 0)
            goto out;
        if (m.status == STATUS_MORE_PROCESSING_REQUIRED)
            continue;
        if (m.status != STATUS_SUCCESS) {
            c->logon_status = m.status;
            r = smb2_status_to_errno(m.status);
            goto out;
        }
        break;
    }
    if ((r = auth_spnego_finish(a, in.base, in.len)) < 0)
        goto out;
    c->session_flags = flags;
    if (!c->anonymous && (flags & (SMB2_SESSION_FLAG_IS_GUEST | SMB2_SESSION_FLAG_IS_NULL))) {
        /* The server let us in as guest: the name or password was wrong, and a
         * guest session can be neither signed nor trusted (3.2.5.3.1). */
        r = -EKEYREJECTED;
        goto out;
    }
    if (!c->anonymous) {
        const uint8_t *key;
        size_t key_len;

        if ((r = auth_spnego_session_key(a, &key, &key_len)) < 0)
            goto out;
        smb2_transport_start_signing(c, key, key_len);
        /* 3.2.5.3.1 / 3.3.5.5.3: a 3.x server signs the final response of a
         * session that is neither anonymous nor guest. In 3.1.1 the key comes
         * from the pre-auth hash over the NEGOTIATE and every SESSION_SETUP as
         * each side saw them, so this one signature proves nobody altered the
         * negotiation (a stripped dialect, a cleared capability or security
         * mode, a changed context): it is where a 3.1.1 downgrade is caught. */
        if (m.flags & SMB2_FLAGS_SIGNED) {
            if (smb2_verify(c, m.raw, m.raw_len) < 0) {
                r = c->dialect >= SMB2_DIALECT_300 ? -E_TAMPERED : -EBADMSG;
                goto out;
            }
        } else if (c->dialect >= SMB2_DIALECT_300) {
            r = -E_TAMPERED;
            goto out;
        }
        if (flags & SMB2_SESSION_FLAG_ENCRYPT_DATA) {
            if (c->dialect < SMB2_DIALECT_300) {
                r = -EPROTO;
                goto out;
            }
            if (c->cipher == 0) {
                /* A server that demands encryption but whose NEGOTIATE
                 * response offered none (SMB2_GLOBAL_CAP_ENCRYPTION cleared,
                 * no cipher in the 3.1.1 context): the answer was altered. */
                r = -E_TAMPERED;
                goto out;
            }
            smb2_transport_start_encrypting(c);
        }
    } else if (flags & SMB2_SESSION_FLAG_ENCRYPT_DATA) {
        r = -EACCES; /* a null session has no key to encrypt with */
        goto out;
    }
    r = 0;
out:
    if (r < 0)
        c->broken = c->broken || r != -EKEYREJECTED;
    buf_free(&tok);
    smb2_msg_clear(&m);
    auth_spnego_free(a);
    return r;
}
