/*
 * NTLMSSP initiator (MS-NLMP), NTLMv2 with extended session security, key
 * exchange and the AUTHENTICATE_MESSAGE MIC. LM and NTLMv1 are never sent.
 */
#include "auth/ntlm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "common/crypto.h"
#include "common/utf16.h"

static const uint8_t ntlmssp_sig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

/* MS-NLMP 2.2.2.10 VERSION: what we claim to be (Windows 10 numbers, NTLMSSP_REVISION_W2K3). */
static const uint8_t ntlm_version[8] = {10, 0, 0x61, 0x4a, 0, 0, 0, 15};

int ntlm_parse_challenge(const uint8_t *msg, size_t len, struct ntlm_challenge *ret) {
    struct cursor c, ti, av;
    uint8_t sig[8];
    uint32_t type, flags, ti_off;
    uint16_t ti_len, ti_max;
    struct ntlm_challenge ch = {0};
    int r;

    cur_init(&c, msg, len);
    if ((r = cur_get_bytes(&c, sig, 8)) < 0 || (r = cur_get_u32(&c, &type)) < 0 || (r = cur_skip(&c, 8)) < 0 ||
        (r = cur_get_u32(&c, &flags)) < 0 || (r = cur_get_bytes(&c, ch.server_challenge, 8)) < 0 ||
        (r = cur_skip(&c, 8)) < 0 || (r = cur_get_u16(&c, &ti_len)) < 0 || (r = cur_get_u16(&c, &ti_max)) < 0 ||
        (r = cur_get_u32(&c, &ti_off)) < 0)
        return r;
    if (memcmp(sig, ntlmssp_sig, 8) != 0 || type != 2)
        return -EBADMSG;
    ch.flags = flags;
    if (!(flags & NTLMSSP_NEGOTIATE_TARGET_INFO))
        ti_len = 0; /* NTLMv2 needs it; an empty list is still a valid echo */
    if (ti_len > 0) {
        if ((r = cur_slice(&c, ti_off, ti_len, &ti)) < 0)
            return r;
        ch.target_info = ti.base;
        ch.target_info_len = ti_len;
        /* Walk the AV_PAIRs up to MsvAvEOL: each must fit (2.2.2.1). */
        for (;;) {
            uint16_t id, n;

            if ((r = cur_get_u16(&ti, &id)) < 0 || (r = cur_get_u16(&ti, &n)) < 0 || (r = cur_sub(&ti, n, &av)) < 0)
                return r;
            if (id == MSV_AV_EOL)
                break;
            if (id == MSV_AV_TIMESTAMP) {
                if (n != 8)
                    return -EBADMSG;
                ch.has_timestamp = true;
                ch.timestamp = get_le64(av.base);
            }
        }
    }
    *ret = ch;
    return 0;
}

int ntlm_ntowfv2(const char *user, const char *domain, const char *password, uint8_t ret[16]) {
    struct buf pw, ud;
    uint8_t nt_hash[16];
    int r;

    buf_init_secret(&pw); /* a long password grows it: no stale copy may stay behind */
    buf_init(&ud);
    if ((r = utf16_put_utf8(&pw, password ? password : "", NULL)) < 0 ||
        (r = utf16_put_utf8_upper(&ud, user ? user : "", NULL)) < 0 ||
        (r = utf16_put_utf8(&ud, domain ? domain : "", NULL)) < 0)
        goto out;
    crypto_md4(pw.data, pw.len, nt_hash);
    crypto_hmac_md5(nt_hash, 16, &(struct iov_piece){ud.data, ud.len}, 1, ret);
    r = 0;
out:
    explicit_bzero(nt_hash, sizeof(nt_hash));
    buf_free(&pw); /* wipes it */
    buf_free(&ud);
    return r;
}

