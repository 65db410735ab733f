#!/usr/bin/env python3
"""Writes a capture of GTP control-plane packets (made here, no third-party data) for the
tshark tier: the corpus holds no GTP-C. Ethernet/IPv4/UDP 2123 frames carrying GTPv1-C
(echo request and response, a Create PDP Context Request with TV and TLV information
elements, its response with addresses, an Update PDP Context Request with IPv6 addresses)
and GTPv2-C (echo, a Create Session Request with IMSI, MSISDN, RAT type, F-TEID, APN,
AMBR, PDN type and a Bearer Context, its response with a Cause, a response carrying a
piggybacked Create Bearer Request, a message with a priority), then malformed ones: an
unknown TV type, an IE past the message, a cut header, a cut piggybacked message.

usage: make_gtpc_capture.py OUT.pcap
"""
import socket
import struct
import sys


def ipv4(payload, proto=17):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    s = sum(struct.unpack("!10H", h))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return h[:10] + struct.pack("!H", ~s & 0xFFFF) + h[12:] + payload


def udp(payload, sport=2123, dport=2123):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def eth(payload):
    return bytes.fromhex("02005e100002" "02005e100001" "0800") + payload


def v6(text):
    return socket.inet_pton(socket.AF_INET6, text)


# ---- GTPv1-C (TS 29.060) ----

def v1(mtype, teid, seq, ies):
    """Flags 0x32 (version 1, PT, S): sequence number, N-PDU 0, no extension header."""
    return struct.pack("!BBHIHBB", 0x32, mtype, 4 + len(ies), teid, seq, 0, 0) + ies


def tlv(itype, value):
    return struct.pack("!BH", itype, len(value)) + value


IMSI = bytes([0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0xF5])  # 123456789012345
APN = b"\x08internet\x07example\x03com"

CREATE_PDP = (b"\x02" + IMSI + b"\x0e\x07" + b"\x0f\x01" + b"\x10\x11\x22\x33\x44" +
              b"\x11\x00\x00\x00\x09" + b"\x14\x05" + tlv(128, b"\xf1\x21") + tlv(131, APN) +
              tlv(133, bytes([10, 0, 0, 1])) + tlv(133, bytes([10, 0, 0, 2])) +
              tlv(134, b"\x91\x44\x77\x00\x00\xf1"))
CREATE_PDP_RESPONSE = (b"\x01\x80" + b"\x10\x00\x00\x00\x21" + b"\x11\x00\x00\x00\x22" +
                       b"\x7f\x00\x00\x00\x2a" + tlv(128, b"\xf1\x21" + bytes([192, 0, 2, 7])) +
                       tlv(133, bytes([10, 0, 0, 2])) + tlv(133, bytes([10, 0, 0, 3])))
UPDATE_PDP = (b"\x10\x00\x00\x00\x31" + b"\x14\x06" +
              tlv(128, b"\xf1\x57" + v6("2001:db8::7")) + tlv(133, v6("2001:db8::1")) +
              tlv(255, b"\x00\x0a\x01\x02"))

V1 = [
    v1(1, 0, 1, b""),
    v1(2, 0, 1, b"\x0e\x07"),
    v1(16, 0, 2, CREATE_PDP),
    v1(17, 0x55, 2, CREATE_PDP_RESPONSE),
    v1(18, 0x66, 3, UPDATE_PDP),
    v1(20, 0x66, 4, b"\x14\x05" + b"\x13\x01"),
]


# ---- GTPv2-C (TS 29.274) ----

def v2(flags, mtype, teid, seq, ies, last=0):
    """Flags: version 2 with T (0x08), P (0x10), MP (0x04) as given."""
    body = struct.pack("!I", teid) if flags & 0x08 else b""
    body += struct.pack("!I", seq << 8 | last) + ies
    return struct.pack("!BBH", 0x40 | flags, mtype, len(body)) + body


def ie(itype, value, instance=0):
    return struct.pack("!BHB", itype, len(value), instance) + value


def fteid(interface_type, teid, addr4=None, addr6=None):
    flags = interface_type | (0x80 if addr4 else 0) | (0x40 if addr6 else 0)
    return (struct.pack("!BI", flags, teid) + (bytes(addr4) if addr4 else b"") +
            (v6(addr6) if addr6 else b""))


CREATE_SESSION = (ie(1, IMSI) + ie(76, b"\x44\x77\x00\x00\xf1") + ie(82, b"\x06") +
                  ie(87, fteid(10, 0xABCDEF01, [10, 1, 1, 1])) +
                  ie(71, b"\x08internet") + ie(72, struct.pack("!II", 4096, 8192)) +
                  ie(99, b"\x01") +
                  ie(93, ie(73, b"\x05") + ie(87, fteid(4, 0x1234, [10, 1, 1, 2]), 2)))
CREATE_SESSION_RESPONSE = (ie(2, b"\x10\x00") +
                           ie(87, fteid(11, 0x5555, [10, 2, 2, 2], "2001:db8::2"), 1) +
                           ie(93, ie(73, b"\x05") + ie(2, b"\x10\x00")))

V2 = [
    v2(0, 1, 0, 0x000010, ie(3, b"\x09")),
    v2(0, 2, 0, 0x000010, ie(3, b"\x09")),
    v2(0x08, 32, 0, 0x000102, CREATE_SESSION),
    v2(0x08, 33, 0x1111, 0x000102, CREATE_SESSION_RESPONSE),
    v2(0x18, 33, 0x1111, 0x000103, ie(2, b"\x10\x03")) +
    v2(0x08, 95, 0x2222, 0x000104, ie(73, b"\x06") + ie(93, ie(73, b"\x07"))),
    v2(0x0C, 34, 0x1111, 0x000105, ie(73, b"\x05"), last=0x50),
    v2(0x08, 36, 0x1111, 0x000106, ie(73, b"\x05") + ie(3, b"")),
]

MALFORMED = [
    v1(16, 0, 9, b"\x0e\x01" + b"\x64\x01\x02\x03"),        # unknown TV type 100
    v1(16, 0, 9, b"\x0e\x01" + b"\x85\x00\x09\x0a\x00"),    # TLV past the message
    bytes([0x32, 1, 0, 4, 0]),                              # v1 header cut
    v2(0, 1, 0, 1, b"\x03\x00\x05\x00\x01"),                # IE past the message
    v2(0x18, 33, 1, 1, ie(2, b"\x10\x00")) + b"\x48\x5f\x00",  # piggybacked header cut
    bytes([0x48, 32, 0, 8, 0, 0, 0]),                       # v2 header cut
]


def main():
    frames = [eth(ipv4(udp(m))) for m in V1 + V2 + MALFORMED]
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    main()
