/*
 * Facts about WTS_INFO_CLASS values that both the A entry points
 * (src/api/wtsapi_a.c) and the WinPR provider (src/winpr) rely on. The class
 * is passed as a plain int so that a file built against another wtsapi.h
 * (WinPR's numbers the classes the same) can ask too.
 */
#ifndef WTSNET_COMMON_WTS_CLASS_H
#define WTSNET_COMMON_WTS_CLASS_H

#include <stdbool.h>

/* Whether the class's value is text (an LPTSTR): converted between A and W. */
bool wts_class_is_text(int cls);

#endif
