/*
 * MS-TSTS coders (src/rpc/tsts_lsm.c, tsts_winsta.c) against vectors built by
 * hand from the IDL of MS-TSTS appendix A: every offset below was counted
 * from the IDL (NDR 2.0 alignment), not taken from the decoder.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/tsts.h"
#include "tap.h"

static const struct tsts_handle handle = {{0x00, 0x00, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                           0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01}};

/* Writes ASCII text as UTF-16LE at off (the rest of the WCHAR array stays zero). */
static void put_w(uint8_t *p, size_t off, const char *s) {
    for (size_t i = 0; s[i]; i++)
        p[off + 2 * i] = (uint8_t) s[i];
}

static bool bytes_are(const struct buf *b, const char *hex) {
    size_t n = strlen(hex) / 2;

    if (b->len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        char two[3] = {hex[2 * i], hex[2 * i + 1], 0};

        v = (unsigned) strtoul(two, NULL, 16);
        if (b->data[i] != v)
            return false;
    }
    return true;
}

static void requests_are_the_idl_fields_only(void) {
    struct buf b;

    buf_init(&b);
    CHECK(tsts_req_get_all_sessions(&b, 2) == 0 && bytes_are(&b, "02000000")); /* [in,out] ULONG* pLevel */
    buf_free(&b);
    buf_init(&b);
    CHECK(tsts_req_get_session_information_ex(&b, 5, 1) == 0 && bytes_are(&b, "0500000001000000"));
    buf_free(&b);
    buf_init(&b);
    CHECK(tsts_req_session_id(&b, 0x10203) == 0 && bytes_are(&b, "03020100")); /* RpcGetClientData */
    buf_free(&b);
    buf_init(&b);
    /* RpcWinStationReset(hServer, LogonId 7, BOOLEAN bWait TRUE): 20 + 4 + 1 bytes */
    CHECK(tsts_req_ws_session(&b, &handle, 7, true) == 0 &&
          bytes_are(&b, "00000000112233445566778899aabbccddeeff01" "07000000" "01"));
    buf_free(&b);
    buf_init(&b);
    CHECK(tsts_req_ws_session(&b, &handle, 7, false) == 0 && b.len == 25 && b.data[24] == 0);
    buf_free(&b);
    buf_init(&b);
    /* RpcWinStationTerminateProcess(hServer, ProcessId 1234, ExitCode 1) */
    CHECK(tsts_req_ws_terminate(&b, &handle, 1234, 1) == 0 &&
          bytes_are(&b, "00000000112233445566778899aabbccddeeff01" "d2040000" "01000000"));
    buf_free(&b);
}

/* RpcGetAllSessions, level 2, n entries (372 bytes for one):
 * 0 pLevel, 4 referent, 8 max_count, then per entry (344 + 8 bytes):
 * +0 Level, +4 union tag, +8 ExecEnvId, +12 State, +16 SessionName[33] (66),
 * +82 pad 2, +84 AbsSessionId, +88 HostName[33], +154 UserName[33],
 * +220 DomainName[33], +286 FarmName[33], +352 next; then pcEntries, HRESULT. */
#define ENTRY 352u
static uint8_t *all_sessions_vector(size_t n, size_t *ret_len) {
    size_t len = 12 + n * ENTRY + 8;
    uint8_t *p = calloc(1, len);

    put_le32(p, 2);
    put_le32(p + 4, 0x00020000);
    put_le32(p + 8, (uint32_t) n);
    for (size_t i = 0; i < n; i++) {
        uint8_t *e = p + 12 + i * ENTRY;

        put_le32(e, 2);
        put_le32(e + 4, 2);
        put_le32(e + 8, (uint32_t) (40 + i));
        put_le32(e + 12, i == 0 ? 0 : 4); /* Active, Disconnected */
        put_w(e, 16, i == 0 ? "RDP-Tcp#1" : "");
        e[82] = 0xaa, e[83] = 0x55; /* padding: never checked */
        put_le32(e + 84, (uint32_t) (i + 1));
        put_w(e, 88, "HOST");
        put_w(e, 154, i == 0 ? "alice" : "bob");
        put_w(e, 220, "CORP");
    }
    put_le32(p + 12 + n * ENTRY, (uint32_t) n);
    put_le32(p + 12 + n * ENTRY + 4, 0);
    *ret_len = len;
    return p;
}

