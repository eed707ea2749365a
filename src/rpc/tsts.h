/*
 * MS-TSTS, the RD Session Host's session-management RPC (the remote Windows
 * path of the WTS calls): interfaces, opnums, and the NDR coders of the calls
 * wtsnet makes, written from the IDL of MS-TSTS appendix A. Coders are pure
 * (buffers in, plain C structs out, UTF-8) so that unit vectors and fuzz
 * targets reach them without a server; tsts_client.h makes the calls.
 *
 * Results are data: the LSM interfaces (TermSrvSession, TermSrvEnumeration,
 * TermSrvNotification) and RCMPublic answer an HRESULT; LegacyApi answers a
 * BOOLEAN plus an NTSTATUS in pResult. tsts_status_errno() is the one place
 * that turns either into wtsnet's errno meanings (common/errors.h).
 */
#ifndef WTSNET_RPC_TSTS_H
#define WTSNET_RPC_TSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cursor.h"
#include "rpc/dcerpc.h"

/* Interfaces (ms-tsts.md table; MS-TSTS 1.9) and their pipes. */
extern const struct rpc_syntax tsts_syntax_session;     /* TermSrvSession */
extern const struct rpc_syntax tsts_syntax_enumeration; /* TermSrvEnumeration */
extern const struct rpc_syntax tsts_syntax_rcm;         /* RCMPublic */
extern const struct rpc_syntax tsts_syntax_legacy;      /* LegacyApi */
#define TSTS_PIPE_LSM "LSM_API_service"
#define TSTS_PIPE_TERMSRV "TermSrv_API_service"
#define TSTS_PIPE_LEGACY "Ctx_WinStation_API_service"

/* Opnums (MS-TSTS 3.3.4, 3.5.4, 3.7.4). */
#define TSTS_OP_OPEN_SESSION 0           /* TermSrvSession */
#define TSTS_OP_CLOSE_SESSION 1
#define TSTS_OP_DISCONNECT 3
#define TSTS_OP_LOGOFF 4
#define TSTS_OP_GET_SESSION_INFORMATION_EX 17
#define TSTS_OP_GET_ALL_SESSIONS 10      /* TermSrvEnumeration */
#define TSTS_OP_GET_CLIENT_DATA 0        /* RCMPublic */
#define TSTS_OP_WS_OPEN_SERVER 0         /* LegacyApi */
#define TSTS_OP_WS_CLOSE_SERVER 1
#define TSTS_OP_WS_DISCONNECT 13
#define TSTS_OP_WS_SEND_MESSAGE 7
#define TSTS_OP_WS_RESET 14
#define TSTS_OP_WS_TERMINATE_PROCESS 37
#define TSTS_OP_WS_GET_ALL_PROCESSES 43

/* Results seen on the wire (ms-tsts.md "Quirks"). */
#define TSTS_LOGOFF_OK_QUIRK 0x10000000u /* RpcLogoff's success */
#define TSTS_HR_ACCESS_DENIED 0x80070005u
#define TSTS_HR_NOT_FOUND 0x80070002u
#define TSTS_STATUS_INVALID_CID 0xC000000Bu /* no such process (RpcWinStationTerminateProcess) */

/* WINSTATIONSTATECLASS: the order of WTS_CONNECTSTATE_CLASS (0 Active … 9 Init). */
#define TSTS_STATE_MAX 9u

/* A context handle (C706 / MS-RPCE 2.2.4.2: attributes + UUID). */
struct tsts_handle {
    uint8_t b[20];
};
bool tsts_handle_is_null(const struct tsts_handle *h);

/* RpcGetAllSessions level 2 (EXECENVDATA_LEVEL2, MS-TSTS 2.2.2.6.1.2). */
struct tsts_session {
    uint32_t id; /* AbsSessionId */
    uint32_t state;
    char name[100], host[100], user[100], domain[100]; /* WCHAR[33] each, UTF-8 */
};
struct tsts_session_list {
    struct tsts_session *v;
    size_t n;
};
void tsts_session_list_free(struct tsts_session_list *l);

/* LSM_SESSIONINFO_EX_LEVEL1 (MS-TSTS 2.2.2.11). Times: FILETIME as sent. */
struct tsts_session_info {
    uint32_t state;
    uint32_t flags; /* 0 locked, 1 unlocked, 0xFFFFFFFF unknown */
    char name[100], domain[60], user[70];
    uint64_t connect_time, disconnect_time, logon_time, last_input_time;
};

/* The parts of WINSTATIONCLIENT (MS-TSTS 2.2.2.19, its C layout, 2296 bytes) the WTS calls use. */
struct tsts_client {
    char name[70];
    uint32_t address_family; /* AF_* of Windows: 2 inet, 23 inet6, 0 none */
    char address[100];
    uint16_t hres, vres, color_depth, protocol;
    uint32_t build;
};
#define TSTS_WINSTATIONCLIENT_SIZE 2296u

/* ---- requests (stubs) ---- */
int tsts_req_get_all_sessions(struct buf *b, uint32_t level);
int tsts_req_session_id(struct buf *b, uint32_t id); /* RpcOpenSession, RpcGetClientData */
int tsts_req_get_session_information_ex(struct buf *b, uint32_t id, uint32_t level);
int tsts_req_handle(struct buf *b, const struct tsts_handle *h); /* Close/Logoff/Disconnect, CloseServer */
/* RpcWinStationReset / RpcWinStationDisconnect: (hServer, LogonId, BOOLEAN bWait). */
int tsts_req_ws_session(struct buf *b, const struct tsts_handle *server, uint32_t id, bool wait);
/* RpcWinStationTerminateProcess: (hServer, ProcessId, ExitCode). */
int tsts_req_ws_terminate(struct buf *b, const struct tsts_handle *server, uint32_t pid, uint32_t exit_code);

