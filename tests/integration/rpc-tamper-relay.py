#!/usr/bin/env python3
"""Test double: a hostile relay between our client and a real smbd that alters
DCE/RPC PDUs inside the SMB2 traffic (tests/suites/48-rpc-auth.sh).

It only works where SMB itself protects nothing: the suite runs it in front of
an anonymous (null) SMB session, which MS-SMB2 3.2.5.3.1 leaves unsigned and
unencrypted, while the DCE/RPC bind on that pipe is authenticated as a real
user. So whatever catches an alteration is DCE/RPC's own protection.

Listens on 127.0.0.1:LISTEN, forwards to 127.0.0.1:TARGET. Modes (each alters
once, the first PDU that qualifies):

  pass        no change; logs every protected PDU it sees
  rsp-stub    flips the first stub byte of the first protected response
  rsp-sig     flips the last byte of its auth_value (the signature)
  rsp-pad     sets its auth_pad_length to 200 (a trailer that does not fit)
  rsp-replay  sends the first protected response again in place of the second
              (same size: the suite makes two identical calls)
  req-stub    flips the first stub byte of the first protected request (the
              server must notice: proof that it checks our signatures)

Prints "tampered MODE" (flushed) when it altered something, and for every
protected PDU "pdu ptype=N auth_len=N marker=0|1", where marker says whether
the --marker bytes (hex) occur in it in clear. Stops after --lifetime seconds.
Loopback only.
"""
import argparse
import re
import socket
import struct
import sys
import threading
import os
import time

VERBOSE = bool(os.environ.get("RELAY_VERBOSE"))

PDU = re.compile(rb"\x05\x00[\x00\x02\x03\x0b\x0c\x0e\x0f\x10](.)\x10\x00\x00\x00", re.S)


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        k = s.recv(n - len(b))
        if not k:
            return None
        b += k
    return b


def read_frame(s):
    h = recv_exact(s, 4)
    if h is None:
        return None
    n = (h[1] << 16) | (h[2] << 8) | h[3]
    body = recv_exact(s, n)
    if body is None:
        return None
    return h, bytearray(body)


class State:
    def __init__(self, mode, marker):
        self.mode = mode
        self.marker = marker
        self.done = False
        self.first_rsp = None
        self.lock = threading.Lock()


def pdus(frame):
    """(offset, ptype, frag_len, auth_len) of each DCE/RPC PDU found whole in the frame."""
    out = []
    for m in PDU.finditer(bytes(frame)):
        off = m.start()
        if off + 16 > len(frame):
            continue
        ptype = frame[off + 2]
        frag_len, auth_len = struct.unpack_from("<HH", frame, off + 8)
        if frag_len < 16 or off + frag_len > len(frame):
            continue
        out.append((off, ptype, frag_len, auth_len))
    return out


def alter(st, frame, to_client):
    for off, ptype, flen, alen in pdus(frame):
        if VERBOSE:
            pdu = frame[off:off + flen]
            print("any ptype=%d flags=%02x len=%d auth_len=%d trailer=%s" % (ptype, pdu[3], flen, alen,
                  bytes(pdu[flen - alen - 8:flen - alen]).hex() if alen else "-"), flush=True)
        if alen == 0 or ptype not in (0, 2):
            continue
        pdu = frame[off:off + flen]
        print("pdu ptype=%d auth_len=%d marker=%d" % (ptype, alen, int(st.marker in pdu) if st.marker else 0),
              flush=True)
        with st.lock:
            if st.done:
                continue
            m = st.mode
            if ptype == 2 and to_client:
                if m == "rsp-stub":
                    frame[off + 24] ^= 0x01
                elif m == "rsp-sig":
                    frame[off + flen - 1] ^= 0x01
                elif m == "rsp-pad":
                    frame[off + flen - alen - 8 + 2] = 200
                elif m == "rsp-replay":
                    if st.first_rsp is None:
                        st.first_rsp = bytes(pdu)
                        continue
                    if len(st.first_rsp) != flen:
                        continue
                    frame[off:off + flen] = st.first_rsp
                else:
                    continue
            elif ptype == 0 and not to_client and m == "req-stub":
                frame[off + 24] ^= 0x01
            else:
                continue
            st.done = True
            print("tampered %s" % m, flush=True)


def pump(src, dst, st, to_client):
    try:
        while True:
            f = read_frame(src)
            if f is None:
                break
            h, body = f
            alter(st, body, to_client)
            dst.sendall(h + bytes(body))
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", type=int, required=True)
    ap.add_argument("--target", type=int, required=True)
    ap.add_argument("--mode", default="pass")
    ap.add_argument("--marker", default="")
    ap.add_argument("--lifetime", type=float, default=120)
    a = ap.parse_args()
    st = State(a.mode, bytes.fromhex(a.marker))
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.listen))
    ls.listen(16)
    ls.settimeout(0.5)
    end = time.monotonic() + a.lifetime
    while time.monotonic() < end:
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        s = socket.create_connection(("127.0.0.1", a.target), timeout=10)
        s.settimeout(None)
        c.settimeout(None)
        for args in ((c, s, st, False), (s, c, st, True)):
            threading.Thread(target=pump, args=args, daemon=True).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
