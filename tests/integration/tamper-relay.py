#!/usr/bin/env python3
"""Test double: a hostile SMB2 relay between our client and a real smbd.

Listens on 127.0.0.1:LISTEN, forwards each connection to 127.0.0.1:TARGET and
alters the NEGOTIATE exchange the way a man in the middle would to force a
downgrade (tests/suites/47-downgrade.sh). Everything after the first
NEGOTIATE request and response passes untouched. Modes:

  pass             no change (the control case)
  req-only-300     the client's dialect list becomes just 3.0
  req-only-210     the client's dialect list becomes just 2.1
  req-secmode      SIGNING_REQUIRED cleared in the client's SecurityMode
  rsp-clear-enc    SMB2_GLOBAL_CAP_ENCRYPTION cleared in the server's Capabilities
  rsp-secmode      SIGNING_REQUIRED toggled in the server's SecurityMode
  rsp-flip-ctx     one byte of the server's pre-auth integrity salt flipped (3.1.1)

Prints one line "tampered MODE" (to stdout, flushed) for every message it
altered, so the suite can tell a case that failed for the right reason from
one that never reached the relay. Stops by itself after --lifetime seconds.
Loopback only.
"""
import argparse
import socket
import struct
import sys
import threading
import time

HDR = 64
NEGOTIATE = 0


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


def is_negotiate(msg):
    return len(msg) >= HDR and msg[0:4] == b"\xfeSMB" and struct.unpack_from("<H", msg, 12)[0] == NEGOTIATE


def tamper_request(mode, m):
    b = HDR  # body start (MS-SMB2 2.2.3)
    if mode in ("req-only-300", "req-only-210"):
        want = 0x0300 if mode == "req-only-300" else 0x0210
        count = struct.unpack_from("<H", m, b + 2)[0]
        if count < 1:
            return False
        struct.pack_into("<H", m, b + 2, 1)      # DialectCount
        struct.pack_into("<H", m, b + 36, want)  # Dialects[0]
        return True
    if mode == "req-secmode":
        mode_v = struct.unpack_from("<H", m, b + 4)[0]
        struct.pack_into("<H", m, b + 4, mode_v & ~0x0002)
        return mode_v != mode_v & ~0x0002
    return False


def tamper_response(mode, m):
    b = HDR  # body start (MS-SMB2 2.2.4)
    if mode == "rsp-clear-enc":
        # 3.0/3.0.2 announce encryption with the capability; 3.1.1 with the
        # cipher its ENCRYPTION context names (2.2.4.1.2; 0 means none).
        caps = struct.unpack_from("<I", m, b + 24)[0]
        struct.pack_into("<I", m, b + 24, caps & ~0x40)
        done = caps & 0x40 != 0
        ctx = find_context(m, 2)
        if ctx is not None and ctx + 4 <= len(m) and struct.unpack_from("<H", m, ctx + 2)[0] != 0:
            struct.pack_into("<H", m, ctx + 2, 0)
            done = True
        return done
    if mode == "rsp-secmode":
        v = struct.unpack_from("<H", m, b + 2)[0]
        struct.pack_into("<H", m, b + 2, v ^ 0x0002)
        return True
    if mode == "rsp-flip-ctx":
        # The first salt byte of the PREAUTH_INTEGRITY context (2.2.3.1.1).
        data = find_context(m, 1)
        if data is None or data + 6 > len(m):
            return False
        hash_count, salt_len = struct.unpack_from("<HH", m, data)
        salt = data + 4 + 2 * hash_count
        if salt_len == 0 or salt >= len(m):
            return False
        m[salt] ^= 0x01
        return True
    return False


def find_context(m, want):
    """Offset of the data of the first 3.1.1 negotiate context of type want (2.2.4, 2.2.3.1)."""
    if len(m) < HDR + 64:
        return None
    count = struct.unpack_from("<H", m, HDR + 6)[0]
    off = struct.unpack_from("<I", m, HDR + 60)[0]
    for _ in range(count):
        if off + 8 > len(m):
            return None
        ctype, clen = struct.unpack_from("<HH", m, off)
        if ctype == want:
            return off + 8
        off = (off + 8 + clen + 7) & ~7
    return None


def pump(mode, src, dst, is_request, state, lock):
    try:
        while True:
            f = read_frame(src)
            if f is None:
                break
            h, m = f
            key = "req" if is_request else "rsp"
            with lock:
                first = not state[key] and is_negotiate(m)
                if first:
                    state[key] = True
            if first and mode != "pass":
                done = tamper_request(mode, m) if is_request else tamper_response(mode, m)
                if done:
                    print("tampered", mode, flush=True)
            dst.sendall(bytes(h) + bytes(m))
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(mode, client, target):
    try:
        server = socket.create_connection(("127.0.0.1", target), timeout=10)
    except OSError:
        client.close()
        return
    server.settimeout(None)
    state = {"req": False, "rsp": False}
    lock = threading.Lock()
    t1 = threading.Thread(target=pump, args=(mode, client, server, True, state, lock), daemon=True)
    t2 = threading.Thread(target=pump, args=(mode, server, client, False, state, lock), daemon=True)
    t1.start()
    t2.start()
    t1.join()
    t2.join()
    client.close()
    server.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", type=int, required=True)
    ap.add_argument("--target", type=int, required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--lifetime", type=float, default=300)
    a = ap.parse_args()
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
        c.settimeout(None)
        threading.Thread(target=serve, args=(a.mode, c, a.target), daemon=True).start()
    sys.exit(0)


if __name__ == "__main__":
    main()
