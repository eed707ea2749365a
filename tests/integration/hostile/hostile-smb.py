#!/usr/bin/env python3
"""hostile-smb: a TEST DOUBLE, a deliberately misbehaving SMB2 peer on loopback.

It listens on 127.0.0.1:LISTEN and, except in 'silent' mode, relays to a real
smbd on 127.0.0.1:UPSTREAM, so negotiate, session setup, the IPC$ tree, the
srvsvc pipe and its bind are Samba's own. Then it misbehaves (issue 10,
"every wait has a hard deadline"):

  silent          accepts, reads, never answers
  slowloris       relays, but passes the server's bytes on one every 100 ms
  interims        answers the srvsvc request (the first FSCTL_PIPE_TRANSCEIVE
                  carrying a DCE/RPC request) with an interim STATUS_PENDING
                  response (MS-SMB2 3.2.5.1.5) every 300 ms, forever
  interim-silent  one interim for that request, then nothing
  interim-ok      one interim for that request, then Samba's own answer
                  (the control: a valid interim must not break a call)
  empty-frags     answers it with a DCE/RPC response fragment that is neither
                  last nor carries stub, and every READ after it the same
  huge-hint       answers it with a first fragment whose alloc_hint announces
                  4 GiB of stub
  huge-stream     answers it and every READ after it with full non-final
                  fragments, without end (alloc_hint 0)

Only what is needed is parsed: NBSS framing, SMB2 headers (2.2.1), IOCTL and
READ requests (2.2.31, 2.2.19); answers are built per 2.2.32, 2.2.20, 2.2.2.
The DCE/RPC answers need an unsigned (anonymous) session; interims may come
unsigned on any session (3.2.5.1.3). Stops on SIGTERM, or after --lifetime s.
"""
import asyncio
import signal
import struct
import sys

SMB2_READ, SMB2_IOCTL = 8, 11
STATUS_SUCCESS, STATUS_PENDING = 0, 0x103
FLAGS_SERVER_TO_REDIR, FLAGS_ASYNC = 0x1, 0x2
FSCTL_PIPE_TRANSCEIVE = 0x0011C017
FRAG = 4280  # Samba's max_xmit: no larger fragment is accepted after its bind_ack


def nbss(payload):
    return struct.pack(">I", len(payload)) + payload


def smb2_hdr(req, status, flags=0, async_id=None):
    """A response header to the request header req (64 bytes)."""
    cmd = struct.unpack_from("<H", req, 12)[0]
    mid = struct.unpack_from("<Q", req, 24)[0]
    tid = struct.unpack_from("<I", req, 36)[0]
    sid = struct.unpack_from("<Q", req, 40)[0]
    h = b"\xfeSMB" + struct.pack("<HHIHHIIQ", 64, 1, status, cmd, 1, FLAGS_SERVER_TO_REDIR | flags, 0, mid)
    if async_id is not None:
        h += struct.pack("<Q", async_id)
    else:
        h += struct.pack("<II", 0xFEFF, tid)
    return h + struct.pack("<Q", sid) + b"\0" * 16


def interim(req, async_id):
    body = struct.pack("<HBBIB", 9, 0, 0, 0, 0)  # SMB2 ERROR Response, no data
    return nbss(smb2_hdr(req, STATUS_PENDING, FLAGS_ASYNC, async_id) + body)


def dce_response(call_id, flags, alloc_hint, stub):
    frag_len = 24 + len(stub)
    return struct.pack("<BBBB4sHHIIHBB", 5, 0, 2, flags, b"\x10\0\0\0", frag_len, 0, call_id,
                       alloc_hint, 0, 0, 0) + stub


def ioctl_response(req, out):
    fid = req[64 + 8:64 + 24]
    body = struct.pack("<HHI16sIIIIII", 49, 0, FSCTL_PIPE_TRANSCEIVE, fid, 112, 0, 112, len(out), 0, 0)
    return nbss(smb2_hdr(req, STATUS_SUCCESS) + body + out)


def read_response(req, data):
    body = struct.pack("<HBBIII", 17, 80, 0, len(data), 0, 0)
    return nbss(smb2_hdr(req, STATUS_SUCCESS) + body + data)


def messages(frame):
    """The SMB2 messages of one (unencrypted) frame."""
    off = 0
    while off + 64 <= len(frame) and frame[off:off + 4] == b"\xfeSMB":
        nxt = struct.unpack_from("<I", frame, off + 20)[0]
        yield frame[off:off + nxt] if nxt else frame[off:]
        if not nxt:
            break
        off += nxt


