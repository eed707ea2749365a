/* The CLI's one error printer and its exit statuses. */
#ifndef WTSNET_TOOLS_ERRORS_H
#define WTSNET_TOOLS_ERRORS_H

#include <windows.h>

#include <stdio.h>

#define EXIT_USAGE 2

/* "wtsnet" in every message. */
extern const char *const program;

/* Prints "wtsnet: [LABEL: ]WHAT: <Windows' message> (error CODE)" to err and
 * returns EXIT_FAILURE. label (a host as typed) and what are escaped for the
 * terminal; label may be NULL. */
int report_error(FILE *err, const char *label, const char *what, DWORD code);

#endif
