#!/usr/bin/env python3
"""A TEST DOUBLE of a Windows RD Session Host, for tests/suites/65-tsts.sh.

No Windows server can be had here, so this stands in for one: impacket's SMB
server (Debian's python3-impacket), requiring an NTLM logon, serves the three
MS-TSTS pipes -- \\pipe\\LSM_API_service (TermSrvSession, TermSrvEnumeration),
\\pipe\\TermSrv_API_service (RCMPublic) and \\pipe\\Ctx_WinStation_API_service
(LegacyApi) -- through impacket's DCE/RPC server machinery. The reply
structures are packed here from the IDL of MS-TSTS appendix A (section
numbers beside each), independently of wtsnet's C coders.

What it cannot prove: impacket's DCE/RPC server takes no authenticated bind,
so the pipes are bound at no authentication level (the SMB session itself is
NTLM-authenticated); packet privacy is proven against Samba by the rpc-auth
suite. It is also not Windows: wire details the IDL leaves open are only as
right as our reading of the IDL.

The test controls the session table (a JSON file, re-read whenever it
changes) and reads what was done in a JSON-lines record:
  table: {"sessions": [{"id", "state", "name", "user", "domain", "client",
          "address", "hres", "vres", "depth", "build", "protocol",
          "logon", "connect", "disconnect", "last_input" (FILETIMEs),
          "flags" (0 locked, 1 unlocked), "deny" (access denied),
          "logoff_ms" (how long a logoff takes)}]}
          "answer" (the button its user chooses for a message: 1 IDOK by default,
          32000 IDTIMEOUT for none)}],
          "processes": [{"pid", "session", "name", "sid" ("S-1-5-…"), "threads",
          "handles", "deny" (may not be ended)}],
          "reorder": answer pipelined calls last first}
  record: {"op": "logoff"|"disconnect"|"kill"|"message", ...}

usage: tsts_double.py --port P --user U --password PW --table F --record F [--ready F]
"""
import argparse
import hashlib
import hmac
import json
import os
import select
import socket
import struct
import sys
import threading
import time

from impacket import nt_errors, ntlm, smbserver
from impacket.dcerpc.v5 import rpcrt
from impacket.smb3structs import SMB2Error
from impacket.uuid import uuidtup_to_bin

# 1.9 / appendix A: interfaces, version 1.0
SESSION = ('484809d6-4239-471b-b5bc-61df8c23ac48', '1.0')
ENUMERATION = ('88143fd0-c28d-4b2b-8fef-8d882f6a9390', '1.0')
RCMPUBLIC = ('bde95fdf-eee0-45de-9e12-e5a61cd0d4fe', '1.0')
LEGACY = ('5ca4a760-ebb1-11cf-8611-00a0245420ed', '1.0')

S_OK = 0
E_ACCESSDENIED = 0x80070005
HR_NOT_FOUND = 0x80070002            # what Windows answers for an unknown session
STATUS_ACCESS_DENIED = 0xC0000022
STATUS_CTX_WINSTATION_NOT_FOUND = 0xC00A0015
STATUS_INVALID_CID = 0xC000000B      # no such process
STATUS_INVALID_PARAMETER = 0xC000000D
STATE_DISCONNECTED, STATE_DOWN = 4, 8
PFC_CONC_MPX = 0x10                  # C706 12.6.3.1: concurrent multiplexing


class Ndr:
    """NDR 2.0, little endian: what the replies need."""

    def __init__(self):
        self.b = bytearray()

    def align(self, n):
        while len(self.b) % n:
            self.b += b'\xaa'  # padding is not guaranteed zero on the wire: make sure nobody checks it

    def u8(self, v):
        self.b += struct.pack('<B', v)

    def u16(self, v):
        self.align(2)
        self.b += struct.pack('<H', v)

    def u32(self, v):
        self.align(4)
        self.b += struct.pack('<L', v & 0xffffffff)

    def u64(self, v):
        self.align(8)
        self.b += struct.pack('<Q', v)

    def wchars(self, text, units):
        """WCHAR name[units]: NUL-terminated, zero-filled."""
        raw = (text or '').encode('utf-16-le')[:2 * (units - 1)]
        self.align(2)
        self.b += raw + b'\0' * (2 * units - len(raw))

    def raw(self, data):
        self.b += data


