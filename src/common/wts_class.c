#include <wtsapi32.h>

#include "common/wts_class.h"

/* The classes whose value is an LPTSTR, per Microsoft's WTS_INFO_CLASS page. */
bool wts_class_is_text(int cls) {
    switch ((WTS_INFO_CLASS) cls) {
    case WTSInitialProgram:
    case WTSApplicationName:
    case WTSWorkingDirectory:
    case WTSOEMId:
    case WTSUserName:
    case WTSWinStationName:
    case WTSDomainName:
    case WTSClientName:
    case WTSClientDirectory:
        return true;
    default:
        return false;
    }
}
