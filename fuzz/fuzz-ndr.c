/* libFuzzer: NDR response stubs of the srvsvc calls we make. */
#include <stdlib.h>

#include "rpc/ndr.h"
#include "rpc/srvsvc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct srvs_server_info_101 i;
    uint32_t werror;
    struct cursor c;
    char *s = NULL;

    if (srvs_decode_server_get_info(data, size, &i, &werror) == 0)
        srvs_server_info_101_free(&i);
    /* NetrSessionEnum answers, at every level (the first byte picks one). */
    {
        static const uint32_t levels[] = {0, 1, 2, 10, 502};
        struct srvs_session_list l;
        uint32_t total;

        if (size > 0 && srvs_decode_session_enum(data + 1, size - 1, levels[data[0] % 5], &l, &total, &werror) == 0)
            srvs_session_list_free(&l);
        (void) srvs_decode_session_del(data, size, &werror);
    }
    cur_init(&c, data, size);
    if (ndr_pull_string(&c, &s) == 0)
        free(s);
    return 0;
}
