#!/usr/bin/env python3
"""probe — tiny traffic tools for the namespace tests (tests may use tools;
the product never runs this).

  probe.py serve tcp|udp PORT READY TAG  answer each connection or datagram
                                         with "TAG PEER-ADDRESS\\n", forever;
                                         touch READY once listening
  probe.py ask tcp|udp HOST PORT         print the answer; exit 1 without one
                                         within 3 s
  probe.py send SRC SPORT DST DPORT      send one 300-byte UDP datagram from
                                         SRC:SPORT (a DHCP reply's ports)
  probe.py csum IFACE DPORT READY        packet socket on IFACE: print the UDP
                                         checksum field of the first IPv4 UDP
                                         packet to DPORT, as the frame arrived
"""
import socket
import struct
import sys


def serve(proto, port, ready, tag):
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    if proto == "tcp":
        s.listen(16)
    open(ready, "w").close()
    while True:
        if proto == "tcp":
            c, peer = s.accept()
            c.sendall(f"{tag} {peer[0]}\n".encode())
            c.close()
        else:
            _, peer = s.recvfrom(2048)
            s.sendto(f"{tag} {peer[0]}\n".encode(), peer)


def ask(proto, host, port):
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    s.settimeout(3)
    try:
        if proto == "tcp":
            s.connect((host, port))
            data = s.recv(256)
        else:
            s.sendto(b"?", (host, port))
            data, _ = s.recvfrom(256)
    except OSError as err:
        print(err, file=sys.stderr)
        return 1
    sys.stdout.write(data.decode())
    return 0 if data else 1


def send(src, sport, dst, dport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, sport))
    s.sendto(b"\x02" + b"\x00" * 299, (dst, dport))
    return 0


def csum(iface, dport, ready):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((iface, 0))
    s.settimeout(10)
    open(ready, "w").close()
    while True:
        frame = s.recv(65535)
        ip = frame[14:]
        if len(ip) < 20 or ip[9] != 17:
            continue
        udp = ip[(ip[0] & 15) * 4:]
        if len(udp) >= 8 and struct.unpack("!H", udp[2:4])[0] == dport:
            print(struct.unpack("!H", udp[6:8])[0])
            return 0


def main(argv):
    cmd = argv[1]
    if cmd == "serve":
        return serve(argv[2], int(argv[3]), argv[4], argv[5])
    if cmd == "ask":
        return ask(argv[2], argv[3], int(argv[4]))
    if cmd == "send":
        return send(argv[2], int(argv[3]), argv[4], int(argv[5]))
    if cmd == "csum":
        return csum(argv[2], int(argv[3]), argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
