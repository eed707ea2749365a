/*
 * Kerberos as a SPNEGO mechanism, through MIT krb5's GSSAPI (RFC 4121,
 * RFC 2743): no Kerberos of our own. The target is the host-based service
 * cifs@<server's DNS name> (MS-SMB2 3.2.4.2.3: "cifs/<name>"), the context
 * asks for mutual authentication, and the session key is the one SSPI
 * exposes (GSS_C_INQ_SSPI_SESSION_KEY) once the server's AP-REP has been fed
 * back. What the credentials are (docs/credentials.md):
 *   user and password given  → a TGT acquired in memory with that password
 *                               (gss_acquire_cred_with_password: no ccache
 *                               file is written);
 *   user without password    → that principal's ticket from the ccache
 *                               collection, or the client keytab;
 *   nobody given             → the caller's default ccache (KRB5CCNAME),
 *                               else MIT's client keytab (KRB5_CLIENT_KTNAME
 *                               or default_client_keytab_name).
 * Failures become the errno meanings of common/errors.h, which api/ maps to
 * the codes Windows' Kerberos package gives.
 *
 * For DCE/RPC (MS-RPCE 3.3.1.5.2, MS-KILE 3.4.5.4) the context is made in
 * DCE style (GSS_C_DCE_STYLE: raw AP-REQ, the server's AP-REP, then ours),
 * and PDUs are protected as Windows and Samba do it: at packet integrity a
 * MIC over the PDU's signed pieces (28 bytes with AES); at privacy
 * gss_wrap_iov with the signature as the HEADER buffer and no trailer (DCE
 * style puts it in the header). The signature size is the one the server
 * computes from the level, so the level is chosen with the mechanism
 * (auth_mech_krb5_dce_sign / _seal).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/auth.h"
#include "common/errors.h"

/* 1.2.840.113554.1.2.2, the krb5 mechanism (RFC 1964) */
static const uint8_t krb5_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};

struct krb5_state {
    gss_cred_id_t cred; /* GSS_C_NO_CREDENTIAL: the default ccache / client keytab */
    gss_name_t target;
    gss_ctx_id_t ctx;
    bool done;
    bool dce;    /* DCE style, for DCE/RPC binds */
    bool seal;   /* DCE: privacy (wrap) rather than integrity (MIC) */
    bool broken; /* a bad signature: the sequence numbers are out of step */
    size_t sig_len;
    uint8_t key[64];
    size_t key_len;
};

/* The errno meaning of a GSSAPI failure. The minor status is a krb5 error
 * code (com_err table of krb5.h) whenever the krb5 mechanism produced it. */
static int map_error(OM_uint32 major, OM_uint32 minor) {
    switch ((krb5_error_code) minor) {
    case KRB5KDC_ERR_PREAUTH_FAILED:
    case KRB5KRB_AP_ERR_BAD_INTEGRITY: /* a wrong password with a pre-AES enctype */
    case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
    case KRB5KDC_ERR_CLIENT_REVOKED:
    case KRB5KDC_ERR_KEY_EXP:
        return -E_LOGON_FAILURE;
    case KRB5KRB_AP_ERR_SKEW:
        return -E_TIME_SKEW;
    case KRB5_KDC_UNREACH:
    case KRB5_REALM_UNKNOWN:
    case KRB5_REALM_CANT_RESOLVE:
    case KRB5_CONFIG_NODEFREALM: /* no krb5.conf, no realm: no logon server to ask */
    case KRB5_CONFIG_CANTOPEN:
        return -E_NO_LOGON_SERVERS;
    case KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN:
        return -E_WRONG_TARGET;
    case KRB5KRB_AP_ERR_TKT_EXPIRED:
        return -E_TICKET_EXPIRED;
    case KRB5_FCC_NOFILE:
    case KRB5_CC_NOTFOUND:
    case KRB5_CC_NOSUPP:
    case KRB5_KT_NOTFOUND:
    case KRB5_NO_TKT_SUPPLIED:
        return -E_NOT_AUTHENTICATED;
    default:
        break;
    }
    switch (GSS_ROUTINE_ERROR(major)) {
    case GSS_S_NO_CRED:
        return -E_NOT_AUTHENTICATED;
    case GSS_S_CREDENTIALS_EXPIRED:
        return -E_TICKET_EXPIRED;
    case GSS_S_BAD_NAME:
        return -E_WRONG_TARGET;
    case GSS_S_DEFECTIVE_TOKEN:
    case GSS_S_BAD_SIG:
        return -EBADMSG;
    default:
        return -E_LOGON_FAILURE;
    }
}

