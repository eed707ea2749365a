/*
 * The negative errno values with a fixed meaning across wtsnet's layers.
 * Only src/api/ turns them into Win32 codes, through one table
 * (src/api/win32_error.c); everything below api/ returns these.
 */
#ifndef WTSNET_COMMON_ERRORS_H
#define WTSNET_COMMON_ERRORS_H

#include <errno.h>

/*   -EINVAL       a malformed argument                → ERROR_INVALID_PARAMETER
 *   -ENOMEM                                           → ERROR_NOT_ENOUGH_MEMORY
 *   -EACCES/-EPERM the caller lacks the right         → ERROR_ACCESS_DENIED
 *   -ESRCH        no such session                     → ERROR_CTX_WINSTATION_NOT_FOUND
 *   -ESHUTDOWN    the session is being logged off     → ERROR_CTX_CLOSE_PENDING
 *   -ETIMEDOUT    a wait ran past its deadline        → ERROR_TIMEOUT
 *   -EOPNOTSUPP   no truthful answer exists here      → ERROR_NOT_SUPPORTED
 *   -ENOSYS       not implemented yet                 → ERROR_CALL_NOT_IMPLEMENTED
 *   -EBADF        not a live handle                   → ERROR_INVALID_HANDLE
 *   -EHOSTDOWN    the session service is unreachable  → RPC_S_SERVER_UNAVAILABLE
 *   -EILSEQ       text that is not valid Unicode      → ERROR_NO_UNICODE_TRANSLATION
 * The network stack (src/smb2, src/auth, src/rpc) adds:
 *   -ENETUNREACH  no SMB server answers at that name   → ERROR_BAD_NETPATH
 *   -EADDRNOTAVAIL not a valid server name             → NERR_InvalidComputer
 *   -EKEYREJECTED wrong user name or password          → ERROR_LOGON_FAILURE
 *   -ENXIO        no such share on the server          → ERROR_BAD_NET_NAME
 *   -ENOENT       no such pipe or file                 → ERROR_FILE_NOT_FOUND
 *   -EPROTO/-EBADMSG the peer broke the protocol       → RPC_S_PROTOCOL_ERROR
 *   -ECONNRESET   the connection ended mid-call        → RPC_S_SERVER_UNAVAILABLE
 *   -EBADE        the negotiation was tampered with: validate-negotiate, the
 *                 signed final SESSION_SETUP or 3.1.1 pre-auth integrity caught
 *                 a downgrade (docs/netapi.md)      → ERROR_ACCESS_DENIED
 * Kerberos (src/auth/krb5.c) adds, as Windows' Kerberos package reports them:
 *   -ETIME        clock skew too great (KRB_AP_ERR_SKEW) → ERROR_TIME_SKEW
 *   -ENOLINK      no KDC of the realm answers           → ERROR_NO_LOGON_SERVERS
 *   -ENOKEY       no credentials: no ticket, no password, no keytab
 *                                                     → ERROR_NOT_AUTHENTICATED
 *   -EKEYEXPIRED  the ticket has expired and nothing can renew it
 *                                                     → ERROR_NOT_AUTHENTICATED
 *   -EDESTADDRREQ no service principal for the server: unknown to the KDC,
 *                 or a server named by address       → ERROR_WRONG_TARGET_NAME
 *   -EREMOTEIO    an RPC fault or refused bind: its status travels beside the
 *                 error and win32_error_from_rpc_fault() maps it
 */
#define E_NO_SESSION ESRCH
#define E_CLOSE_PENDING ESHUTDOWN
#define E_UNREACHABLE EHOSTDOWN
#define E_BAD_NETPATH ENETUNREACH
#define E_INVALID_COMPUTER EADDRNOTAVAIL
#define E_LOGON_FAILURE EKEYREJECTED
#define E_RPC_FAULT EREMOTEIO
#define E_TAMPERED EBADE
#define E_TIME_SKEW ETIME
#define E_NO_LOGON_SERVERS ENOLINK
#define E_NOT_AUTHENTICATED ENOKEY
#define E_TICKET_EXPIRED EKEYEXPIRED
#define E_WRONG_TARGET EDESTADDRREQ

#endif