int ntlm_v2_response(const uint8_t key[16], const uint8_t server_challenge[8], const uint8_t client_challenge[8],
                     uint64_t timestamp, const uint8_t *target_info, size_t target_info_len, struct buf *nt,
                     uint8_t lm[24], uint8_t session_base_key[16]) {
    size_t start = nt->len;
    uint8_t *proof;

    /* NtChallengeResponse = NTProofStr || temp, temp per 3.3.2. */
    proof = buf_reserve(nt, 16);
    buf_put_u8(nt, 1); /* Responserversion */
    buf_put_u8(nt, 1); /* HiResponserversion */
    buf_put_zero(nt, 6);
    buf_put_u64(nt, timestamp);
    buf_put_bytes(nt, client_challenge, 8);
    buf_put_zero(nt, 4);
    buf_put_bytes(nt, target_info, target_info_len);
    buf_put_zero(nt, 4);
    if (buf_error(nt) < 0)
        return -ENOMEM;
    proof = nt->data + start;
    {
        struct iov_piece v[2] = {{server_challenge, 8}, {proof + 16, nt->len - start - 16}};

        crypto_hmac_md5(key, 16, v, 2, proof);
    }
    {
        struct iov_piece v[2] = {{server_challenge, 8}, {client_challenge, 8}};

        crypto_hmac_md5(key, 16, v, 2, lm);
        memcpy(lm + 16, client_challenge, 8);
    }
    crypto_hmac_md5(key, 16, &(struct iov_piece){proof, 16}, 1, session_base_key);
    return 0;
}

int ntlm_target_info_with_mic_flag(const uint8_t *ti, size_t len, struct buf *out) {
    struct cursor c;
    uint32_t flags = MSV_AV_FLAG_MIC_PRESENT;
    int r;

    cur_init(&c, ti, len);
    for (;;) {
        uint16_t id, n;
        const uint8_t *v;

        if (cur_left(&c) == 0)
            break; /* a list without EOL: end it ourselves */
        if ((r = cur_get_u16(&c, &id)) < 0 || (r = cur_get_u16(&c, &n)) < 0 || (r = cur_get_ptr(&c, n, &v)) < 0)
            return r;
        if (id == MSV_AV_EOL)
            break;
        if (id == MSV_AV_FLAGS && n == 4) {
            flags |= get_le32(v);
            continue;
        }
        buf_put_u16(out, id);
        buf_put_u16(out, n);
        buf_put_bytes(out, v, n);
    }
    buf_put_u16(out, MSV_AV_FLAGS);
    buf_put_u16(out, 4);
    buf_put_u32(out, flags);
    buf_put_u16(out, MSV_AV_EOL);
    buf_put_u16(out, 0);
    return buf_error(out);
}

/* ---- the mechanism ---- */

enum { NTLM_START, NTLM_SENT_NEGOTIATE, NTLM_DONE };

struct ntlm_client {
    int state;
    bool anonymous;
    struct auth_identity id; /* domain and password never NULL unless anonymous */
    struct ntlm_client_inputs in;
    uint32_t drop_flags; /* what we do not ask for (ntlm_client_connect_only) */
    char workstation[64];
    struct buf negotiate; /* kept for the MIC */
    uint32_t flags;
    uint8_t session_key[16];
    bool have_key;
    /* MS-NLMP 3.4: one key pair, RC4 handle and sequence number per direction. */
    uint8_t sign_key[16], seal_key[16];
    struct crypto_rc4 seal;
    uint32_t seq;
    uint8_t recv_sign_key[16], recv_seal_key[16];
    struct crypto_rc4 recv_seal;
    uint32_t recv_seq;
    bool broken; /* a message failed its check: the streams are out of step */
};

#define CLIENT_FLAGS                                                                                         \
    (NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL |  \
     NTLMSSP_NEGOTIATE_NTLM |                                                                               \
     NTLMSSP_NEGOTIATE_ALWAYS_SIGN | NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |                           \
     NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_128 |                    \
     NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_56)

static void ntlm_free(void *p) {
    struct ntlm_client *n = p;

    if (!n)
        return;
    auth_identity_clear(&n->id);
    buf_free(&n->negotiate);
    explicit_bzero(n, sizeof(*n));
    free(n);
}

static uint64_t filetime_now(void) {
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t) ts.tv_sec + 11644473600ull) * 10000000ull + (uint64_t) ts.tv_nsec / 100;
}

