/*
 * The "enumerate" shape MS-SRVS and MS-WKST share (NetrSessionEnum,
 * NetrFileEnum, NetrConnectionEnum, NetrShareEnum, NetrWkstaUserEnum):
 *
 *   [in, out] XXX_ENUM_STRUCT { DWORD Level; [switch_is(Level)] union { XXX_INFO_n_CONTAINER *Leveln; … } };
 *   XXX_INFO_n_CONTAINER { DWORD EntriesRead; [size_is(EntriesRead)] XXX_INFO_n *Buffer; };
 *   [in] DWORD PreferedMaximumLength; [out] DWORD *TotalEntries; [in, out, unique] DWORD *ResumeHandle;
 *
 * One coder for the request tail and one decoder for the reply, driven by
 * a table of the level's members (C706 14.3.12: the conformant array of
 * fixed parts, then each element's deferred referents in member order),
 * filling the caller's own plain C structs.
 */
#ifndef WTSNET_RPC_NDR_ENUM_H
#define WTSNET_RPC_NDR_ENUM_H

#include <stddef.h>
#include <stdint.h>

#include "common/cursor.h"

/* One member of an INFO_n structure, in IDL order, and where it goes in the
 * caller's struct: 'S' [string] wchar_t* → char* (UTF-8, NULL for a NULL
 * pointer); 'U' DWORD → uint32_t; 'B' [size_is(the previous 'U')] BYTE* →
 * uint8_t* (its length is that 'U' member). */
struct ndr_field {
    char kind;
    size_t off;
};
struct ndr_layout {
    const struct ndr_field *f;
    size_t n;
    size_t size; /* sizeof the caller's struct */
};

/* Everything after the [in] strings: Level, the union's arm with an empty
 * container, PreferedMaximumLength and a ResumeHandle. */
void ndr_enum_push_request(struct buf *b, uint32_t *next_referent, uint32_t level, uint32_t max_len, uint32_t resume);

/* The whole reply stub of such a call at level (an answer at another level
 * is -EBADMSG): *ret_v gets n structs (calloc'd, free with ndr_enum_free). */
int ndr_enum_pull_reply(const uint8_t *stub, size_t len, uint32_t level, const struct ndr_layout *lay, void **ret_v,
                        size_t *ret_n, uint32_t *ret_total, uint32_t *ret_resume, uint32_t *ret_werror);
void ndr_enum_free(const struct ndr_layout *lay, void *v, size_t n);

#define NDR_LAYOUT(fields, type) {(fields), sizeof(fields) / sizeof((fields)[0]), sizeof(type)}

#endif