class Host:
    """The session table and the record, shared by every pipe."""

    def __init__(self, table, record):
        self.table_path, self.record_path = table, record
        self.lock = threading.Lock()
        self.stamp = None
        self.sessions = {}
        self.processes = {}
        self.reorder_flag = False
        self.handles = 0

    def reload(self):
        st = os.stat(self.table_path)
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp != self.stamp:
            with open(self.table_path) as f:
                data = json.load(f)
            self.sessions = {int(s['id']): dict(s) for s in data['sessions']}
            self.processes = {int(p['pid']): dict(p) for p in data.get('processes', [])}
            self.reorder_flag = data.get('reorder', False)
            self.stamp = stamp

    def get(self, sid):
        with self.lock:
            self.reload()
            s = self.sessions.get(sid)
            return dict(s) if s else None

    def all(self):
        with self.lock:
            self.reload()
            return [dict(self.sessions[k]) for k in sorted(self.sessions)]

    def reorder(self):
        with self.lock:
            self.reload()
            return bool(self.reorder_flag)

    def all_processes(self):
        with self.lock:
            self.reload()
            return [dict(self.processes[k]) for k in sorted(self.processes)]

    def end_process(self, pid):
        """STATUS_INVALID_CID, STATUS_ACCESS_DENIED, or 0 and the process is gone."""
        with self.lock:
            self.reload()
            p = self.processes.get(pid)
            if p is None:
                return STATUS_INVALID_CID
            if p.get('deny'):
                return STATUS_ACCESS_DENIED
            del self.processes[pid]
            return 0

    def record(self, **what):
        with self.lock:
            with open(self.record_path, 'a') as f:
                f.write(json.dumps(what) + '\n')

    def set_state(self, sid, state):
        with self.lock:
            if sid in self.sessions:
                self.sessions[sid]['state'] = state

    def remove(self, sid):
        with self.lock:
            self.sessions.pop(sid, None)

    def new_handle(self):
        with self.lock:
            self.handles += 1
            return struct.pack('<L', 0) + struct.pack('<L', self.handles) + b'TSTSDBL!' + struct.pack('<L', 0x5453)


HOST = None


# ---- TermSrvEnumeration (3.3.4.3) ----

def rpc_get_all_sessions(stub):
    """RpcGetAllSessions([in,out] ULONG* pLevel, [out, size_is(,*pcEntries)] PEXECENVDATA* ppSessionData,
    [out] ULONG* pcEntries): EXECENVDATA is {DWORD Level; [switch_is(Level)] union ExecEnvData} (2.2.2.6),
    level 2 = EXECENVDATA_LEVEL2 (2.2.2.6.1.2)."""
    level, = struct.unpack_from('<L', stub, 0)
    sessions = HOST.all()
    n = Ndr()
    n.u32(2)
    if level != 2:
        n.u32(level)
        n.u32(0)
        n.u32(0)
        n.u32(0x80070057)  # E_INVALIDARG: the double speaks level 2 only
        return bytes(n.b)
    n.u32(0x00020000)                 # unique pointer to the array
    n.u32(len(sessions))              # conformance
    for s in sessions:
        n.u32(2)                      # Level
        n.u32(2)                      # the union's discriminant
        n.u32(s['id'])                # ExecEnvId
        n.u32(s.get('state', 0))      # WINSTATIONSTATECLASS
        n.wchars(s.get('name', ''), 33)
        n.u32(s['id'])                # AbsSessionId
        n.wchars('DOUBLE', 33)        # HostName
        n.wchars(s.get('user', ''), 33)
        n.wchars(s.get('domain', ''), 33)
        n.wchars('', 33)              # FarmName
    n.u32(len(sessions))              # *pcEntries
    n.u32(S_OK)
    return bytes(n.b)


# ---- TermSrvSession (3.3.4.1) ----