static void get_all_sessions_reads_level_2(void) {
    struct tsts_session_list l = {0};
    uint32_t st = 99;
    size_t len;
    uint8_t *p = all_sessions_vector(2, &len);

    CHECK_EQ_U(len, 12 + 2 * 352 + 8);
    REQUIRE(tsts_decode_get_all_sessions(p, len, &l, &st) == 0);
    CHECK_EQ_U(st, 0);
    REQUIRE(l.n == 2);
    CHECK_EQ_U(l.v[0].id, 1); /* AbsSessionId, not ExecEnvId */
    CHECK_EQ_U(l.v[0].state, 0);
    CHECK_STREQ(l.v[0].name, "RDP-Tcp#1");
    CHECK_STREQ(l.v[0].user, "alice");
    CHECK_STREQ(l.v[0].domain, "CORP");
    CHECK_STREQ(l.v[0].host, "HOST");
    CHECK_EQ_U(l.v[1].id, 2);
    CHECK_EQ_U(l.v[1].state, 4);
    CHECK_STREQ(l.v[1].name, "");
    CHECK_STREQ(l.v[1].user, "bob");
    tsts_session_list_free(&l);
    free(p);
}

static void get_all_sessions_hostile_answers_fail(void) {
    struct tsts_session_list l = {0};
    uint32_t st;
    size_t len;
    uint8_t *p = all_sessions_vector(2, &len);

    for (size_t cut = 0; cut < len; cut++)
        if (tsts_decode_get_all_sessions(p, cut, &l, &st) == 0) {
            TAP_FAIL("decoded a stub cut at %zu of %zu", cut, len);
            tsts_session_list_free(&l);
        }
    put_le32(p + 8, 0x40000000); /* a billion entries in 700 bytes */
    CHECK(tsts_decode_get_all_sessions(p, len, &l, &st) < 0);
    put_le32(p + 8, 2);
    put_le32(p + 12 + 2 * ENTRY, 3); /* pcEntries disagrees with the array */
    CHECK(tsts_decode_get_all_sessions(p, len, &l, &st) < 0);
    put_le32(p + 12 + 2 * ENTRY, 2);
    put_le32(p + 12 + 4, 1); /* a level-1 arm where level 2 was asked for */
    CHECK(tsts_decode_get_all_sessions(p, len, &l, &st) < 0);
    free(p);
}

/* RpcGetSessionInformationEx level 1 (204 bytes): 0 Level, 4 tag, 8 State,
 * 12 SessionFlags, 16 SessionName[33], 82 DomainName[18], 118 UserName[21],
 * 160 ConnectTime, 168 DisconnectTime, 176 LogonTime, 184 LastInputTime,
 * 192 ProtocolDataSize, 196 ProtocolData (unique), 200 HRESULT. */
static void session_information_ex_reads_level_1(void) {
    uint8_t p[204 + 8] = {0};
    struct tsts_session_info i;
    uint32_t st = 99;

    put_le32(p, 1);
    put_le32(p + 4, 1);
    put_le32(p + 8, 4);
    put_le32(p + 12, 0); /* WTS_SESSIONSTATE_LOCK */
    put_w(p, 16, "RDP-Tcp#2");
    put_w(p, 82, "CORP");
    put_w(p, 118, "carol");
    put_le64(p + 160, UINT64_C(133000000100000000));
    put_le64(p + 176, UINT64_C(133000000000000000));
    put_le64(p + 184, UINT64_C(18000000000000000000)); /* out of range */
    put_le32(p + 200, 0);
    REQUIRE(tsts_decode_session_information_ex(p, 204, &i, &st) == 0);
    CHECK_EQ_U(st, 0);
    CHECK_EQ_U(i.state, 4);
    CHECK_EQ_U(i.flags, 0);
    CHECK_STREQ(i.name, "RDP-Tcp#2");
    CHECK_STREQ(i.domain, "CORP");
    CHECK_STREQ(i.user, "carol");
    CHECK_EQ_U(tsts_filetime_to_usec(i.logon_time), UINT64_C(1655526400000000)); /* 2022-06-18T04:26:40Z */
    CHECK_EQ_U(tsts_filetime_to_usec(i.connect_time), UINT64_C(1655526410000000));
    CHECK_EQ_U(tsts_filetime_to_usec(i.last_input_time), 0); /* out of range: unknown, not year 58000 */
    CHECK_EQ_U(tsts_filetime_to_usec(0), 0);
    CHECK_EQ_U(tsts_filetime_to_usec(UINT64_C(100)), 0); /* before 1970: unknown */
    /* With ProtocolData: a deferred conformant byte array after the struct. */
    put_le32(p + 192, 3);
    put_le32(p + 196, 0x00020000);
    put_le32(p + 200, 3);
    p[204] = 1, p[205] = 2, p[206] = 3;
    put_le32(p + 208, 0x80070005);
    REQUIRE(tsts_decode_session_information_ex(p, 212, &i, &st) == 0);
    CHECK_EQ_U(st, 0x80070005);
    put_le32(p + 200, 4); /* max_count disagrees with ProtocolDataSize */
    CHECK(tsts_decode_session_information_ex(p, 212, &i, &st) < 0);
    for (size_t cut = 0; cut < 204; cut++)
        if (tsts_decode_session_information_ex(p, cut, &i, &st) == 0 && st == 0)
            TAP_FAIL("decoded a successful answer cut at %zu", cut);
}

