/* libFuzzer: every MS-TSTS reply decoder (src/rpc/tsts_lsm.c, tsts_winsta.c).
 * The first byte picks the decoder, the rest is the reply stub. */
#include <stdlib.h>

#include "rpc/tsts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct tsts_session_list l;
    struct tsts_session_info i;
    struct tsts_client c;
    struct tsts_handle h;
    struct tsts_process_list pl;
    uint32_t st;

    if (size < 1)
        return 0;
    switch (data[0] % 7) {
    case 0:
        if (tsts_decode_get_all_sessions(data + 1, size - 1, &l, &st) == 0)
            tsts_session_list_free(&l);
        break;
    case 1:
        (void) tsts_decode_session_information_ex(data + 1, size - 1, &i, &st);
        break;
    case 2:
        (void) tsts_decode_client_data(data + 1, size - 1, &c, &st);
        break;
    case 3:
        (void) tsts_decode_ws_open_server(data + 1, size - 1, &h, &st);
        break;
    case 4:
        (void) tsts_decode_ws_result(data + 1, size - 1, &st);
        (void) tsts_decode_ws_send_message(data + 1, size - 1, &st, &st);
        if (tsts_decode_ws_get_all_processes(data + 1, size - 1, &pl, &st) == 0)
            tsts_process_list_free(&pl);
        break;
    case 5:
        (void) tsts_decode_handle_hresult(data + 1, size - 1, &h, &st);
        (void) tsts_decode_close(data + 1, size - 1, &st);
        (void) tsts_decode_hresult(data + 1, size - 1, &st);
        break;
    default:
        (void) tsts_parse_winstationclient(data + 1, size - 1, &c);
        break;
    }
    return 0;
}