def rpc_get_session_information_ex(stub):
    """RpcGetSessionInformationEx([in] LONG SessionId, [in] DWORD Level, [out, ref] LSM_SESSIONINFO_EX*):
    {DWORD Level; union switch(Level)} then LSM_SESSIONINFO_EX_LEVEL1 (2.2.2.11)."""
    sid, level = struct.unpack_from('<lL', stub, 0)
    s = HOST.get(sid)
    n = Ndr()
    n.u32(1)
    n.u32(1)
    n.align(8)
    status = S_OK
    if s is None or s.get('deny'):
        status = HR_NOT_FOUND if s is None else E_ACCESSDENIED
        s = {}
    n.u32(s.get('state', 0))
    n.u32(s.get('flags', 0xffffffff))
    n.wchars(s.get('name', ''), 33)
    n.wchars(s.get('domain', ''), 18)
    n.wchars(s.get('user', ''), 21)
    n.u64(s.get('connect', 0))
    n.u64(s.get('disconnect', 0))
    n.u64(s.get('logon', 0))
    n.u64(s.get('last_input', 0))
    n.u32(0)                           # ProtocolDataSize
    n.u32(0)                           # ProtocolData: NULL
    n.u32(status)
    return bytes(n.b)


# ---- RCMPublic (3.5.4.1) ----

def winstationclient(s):
    """WINSTATIONCLIENT in its C layout (2.2.2.19): 2296 bytes."""
    b = bytearray(2296)

    def put_w(off, text, units):
        raw = (text or '').encode('utf-16-le')[:2 * (units - 1)]
        b[off:off + len(raw)] = raw

    put_w(4, s.get('client', ''), 21)                      # ClientName[CLIENTNAME_LENGTH + 1]
    put_w(46, s.get('domain', ''), 18)                     # Domain
    put_w(82, s.get('user', ''), 21)                       # UserName
    address = s.get('address', '')
    family = 23 if ':' in address else 2 if address else 0
    struct.pack_into('<L', b, 1192, family)                # ClientAddressFamily
    put_w(1196, address, 31)                               # ClientAddress[CLIENTADDRESS_LENGTH + 1]
    struct.pack_into('<HHHH', b, 1258, s.get('hres', 0), s.get('vres', 0), s.get('depth', 0),
                     s.get('protocol', 2))                 # HRes, VRes, ColorDepth, ProtocolType
    struct.pack_into('<L', b, 2012, s.get('build', 0))     # ClientBuildNumber
    return bytes(b)


def rpc_get_client_data(stub):
    """RpcGetClientData([in] ULONG SessionId, [out, size_is(,*pOutBuffByteLen)] PBYTE* ppBuff,
    [out] ULONG* pOutBuffByteLen)."""
    sid, = struct.unpack_from('<L', stub, 0)
    s = HOST.get(sid)
    n = Ndr()
    if s is None or s.get('deny'):
        n.u32(0)
        n.u32(0)
        n.u32(HR_NOT_FOUND if s is None else E_ACCESSDENIED)
        return bytes(n.b)
    data = winstationclient(s)
    n.u32(0x00020000)
    n.u32(len(data))
    n.raw(data)
    n.u32(len(data))
    n.u32(S_OK)
    return bytes(n.b)


# ---- LegacyApi (3.7.4.1): BOOLEAN result, NTSTATUS in pResult ----

def legacy_reply(status, handle=None):
    n = Ndr()
    n.u32(status)                     # [out] DWORD* pResult
    if handle is not None:
        n.raw(handle)                 # [out] SERVER_HANDLE*
    n.u8(1 if status == 0 else 0)     # BOOLEAN
    return bytes(n.b)


def rpc_ws_open_server(stub):
    return legacy_reply(0, HOST.new_handle())


def rpc_ws_close_server(stub):
    return legacy_reply(0)


def end_session(sid, delay_ms, final_state):
    """A logoff (final_state None: the session goes) or disconnect that takes delay_ms."""
    if final_state is None:
        HOST.set_state(sid, STATE_DOWN)
    time.sleep(delay_ms / 1000.0)
    if final_state is None:
        HOST.remove(sid)
    else:
        HOST.set_state(sid, final_state)


def ws_session_call(stub, op):
    """RpcWinStationReset / RpcWinStationDisconnect([in] SERVER_HANDLE hServer, [out] DWORD* pResult,
    [in] DWORD LogonId, [in] BOOLEAN bWait)."""
    sid, wait = struct.unpack_from('<LB', stub, 20)
    s = HOST.get(sid)
    if s is None:
        return legacy_reply(STATUS_CTX_WINSTATION_NOT_FOUND)
    if s.get('deny'):
        return legacy_reply(STATUS_ACCESS_DENIED)
    HOST.record(op=op, id=sid, wait=bool(wait))
    delay = int(s.get('logoff_ms', 300)) if op == 'logoff' else 50
    final = None if op == 'logoff' else STATE_DISCONNECTED
    if wait:
        end_session(sid, delay, final)   # bWait: answer when it is done
    else:
        threading.Thread(target=end_session, args=(sid, delay, final), daemon=True).start()
    return legacy_reply(0)


