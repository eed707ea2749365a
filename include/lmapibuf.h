/*
 * lmapibuf.h — the buffers netapi32 functions return.
 */
#ifndef WTSNET_LMAPIBUF_H
#define WTSNET_LMAPIBUF_H

#include <lmcons.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Frees a buffer a Net* function returned (also after ERROR_MORE_DATA).
 * NULL is accepted. Returns NERR_Success. */
NET_API_STATUS NET_API_FUNCTION NetApiBufferFree(LPVOID Buffer);
/* Allocates a buffer NetApiBufferFree can free. ERROR_INVALID_PARAMETER for a
 * NULL Buffer, ERROR_NOT_ENOUGH_MEMORY when out of memory. */
NET_API_STATUS NET_API_FUNCTION NetApiBufferAllocate(DWORD ByteCount, LPVOID *Buffer);

#ifdef __cplusplus
}
#endif

#endif