/* RpcGetClientData: 0 referent, 4 max_count 2296, 8 WINSTATIONCLIENT (C
 * layout: +4 ClientName[21], +1192 ClientAddressFamily, +1196
 * ClientAddress[31], +1258 HRes, VRes, ColorDepth, ProtocolType, +2012
 * ClientBuildNumber), 2304 *pOutBuffByteLen, 2308 HRESULT. */
static void client_data_reads_winstationclient(void) {
    static uint8_t p[2312];
    struct tsts_client c;
    uint32_t st = 99;

    memset(p, 0, sizeof(p));
    put_le32(p, 0x00020000);
    put_le32(p + 4, 2296);
    put_w(p + 8, 4, "LAPTOP7");
    put_le32(p + 8 + 1192, 2);
    put_w(p + 8, 1196, "192.0.2.44");
    put_le16(p + 8 + 1258, 1920);
    put_le16(p + 8 + 1260, 1080);
    put_le16(p + 8 + 1262, 24);
    put_le16(p + 8 + 1264, 2);
    put_le32(p + 8 + 2012, 22621);
    put_le32(p + 2304, 2296);
    REQUIRE(tsts_decode_client_data(p, sizeof(p), &c, &st) == 0);
    CHECK_EQ_U(st, 0);
    CHECK_STREQ(c.name, "LAPTOP7");
    CHECK_EQ_U(c.address_family, 2);
    CHECK_STREQ(c.address, "192.0.2.44");
    CHECK_EQ_U(c.hres, 1920);
    CHECK_EQ_U(c.vres, 1080);
    CHECK_EQ_U(c.color_depth, 24);
    CHECK_EQ_U(c.protocol, 2);
    CHECK_EQ_U(c.build, 22621);
    put_le32(p + 2304, 100); /* the length disagrees with the array */
    CHECK(tsts_decode_client_data(p, sizeof(p), &c, &st) < 0);
    put_le32(p + 4, 100); /* shorter than a WINSTATIONCLIENT */
    put_le32(p + 8 + 100, 100);
    CHECK(tsts_decode_client_data(p, 8 + 100 + 8, &c, &st) < 0);
    /* A failure: NULL buffer, 0, the HRESULT. */
    {
        uint8_t f[12] = {0};

        put_le32(f + 8, 0x80070002);
        REQUIRE(tsts_decode_client_data(f, sizeof(f), &c, &st) == 0);
        CHECK_EQ_U(st, 0x80070002);
        CHECK_EQ_I(tsts_status_errno(st), -ESRCH);
    }
}