def rpc_ws_send_message(stub):
    """RpcWinStationSendMessage([in] SERVER_HANDLE hServer, [out] DWORD* pResult, [in] DWORD LogonId,
    [in, size_is(TitleLength)] PWCHAR pTitle, [in, range(0, 1024)] ULONG TitleLength,
    [in, size_is(MessageLength)] PWCHAR pMessage, [in, range(0, 1024)] ULONG MessageLength,
    [in] DWORD Style, [in] DWORD Timeout, [out] DWORD* pResponse, [in] BOOLEAN DoNotWait)."""
    off = 20
    sid, = struct.unpack_from('<L', stub, off)
    off += 4
    texts = []
    for _ in range(2):
        count, = struct.unpack_from('<L', stub, off)
        off += 4
        texts.append(stub[off:off + 2 * count].decode('utf-16-le'))
        off += 2 * count
        off = (off + 3) & ~3
        off += 4  # TitleLength / MessageLength
    style, timeout = struct.unpack_from('<LL', stub, off)
    no_wait = stub[off + 8]
    s = HOST.get(sid)
    n = Ndr()
    status = 0 if s and not s.get('deny') else STATUS_ACCESS_DENIED if s else STATUS_CTX_WINSTATION_NOT_FOUND
    if status == 0:
        HOST.record(op='message', id=sid, title=texts[0], message=texts[1], style=style, timeout=timeout,
                    wait=not no_wait)
    n.u32(status)
    n.u32(32001 if no_wait else int((s or {}).get('answer', 1)))  # IDASYNC, or what its user chose
    n.u8(1 if status == 0 else 0)
    return bytes(n.b)


def rpc_ws_terminate_process(stub):
    """RpcWinStationTerminateProcess([in] SERVER_HANDLE hServer, [out] DWORD* pResult,
    [in] DWORD ProcessId, [in] DWORD ExitCode)."""
    pid, code = struct.unpack_from('<LL', stub, 20)
    status = HOST.end_process(pid)
    if status == 0:
        HOST.record(op='kill', pid=pid, exit_code=code)
    return legacy_reply(status)


def sid_bytes(text):
    """A SID's binary form (MS-DTYP 2.4.2.2) from its S-R-I-S-S… text."""
    parts = text.split('-')
    subs = [int(x) for x in parts[3:]]
    return struct.pack('<BB', int(parts[1]), len(subs)) + int(parts[2]).to_bytes(6, 'big') + \
        b''.join(struct.pack('<L', x) for x in subs)