/* A server named by its address has no service principal (MIT: "Server not
 * found in Kerberos database"): Kerberos needs its DNS name. The IPv6
 * literal's UNC form (…ipv6-literal.net) is an address too. */
bool auth_krb5_target_is_address(const char *host) {
    uint8_t a[16];
    size_t n = host ? strlen(host) : 0;
    static const char v6[] = ".ipv6-literal.net";

    if (!host || !*host)
        return true;
    if (inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1)
        return true;
    return n > sizeof(v6) - 1 && strcasecmp(host + n - (sizeof(v6) - 1), v6) == 0;
}

char *auth_krb5_ambient_principal(void) {
    krb5_context ctx;
    krb5_ccache cc = NULL;
    krb5_principal who = NULL;
    char *name = NULL, *ret = NULL;

    if (krb5_init_context(&ctx) != 0)
        return NULL;
    if (krb5_cc_default(ctx, &cc) == 0 && krb5_cc_get_principal(ctx, cc, &who) == 0 &&
        krb5_unparse_name(ctx, who, &name) == 0)
        ret = strdup(name);
    krb5_free_unparsed_name(ctx, name);
    krb5_free_principal(ctx, who);
    if (cc)
        krb5_cc_close(ctx, cc);
    krb5_free_context(ctx);
    return ret;
}

/* user@REALM for a password logon: the domain is the realm when it is a DNS
 * name; a NetBIOS domain (no dot) leaves the default realm of krb5.conf. */
static int principal_of(const struct auth_identity *id, char **ret) {
    const char *dom = id->domain && strchr(id->domain, '.') ? id->domain : NULL;
    size_t n = strlen(id->user) + (dom ? strlen(dom) + 1 : 0) + 1;
    char *p = malloc(n);

    if (!p)
        return -ENOMEM;
    if (strchr(id->user, '@') || !dom)
        snprintf(p, n, "%s", id->user);
    else {
        size_t u = strlen(id->user);

        snprintf(p, n, "%s@%s", id->user, dom);
        for (size_t i = u + 1; p[i]; i++)
            p[i] = (char) toupper((unsigned char) p[i]);
    }
    *ret = p;
    return 0;
}

static int acquire(const struct auth_identity *id, struct krb5_state *s) {
    gss_OID_desc mech = {sizeof(krb5_oid), (void *) krb5_oid};
    gss_OID_set_desc mechs = {1, &mech};
    gss_name_t name = GSS_C_NO_NAME;
    OM_uint32 major, minor = 0;
    char *principal = NULL;
    int r;

    if (auth_identity_is_anonymous(id)) {
        /* Nobody named: the caller's own ticket (or client keytab). Asked
         * now, so that "no ticket" is known before anything is sent. */
        major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &s->cred, NULL,
                                 NULL);
        return GSS_ERROR(major) ? map_error(major, minor) : 0;
    }
    if ((r = principal_of(id, &principal)) < 0)
        return r;
    {
        gss_buffer_desc b = {strlen(principal), principal};

        major = gss_import_name(&minor, &b, GSS_KRB5_NT_PRINCIPAL_NAME, &name);
    }
    free(principal);
    if (GSS_ERROR(major))
        return -E_LOGON_FAILURE;
    if (id->password && *id->password) {
        gss_buffer_desc pw = {strlen(id->password), id->password};

        /* MIT keeps the TGT in a memory ccache of this credential. */
        major = gss_acquire_cred_with_password(&minor, name, &pw, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE,
                                               &s->cred, NULL, NULL);
    } else {
        major = gss_acquire_cred(&minor, name, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &s->cred, NULL, NULL);
    }
    {
        OM_uint32 m2;

        gss_release_name(&m2, &name); /* not over minor: it says why */
    }
    return GSS_ERROR(major) ? map_error(major, minor) : 0;
}