static void legacy_api_answers_boolean_and_presult(void) {
    uint8_t open[25] = {0}, res[5] = {0};
    struct tsts_handle h;
    uint32_t st = 99;

    /* RpcWinStationOpenServer: 0 pResult, 4 SERVER_HANDLE (20), 24 BOOLEAN */
    memcpy(open + 4, handle.b, 20);
    open[24] = 1;
    REQUIRE(tsts_decode_ws_open_server(open, sizeof(open), &h, &st) == 0);
    CHECK(st == 0 && memcmp(h.b, handle.b, 20) == 0);
    open[24] = 0;
    put_le32(open, 0xC0000022);
    REQUIRE(tsts_decode_ws_open_server(open, sizeof(open), &h, &st) == 0);
    CHECK_EQ_U(st, 0xC0000022);
    CHECK(tsts_decode_ws_open_server(open, 24, &h, &st) < 0);
    /* Reset/Disconnect/Terminate: 0 pResult, 4 BOOLEAN */
    res[4] = 1;
    REQUIRE(tsts_decode_ws_result(res, sizeof(res), &st) == 0);
    CHECK_EQ_U(st, 0);
    res[4] = 0; /* FALSE with pResult 0 is still a failure */
    REQUIRE(tsts_decode_ws_result(res, sizeof(res), &st) == 0);
    CHECK(st != 0 && tsts_status_errno(st) < 0);
    put_le32(res, 0xC00A0015);
    REQUIRE(tsts_decode_ws_result(res, sizeof(res), &st) == 0);
    CHECK_EQ_I(tsts_status_errno(st), -ESRCH);
    res[4] = 1; /* TRUE with a failure: contradictory */
    CHECK(tsts_decode_ws_result(res, sizeof(res), &st) < 0);
    CHECK(tsts_decode_ws_result(res, 4, &st) < 0);
}

static void results_map_as_windows_callers_see_them(void) {
    CHECK_EQ_I(tsts_status_errno(0), 0);
    CHECK_EQ_I(tsts_status_errno(0x10000000), 0); /* RpcLogoff's success */
    CHECK_EQ_I(tsts_status_errno(0x80070005), -EACCES);
    CHECK_EQ_I(tsts_status_errno(0xC0000022), -EACCES);
    CHECK_EQ_I(tsts_status_errno(0x80070002), -ESRCH);
    CHECK_EQ_I(tsts_status_errno(0xC00A0015), -ESRCH);
    CHECK_EQ_I(tsts_status_errno(0x8000FFFF), -EREMOTEIO); /* unknown: a failure, as data */
    CHECK_EQ_I(tsts_status_errno(1), -EREMOTEIO);          /* RpcConnect's 1 is not read as success here */
}

static void send_message_request_and_reply(void) {
    struct buf b;
    uint8_t rep[9] = {0};
    uint32_t response = 0, st = 99;

    buf_init(&b);
    /* hServer (20), LogonId 2, pTitle: max_count 2 + "Hi" (4 bytes), TitleLength 2,
     * pMessage: max_count 3 + "Bye" (6) + 2 pad, MessageLength 3, Style 0x40,
     * Timeout 30, DoNotWait FALSE */
    CHECK(tsts_req_ws_send_message(&b, &handle, 2, "Hi", "Bye", 0x40, 30, false) == 0 &&
          bytes_are(&b, "00000000112233445566778899aabbccddeeff01" "02000000" "02000000" "48006900" "02000000"
                        "03000000" "420079006500" "0000" "03000000" "40000000" "1e000000" "00"));
    buf_free(&b);
    {
        char big[1100];

        memset(big, 'x', 1025);
        big[1025] = '\0';
        buf_init(&b);
        CHECK(tsts_req_ws_send_message(&b, &handle, 2, "t", big, 0, 0, true) == -EINVAL); /* [range(0, 1024)] */
        buf_free(&b);
    }
    /* pResult, pResponse (IDASYNC 32001), BOOLEAN */
    put_le32(rep + 4, 32001);
    rep[8] = 1;
    REQUIRE(tsts_decode_ws_send_message(rep, sizeof(rep), &response, &st) == 0);
    CHECK(st == 0 && response == 32001);
    CHECK(tsts_decode_ws_send_message(rep, 8, &response, &st) < 0);
}

static void bare_hresult_and_close(void) {
    uint8_t p[24] = {0};
    uint32_t st = 99;

    put_le32(p, 0x10000000);
    REQUIRE(tsts_decode_hresult(p, 4, &st) == 0);
    CHECK_EQ_U(st, 0x10000000);
    CHECK(tsts_decode_hresult(p, 3, &st) < 0);
    /* RpcCloseSession: the zeroed [in,out] handle, then the HRESULT */
    put_le32(p, 0);
    put_le32(p + 20, 0);
    REQUIRE(tsts_decode_close(p, 24, &st) == 0);
    CHECK_EQ_U(st, 0);
    CHECK(tsts_decode_close(p, 20, &st) < 0);
}