def rpc_ws_get_all_processes(stub):
    """RpcWinStationGetAllProcesses([in] SERVER_HANDLE hServer, [out] DWORD* pResult, [in] ULONG Level,
    [in, out] BOUNDED_ULONG* pNumberOfProcesses, [out, size_is(,*pNumberOfProcesses)]
    PTS_ALL_PROCESSES_INFO* ppTsAllProcessesInfo) (3.7.4.1.21). TS_ALL_PROCESSES_INFO (2.2.2.15) =
    {PTS_SYS_PROCESS_INFORMATION pTsProcessInfo; DWORD SizeOfSid; [size_is(SizeOfSid)] PBYTE pSid};
    TS_SYS_PROCESS_INFORMATION (2.2.2.15.1) holds LARGE_INTEGERs (8-aligned), a TS_UNICODE_STRING
    ImageName ({USHORT Length; USHORT MaximumLength; [size_is(MaximumLength), length_is(Length)] PWSTR},
    the counts as the IDL says them) and SIZE_T members (__int3264: 4 octets in NDR). Only processes of
    sessions the caller may query are listed (a "deny" session's are left out)."""
    level, wanted = struct.unpack_from('<LL', stub, 20)
    n = Ndr()
    if level != 0:
        n.u32(STATUS_INVALID_PARAMETER)
        n.u32(0)
        n.u32(0)
        n.u8(0)
        return bytes(n.b)
    def visible(p):
        s = HOST.get(p['session'])
        return s is not None and not s.get('deny')

    procs = [p for p in HOST.all_processes() if visible(p)][:wanted]
    n.u32(0)                                   # pResult
    n.u32(len(procs))                          # *pNumberOfProcesses
    n.u32(0x00020000)                          # the unique pointer to the array
    n.u32(len(procs))                          # its conformance
    ref = 0x00020004
    sids = [sid_bytes(p['sid']) if p.get('sid') else b'' for p in procs]
    for p, sid in zip(procs, sids):            # the array's flat part
        n.u32(ref)                             # pTsProcessInfo
        ref += 4
        n.u32(len(sid))                        # SizeOfSid
        n.u32(ref if sid else 0)               # pSid
        ref += 4 if sid else 0
    for p, sid in zip(procs, sids):            # then each element's pointees, depth first
        name = p.get('name', '').encode('utf-16-le')
        n.align(8)
        n.u32(0)                               # NextEntryOffset
        n.u32(p.get('threads', 1))             # NumberOfThreads
        for _ in range(4):
            n.u64(0)                           # SpareLi1-3, CreateTime
        n.u64(p.get('user_time', 0))           # UserTime
        n.u64(p.get('kernel_time', 0))         # KernelTime
        n.u16(len(name))                       # ImageName.Length (bytes)
        n.u16(len(name) + 2)                   # ImageName.MaximumLength
        n.u32(0x00030000 + p['pid'] if name else 0)  # ImageName.Buffer
        n.u32(8)                               # BasePriority
        n.u32(p['pid'])                        # UniqueProcessId
        n.u32(p.get('parent', 4))              # InheritedFromUniqueProcessId
        n.u32(p.get('handles', 0))             # HandleCount
        n.u32(p['session'])                    # SessionId
        n.u32(0)                               # SpareUl3
        n.u32(p.get('vm_peak', 0))             # PeakVirtualSize
        n.u32(p.get('vm', 0))                  # VirtualSize
        n.u32(0)                               # PageFaultCount
        n.u32(p.get('ws_peak', 0))             # PeakWorkingSetSize
        n.u32(p.get('ws', 0))                  # WorkingSetSize
        for _ in range(4):
            n.u32(0)                           # the quota counters
        n.u32(p.get('pagefile', 0))            # PagefileUsage
        n.u32(p.get('pagefile_peak', 0))       # PeakPagefileUsage
        n.u32(0)                               # PrivatePageCount
        if name:                               # size_is(MaximumLength), length_is(Length): as the IDL says
            n.u32(len(name) + 2)
            n.u32(0)
            n.u32(len(name))
            n.raw(name + b'\0' * len(name))   # Length WCHARs: the name, then what the buffer holds
        if sid:
            n.u32(len(sid))
            n.raw(sid)
    n.u8(1)                                    # BOOLEAN
    return bytes(n.b)


# ---- the SMB server: impacket's, with one fix ----

def fix_compound_signatures():
    """impacket 0.10 signs each response of a compound before it sets its
    NextCommand, so every signature but the last is over other bytes than
    those sent (MS-SMB2 3.3.4.1.1: a compounded response is signed as sent,
    padding included). A Windows server signs them right, and our client
    checks: re-sign each one here, after the compound is assembled."""
    original = smbserver.SMBSERVER.processRequest

    def process(self, connId, data):
        out = original(self, connId, data)
        try:
            conn = self.getConnectionData(connId, False)
        except Exception:
            return out
        if not out or not conn.get('SignatureEnabled') or not isinstance(out[0], (bytes, bytearray)) \
                or out[0][:4] != b'\xfeSMB':
            return out
        buf, off = bytearray(out[0]), 0
        while True:
            nxt = struct.unpack_from('<L', buf, off + 20)[0]
            end = off + nxt if nxt else len(buf)
            flags = struct.unpack_from('<L', buf, off + 16)[0]
            if flags & 0x8:  # SMB2_FLAGS_SIGNED
                buf[off + 48:off + 64] = b'\0' * 16
                buf[off + 48:off + 64] = hmac.new(conn['SigningSessionKey'], bytes(buf[off:end]),
                                                  hashlib.sha256).digest()[:16]
            if not nxt:
                break
            off = end
        return [bytes(buf)] + list(out[1:])

    smbserver.SMBSERVER.processRequest = process


