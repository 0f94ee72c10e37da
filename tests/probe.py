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
  probe.py hold HOST PORT READY OUT      one TCP connection to an echo server:
                                         a line every 50 ms, each echoed within
                                         30 s; touch READY after the first echo;
                                         on SIGTERM write "ok LINES MAXGAP_MS" to
                                         OUT and exit 0; when the connection
                                         breaks write "broken ..." and exit 1
"""
import signal
import socket
import struct
import sys
import time


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


def hold(host, port, ready, out):
    state = {"n": 0, "gap": 0.0}

    def done(*_):
        with open(out, "w") as f:
            f.write(f"ok {state['n']} {int(state['gap'] * 1000)}\n")
        sys.exit(0)

    signal.signal(signal.SIGTERM, done)
    try:
        s = socket.create_connection((host, port), timeout=30)
        buf = b""
        while True:
            t0 = time.monotonic()
            line = f"{state['n']}\n".encode()
            s.sendall(line)
            while b"\n" not in buf:
                data = s.recv(256)
                if not data:
                    raise OSError("closed by the peer")
                buf += data
            got, buf = buf.split(b"\n", 1)
            if got + b"\n" != line:
                raise OSError(f"echo {got!r}, sent {line!r}")
            state["gap"] = max(state["gap"], time.monotonic() - t0)
            state["n"] += 1
            if state["n"] == 1:
                open(ready, "w").close()
            time.sleep(0.05)
    except OSError as err:
        with open(out, "w") as f:
            f.write(f"broken after {state['n']} lines: {err}\n")
        return 1


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
    if cmd == "hold":
        return hold(argv[2], int(argv[3]), argv[4], argv[5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
