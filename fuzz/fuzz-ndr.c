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
    cur_init(&c, data, size);
    if (ndr_pull_string(&c, &s) == 0)
        free(s);
    return 0;
}