def dce_request_in(msg):
    """(call_id) when msg is a pipe transceive carrying a DCE/RPC request."""
    if struct.unpack_from("<H", msg, 12)[0] != SMB2_IOCTL or len(msg) < 64 + 56:
        return None
    ctl, = struct.unpack_from("<I", msg, 64 + 4)
    in_off, in_len = struct.unpack_from("<II", msg, 64 + 24)
    if ctl != FSCTL_PIPE_TRANSCEIVE or in_len < 16 or in_off + in_len > len(msg):
        return None
    pdu = msg[in_off:in_off + in_len]
    return struct.unpack_from("<I", pdu, 12)[0] if pdu[2] == 0 else None


async def read_frame(reader):
    hdr = await reader.readexactly(4)
    return hdr + await reader.readexactly(struct.unpack(">I", hdr)[0] & 0xFFFFFF)


class Conn:
    def __init__(self, mode, upstream, cr, cw):
        self.mode, self.upstream, self.cr, self.cw = mode, upstream, cr, cw
        self.hijacked = False
        self.call_id = 0
        self.async_id = 0x4000

    async def to_client(self, sr):
        try:
            while True:
                data = await sr.read(65536)
                if not data:
                    break
                if self.mode == "slowloris":
                    for i in range(len(data)):
                        self.cw.write(data[i:i + 1])
                        await self.cw.drain()
                        await asyncio.sleep(0.1)
                else:
                    self.cw.write(data)
                    await self.cw.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.cw.close()

    async def misbehave(self, msg):
        mode = self.mode
        if mode in ("interims", "interim-silent"):
            self.async_id += 1
            while True:
                self.cw.write(interim(msg, self.async_id))
                await self.cw.drain()
                if mode == "interim-silent":
                    return
                await asyncio.sleep(0.3)
        if mode == "empty-frags":
            self.cw.write(ioctl_response(msg, dce_response(self.call_id, 0x01, 0, b"")))
        elif mode == "huge-hint":
            self.cw.write(ioctl_response(msg, dce_response(self.call_id, 0x01, 0xFFFFFF00, b"\0" * 64)))
        elif mode == "huge-stream":
            self.cw.write(ioctl_response(msg, dce_response(self.call_id, 0x01, 0, b"\0" * (FRAG - 24))))
        await self.cw.drain()

    async def answer_read(self, msg):
        if self.mode == "empty-frags":
            self.cw.write(read_response(msg, dce_response(self.call_id, 0, 0, b"")))
        elif self.mode == "huge-stream":
            self.cw.write(read_response(msg, dce_response(self.call_id, 0, 0, b"\0" * (FRAG - 24))))
        await self.cw.drain()

    async def run(self):
        if self.mode == "silent":
            while await self.cr.read(65536):
                pass
            return
        sr, sw = await asyncio.open_connection("127.0.0.1", self.upstream)
        down = asyncio.ensure_future(self.to_client(sr))
        tasks = []
        try:
            while True:
                frame = await read_frame(self.cr)
                if not self.hijacked and frame[4:8] == b"\xfeSMB":
                    msgs = list(messages(frame[4:]))
                    if len(msgs) == 1 and dce_request_in(msgs[0]) is not None and self.mode == "interim-ok":
                        self.mode = "relay"  # once: later requests pass untouched
                        self.cw.write(interim(msgs[0], 0x4000))
                        await self.cw.drain()
                    elif len(msgs) == 1 and dce_request_in(msgs[0]) is not None and self.mode != "relay":
                        self.hijacked = True
                        self.call_id = dce_request_in(msgs[0])
                        tasks.append(asyncio.ensure_future(self.misbehave(msgs[0])))
                        continue
                if not self.hijacked:
                    sw.write(frame)
                    await sw.drain()
                    continue
                for m in messages(frame[4:]):
                    if struct.unpack_from("<H", m, 12)[0] == SMB2_READ:
                        await self.answer_read(m)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            for t in tasks:
                t.cancel()
            down.cancel()
            sw.close()
            self.cw.close()


async def main():
    mode, listen = sys.argv[1], int(sys.argv[2])
    upstream = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    lifetime = float(sys.argv[4]) if len(sys.argv) > 4 else 600
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))

    async def handle(cr, cw):
        try:
            await Conn(mode, upstream, cr, cw).run()
        except Exception as e:  # a test double: report, never take the listener down
            print("hostile-smb:", repr(e), file=sys.stderr)
            cw.close()

    server = await asyncio.start_server(handle, "127.0.0.1", listen, reuse_address=True)
    print("listening", flush=True)
    try:
        await asyncio.wait_for(stop, lifetime)
    except asyncio.TimeoutError:
        pass
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
