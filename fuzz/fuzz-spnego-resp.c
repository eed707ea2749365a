/* libFuzzer: the server's NegTokenResp as the SPNEGO initiator meets it with
 * two mechanisms offered (Kerberos' place taken by a scripted test double,
 * NTLMSSP second): supportedMech naming either, another, or none; the
 * token completing the first mechanism on the final answer; a switch to
 * NTLMSSP and its CHALLENGE parsed from the same bytes. */
#include <errno.h>
#include <string.h>

#include "auth/auth.h"

static const uint8_t oid_double[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
static int d_start(const struct auth_identity *id, const char *t, void **ret) {
    static int state;
    (void) id, (void) t;
    *ret = &state;
    return 0;
}
static int d_step(void *s, const uint8_t *in, size_t len, struct buf *out) {
    (void) s;
    if (!in) {
        buf_put_u8(out, 0x60);
        return 1;
    }
    return len > 0 && in[0] == 0x60 ? 0 : -EBADMSG;
}
static int d_key(void *s, const uint8_t **k, size_t *n) {
    static const uint8_t key[16];
    (void) s;
    *k = key, *n = sizeof(key);
    return 0;
}
static void d_free(void *s) { (void) s; }
static const struct auth_mech_ops mech_double = {"double", oid_double, sizeof(oid_double), d_start, d_step, d_key,
                                                 NULL, d_free};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const struct auth_mech_ops *const mechs[] = {&mech_double, &auth_mech_ntlmssp};
    struct auth_identity id = {.user = "u", .domain = "d", .password = "p"};
    const uint8_t *tok, *mech;
    size_t tok_len, mech_len;
    int state;

    (void) spnego_parse_resp_mech(data, size, &state, &tok, &tok_len, &mech, &mech_len);
    for (int how = 0; how < 2; how++) {
        struct auth_ctx *a = NULL;
        struct buf out;

        if (auth_spnego_new(mechs, 2, &id, "h.example", &a) < 0)
            return 0;
        buf_init(&out);
        if (auth_spnego_step(a, NULL, 0, &out) == 0) {
            buf_free(&out);
            if (how == 0) /* the final answer */
                (void) auth_spnego_finish(a, data, size);
            else if (auth_spnego_step(a, data, size, &out) == 0) /* a middle one */
                (void) auth_spnego_finish(a, data, size);
        }
        buf_free(&out);
        auth_spnego_free(a);
    }
    return 0;
}
