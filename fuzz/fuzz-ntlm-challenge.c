/* libFuzzer: the server's SPNEGO token and the NTLMSSP CHALLENGE_MESSAGE in it,
 * all the way through building our AUTHENTICATE_MESSAGE. */
#include <string.h>

#include "auth/auth.h"
#include "auth/ntlm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct ntlm_challenge ch;
    struct auth_identity id = {.user = "u", .domain = "d", .password = "p"};
    const uint8_t *tok;
    size_t tok_len;
    int state;
    void *st = NULL;
    struct buf out;

    (void) spnego_parse_resp(data, size, &state, &tok, &tok_len);
    if (ntlm_parse_challenge(data, size, &ch) == 0) {
        struct buf ti;

        buf_init(&ti);
        (void) ntlm_target_info_with_mic_flag(ch.target_info, ch.target_info_len, &ti);
        buf_free(&ti);
    }
    if (auth_mech_ntlmssp.start(&id, "s", &st) < 0)
        return 0;
    buf_init(&out);
    if (auth_mech_ntlmssp.step(st, NULL, 0, &out) == 1) {
        buf_free(&out);
        (void) auth_mech_ntlmssp.step(st, data, size, &out);
    }
    buf_free(&out);
    auth_mech_ntlmssp.free(st);
    return 0;
}