/*
 * RpcWinStationSendMessage(hServer, LogonId, [in, size_is(TitleLength)] PWCHAR
 * pTitle, [in, range(0,1024)] ULONG TitleLength, [in, size_is(MessageLength)]
 * PWCHAR pMessage, ULONG MessageLength, DWORD Style, DWORD Timeout, [out]
 * DWORD* pResponse, [in] BOOLEAN DoNotWait). The texts are [ref] conformant
 * WCHAR arrays (no referent, no terminator) whose lengths count WCHARs, as
 * size_is says. -EINVAL beyond the IDL's range of 1024.
 */
int tsts_req_ws_send_message(struct buf *b, const struct tsts_handle *server, uint32_t id, const char *title,
                             const char *message, uint32_t style, uint32_t timeout_sec, bool do_not_wait);
/* Its reply: pResult, pResponse (IDOK … IDASYNC 32001, IDTIMEOUT 32000), BOOLEAN. */
int tsts_decode_ws_send_message(const uint8_t *p, size_t len, uint32_t *ret_response, uint32_t *ret_status);

/*
 * RpcWinStationGetAllProcesses (LegacyApi opnum 43, MS-TSTS 3.7.4.1.21):
 * ([in] SERVER_HANDLE hServer, [out] DWORD* pResult, [in] ULONG Level (0),
 * [in, out] BOUNDED_ULONG* pNumberOfProcesses (range 0..0x8000: how many we
 * take), [out, size_is(,*pNumberOfProcesses)] PTS_ALL_PROCESSES_INFO*).
 * Each TS_ALL_PROCESSES_INFO (2.2.2.15) points to a TS_SYS_PROCESS_INFORMATION
 * (2.2.2.15.1; its SIZE_T members are __int3264: 4 octets in NDR) and to the
 * process's SID.
 */
#define TSTS_MAX_PROCESSES 0x8000u
#define TSTS_SID_MAX 68u /* revision, count, authority, 15 sub-authorities */
struct tsts_process {
    uint32_t pid, session, threads, handles;
    char name[784]; /* ImageName, at most 260 WCHARs, UTF-8 */
    uint64_t user_time, kernel_time; /* LARGE_INTEGER as sent */
    uint32_t vm, vm_peak, ws, ws_peak, pagefile, pagefile_peak; /* SIZE_T/ULONG on the wire: 32 bits */
    uint8_t sid[TSTS_SID_MAX];
    uint8_t sid_len; /* 0: none sent */
};
struct tsts_process_list {
    struct tsts_process *v;
    size_t n;
};
void tsts_process_list_free(struct tsts_process_list *l);
int tsts_req_ws_get_all_processes(struct buf *b, const struct tsts_handle *server, uint32_t max);
int tsts_decode_ws_get_all_processes(const uint8_t *p, size_t len, struct tsts_process_list *ret,
                                     uint32_t *ret_status);

/* ---- replies: 0 with the call's HRESULT/NTSTATUS in *ret_status, or -EBADMSG ---- */
int tsts_decode_get_all_sessions(const uint8_t *p, size_t len, struct tsts_session_list *ret, uint32_t *ret_status);
int tsts_decode_session_information_ex(const uint8_t *p, size_t len, struct tsts_session_info *ret,
                                       uint32_t *ret_status);
/* RpcOpenSession: the handle, then the HRESULT. */
int tsts_decode_handle_hresult(const uint8_t *p, size_t len, struct tsts_handle *ret, uint32_t *ret_status);
/* RpcCloseSession: the zeroed [in,out] handle, then the HRESULT (ms-tsts.md). */
int tsts_decode_close(const uint8_t *p, size_t len, uint32_t *ret_status);
/* A bare HRESULT (RpcLogoff, RpcDisconnect). */
int tsts_decode_hresult(const uint8_t *p, size_t len, uint32_t *ret_status);
/* RpcGetClientData: the WINSTATIONCLIENT bytes, their length, the HRESULT. */
int tsts_decode_client_data(const uint8_t *p, size_t len, struct tsts_client *ret, uint32_t *ret_status);
/* WINSTATIONCLIENT's C layout alone (shared with the decoder above). */
int tsts_parse_winstationclient(const uint8_t *p, size_t len, struct tsts_client *ret);
/* RpcWinStationOpenServer: pResult, the server handle, BOOLEAN. */
int tsts_decode_ws_open_server(const uint8_t *p, size_t len, struct tsts_handle *ret, uint32_t *ret_status);
/* Every other LegacyApi call we make: pResult then BOOLEAN. *ret_status is
 * pResult, or STATUS_UNSUCCESSFUL when the BOOLEAN is FALSE with pResult 0. */
int tsts_decode_ws_result(const uint8_t *p, size_t len, uint32_t *ret_status);

/* HRESULT or NTSTATUS → 0 or a negative errno (common/errors.h). Unknown
 * failures are -EPROTO's cousin -EREMOTEIO, never a crash or a success. */
int tsts_status_errno(uint32_t status);

/* FILETIME → µs since the Unix epoch; 0 for 0, before 1970 or past 9999 (out of range). */
uint64_t tsts_filetime_to_usec(uint64_t ft);

#endif