static void krb5_free(void *state) {
    struct krb5_state *s = state;
    OM_uint32 minor;

    if (!s)
        return;
    if (s->ctx != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&minor, &s->ctx, GSS_C_NO_BUFFER);
    if (s->cred != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&minor, &s->cred);
    if (s->target != GSS_C_NO_NAME)
        gss_release_name(&minor, &s->target);
    explicit_bzero(s->key, sizeof(s->key));
    free(s);
}

static int start(const struct auth_identity *id, const char *target_host, bool dce, bool seal, void **ret_state) {
    struct krb5_state *s;
    char *svc;
    size_t n;
    OM_uint32 major, minor;
    int r;

    if (auth_krb5_target_is_address(target_host))
        return -E_WRONG_TARGET;
    s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->cred = GSS_C_NO_CREDENTIAL;
    s->ctx = GSS_C_NO_CONTEXT;
    s->target = GSS_C_NO_NAME;
    s->dce = dce;
    s->seal = seal;
    n = strlen(target_host) + sizeof("cifs@");
    if (!(svc = malloc(n))) {
        krb5_free(s);
        return -ENOMEM;
    }
    snprintf(svc, n, "cifs@%s", target_host);
    {
        gss_buffer_desc b = {strlen(svc), svc};

        major = gss_import_name(&minor, &b, GSS_C_NT_HOSTBASED_SERVICE, &s->target);
    }
    free(svc);
    if (GSS_ERROR(major)) {
        krb5_free(s);
        return -E_WRONG_TARGET;
    }
    if ((r = acquire(id, s)) < 0) {
        krb5_free(s);
        return r;
    }
    if (dce && !seal) {
        /* MIT asks for confidentiality in every AP-REQ unless told not to;
         * the server sizes signatures by the flags it got, and at packet
         * integrity it must expect a MIC, not a wrap header. */
        gss_buffer_desc none = GSS_C_EMPTY_BUFFER;

        major = gss_set_cred_option(&minor, &s->cred, GSS_KRB5_CRED_NO_CI_FLAGS_X, &none);
        if (GSS_ERROR(major)) {
            krb5_free(s);
            return -EPROTO;
        }
    }
    *ret_state = s;
    return 0;
}

static int krb5_start(const struct auth_identity *id, const char *target_host, void **ret_state) {
    return start(id, target_host, false, false, ret_state);
}

static int krb5_dce_sign_start(const struct auth_identity *id, const char *target_host, void **ret_state) {
    return start(id, target_host, true, false, ret_state);
}

static int krb5_dce_seal_start(const struct auth_identity *id, const char *target_host, void **ret_state) {
    return start(id, target_host, true, true, ret_state);
}

/* The auth_value size the server expects for this level (see the top). */
static int measure_sig(struct krb5_state *s) {
    OM_uint32 major, minor;
    int conf = 0;

    if (!s->dce)
        return 0;
    if (s->seal) {
        gss_iov_buffer_desc iov[2] = {{GSS_IOV_BUFFER_TYPE_HEADER, {0, NULL}}, {GSS_IOV_BUFFER_TYPE_DATA, {16, NULL}}};

        major = gss_wrap_iov_length(&minor, s->ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov, 2);
        if (GSS_ERROR(major) || !conf)
            return -EPROTO;
        s->sig_len = iov[0].buffer.length;
    } else {
        gss_iov_buffer_desc iov[2] = {{GSS_IOV_BUFFER_TYPE_DATA, {16, NULL}}, {GSS_IOV_BUFFER_TYPE_MIC_TOKEN, {0, NULL}}};

        major = gss_get_mic_iov_length(&minor, s->ctx, GSS_C_QOP_DEFAULT, iov, 2);
        if (GSS_ERROR(major))
            return -EPROTO;
        s->sig_len = iov[1].buffer.length;
    }
    return s->sig_len > 0 ? 0 : -EPROTO;
}