def recv_pdu(sock):
    """One whole DCE/RPC PDU from the pipe's socket (its frag_length says how long)."""
    data = b''
    while len(data) < 10 or len(data) < struct.unpack_from('<H', data, 8)[0]:
        want = 10 - len(data) if len(data) < 10 else struct.unpack_from('<H', data, 8)[0] - len(data)
        chunk = sock.recv(want)
        if not chunk:
            raise ConnectionError('pipe closed')
        data += chunk
    return data


def fix_pipe_transceive():
    """Two more places where impacket 0.10 is not what a Windows server does:
    FSCTL_PIPE_TRANSCEIVE in a compound after the CREATE (MS-SMB2 3.3.5.2.7.2:
    FileId all ones means the file the CREATE before it opened) is refused,
    and its answer is whatever one recv() returns rather than one message."""
    def transceive(connId, smbServer, ioctlRequest):
        conn = smbServer.getConnectionData(connId)
        fid = ioctlRequest['FileID'].getData()
        if fid == b'\xff' * 16 and 'SMB2_CREATE' in conn['LastRequest']:
            fid = conn['LastRequest']['SMB2_CREATE']['FileID']
            fid = fid if isinstance(fid, (bytes, bytearray)) else fid.getData()
        opened = conn['OpenedFiles'].get(bytes(fid))
        if not opened or opened['FileHandle'] != smbserver.PIPE_FILE_DESCRIPTOR:
            return SMB2Error(), nt_errors.STATUS_INVALID_DEVICE_REQUEST
        try:
            opened['Socket'].sendall(ioctlRequest['Buffer'])
            return recv_pdu(opened['Socket']), nt_errors.STATUS_SUCCESS
        except Exception as e:
            print('tsts_double: transceive: %r' % (e,), file=sys.stderr)
            return SMB2Error(), nt_errors.STATUS_PIPE_BROKEN

    smbserver.Ioctls.fsctlPipeTransceive = staticmethod(transceive)


class MessagePipeSocket(socket.socket):
    """The socket impacket opens for each pipe instance, read the way a
    message-mode pipe is: one READ returns one whole PDU (one message), never
    part of one or two run together, as a byte stream would."""

    def recv(self, n, *flags):
        return recv_pdu(super())


class _SocketModule:
    """smbserver's view of the socket module: the same, but pipes are MessagePipeSockets."""

    def __getattr__(self, name):
        return getattr(socket, name)

    socket = MessagePipeSocket


def fix_pipe_messages():
    smbserver.socket = _SocketModule()


# ---- the DCE/RPC server: one connection per pipe instance, each in its own thread ----

class BindAckAsWindows:
    """impacket's bind_ack echoes the client's fragment sizes; a Windows server
    answers what it will send and take on a named pipe (4280, as it does), so
    the client plans its reads on the truth."""

    def __init__(self, sock):
        self.sock = sock
        self.multiplex = False  # the client's bind asked for PFC_CONC_MPX

    def send(self, b):
        b = bytes(b)
        if len(b) >= 20 and b[2] == 12:  # bind_ack: max_xmit_frag, max_recv_frag
            b = b[:16] + struct.pack('<HH', 4280, 4280) + b[20:]
            if self.multiplex:  # C706 12.6.3.1: granted as asked; this server queues such requests
                b = b[:3] + bytes([b[3] | PFC_CONC_MPX]) + b[4:]
        self.sock.sendall(b)
        return len(b)

    def sendall(self, b):
        self.send(b)

    def __getattr__(self, name):
        return getattr(self.sock, name)


