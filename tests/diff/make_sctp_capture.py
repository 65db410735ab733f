#!/usr/bin/env python3
"""Writes a capture of SCTP packets (made here, no third-party data) for the tshark tier:
the corpus holds no SCTP. One packet per chunk type pcapkit details (INIT and INIT ACK with
parameters, COOKIE ECHO/ACK, DATA, SACK, HEARTBEAT (ACK), SHUTDOWN, SHUTDOWN ACK and
COMPLETE, ABORT, ERROR, FORWARD TSN, AUTH, ASCONF (ACK), RE-CONFIG, PAD, I-DATA, ECNE,
CWR, an unknown type), then malformed ones: a chunk length below 4, a chunk past the
packet, a cut chunk header, a SACK counting more than it holds, an INIT parameter past its
chunk, a DATA chunk shorter than its fields, a packet shorter than the common header.
Checksums are right (CRC32c).

usage: make_sctp_capture.py OUT.pcap
"""
import struct
import sys


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def padded(b):
    return b + bytes(-len(b) % 4)


def chunk(ctype, flags, value):
    return padded(struct.pack("!BBH", ctype, flags, 4 + len(value)) + value)


def param(ptype, value):
    return padded(struct.pack("!HH", ptype, 4 + len(value)) + value)


def sctp(chunks):
    header = struct.pack("!HHII", 5000, 38412, 0x11223344, 0)
    body = b"".join(chunks)
    # The CRC32c goes in as a little-endian number (RFC 9260 appendix B).
    return header[:8] + struct.pack("<I", crc32c(header + body)) + body


def ipv4(payload, proto=132):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    s = sum(struct.unpack("!10H", h))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return h[:10] + struct.pack("!H", ~s & 0xFFFF) + h[12:] + payload


def eth(payload):
    return bytes.fromhex("02005e100002" "02005e100001" "0800") + payload


def data(tsn, sid, ssn, ppid, user):
    return struct.pack("!IHHI", tsn, sid, ssn, ppid) + user


def idata(tsn, sid, mid, ppid_or_fsn, user):
    return struct.pack("!IHHII", tsn, sid, 0, mid, ppid_or_fsn) + user


INIT_PARAMS = (param(5, bytes([10, 0, 0, 1])) + param(0xC000, b"") +
               param(0x8008, b"\x00\x40\xc1") + param(11, b"host.example\x00"))

PACKETS = [
    [chunk(1, 0, struct.pack("!IIHHI", 0xDEADBEEF, 65536, 10, 10, 1000) + INIT_PARAMS)],
    [chunk(2, 0, struct.pack("!IIHHI", 0xCAFEBABE, 32768, 5, 5, 2000) + param(7, b"C" * 20))],
    [chunk(10, 0, b"C" * 20)],
    [chunk(11, 0, b"")],
    [chunk(0, 3, data(1000, 1, 7, 46, b"hello")), chunk(0, 0x0E, data(1001, 2, 0, 0, b"x" * 8))],
    [chunk(3, 0, struct.pack("!IIHHHHHHI", 1001, 60000, 2, 1, 2, 3, 5, 6, 999))],
    [chunk(4, 0, param(1, b"hbinfo12"))],
    [chunk(5, 0, param(1, b"hbinfo12"))],
    [chunk(7, 0, struct.pack("!I", 1234))],
    [chunk(8, 0, b"")],
    [chunk(14, 1, b"")],
    [chunk(6, 1, param(12, b"user abort"))],
    [chunk(9, 0, param(1, struct.pack("!HH", 7, 0)))],
    [chunk(192, 0, struct.pack("!IHHHH", 5000, 1, 2, 3, 4))],
    [chunk(15, 0, struct.pack("!HH", 1, 1) + b"\xaa" * 20),
     chunk(0, 3, data(1002, 1, 8, 0, b"authd"))],
    [chunk(193, 0, struct.pack("!I", 7) +
           param(0xC001, struct.pack("!I", 1) + param(5, bytes([10, 0, 0, 9]))))],
    [chunk(128, 0, struct.pack("!I", 7) + param(0xC005, struct.pack("!I", 1)))],
    [chunk(130, 0, param(13, struct.pack("!III", 1, 2, 3)))],
    [chunk(132, 0, bytes(8)), chunk(11, 0, b"")],
    [chunk(64, 3, idata(3000, 1, 10, 51, b"idata")), chunk(64, 0, idata(3001, 1, 11, 4, b"frag"))],
    [chunk(12, 0, struct.pack("!I", 77)), chunk(13, 0, struct.pack("!I", 77))],
    [chunk(200, 0, b"unknownx")],
    # Malformed.
    [struct.pack("!BBH", 0, 3, 2) + bytes(8)],
    [chunk(11, 0, b""), struct.pack("!BBH", 0, 3, 100) + bytes(12)],
    [chunk(11, 0, b"") + b"\x01\x02"],
    [chunk(3, 0, struct.pack("!IIHHHH", 1001, 60000, 5, 3, 2, 3))],
    [chunk(1, 0, struct.pack("!IIHHIHH", 1, 2, 3, 4, 5, 5, 40) + bytes(4))],
    [chunk(0, 3, b"\x00\x01")],
]


def main():
    frames = [eth(ipv4(sctp(chunks))) for chunks in PACKETS] + [eth(ipv4(bytes(8)))]
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    main()
