#!/usr/bin/env python3
"""Writes the bundled sample capture (made here, no third-party data): a small mix of
ARP, a TCP handshake with options and an HTTP request, DNS over UDP (query and answer),
ICMP echo, an 802.1Q-tagged frame, IPv6 neighbour solicitation, an IPv6 fragment pair,
and tunnels and applications: GRE, MPLS, VXLAN, PPPoE, a TLS ClientHello, DHCP.

usage: make_sample.py OUT.pcap
"""
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


MAC_A = bytes.fromhex("02005e100001")
MAC_B = bytes.fromhex("02005e100002")


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ident=1, ttl=64, flags_off=0x4000):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_off, ttl, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nxt, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nxt, 64,
                       socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)) + payload


def tcp(sport, dport, seq, ack, flags, options=b"", payload=b""):
    off = (20 + len(options)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 64240, 0, 0) + options + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def main(out):
    frames = []
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_A, socket.inet_aton("192.0.2.1"),
                      b"\0" * 6, socket.inet_aton("192.0.2.2"))
    frames.append(eth(b"\xff" * 6, MAC_A, 0x0806, arp))
    syn_opts = bytes.fromhex("020405b4") + b"\x01\x03\x03\x07" + b"\x04\x02" + \
        bytes.fromhex("080a0000000100000000")
    frames.append(eth(MAC_B, MAC_A, 0x0800, ipv4("192.0.2.1", "198.51.100.7", 6,
                                                tcp(49152, 80, 1000, 0, 0x02, syn_opts))))
    frames.append(eth(MAC_A, MAC_B, 0x0800, ipv4("198.51.100.7", "192.0.2.1", 6,
                                                tcp(80, 49152, 5000, 1001, 0x12, bytes.fromhex("020405b40402")
                                                    + b"\x01\x01"))))
    request = b"GET /index.html?q=a&b=\"c\" HTTP/1.1\r\nHost: example.test\r\nUser-Agent: pcapkit-sample\r\n\r\n"
    frames.append(eth(MAC_B, MAC_A, 0x0800, ipv4("192.0.2.1", "198.51.100.7", 6,
                                                tcp(49152, 80, 1001, 5001, 0x18, payload=request))))
    dns_query = bytes.fromhex("1a2b01000001000000000000") + b"\x07example\x04test\x00" + bytes.fromhex("00010001")
    frames.append(eth(MAC_B, MAC_A, 0x0800, ipv4("192.0.2.1", "192.0.2.53", 17, udp(53000, 53, dns_query))))
    icmp = bytearray(struct.pack("!BBHHH", 8, 0, 0, 0x42, 1) + b"pcapkit-ping")
    icmp[2:4] = struct.pack("!H", csum(bytes(icmp)))
    tagged = struct.pack("!HH", (3 << 13) | 100, 0x0800) + ipv4("10.1.0.1", "10.1.0.2", 1, bytes(icmp))
    frames.append(eth(MAC_B, MAC_A, 0x8100, tagged))
    ns = struct.pack("!BBHI", 135, 0, 0, 0) + socket.inet_pton(socket.AF_INET6, "fe80::2") + \
        b"\x01\x01" + MAC_A
    frames.append(eth(bytes.fromhex("3333ff000002"), MAC_A, 0x86DD, ipv6("fe80::1", "ff02::1:ff00:2", 58, ns)))
    body = udp(40000, 9999, b"x" * 64)
    frag1 = struct.pack("!BBHI", 17, 0, (0 << 3) | 1, 0xCAFE) + body[:40]
    frag2 = struct.pack("!BBHI", 17, 0, (40 // 8) << 3, 0xCAFE) + body[40:]
    frames.append(eth(MAC_B, MAC_A, 0x86DD, ipv6("2001:db8::1", "2001:db8::2", 44, frag1)))
    frames.append(eth(MAC_B, MAC_A, 0x86DD, ipv6("2001:db8::1", "2001:db8::2", 44, frag2)))

    answer = bytes.fromhex("1a2b81800001000100000000") + b"\x07example\x04test\x00" + \
        bytes.fromhex("00010001") + bytes.fromhex("c00c000100010000012c0004") + socket.inet_aton("192.0.2.80")
    frames.append(eth(MAC_A, MAC_B, 0x0800, ipv4("192.0.2.53", "192.0.2.1", 17, udp(53, 53000, answer))))
    gre = struct.pack("!HHI", 0x2000, 0x0800, 7) + ipv4("10.9.0.1", "10.9.0.2", 17, udp(1000, 2000, b"in gre"))
    frames.append(eth(MAC_B, MAC_A, 0x0800, ipv4("192.0.2.1", "192.0.2.9", 47, gre)))
    mpls = struct.pack("!II", (100 << 12) | 64, (200 << 12) | (1 << 8) | 63) + \
        ipv4("10.8.0.1", "10.8.0.2", 17, udp(3000, 4000, b"in mpls"))
    frames.append(eth(MAC_B, MAC_A, 0x8847, mpls))
    inner = eth(MAC_A, MAC_B, 0x0800, ipv4("172.16.0.1", "172.16.0.2", 17, udp(5000, 6000, b"in vxlan")))
    vxlan = struct.pack("!II", 0x08000000, 4242 << 8) + inner
    frames.append(eth(MAC_B, MAC_A, 0x0800, ipv4("192.0.2.1", "192.0.2.10", 17, udp(49000, 4789, vxlan))))
    ppp_ip = ipv4("100.64.0.1", "100.64.0.2", 17, udp(7000, 8000, b"in pppoe"))
    pppoe = struct.pack("!BBHHH", 0x11, 0, 0x2a, len(ppp_ip) + 2, 0x0021) + ppp_ip
    frames.append(eth(MAC_B, MAC_A, 0x8864, pppoe))
    sni = b"sample.test"
    ext = struct.pack("!HHHBH", 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) + sni
    hello = struct.pack("!H", 0x0303) + bytes(32) + b"\x00" + struct.pack("!HHH", 4, 0x1301, 0xc02f) + \
        b"\x01\x00" + struct.pack("!H", len(ext)) + ext
    handshake = bytes([1]) + len(hello).to_bytes(3, "big") + hello
    record = bytes([22, 3, 1]) + struct.pack("!H", len(handshake)) + handshake
    frames.append(eth(MAC_B, MAC_A, 0x0800, ipv4("192.0.2.1", "198.51.100.7", 6,
                                                tcp(49153, 443, 7000, 0, 0x18, payload=record))))
    dhcp = bytearray(236)
    dhcp[0:4] = bytes([1, 1, 6, 0])
    dhcp[4:8] = struct.pack("!I", 0xC0FFEE)
    dhcp[28:34] = MAC_A
    dhcp += bytes.fromhex("63825363") + bytes([53, 1, 1, 55, 3, 1, 3, 6, 255])
    frames.append(eth(b"\xff" * 6, MAC_A, 0x0800, ipv4("0.0.0.0", "255.255.255.255", 17, udp(68, 67, bytes(dhcp)))))

    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1767225600 + i, (125000 * i) % 1000000, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
