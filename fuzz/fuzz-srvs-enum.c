/* libFuzzer: the enumeration replies of NetrFileEnum, NetrConnectionEnum,
 * NetrShareEnum (MS-SRVS) and NetrWkstaUserEnum (MS-WKST), every level we
 * ask for; the first byte picks the call and level, the rest is the stub. */
#include <stdlib.h>

#include "rpc/srvsvc.h"
#include "rpc/wkssvc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const struct {
        int kind; /* -1: wkssvc */
        uint32_t level;
    } calls[] = {
        {SRVS_FILES, 2},  {SRVS_FILES, 3},  {SRVS_CONNS, 0},  {SRVS_CONNS, 1},   {SRVS_SHARES, 0},
        {SRVS_SHARES, 1}, {SRVS_SHARES, 2}, {SRVS_SHARES, 502}, {-1, 0},          {-1, 1},
    };
    uint32_t total, resume, werror;

    if (size < 1)
        return 0;
    unsigned k = data[0] % (sizeof(calls) / sizeof(calls[0]));
    if (calls[k].kind < 0) {
        struct wkst_user_list l;

        if (wkst_decode_user_enum(data + 1, size - 1, calls[k].level, &l, &total, &werror) == 0)
            wkst_user_list_free(&l);
    } else {
        struct srvs_list l;

        if (srvs_decode_enum(data + 1, size - 1, calls[k].kind, calls[k].level, &l, &total, &resume, &werror) == 0)
            srvs_list_free(&l);
    }
    return 0;
}