static int ntlm_start(const struct auth_identity *id, const char *target_host, void **ret) {
    struct ntlm_client *n = calloc(1, sizeof(*n));
    char host[256];
    int r;

    (void) target_host;
    if (!n)
        return -ENOMEM;
    n->anonymous = auth_identity_is_anonymous(id);
    if (!n->anonymous) {
        struct auth_identity full = {.user = id->user, .domain = id->domain ? id->domain : "",
                                     .password = id->password ? id->password : ""};

        if (auth_identity_copy(&full, &n->id) < 0) {
            ntlm_free(n);
            return -ENOMEM;
        }
    }
    if ((r = crypto_random(n->in.client_challenge, 8)) < 0 ||
        (r = crypto_random(n->in.exported_session_key, 16)) < 0) {
        ntlm_free(n);
        return r;
    }
    n->in.now = filetime_now();
    /* Workstation: this host's short name, as Windows sends its NetBIOS name. */
    if (gethostname(host, sizeof(host)) < 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    host[strcspn(host, ".")] = '\0';
    for (size_t i = 0; host[i] && i < sizeof(n->workstation) - 1; i++)
        n->workstation[i] = (char) (host[i] >= 'a' && host[i] <= 'z' ? host[i] - 32 : host[i]);
    n->in.workstation = n->workstation;
    *ret = n;
    return 0;
}

void ntlm_client_connect_only(void *state) {
    struct ntlm_client *n = state;

    n->drop_flags = NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL;
}

void ntlm_client_set_inputs(void *state, const struct ntlm_client_inputs *in) {
    struct ntlm_client *n = state;

    n->in = *in;
    snprintf(n->workstation, sizeof(n->workstation), "%s", in->workstation ? in->workstation : "");
    n->in.workstation = n->workstation;
}

/* MS-NLMP 2.2.1.1 NEGOTIATE_MESSAGE: no domain or workstation supplied. */
static int build_negotiate(struct ntlm_client *n, struct buf *out) {
    struct buf *m = &n->negotiate;
    uint32_t flags = CLIENT_FLAGS & ~n->drop_flags;

    if (n->anonymous)
        flags = (flags | NTLMSSP_ANONYMOUS) &
                ~(NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL);
    buf_free(m);
    buf_put_bytes(m, ntlmssp_sig, 8);
    buf_put_u32(m, 1);
    buf_put_u32(m, flags);
    buf_put_zero(m, 16); /* DomainNameFields, WorkstationFields */
    buf_put_bytes(m, ntlm_version, 8);
    if (buf_error(m) < 0)
        return -ENOMEM;
    buf_put_bytes(out, m->data, m->len);
    return buf_error(out);
}

/* Appends one payload field and fills its (len, maxlen, offset) descriptor at desc. */
static void put_field(struct buf *m, size_t desc, const void *p, size_t n) {
    buf_set_u16(m, desc, (uint16_t) n);
    buf_set_u16(m, desc + 2, (uint16_t) n);
    buf_set_u32(m, desc + 4, (uint32_t) m->len);
    buf_put_bytes(m, p, n);
}

static const char sign_magic[] = "session key to client-to-server signing key magic constant";
static const char seal_magic[] = "session key to client-to-server sealing key magic constant";
static const char srv_sign_magic[] = "session key to server-to-client signing key magic constant";
static const char srv_seal_magic[] = "session key to server-to-client sealing key magic constant";

/* MS-NLMP 2.2.1.3 AUTHENTICATE_MESSAGE and 3.1.5.1.2. */
static int build_authenticate(struct ntlm_client *n, const uint8_t *chal_msg, size_t chal_len, struct buf *out) {
    struct ntlm_challenge ch;
    struct buf m, nt, ti, s;
    uint8_t key[16], lm[24], base_key[16], enc_key[16], mic[16];
    uint32_t flags;
    bool with_mic;
    int r;

    buf_init(&m), buf_init(&nt), buf_init(&ti), buf_init(&s);
    if ((r = ntlm_parse_challenge(chal_msg, chal_len, &ch)) < 0)
        return r;
    flags = ch.flags & (CLIENT_FLAGS | NTLMSSP_ANONYMOUS) & ~n->drop_flags;
    if (!(flags & NTLMSSP_NEGOTIATE_UNICODE))
        return -EPROTO; /* OEM strings: never, they lose characters */
    if (n->anonymous)
        flags = (flags | NTLMSSP_ANONYMOUS) &
                ~(NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL);
    with_mic = !n->anonymous && ch.has_timestamp;

    buf_put_bytes(&m, ntlmssp_sig, 8);
    buf_put_u32(&m, 3);
    buf_put_zero(&m, 6 * 8); /* Lm, Nt, Domain, User, Workstation, EncryptedRandomSessionKey */
    buf_put_u32(&m, flags);
    buf_put_bytes(&m, ntlm_version, 8);
    buf_put_zero(&m, 16); /* MIC at 72 */

    if ((r = utf16_put_utf8(&s, n->anonymous ? "" : n->id.domain, NULL)) < 0)
        goto out;
    put_field(&m, 28, s.data, s.len);
    buf_free(&s);
    if ((r = utf16_put_utf8(&s, n->anonymous ? "" : n->id.user, NULL)) < 0)
        goto out;
    put_field(&m, 36, s.data, s.len);
    buf_free(&s);
    if ((r = utf16_put_utf8(&s, n->in.workstation, NULL)) < 0)
        goto out;
    put_field(&m, 44, s.data, s.len);

    if (n->anonymous) {
        /* 3.2.5.1.2: anonymous = empty NT response, LM response Z(1). */
        put_field(&m, 12, "", 1);
        put_field(&m, 20, NULL, 0);
        put_field(&m, 52, NULL, 0);
    } else {
        if ((r = ntlm_ntowfv2(n->id.user, n->id.domain, n->id.password, key)) < 0)
            goto out;
        if (with_mic)
            r = ntlm_target_info_with_mic_flag(ch.target_info, ch.target_info_len, &ti);
        else
            buf_put_bytes(&ti, ch.target_info, ch.target_info_len), r = buf_error(&ti);
        if (r < 0)
            goto out;
        r = ntlm_v2_response(key, ch.server_challenge, n->in.client_challenge,
                             ch.has_timestamp ? ch.timestamp : n->in.now, ti.data, ti.len, &nt, lm, base_key);
        if (r < 0)
            goto out;
        /* With MsvAvTimestamp the LMv2 response is Z(24) (3.3.2). */
        if (ch.has_timestamp)
            memset(lm, 0, sizeof(lm));
        put_field(&m, 12, lm, 24);
        put_field(&m, 20, nt.data, nt.len);
        /* KeyExchangeKey = SessionBaseKey for NTLMv2 (3.4.5.1). */
        if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
            struct crypto_rc4 rc4;

            memcpy(enc_key, n->in.exported_session_key, 16);
            crypto_rc4_init(&rc4, base_key, 16);
            crypto_rc4(&rc4, enc_key, 16);
            put_field(&m, 52, enc_key, 16);
            memcpy(n->session_key, n->in.exported_session_key, 16);
        } else {
            put_field(&m, 52, NULL, 0);
            memcpy(n->session_key, base_key, 16);
        }
        n->have_key = true;
    }
    if ((r = buf_error(&m)) < 0)
        goto out;
    if (with_mic) {
        ntlm_auth_mic(n->session_key, n->negotiate.data, n->negotiate.len, chal_msg, chal_len, m.data, m.len, mic);
        memcpy(m.data + 72, mic, 16);
    }
    n->flags = flags;
    if (n->have_key && (flags & NTLMSSP_NEGOTIATE_SIGN)) {
        ntlm_client_keys(n->session_key, n->sign_key, n->seal_key);
        ntlm_server_keys(n->session_key, n->recv_sign_key, n->recv_seal_key);
        crypto_rc4_init(&n->seal, n->seal_key, 16);
        crypto_rc4_init(&n->recv_seal, n->recv_seal_key, 16);
    }
    buf_put_bytes(out, m.data, m.len);
    r = buf_error(out);
out:
    explicit_bzero(key, sizeof(key));
    explicit_bzero(base_key, sizeof(base_key));
    buf_free(&m), buf_free(&nt), buf_free(&ti), buf_free(&s);
    return r;
}