/*
 * RpcWinStationGetAllProcesses (opnum 43). Request: hServer (20), Level 0,
 * *pNumberOfProcesses 0x8000 (BOUNDED_ULONG's top). Reply with two processes
 * (401 bytes), counted from the IDL (SIZE_T is __int3264: 4 octets in NDR):
 *   0 pResult, 4 *pNumberOfProcesses 2, 8 referent, 12 max_count 2,
 *   16 [0] {pTsProcessInfo ref, SizeOfSid 28, pSid ref}, 28 [1] {ref, 0, NULL},
 *   then the deferred pointees, element by element, each depth first:
 *   40 [0] TS_SYS_PROCESS_INFORMATION (8-aligned, 136 bytes): +4 NumberOfThreads,
 *      +40 UserTime, +48 KernelTime, +56 ImageName {Length 22, MaximumLength 24,
 *      +60 Buffer ref}, +68 UniqueProcessId, +76 HandleCount, +80 SessionId,
 *      +88 PeakVirtualSize, +92 VirtualSize, +100 PeakWorkingSetSize,
 *      +104 WorkingSetSize, +124 PagefileUsage, +128 PeakPagefileUsage;
 *   176 its ImageName buffer: max_count 24, offset 0, actual_count 22 (the
 *      byte lengths as WCHAR counts, ms-tsts.md), 22 WCHARs "notepad.exe" + NULs;
 *   232 [0]'s SID: max_count 28, S-1-5-21-1-2-3-1001 (28 bytes);
 *   264 [1] TS_SYS_PROCESS_INFORMATION, no name; 400 BOOLEAN TRUE.
 */
#define PROCS_LEN 401u
static void all_processes_vector(uint8_t *p) {
    static const uint8_t sid[28] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0,
                                    2, 0, 0, 0, 3, 0, 0, 0, 0xe9, 3, 0, 0};

    memset(p, 0, PROCS_LEN);
    put_le32(p + 4, 2);
    put_le32(p + 8, 0x00020000);
    put_le32(p + 12, 2);
    put_le32(p + 16, 0x00020004);
    put_le32(p + 20, 28);
    put_le32(p + 24, 0x00020008);
    put_le32(p + 28, 0x0002000c);
    put_le32(p + 40 + 4, 3);
    put_le64(p + 40 + 40, 1500000);
    put_le64(p + 40 + 48, 250000);
    put_le16(p + 40 + 56, 22);
    put_le16(p + 40 + 58, 24);
    put_le32(p + 40 + 60, 0x00020010);
    put_le32(p + 40 + 64, 8); /* BasePriority */
    put_le32(p + 40 + 68, 4242);
    put_le32(p + 40 + 72, 600); /* InheritedFromUniqueProcessId */
    put_le32(p + 40 + 76, 77);
    put_le32(p + 40 + 80, 2);
    put_le32(p + 40 + 88, 9000000);
    put_le32(p + 40 + 92, 8000000);
    put_le32(p + 40 + 100, 7000000);
    put_le32(p + 40 + 104, 6000000);
    put_le32(p + 40 + 124, 5000000);
    put_le32(p + 40 + 128, 5500000);
    put_le32(p + 176, 24);
    put_le32(p + 184, 22);
    put_w(p, 188, "notepad.exe");
    put_le32(p + 232, 28);
    memcpy(p + 236, sid, sizeof(sid));
    put_le32(p + 264 + 4, 1);
    put_le32(p + 264 + 68, 4);
    put_le32(p + 264 + 80, 0);
    p[400] = 1;
}

