#!/usr/bin/env python3
"""Loopback traffic for the network protocol reports (-n TCP ETCP UDP IP ICMP SOCK SOFT and
their IPv6 twins): for SECONDS, in a loop, HTTP requests over TCP (IPv4 and IPv6), UDP
datagrams to a closed port (NoPorts, and the ICMP port-unreachables they provoke) and,
when run as root, ICMP echo requests (ping) over IPv4 and IPv6.

Usage: netload.py SECONDS [RATE]   RATE: rounds per second (default 50).
No ping binary is needed: echo requests go through raw sockets.
"""
import http.server
import socket
import struct
import sys
import threading
import time


def serve(family, addr):
    class Server(http.server.ThreadingHTTPServer):
        address_family = family

    class Quiet(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"x" * 2048
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = Server((addr, 0), Quiet)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv.server_address[1]


def get(family, addr, port):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.connect((addr, port))
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        while s.recv(65536):
            pass


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    total = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def pinger():
    try:
        v4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        v6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    except PermissionError:
        return None

    def ping(seq):
        hdr = struct.pack("!BBHHH", 8, 0, 0, 0x4242, seq & 0xFFFF) + b"rsar"
        v4.sendto(hdr[:2] + struct.pack("!H", checksum(hdr)) + hdr[4:], ("127.0.0.1", 0))
        # The kernel computes ICMPv6 checksums on raw sockets.
        v6.sendto(struct.pack("!BBHHH", 128, 0, 0, 0x4242, seq & 0xFFFF) + b"rsar", ("::1", 0))

    return ping


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 50
    p4 = serve(socket.AF_INET, "127.0.0.1")
    p6 = serve(socket.AF_INET6, "::1")
    u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    ping = pinger()
    end = time.monotonic() + seconds
    seq = 0
    while time.monotonic() < end:
        seq += 1
        get(socket.AF_INET, "127.0.0.1", p4)
        get(socket.AF_INET6, "::1", p6)
        u4.sendto(b"x", ("127.0.0.1", 9))
        u6.sendto(b"x", ("::1", 9))
        if ping:
            ping(seq)
        time.sleep(1 / rate)


if __name__ == "__main__":
    main()
