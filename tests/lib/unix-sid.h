/*
 * Is this the S-1-22-1-<uid> SID the library hands out for a Unix user
 * (docs/api.md, "Processes")? Checked byte by byte. SID's SubAuthority is
 * declared [ANYSIZE_ARRAY] and runs on past it, so the sub-authorities are
 * read by offset, as GetSidSubAuthority does, not by index.
 */
#ifndef WTSNET_TESTS_UNIX_SID_H
#define WTSNET_TESTS_UNIX_SID_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>

static inline bool is_unix_user_sid(PSID p, uid_t uid) {
    static const BYTE authority[6] = {0, 0, 0, 0, 0, 22};
    const SID *sid = p;
    DWORD sub[2];

    if (!sid || sid->Revision != 1 || sid->SubAuthorityCount != 2 ||
        memcmp(sid->IdentifierAuthority.Value, authority, sizeof(authority)) != 0)
        return false;
    memcpy(sub, (const char *) sid + offsetof(SID, SubAuthority), sizeof(sub));
    return sub[0] == 1 && sub[1] == (DWORD) uid;
}

#endif