static int ntlm_step(void *p, const uint8_t *in, size_t in_len, struct buf *out) {
    struct ntlm_client *n = p;
    int r;

    switch (n->state) {
    case NTLM_START:
        if ((r = build_negotiate(n, out)) < 0)
            return r;
        n->state = NTLM_SENT_NEGOTIATE;
        return 1;
    case NTLM_SENT_NEGOTIATE:
        if (!in || in_len == 0)
            return -EPROTO;
        if ((r = build_authenticate(n, in, in_len, out)) < 0)
            return r;
        n->state = NTLM_DONE;
        return 0;
    default:
        return -EPROTO;
    }
}

static int ntlm_session_key(void *p, const uint8_t **ret, size_t *ret_len) {
    struct ntlm_client *n = p;

    if (n->state != NTLM_DONE || !n->have_key)
        return -ENOKEY;
    *ret = n->session_key;
    *ret_len = 16;
    return 0;
}

/* MS-NLMP 3.1.5.1.2: MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE_MESSAGE ||
 * CHALLENGE_MESSAGE || AUTHENTICATE_MESSAGE), the last with its MIC field
 * (offset 72) zero. */
void ntlm_auth_mic(const uint8_t session_key[16], const uint8_t *neg, size_t neg_len, const uint8_t *chal,
                   size_t chal_len, const uint8_t *auth, size_t auth_len, uint8_t ret[16]) {
    static const uint8_t zero[16];
    struct iov_piece v[5] = {{neg, neg_len}, {chal, chal_len}, {auth, auth_len < 72 ? auth_len : 72}, {zero, 0}, {NULL, 0}};

    if (auth_len >= 88) {
        v[3].n = 16;
        v[4] = (struct iov_piece){auth + 88, auth_len - 88};
    }
    crypto_hmac_md5(session_key, 16, v, 5, ret);
}

