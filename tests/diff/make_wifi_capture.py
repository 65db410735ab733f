#!/usr/bin/env python3
"""Writes a capture of Wi-Fi frames (made here, no third-party data) for the tshark tier:
the corpus holds no PPI, and few radiotap variants. A pcapng file with two interfaces:

- radiotap (link type 127): a QoS data frame with its FCS (TSFT, flags, rate, channel,
  antenna signal and noise, antenna), a non-QoS data frame with MCS and XChannel, a QoS
  Null with VHT and A-MPDU status, a beacon with tagged parameters and a bad FCS, a
  protected (CCMP) data frame, a four-address data frame under a chain of three present
  words (a second antenna's radiotap namespace, then a vendor namespace), control frames
  (ACK, RTS, CTS, PS-Poll, BlockAck, CF-End) and management frames (probe request,
  authentication, deauthentication, association request, action); then malformed ones: a
  present chain past the header, a header length past the frame, a field past the header,
  an ACK too short, a tag past the end of a beacon.
- PPI (link type 192): 802.11 data frames after an 802.11-common field (with and without
  the FCS flag), an aligned header with a second field, an Ethernet packet (DLT 1), then a
  header length past the frame, a version other than 0 (a field running past the header is
  left to the unit tests: tshark places the packet after it elsewhere).

usage: make_wifi_capture.py OUT.pcapng
"""
import struct
import sys
import zlib

AP = bytes.fromhex("02005e100001")
STA = bytes.fromhex("02005e100002")
HOST = bytes.fromhex("02005e100003")
PEER = bytes.fromhex("02005e100004")
BCAST = b"\xff" * 6


def checksum(b):
    s = sum(struct.unpack(f"!{len(b) // 2}H", b + bytes(len(b) % 2)))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4_udp(payload):
    udp = struct.pack("!HHHH", 4000, 4001, 8 + len(payload), 0) + payload
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                    bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:] + udp


def ipv6_udp(payload):
    udp = struct.pack("!HHHH", 4000, 4001, 8 + len(payload), 0) + payload
    return (struct.pack("!IHBB", 0x60000000, len(udp), 17, 64) + bytes(15) + b"\x01" +
            bytes(15) + b"\x02" + udp)


def arp_request():
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, STA, bytes([10, 0, 0, 2]),
                       bytes(6), bytes([10, 0, 0, 1]))


def snap(ethertype, payload):
    return b"\xaa\xaa\x03\x00\x00\x00" + struct.pack("!H", ethertype) + payload


def fc(ftype, subtype, flags=0):
    return bytes([subtype << 4 | ftype << 2, flags])


def data_frame(subtype, flags, a1, a2, a3, seq, body, qos=None, a4=None, htc=None):
    f = fc(2, subtype, flags) + struct.pack("<H", 44) + a1 + a2 + a3 + struct.pack("<H", seq << 4)
    if a4 is not None:
        f += a4
    if qos is not None:
        f += struct.pack("<H", qos)
    if htc is not None:
        f += struct.pack("<I", htc)
    return f + body


def mgmt_frame(subtype, a1, a2, a3, seq, body, flags=0):
    return fc(0, subtype, flags) + struct.pack("<H", 314) + a1 + a2 + a3 + \
        struct.pack("<H", seq << 4) + body


def tag(number, value):
    return bytes([number, len(value)]) + value


def with_fcs(frame):
    return frame + struct.pack("<I", zlib.crc32(frame))


# Radiotap fields by bit: (alignment, packed value).
def radiotap(fields, words=None, vendor=None):
    """The header for {bit: (align, bytes)} in one present word, or the given `words`
    with the fields in order as [(align, bytes)] and a vendor namespace (oui, subns, data)."""
    if words is None:
        words = [sum(1 << b for b in fields)]
        items = [fields[b] for b in sorted(fields)]
    else:
        items = fields
    body = b""
    start = 4 + 4 * len(words)
    for align, value in items:
        body += bytes(-(start + len(body)) % align) + value
    if vendor is not None:
        oui, subns, data = vendor
        body += bytes(-(start + len(body)) % 2) + oui + bytes([subns]) + \
            struct.pack("<H", len(data)) + data
    header = struct.pack("<BBH", 0, 0, start + len(body)) + b"".join(
        struct.pack("<I", w) for w in words)
    return header + body


TSFT = (8, struct.pack("<Q", 1234567890))
CHANNEL = (2, struct.pack("<HH", 2437, 0x00a0))
SIGNAL, NOISE, ANTENNA = (1, b"\xc4"), (1, b"\xa1"), (1, b"\x01")


def flags(v):
    return (1, bytes([v]))