static void get_all_processes_request_and_reply(void) {
    static uint8_t p[PROCS_LEN + 8];
    struct tsts_process_list l = {0};
    struct buf b;
    uint32_t st = 99;

    buf_init(&b);
    CHECK(tsts_req_ws_get_all_processes(&b, &handle, 0x8000) == 0 &&
          bytes_are(&b, "00000000112233445566778899aabbccddeeff01" "00000000" "00800000"));
    buf_free(&b);
    buf_init(&b);
    CHECK(tsts_req_ws_get_all_processes(&b, &handle, 0x8001) == -EINVAL); /* [range(0, 0x8000)] */
    buf_free(&b);

    all_processes_vector(p);
    REQUIRE(tsts_decode_ws_get_all_processes(p, PROCS_LEN, &l, &st) == 0);
    CHECK_EQ_U(st, 0);
    REQUIRE(l.n == 2);
    CHECK_EQ_U(l.v[0].pid, 4242);
    CHECK_EQ_U(l.v[0].session, 2);
    CHECK_STREQ(l.v[0].name, "notepad.exe"); /* Length / 2 units, not the 22 sent */
    CHECK_EQ_U(l.v[0].threads, 3);
    CHECK_EQ_U(l.v[0].handles, 77);
    CHECK_EQ_U(l.v[0].user_time, 1500000);
    CHECK_EQ_U(l.v[0].kernel_time, 250000);
    CHECK_EQ_U(l.v[0].vm_peak, 9000000);
    CHECK_EQ_U(l.v[0].vm, 8000000);
    CHECK_EQ_U(l.v[0].ws_peak, 7000000);
    CHECK_EQ_U(l.v[0].ws, 6000000);
    CHECK_EQ_U(l.v[0].pagefile, 5000000);
    CHECK_EQ_U(l.v[0].pagefile_peak, 5500000);
    CHECK(l.v[0].sid_len == 28 && l.v[0].sid[8] == 21 && l.v[0].sid[24] == 0xe9);
    CHECK_EQ_U(l.v[1].pid, 4);
    CHECK_EQ_U(l.v[1].session, 0);
    CHECK_STREQ(l.v[1].name, "");
    CHECK_EQ_U(l.v[1].sid_len, 0);
    tsts_process_list_free(&l);

    for (size_t cut = 0; cut < PROCS_LEN; cut++)
        if (tsts_decode_ws_get_all_processes(p, cut, &l, &st) == 0) {
            TAP_FAIL("decoded a stub cut at %zu of %u", cut, PROCS_LEN);
            tsts_process_list_free(&l);
        }
    put_le32(p + 4, 3); /* *pNumberOfProcesses disagrees with the array */
    CHECK(tsts_decode_ws_get_all_processes(p, PROCS_LEN, &l, &st) < 0);
    put_le32(p + 4, 2);
    put_le32(p + 232, 27); /* the SID's count disagrees with SizeOfSid */
    CHECK(tsts_decode_ws_get_all_processes(p, PROCS_LEN, &l, &st) < 0);
    put_le32(p + 232, 28);
    put_le32(p + 184, 25); /* actual_count beyond max_count */
    CHECK(tsts_decode_ws_get_all_processes(p, PROCS_LEN, &l, &st) < 0);
    put_le32(p + 184, 22);
    put_le32(p + 12, 0x7fffffff); /* two billion entries in 400 bytes */
    put_le32(p + 4, 0x7fffffff);
    CHECK(tsts_decode_ws_get_all_processes(p, PROCS_LEN, &l, &st) < 0);
    /* A refusal: pResult STATUS_ACCESS_DENIED, 0, NULL, FALSE. */
    {
        uint8_t f[13] = {0};

        put_le32(f, 0xC0000022);
        REQUIRE(tsts_decode_ws_get_all_processes(f, sizeof(f), &l, &st) == 0);
        CHECK(st == 0xC0000022 && l.n == 0 && tsts_status_errno(st) == -EACCES);
    }
    CHECK_EQ_I(tsts_status_errno(0xC000000B), -ESRCH); /* STATUS_INVALID_CID: no such process */
}

TAP_MAIN(CASE(requests_are_the_idl_fields_only), CASE(get_all_sessions_reads_level_2),
         CASE(get_all_sessions_hostile_answers_fail), CASE(session_information_ex_reads_level_1),
         CASE(client_data_reads_winstationclient), CASE(legacy_api_answers_boolean_and_presult),
         CASE(results_map_as_windows_callers_see_them), CASE(bare_hresult_and_close),
         CASE(send_message_request_and_reply), CASE(get_all_processes_request_and_reply))