/* MS-NLMP 3.4.5.2 SIGNKEY / 3.4.5.3 SEALKEY, client side, 128-bit, with
 * extended session security: MD5(ExportedSessionKey || magic constant). */
void ntlm_client_keys(const uint8_t session_key[16], uint8_t ret_sign_key[16], uint8_t ret_seal_key[16]) {
    struct iov_piece v[2] = {{session_key, 16}, {sign_magic, sizeof(sign_magic)}};

    crypto_md5(v, 2, ret_sign_key);
    v[1] = (struct iov_piece){seal_magic, sizeof(seal_magic)};
    crypto_md5(v, 2, ret_seal_key);
}

/* MS-NLMP 3.4.4.2 MAC with extended session security: HMAC_MD5(SigningKey,
 * SeqNum || Message)[0..8], RC4-sealed (when keys were exchanged) by the
 * handle that also seals the messages, then Version 1 and SeqNum. */
void ntlm_mac(const uint8_t sign_key[16], struct crypto_rc4 *seal, uint32_t seq_num, const uint8_t *msg, size_t len,
              uint8_t ret[16]) {
    uint8_t seq[4], mac[16];

    put_le32(seq, seq_num);
    crypto_hmac_md5(sign_key, 16, (struct iov_piece[]){{seq, 4}, {msg, len}}, 2, mac);
    if (seal)
        crypto_rc4(seal, mac, 8);
    put_le32(ret, 1);
    memcpy(ret + 4, mac, 8);
    put_le32(ret + 12, seq_num);
}

/* The same keys for the server-to-client direction (what we receive). */
void ntlm_server_keys(const uint8_t session_key[16], uint8_t ret_sign_key[16], uint8_t ret_seal_key[16]) {
    struct iov_piece v[2] = {{session_key, 16}, {srv_sign_magic, sizeof(srv_sign_magic)}};

    crypto_md5(v, 2, ret_sign_key);
    v[1] = (struct iov_piece){srv_seal_magic, sizeof(srv_seal_magic)};
    crypto_md5(v, 2, ret_seal_key);
}

/* GSS_GetMIC (MS-NLMP 3.4.4.2): what SPNEGO's mechListMIC carries. MS-SPNG
 * 3.3.5.1: the RC4 handle signs the mechListMIC and is then reset, so the
 * first application message sees the key stream from its start again; the
 * sequence number is not reset. The server does the same with its own
 * mechListMIC, which used its sequence number 0: ours to receive starts at 1. */
static int ntlm_get_mic(void *p, const uint8_t *msg, size_t len, struct buf *out) {
    struct ntlm_client *n = p;
    uint8_t sig[16];

    if (n->state != NTLM_DONE || !n->have_key || !(n->flags & NTLMSSP_NEGOTIATE_SIGN))
        return -ENOKEY;
    ntlm_mac(n->sign_key, (n->flags & NTLMSSP_NEGOTIATE_KEY_EXCH) ? &n->seal : NULL, n->seq, msg, len, sig);
    buf_put_bytes(out, sig, 16);
    n->seq++;
    crypto_rc4_init(&n->seal, n->seal_key, 16);
    n->recv_seq = 1;
    return buf_error(out);
}

/* ---- per-message protection (MS-NLMP 3.4.3 SEAL, 3.4.4 SIGN), as GSS iov calls ---- */

static size_t ntlm_sig_len(void *p) {
    (void) p;
    return 16; /* NTLMSSP_MESSAGE_SIGNATURE, 2.2.2.9.1 */
}

