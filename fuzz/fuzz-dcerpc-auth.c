/* libFuzzer: what an authenticated DCE/RPC binding reads from the server:
 * bind_ack / alter_context_resp with their auth trailer, and response or
 * fault fragments checked and unsealed (rpc_check_reply) on a binding whose
 * NTLMSSP context is complete (MS-NLMP 4.2.4's example, fixed inputs). The
 * first input byte picks the level and header signing; the rest is the PDU. */
#include <stdio.h>
#include <string.h>

#include "auth/ntlm.h"
#include "rpc/dcerpc.h"

/* MS-NLMP 4.2.4.3's CHALLENGE_MESSAGE */
static const uint8_t challenge[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00, 0x38, 0x00,
    0x00, 0x00, 0x33, 0x82, 0x8a, 0xe2, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x24, 0x00, 0x44, 0x00, 0x00, 0x00, 0x06, 0x00, 0x70, 0x17, 0x00, 0x00,
    0x00, 0x0f, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00, 0x02, 0x00, 0x0c, 0x00,
    0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x53, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct ntlm_client_inputs in = {.now = 0, .workstation = "COMPUTER"};
    struct auth_identity id = {.user = "User", .domain = "Domain", .password = "Password"};
    struct rpc_client rc;
    struct rpc_sec_trailer t;
    struct buf out, frag;
    uint16_t x, r;
    uint32_t assoc, fault;
    bool has, last;

    if (size < 1)
        return 0;
    /* the parsers alone */
    (void) rpc_parse_sec_trailer(data + 1, size - 1, 24, &t);
    (void) rpc_parse_bind_reply_auth(data + 1, size - 1, &x, &r, &assoc, &fault, data[0] & 4, &t, &has);

    /* a complete NTLMSSP context, then the reply check */
    memset(&rc, 0, sizeof(rc));
    memset(in.client_challenge, 0xaa, 8);
    memset(in.exported_session_key, 0x55, 16);
    rc.auth_type = RPC_C_AUTHN_WINNT;
    rc.auth_level = data[0] & 1 ? RPC_C_AUTHN_LEVEL_PKT_PRIVACY : RPC_C_AUTHN_LEVEL_PKT_INTEGRITY;
    rc.auth_context_id = 0;
    rc.hdr_sign = data[0] & 2;
    rc.bound = true;
    rc.mech = &auth_mech_ntlmssp;
    buf_init(&out);
    if (auth_mech_ntlmssp.start(&id, "Server", &rc.mech_state) < 0)
        return 0;
    ntlm_client_set_inputs(rc.mech_state, &in);
    if (auth_mech_ntlmssp.step(rc.mech_state, NULL, 0, &out) == 1) {
        buf_free(&out);
        if (auth_mech_ntlmssp.step(rc.mech_state, challenge, sizeof(challenge), &out) == 0) {
            buf_init(&frag);
            buf_put_bytes(&frag, data + 1, size - 1);
            if (buf_error(&frag) == 0 && rpc_check_reply(&rc, &frag) == 0) {
                struct buf stub;

                buf_init(&stub);
                (void) rpc_parse_response_frag(frag.data, frag.len, get_le32(frag.data + 12), true, &stub, &last,
                                               &fault);
                buf_free(&stub);
            }
            buf_free(&frag);
        }
    }
    buf_free(&out);
    rpc_client_close(&rc);
    return 0;
}
