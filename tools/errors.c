#include "errors.h"

#include <inttypes.h>
#include <stdlib.h>

#include "output.h"

const char *const program = "wtsnet";

int report_error(FILE *err, const char *label, const char *what, DWORD code) {
    char message[512];

    if (FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS | FORMAT_MESSAGE_MAX_WIDTH_MASK,
                       NULL, code, 0, message, sizeof(message), NULL) == 0)
        snprintf(message, sizeof(message), "Unknown error.");
    /* The label and what may carry a server name as typed: escaped. */
    fprintf(err, "%s: ", program);
    if (label) {
        text_write(err, label);
        fputs(": ", err);
    }
    text_write(err, what);
    fprintf(err, ": %s (error %" PRIu32 ")\n", message, code);
    return EXIT_FAILURE;
}