static int ntlm_ready(const struct ntlm_client *n, bool seal) {
    if (n->broken)
        return -EBADMSG;
    if (n->state != NTLM_DONE || !n->have_key || !(n->flags & NTLMSSP_NEGOTIATE_SIGN))
        return -ENOKEY;
    if (seal && !(n->flags & NTLMSSP_NEGOTIATE_SEAL))
        return -EOPNOTSUPP; /* the server did not agree to seal */
    return 0;
}

/* HMAC_MD5(SigningKey, SeqNum || every iov)[0..8], the checksum of 3.4.4.2. */
static void iov_checksum(const uint8_t key[16], uint32_t seq, const struct auth_iov *iov, size_t n, uint8_t ret[16]) {
    struct iov_piece v[9];
    uint8_t s[4];
    size_t k = 0;

    put_le32(s, seq);
    v[k++] = (struct iov_piece){s, 4};
    for (size_t i = 0; i < n && k < 9; i++) /* callers allow 8 pieces */
        v[k++] = (struct iov_piece){iov[i].data, iov[i].len};
    crypto_hmac_md5(key, 16, v, k, ret);
}

/* 3.4.4.2 with extended session security: Version 1, the checksum (RC4-sealed
 * by the direction's handle when keys were exchanged), SeqNum. */
static void make_sig(const struct ntlm_client *n, const uint8_t key[16], struct crypto_rc4 *rc4, uint32_t seq,
                     const struct auth_iov *iov, size_t cnt, uint8_t ret[16]) {
    uint8_t mac[16];

    iov_checksum(key, seq, iov, cnt, mac);
    if (n->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
        crypto_rc4(rc4, mac, 8);
    put_le32(ret, 1);
    memcpy(ret + 4, mac, 8);
    put_le32(ret + 12, seq);
    explicit_bzero(mac, sizeof(mac));
}

static int ntlm_protect(void *p, bool seal, struct auth_iov *iov, size_t cnt, uint8_t *sig) {
    struct ntlm_client *n = p;
    uint8_t mac[16];
    int r;

    if ((r = ntlm_ready(n, seal)) < 0)
        return r;
    if (cnt > 8)
        return -E2BIG;
    /* 3.4.3: the signature is over the plaintext; the data is sealed first and
     * the checksum after it, by the same RC4 handle (4.2.4.4 shows the order). */
    iov_checksum(n->sign_key, n->seq, iov, cnt, mac);
    if (seal)
        for (size_t i = 0; i < cnt; i++)
            if (!iov[i].sign_only)
                crypto_rc4(&n->seal, iov[i].data, iov[i].len);
    if (n->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
        crypto_rc4(&n->seal, mac, 8);
    put_le32(sig, 1);
    memcpy(sig + 4, mac, 8);
    put_le32(sig + 12, n->seq);
    n->seq++;
    explicit_bzero(mac, sizeof(mac));
    return 0;
}

static int ntlm_unprotect(void *p, bool sealed, struct auth_iov *iov, size_t cnt, const uint8_t *sig, size_t sig_len) {
    struct ntlm_client *n = p;
    uint8_t want[16];
    int r;

    if ((r = ntlm_ready(n, sealed)) < 0)
        return r;
    if (cnt > 8)
        return -E2BIG;
    if (sig_len != 16) {
        n->broken = true;
        return -EBADMSG;
    }
    if (sealed)
        for (size_t i = 0; i < cnt; i++)
            if (!iov[i].sign_only)
                crypto_rc4(&n->recv_seal, iov[i].data, iov[i].len);
    /* The expected signature carries the sequence number we expect: a
     * replayed, dropped or reordered message fails like an altered one. */
    make_sig(n, n->recv_sign_key, &n->recv_seal, n->recv_seq, iov, cnt, want);
    if (!crypto_equal(want, sig, 16)) {
        n->broken = true;
        return -EBADMSG;
    }
    n->recv_seq++;
    return 0;
}

/* 1.3.6.1.4.1.311.2.2.10 */
static const uint8_t ntlmssp_oid[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

const struct auth_mech_ops auth_mech_ntlmssp = {
    .name = "NTLMSSP",
    .oid = ntlmssp_oid,
    .oid_len = sizeof(ntlmssp_oid),
    .start = ntlm_start,
    .step = ntlm_step,
    .session_key = ntlm_session_key,
    .get_mic = ntlm_get_mic,
    .free = ntlm_free,
    .sig_len = ntlm_sig_len,
    .protect = ntlm_protect,
    .unprotect = ntlm_unprotect,
};
