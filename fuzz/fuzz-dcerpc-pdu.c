/* libFuzzer: a DCE/RPC PDU as the client receives it (bind replies, responses, faults). */
#include "rpc/dcerpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct rpc_hdr h;
    uint16_t x, r;
    uint32_t assoc, fault, call_id;
    struct buf out;
    bool last;

    if (rpc_parse_hdr(data, size, &h) < 0)
        return 0;
    call_id = h.call_id;
    (void) rpc_parse_bind_reply(data, size, &x, &r, &assoc, &fault);
    buf_init(&out);
    (void) rpc_parse_response_frag(data, size, call_id, true, &out, &last, &fault);
    (void) rpc_parse_response_frag(data, size, call_id, false, &out, &last, &fault);
    buf_free(&out);
    return 0;
}