static int krb5_step(void *state, const uint8_t *in, size_t in_len, struct buf *out) {
    struct krb5_state *s = state;
    gss_OID_desc mech = {sizeof(krb5_oid), (void *) krb5_oid};
    gss_buffer_desc input = {in_len, (void *) in}, output = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor = 0, flags = 0;

    if (s->done)
        return -EPROTO;
    /* Mutual: the server proves itself with its AP-REP; integrity and
     * confidentiality so that DCE/RPC can sign and seal with this context. */
    major = gss_init_sec_context(&minor, s->cred, &s->ctx, s->target, &mech,
                                 GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG |
                                     (s->dce ? GSS_C_DCE_STYLE : 0) | (!s->dce || s->seal ? GSS_C_CONF_FLAG : 0),
                                 GSS_C_INDEFINITE, GSS_C_NO_CHANNEL_BINDINGS, in ? &input : GSS_C_NO_BUFFER, NULL,
                                 &output, &flags, NULL);
    if (GSS_ERROR(major)) {
        OM_uint32 m2;

        gss_release_buffer(&m2, &output); /* not over minor: it says why */
        return map_error(major, minor);
    }
    buf_put_bytes(out, output.value, output.length);
    gss_release_buffer(&minor, &output);
    if (major & GSS_S_CONTINUE_NEEDED)
        return 1;
    if (!(flags & GSS_C_MUTUAL_FLAG))
        return -E_LOGON_FAILURE; /* the server did not prove who it is */
    s->done = true;
    {
        gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;

        /* The SSPI session key: the subkey of the AP-REP, else of the AP-REQ,
         * else the ticket's (MS-KILE 3.1.1.2). */
        major = gss_inquire_sec_context_by_oid(&minor, s->ctx, GSS_C_INQ_SSPI_SESSION_KEY, &set);
        if (GSS_ERROR(major) || !set || set->count < 1 || set->elements[0].length == 0 ||
            set->elements[0].length > sizeof(s->key)) {
            gss_release_buffer_set(&minor, &set);
            return -E_LOGON_FAILURE;
        }
        memcpy(s->key, set->elements[0].value, set->elements[0].length);
        s->key_len = set->elements[0].length;
        gss_release_buffer_set(&minor, &set);
    }
    return measure_sig(s);
}

static int krb5_session_key(void *state, const uint8_t **ret_key, size_t *ret_len) {
    struct krb5_state *s = state;

    if (!s->done || s->key_len == 0)
        return -ENOKEY;
    *ret_key = s->key;
    *ret_len = s->key_len;
    return 0;
}

static int krb5_get_mic(void *state, const uint8_t *msg, size_t len, struct buf *out) {
    struct krb5_state *s = state;
    gss_buffer_desc in = {len, (void *) msg}, mic = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor;

    if (!s->done)
        return -EPROTO;
    major = gss_get_mic(&minor, s->ctx, GSS_C_QOP_DEFAULT, &in, &mic);
    if (GSS_ERROR(major))
        return -EIO;
    buf_put_bytes(out, mic.value, mic.length);
    gss_release_buffer(&minor, &mic);
    return buf_error(out);
}

static size_t krb5_sig_len(void *state) {
    struct krb5_state *s = state;

    return s->done && s->dce ? s->sig_len : 0;
}

/* The pieces as GSS iov buffers after the signature's: at privacy the
 * signed-only ones stay plaintext (SIGN_ONLY), the others are encrypted in
 * place (DATA); a MIC covers all of them alike. */