class PipeConnection(rpcrt.DCERPCServer):
    """impacket's DCERPCServer serves one client at a time; a Windows host serves
    every pipe instance at once (our client keeps one per interface). So each
    accepted connection gets its own server state, run on its own thread."""

    def __init__(self, sock, uuids):  # deliberately not the base __init__: it would bind a socket
        self._listenUUIDS = uuids
        self._boundUUID = b''
        self._callid = 1
        self._max_frag = None
        self._max_xmit_size = 4280
        self._clientSock = BindAckAsWindows(sock)
        self._sock = None
        self._DCERPCServer__log = rpcrt.LOG

    def send(self, data):
        """impacket 0.10 keeps the whole response's frag_length on every
        fragment; each fragment carries its own here (C706 12.6.3.1), and
        alloc_hint the stub still to come (12.6.4.10), as Windows sends them."""
        stub = data['pduData']
        if data['type'] != rpcrt.MSRPC_RESPONSE or len(stub) <= self._max_xmit_size - 24:
            data['frag_len'] = 24 + len(stub) if data['type'] == rpcrt.MSRPC_RESPONSE else data['frag_len']
            data['alloc_hint'] = len(stub)
            self._clientSock.sendall(data.get_packet())
            return
        step = (self._max_xmit_size - 24) & ~7
        off = 0
        while off < len(stub):
            chunk = stub[off:off + step]
            data['flags'] = (rpcrt.PFC_FIRST_FRAG if off == 0 else 0) | \
                            (rpcrt.PFC_LAST_FRAG if off + len(chunk) == len(stub) else 0)
            data['alloc_hint'] = len(stub) - off
            data['pduData'] = chunk
            data['frag_len'] = 24 + len(chunk)
            self._clientSock.sendall(data.get_packet())
            off += len(chunk)

    def serve(self):
        """Answers each request in turn; with the table's "reorder", every
        request already waiting (a multiplexing client's pipelined calls) is
        read first and the answers go out in reverse order, as a server that
        serves calls concurrently may send them."""
        try:
            while True:
                data = self.recv()
                if data is None:
                    break
                batch = [data]
                if data[2] == 11:  # bind: what the client asks for
                    self._clientSock.multiplex = bool(data[3] & PFC_CONC_MPX)
                elif self._clientSock.multiplex and HOST.reorder():
                    while select.select([self._clientSock.sock], [], [], 0.2)[0]:
                        more = self.recv()
                        if more is None:
                            break
                        batch.append(more)
                answers = [self.processRequest(d) for d in batch]
                if len(answers) > 1:
                    HOST.record(op='reordered', calls=len(answers))
                for answer in reversed(answers):
                    if answer is not None:
                        self.send(answer)
        except Exception as e:  # a broken client: drop it, keep serving the others
            print('tsts_double: connection ended: %r' % (e,), file=sys.stderr)
            import traceback; traceback.print_exc()
        finally:
            self._clientSock.close()


def rpc_listener(callbacks_by_iface):
    uuids = {}
    for iface, callbacks in callbacks_by_iface.items():
        uuids[uuidtup_to_bin(iface)] = {'SecondaryAddr': '', 'CallBacks': callbacks}
    lsock = socket.socket()
    lsock.bind(('127.0.0.1', 0))
    lsock.listen(64)

    def accept_loop():
        while True:
            conn, _ = lsock.accept()
            threading.Thread(target=PipeConnection(conn, uuids).serve, daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    return lsock.getsockname()


def main():
    global HOST
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--address', default='127.0.0.1')
    ap.add_argument('--user', required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--table', required=True)
    ap.add_argument('--record', required=True)
    ap.add_argument('--ready')
    a = ap.parse_args()
    HOST = Host(a.table, a.record)
    HOST.all()  # a table that does not load fails now, not at the first call
    fix_compound_signatures()
    fix_pipe_transceive()
    fix_pipe_messages()

    server = smbserver.SimpleSMBServer(listenAddress=a.address, listenPort=a.port)
    server.setSMB2Support(True)
    nthash = ntlm.compute_nthash(a.password).hex()
    server.addCredential(a.user, 1000, 'aad3b435b51404eeaad3b435b51404ee', nthash)  # NTLM logon required
    server.setSMBChallenge('')
    server.registerNamedPipe('LSM_API_service', rpc_listener({
        ENUMERATION: {10: rpc_get_all_sessions},
        SESSION: {17: rpc_get_session_information_ex},
    }))
    server.registerNamedPipe('TermSrv_API_service', rpc_listener({RCMPUBLIC: {0: rpc_get_client_data}}))
    server.registerNamedPipe('Ctx_WinStation_API_service', rpc_listener({LEGACY: {
        0: rpc_ws_open_server, 1: rpc_ws_close_server, 7: rpc_ws_send_message,
        13: lambda stub: ws_session_call(stub, 'disconnect'),
        14: lambda stub: ws_session_call(stub, 'logoff'),
        37: rpc_ws_terminate_process,
        43: rpc_ws_get_all_processes,
    }}))
    if a.ready:
        with open(a.ready, 'w') as f:
            f.write('%d\n' % os.getpid())
    server.start()


if __name__ == '__main__':
    main()
