/*
 * The argument contract of NetFileEnum, NetFileGetInfo, NetFileClose,
 * NetConnectionEnum, NetShareEnum and NetWkstaUserEnum, Wine-test style:
 * poisoned out-parameters and last-error, checked before any server is
 * asked (so it holds on any host). Net calls return their status and leave
 * last-error alone; on failure no output is touched.
 */
#include <lm.h>

#include "tap.h"

#define POISON_PTR ((LPBYTE) 0xdeadbeef)
#define POISON 0xdeadbeefu

struct outs {
    LPBYTE buf;
    DWORD read, total, resume;
    DWORD_PTR resume_ptr;
};

static struct outs poisoned(void) {
    SetLastError(0x12345678);
    return (struct outs){POISON_PTR, POISON, POISON, POISON, (DWORD_PTR) POISON};
}

static void untouched(const struct outs *o) {
    CHECK(o->buf == POISON_PTR);
    CHECK_EQ_U(o->read, POISON);
    CHECK_EQ_U(o->total, POISON);
    CHECK_EQ_U(o->resume, POISON);
    CHECK_EQ_U(o->resume_ptr, POISON);
    CHECK_EQ_U(GetLastError(), 0x12345678); /* Net calls do not set last-error */
}

static void null_out_pointers_are_invalid_parameter(void) {
    struct outs o = poisoned();

    CHECK_EQ_U(NetFileEnum(NULL, NULL, NULL, 3, NULL, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume_ptr),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetFileEnum(NULL, NULL, NULL, 3, &o.buf, MAX_PREFERRED_LENGTH, NULL, &o.total, &o.resume_ptr),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetFileEnum(NULL, NULL, NULL, 3, &o.buf, MAX_PREFERRED_LENGTH, &o.read, NULL, &o.resume_ptr),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetFileGetInfo(NULL, 1, 3, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetConnectionEnum(NULL, L"share", 1, NULL, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetConnectionEnum(NULL, L"share", 1, &o.buf, MAX_PREFERRED_LENGTH, NULL, &o.total, &o.resume),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetShareEnum(NULL, 1, NULL, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetShareEnum(NULL, 1, &o.buf, MAX_PREFERRED_LENGTH, &o.read, NULL, &o.resume),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetWkstaUserEnum(NULL, 0, NULL, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetWkstaUserEnum(NULL, 0, &o.buf, MAX_PREFERRED_LENGTH, NULL, &o.total, &o.resume),
               ERROR_INVALID_PARAMETER);
    untouched(&o);
}

static void levels_windows_lacks_are_invalid_level(void) {
    static const DWORD file_bad[] = {0, 1, 4, 502}, conn_bad[] = {2, 3, 502}, share_bad[] = {3, 501, 503, 1005},
                       wksta_bad[] = {2, 1101};
    struct outs o = poisoned();

    for (size_t i = 0; i < 4; i++) {
        CHECK_EQ_U(NetFileEnum(NULL, NULL, NULL, file_bad[i], &o.buf, MAX_PREFERRED_LENGTH, &o.read, &o.total,
                               &o.resume_ptr),
                   ERROR_INVALID_LEVEL);
        CHECK_EQ_U(NetFileGetInfo(NULL, 1, file_bad[i], &o.buf), ERROR_INVALID_LEVEL);
        CHECK_EQ_U(NetShareEnum(NULL, share_bad[i], &o.buf, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume),
                   ERROR_INVALID_LEVEL);
    }
    for (size_t i = 0; i < 3; i++)
        CHECK_EQ_U(NetConnectionEnum(NULL, L"share", conn_bad[i], &o.buf, MAX_PREFERRED_LENGTH, &o.read, &o.total,
                                     &o.resume),
                   ERROR_INVALID_LEVEL);
    for (size_t i = 0; i < 2; i++)
        CHECK_EQ_U(NetWkstaUserEnum(NULL, wksta_bad[i], &o.buf, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume),
                   ERROR_INVALID_LEVEL);
    untouched(&o);
}

static void connection_enum_needs_a_qualifier(void) {
    struct outs o = poisoned();

    CHECK_EQ_U(NetConnectionEnum(NULL, NULL, 1, &o.buf, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume),
               ERROR_INVALID_PARAMETER);
    CHECK_EQ_U(NetConnectionEnum(NULL, L"", 0, &o.buf, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume),
               ERROR_INVALID_PARAMETER);
    untouched(&o);
}

static void invalid_server_names_are_nerr_invalid_computer(void) {
    struct outs o = poisoned();
    static const wchar_t *bad[] = {L"\\\\two words", L"\\\\a\\b", L"\\\\host:99999"};

    for (size_t i = 0; i < 3; i++) {
        LMSTR s = (LMSTR) bad[i];

        CHECK_EQ_U(NetFileEnum(s, NULL, NULL, 3, &o.buf, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume_ptr),
                   NERR_InvalidComputer);
        CHECK_EQ_U(NetFileGetInfo(s, 1, 2, &o.buf), NERR_InvalidComputer);
        CHECK_EQ_U(NetFileClose(s, 1), NERR_InvalidComputer);
        CHECK_EQ_U(NetConnectionEnum(s, L"share", 0, &o.buf, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume),
                   NERR_InvalidComputer);
        CHECK_EQ_U(NetShareEnum(s, 0, &o.buf, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume),
                   NERR_InvalidComputer);
        CHECK_EQ_U(NetWkstaUserEnum(s, 0, &o.buf, MAX_PREFERRED_LENGTH, &o.read, &o.total, &o.resume),
                   NERR_InvalidComputer);
    }
    untouched(&o);
}

TAP_MAIN(CASE(null_out_pointers_are_invalid_parameter), CASE(levels_windows_lacks_are_invalid_level),
         CASE(connection_enum_needs_a_qualifier), CASE(invalid_server_names_are_nerr_invalid_computer))
