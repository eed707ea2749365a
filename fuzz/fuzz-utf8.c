/*
 * UTF-8 ↔ wchar_t: names reach the library from files and the bus
 * (passwd, logind's RemoteHost, ssh host strings). Whatever the bytes,
 * conversions must stay in bounds, and whatever decodes must encode back
 * to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/wstr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1), *back = NULL, small[7];
    wchar_t *wide = NULL, *lossy, fixed[5];
    size_t len;

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    if (utf8_to_wcs(text, &wide) == 0) {
        if (wcs_to_utf8(wide, &back) != 0 || strcmp(back, text) != 0)
            abort(); /* valid text must round-trip exactly */
        free(back);
        free(wide);
    }
    len = utf8_wcslen_lossy(text);
    lossy = malloc((len + 1) * sizeof(wchar_t));
    if (lossy) {
        utf8_to_wcs_lossy(text, lossy);
        if (wcslen(lossy) != len)
            abort();
        free(lossy);
    }
    utf8_copy_truncated(small, sizeof(small), text);
    if (strlen(small) >= sizeof(small))
        abort();
    wcs_copy_truncated_from_utf8(fixed, 5, text);
    if (wcslen(fixed) >= 5)
        abort();
    free(text);
    return 0;
}