static gss_iov_buffer_desc *to_gss(struct auth_iov *iov, size_t n, bool wrap, void *sig, size_t sig_len) {
    gss_iov_buffer_desc *g = calloc(n + 1, sizeof(*g));

    if (!g)
        return NULL;
    g[0].type = wrap ? GSS_IOV_BUFFER_TYPE_HEADER : GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
    g[0].buffer.value = sig;
    g[0].buffer.length = sig_len;
    for (size_t i = 0; i < n; i++) {
        g[i + 1].type = wrap && iov[i].sign_only ? GSS_IOV_BUFFER_TYPE_SIGN_ONLY : GSS_IOV_BUFFER_TYPE_DATA;
        g[i + 1].buffer.value = iov[i].data;
        g[i + 1].buffer.length = iov[i].len;
    }
    return g;
}

static int krb5_protect(void *state, bool seal, struct auth_iov *iov, size_t n, uint8_t *sig) {
    struct krb5_state *s = state;
    gss_iov_buffer_desc *g;
    OM_uint32 major, minor;
    int conf = 0;

    if (!s->done || !s->dce || s->broken)
        return -ENOKEY;
    if (seal != s->seal)
        return -EINVAL; /* the signature size was announced for the other level */
    if (!(g = to_gss(iov, n, seal, sig, s->sig_len)))
        return -ENOMEM;
    if (seal) {
        /* No TRAILER buffer: in DCE style MIT puts it in the HEADER. */
        major = gss_wrap_iov(&minor, s->ctx, 1, GSS_C_QOP_DEFAULT, &conf, g, (int) n + 1);
    } else
        major = gss_get_mic_iov(&minor, s->ctx, GSS_C_QOP_DEFAULT, g, (int) n + 1);
    if (!GSS_ERROR(major) && g[0].buffer.length != s->sig_len)
        major = GSS_S_FAILURE;
    free(g);
    if (GSS_ERROR(major) || (seal && !conf))
        return -EIO;
    return 0;
}

static int krb5_unprotect(void *state, bool sealed, struct auth_iov *iov, size_t n, const uint8_t *sig,
                          size_t sig_len) {
    struct krb5_state *s = state;
    gss_iov_buffer_desc *g;
    OM_uint32 major, minor;
    gss_qop_t qop;
    int conf = 0;

    if (!s->done || !s->dce || s->broken)
        return -ENOKEY;
    if (sealed != s->seal || sig_len != s->sig_len)
        return -EBADMSG;
    if (!(g = to_gss(iov, n, sealed, (void *) sig, sig_len)))
        return -ENOMEM;
    if (sealed)
        major = gss_unwrap_iov(&minor, s->ctx, &conf, &qop, g, (int) n + 1);
    else
        major = gss_verify_mic_iov(&minor, s->ctx, &qop, g, (int) n + 1);
    free(g);
    if (GSS_ERROR(major) || (sealed && !conf)) {
        s->broken = true;
        return -EBADMSG;
    }
    return 0;
}

/* The three differ in how the context is made (start) and whether PDUs can
 * be protected; everything else is one Kerberos mechanism. */
#define KRB5_MECH(label, start_fn) \
    .name = label, .oid = krb5_oid, .oid_len = sizeof(krb5_oid), .start = start_fn, .step = krb5_step, \
    .session_key = krb5_session_key, .get_mic = krb5_get_mic, .free = krb5_free
#define KRB5_DCE_PROTECTION .sig_len = krb5_sig_len, .protect = krb5_protect, .unprotect = krb5_unprotect

const struct auth_mech_ops auth_mech_krb5_dce_sign = {
    KRB5_MECH("Kerberos (DCE, integrity)", krb5_dce_sign_start),
    KRB5_DCE_PROTECTION,
};

const struct auth_mech_ops auth_mech_krb5_dce_seal = {
    KRB5_MECH("Kerberos (DCE, privacy)", krb5_dce_seal_start),
    KRB5_DCE_PROTECTION,
};

const struct auth_mech_ops auth_mech_krb5 = {
    KRB5_MECH("Kerberos", krb5_start),
};
