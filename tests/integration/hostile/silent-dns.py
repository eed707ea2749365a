#!/usr/bin/env python3
"""silent-dns: a TEST DOUBLE, a DNS server that never answers.

Binds UDP and TCP port 53 on the address given (the suite runs it inside a
network namespace of its own, where only loopback exists) and swallows every
query, so that a resolver pointed at it hangs until its own timeout. Stops on
SIGTERM or after the lifetime given (seconds).
"""
import signal
import socket
import sys
import threading
import time

addr = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 120

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((addr, 53))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((addr, 53))
tcp.listen(16)
held = []


def swallow_udp():
    while True:
        udp.recvfrom(4096)


def swallow_tcp():
    while True:
        c, _ = tcp.accept()
        held.append(c)  # accepted, never read from, never answered


for f in (swallow_udp, swallow_tcp):
    threading.Thread(target=f, daemon=True).start()
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("listening", flush=True)
time.sleep(lifetime)