def radiotap_frames():
    qos_data = data_frame(8, 0x01, AP, STA, HOST, 100, snap(0x0800, ipv4_udp(b"hello")), qos=5)
    arp = data_frame(0, 0x02, BCAST, AP, STA, 101, snap(0x0806, arp_request()))
    qos_null = data_frame(12, 0x11, AP, STA, AP, 102, b"", qos=0x0010)
    beacon = mgmt_frame(8, BCAST, AP, AP, 103, struct.pack("<QHH", 987654321, 100, 0x0431) +
                        tag(0, b"pcapkit") + tag(1, bytes([0x82, 0x84, 0x8b, 0x96])) +
                        tag(3, b"\x06") + tag(5, b"\x00\x01\x00\x00") +
                        tag(50, bytes([0x0c, 0x12, 0x18, 0x24])) + tag(221, b"\x00\x11\x22\x01\x02"))
    ccmp = struct.pack("<BBBB", 0x01, 0x00, 0x00, 0x20) + b"\x00\x00\x00\x00"
    protected = data_frame(8, 0x41, AP, STA, HOST, 104, ccmp + b"\x5a" * 24, qos=0)
    wds = data_frame(0, 0x03, AP, STA, HOST, 105, snap(0x86DD, ipv6_udp(b"wds")), a4=PEER)
    frames = [
        radiotap({0: TSFT, 1: flags(0x10), 2: (1, b"\x0b"), 3: CHANNEL, 5: SIGNAL, 6: NOISE,
                  11: ANTENNA}) + with_fcs(qos_data),
        radiotap({1: flags(0), 18: (4, struct.pack("<IHBB", 0x000100a0, 2437, 6, 20)),
                  19: (1, bytes([0x1f, 0x01, 7]))}) + arp,
        radiotap({1: flags(0x10), 20: (4, struct.pack("<IHBB", 7, 0, 0, 0)),
                  21: (2, struct.pack("<HBB4sBBH", 0x0044, 0x04, 4, b"\x92\x00\x00\x00", 0, 0,
                                      0))}) + with_fcs(qos_null),
        radiotap({1: flags(0x50), 3: CHANNEL}) + beacon + b"\xde\xad\xbe\xef",
        radiotap({1: flags(0x10), 5: SIGNAL}) + with_fcs(protected),
        radiotap([TSFT, flags(0), SIGNAL, SIGNAL, ANTENNA],
                 words=[0xA0000023, 0xC0000820, 0x00000001],
                 vendor=(b"\x00\x11\x22", 3, b"\x01\x02\x03\x04")) + wds,
    ]
    frames += [radiotap({1: flags(0x10)}) + with_fcs(f) for f in control_and_management()]
    ack = fc(1, 13) + struct.pack("<H", 0) + AP
    frames += [
        struct.pack("<BBHII", 0, 0, 12, 0x80000000, 0x80000000) + ack,  # chain past header
        struct.pack("<BBHI", 0, 0, 200, 0) + ack,  # header length past the frame
        struct.pack("<BBHI", 0, 0, 12, 1) + bytes(4) + ack,  # TSFT past the header
        radiotap({1: flags(0)}) + ack[:6],  # an ACK cut short
        radiotap({1: flags(0)}) + mgmt_frame(8, BCAST, AP, AP, 7, struct.pack("<QHH", 1, 100, 1) +
                                             tag(0, b"cut") + b"\x01\xc8\x82\x84"),
    ]
    return frames


def control_and_management():
    return [
        fc(1, 13) + struct.pack("<H", 0) + AP,  # ACK
        fc(1, 11) + struct.pack("<H", 500) + AP + STA,  # RTS
        fc(1, 12) + struct.pack("<H", 400) + STA,  # CTS
        fc(1, 10, 0x10) + struct.pack("<H", 0xC001) + AP + STA,  # PS-Poll
        fc(1, 9) + struct.pack("<H", 0) + STA + AP + struct.pack("<HH", 0x0005, 0x0010) +
        bytes(8),  # BlockAck
        fc(1, 14) + struct.pack("<H", 0) + BCAST + AP,  # CF-End
        mgmt_frame(4, BCAST, STA, BCAST, 9, tag(0, b"") + tag(1, b"\x02\x04")),
        mgmt_frame(11, AP, STA, AP, 10, struct.pack("<HHH", 0, 1, 0)),
        mgmt_frame(12, STA, AP, AP, 11, struct.pack("<H", 7)),
        mgmt_frame(0, AP, STA, AP, 12, struct.pack("<HH", 0x0431, 10) + tag(0, b"pcapkit")),
        mgmt_frame(13, AP, STA, AP, 13, b"\x03\x00\x01\x02"),
    ]


def ppi(fields, dlt=105, flags=0, version=0, length=None):
    body = b""
    for ftype, data in fields:
        body += struct.pack("<HH", ftype, len(data)) + data
        if flags & 1:
            body += bytes(-len(body) % 4)
    n = 8 + len(body) if length is None else length
    return struct.pack("<BBHI", version, flags, n, dlt) + body


def common_80211(flags):
    return (2, struct.pack("<QHHHHBBbb", 123456789, flags, 22, 2437, 0x00a0, 0, 0, -40, -95))


def ppi_frames():
    qos_data = data_frame(8, 0x01, AP, STA, HOST, 200, snap(0x0800, ipv4_udp(b"ppi")), qos=0)
    arp = data_frame(0, 0x02, BCAST, AP, STA, 201, snap(0x0806, arp_request()))
    eth = BCAST + STA + b"\x08\x00" + ipv4_udp(b"eth")
    return [
        ppi([common_80211(0x0001)]) + with_fcs(qos_data),
        ppi([common_80211(0x0000)]) + arp,
        ppi([common_80211(0x0000), (4, bytes(range(48)))], flags=1) + arp,
        ppi([], dlt=1) + eth,
        ppi([common_80211(0)], length=4000) + arp,  # header length past the frame
        ppi([common_80211(0)], version=1) + arp,
    ]


def block(btype, body):
    body += bytes(-len(body) % 4)
    return struct.pack("<II", btype, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))


def main():
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", 127, 0, 65535)) + block(1, struct.pack("<HHI", 192, 0,
                                                                              65535))
    frames = [(0, f) for f in radiotap_frames()] + [(1, f) for f in ppi_frames()]
    for i, (interface, frame) in enumerate(frames):
        ts = (1700000000 + i) * 1000000
        out += block(6, struct.pack("<IIIII", interface, ts >> 32, ts & 0xFFFFFFFF, len(frame),
                                    len(frame)) + frame)
    with open(sys.argv[1], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
