"""The dpkt engine (`pcapkit extract -E dpkt`): dpkt's dissection as pcapkit records.

Usage: dpkt_adapter.py INPUT. Reads the capture with dpkt.pcap.Reader or
dpkt.pcapng.Reader (streamed) and maps dpkt's objects into pcapkit's record shape, writing
the NDJSON lines of pcapkit_record's contract. Only what dpkt dissects is written:

- dpkt's readers give a frame's bytes and a timestamp, not its original length nor its
  interface (pcapng: only the first interface, Enhanced and obsolete Packet Blocks);
- Ethernet with its VLAN tags, ARP, IPv4, IPv6 with the extension headers dpkt parses,
  TCP with the options dpkt.tcp.parse_opts splits, UDP, ICMP and ICMPv6 (echo id and
  sequence, the quoted datagram of errors);
- DNS (dpkt.dns on ports 53, 5353, 5355) and HTTP requests and responses (dpkt.http on
  any TCP payload it accepts; dpkt lower-cases header names, so headers are left out);
- a layer dpkt does not dissect (MPLS, PPPoE, GRE, LLC, AH...) ends the record there.

Values derived from a raw field dpkt exposes (IPv4 flags from the flags/offset word, DSCP
from TOS, TCP option values from the option bytes dpkt split) are dpkt's values.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapkit_record as rec  # noqa: E402

try:
    import dpkt
except ImportError as e:
    rec.missing_tool("dpkt: %s (Debian: apt-get install python3-dpkt)" % e)

DNS_PORTS = {53, 5353, 5355}
MDNS_PORT = 5353
OPT = 41  # the EDNS pseudo-record, whose class and TTL fields hold other values


def ethernet(stack, e):
    layer = stack.push("ethernet", {"dst": rec.mac(e.dst), "src": rec.mac(e.src)})
    if e.type <= 1500:
        layer["len"] = e.type  # 802.3: dpkt keeps the length in `type`; LLC is not core
        return
    layer["type"] = e.type
    for tag in getattr(e, "vlan_tags", None) or ():
        layer = stack.push("vlan", {"pcp": tag.pri, "dei": bool(tag.cfi), "vid": tag.id})
        layer["len" if tag.type <= 1500 else "type"] = tag.type
    if getattr(e, "mpls_labels", None):
        return  # MPLS is not mapped: dpkt went straight to the IP packet inside
    network(stack, e.data)


def network(stack, p):
    if isinstance(p, dpkt.ip.IP):
        ip4(stack, p)
    elif isinstance(p, dpkt.ip6.IP6):
        ip6(stack, p)
    elif isinstance(p, dpkt.arp.ARP):
        arp(stack, p)


def arp(stack, a):
    if a.hln != 6 or a.pln != 4:
        return  # dpkt reads every ARP packet as 6-byte and 4-byte addresses
    ip_addr = rec.ipv4 if a.pro == 0x800 else bytes.hex
    stack.push("arp", {
        "htype": a.hrd, "ptype": a.pro, "hlen": a.hln, "plen": a.pln, "oper": a.op,
        "sha": rec.mac(a.sha), "spa": ip_addr(a.spa), "tha": rec.mac(a.tha),
        "tpa": ip_addr(a.tpa)})


def ip4(stack, ip):
    word = ip._flags_offset
    stack.push("ipv4", {
        "version": ip.v, "hdr_len": ip.hl * 4, "dscp": ip.tos >> 2, "ecn": ip.tos & 3,
        "len": ip.len, "id": ip.id, "flags": rec.IPV4_FLAGS[word >> 13],
        "offset": (word & 0x1fff) * 8, "ttl": ip.ttl, "protocol": ip.p, "checksum": ip.sum,
        "src": rec.ipv4(ip.src), "dst": rec.ipv4(ip.dst)})
    transport(stack, ip.data)


EXT_KEYS = {0: "hopopt", 60: "ipv6_opts", 43: "ipv6_route", 44: "ipv6_frag"}


def ip6(stack, ip):
    stack.push("ipv6", {
        "version": ip.v, "class": ip.fc, "label": ip.flow, "payload": ip.plen,
        "next": ip.nxt, "limit": ip.hlim, "src": rec.ipv6(ip.src), "dst": rec.ipv6(ip.dst)})
    kind = ip.nxt
    for header in ip.all_extension_headers:
        key = EXT_KEYS.get(kind)
        if key is None:
            return  # AH, ESP, Mobility: not mapped
        stack.push(key, extension(key, header))
        kind = header.nxt
    transport(stack, ip.data)


def extension(key, h):
    if key == "ipv6_frag":
        return {"next": h.nxt, "offset": h.frag_off * 8, "mf": bool(h.m_flag), "id": h.id}
    layer = {"next": h.nxt, "length": h.length}
    if key == "ipv6_route":
        layer.update(type=h.type, seg_left=h.segs_left)
        if h.type in (0, 2):
            layer["ip"] = [rec.ipv6(a) for a in h.addresses]
    return layer


def transport(stack, p):
    if isinstance(p, dpkt.tcp.TCP):
        tcp(stack, p)
    elif isinstance(p, dpkt.udp.UDP):
        udp(stack, p)
    elif isinstance(p, dpkt.icmp.ICMP):
        icmp(stack, p, "icmp", dpkt.icmp.ICMP.Echo)
    elif isinstance(p, dpkt.icmp6.ICMP6):
        icmp(stack, p, "icmpv6", dpkt.icmp6.ICMP6.Echo)


def tcp(stack, t):
    layer = stack.push("tcp", {
        "srcport": t.sport, "dstport": t.dport, "seq": t.seq, "ack": t.ack,
        "hdr_len": t.off * 4, "flags": rec.TCP_FLAGS[t.flags & 0xff],
        "window_size": t.win, "checksum": t.sum, "urgent_pointer": t.urp})
    if t.opts:
        layer["options"] = tcp_options(t.opts)
    if t.data:
        http(stack, t.data)


def tcp_options(raw):
    """dpkt's split of the options, up to the End of Option List (dpkt goes on and lists
    each padding byte after it as another EOL; pcapkit's list ends there)."""
    options = []
    for kind, data in dpkt.tcp.parse_opts(raw):
        options.append(tcp_option(kind, data))
        if kind == 0:
            break
    return options


def tcp_option(kind, data):
    if kind is None or kind < 2:
        return {"kind": kind}
    option = {"kind": kind, "len": len(data) + 2}
    if kind == 2 and len(data) == 2:
        option["mss"] = struct.unpack(">H", data)[0]
    elif kind == 3 and len(data) == 1:
        option["shift"] = data[0]
    elif kind == 5 and len(data) % 8 == 0:
        edges = struct.unpack(">%dI" % (len(data) // 4), data)
        option["blocks"] = [{"left": edges[i], "right": edges[i + 1]}
                            for i in range(0, len(edges), 2)]
    elif kind == 8 and len(data) == 8:
        option["tsval"], option["tsecr"] = struct.unpack(">II", data)
    return option


def udp(stack, u):
    stack.push("udp", {"srcport": u.sport, "dstport": u.dport, "len": u.ulen,
                       "checksum": u.sum})
    # dpkt leaves UDP payloads as bytes: dpkt.dns reads those of DNS's ports (the lower
    # port first, as pcapkit looks them up).
    port = next((p for p in sorted((u.sport, u.dport)) if p in DNS_PORTS), None)
    if port is not None and isinstance(u.data, bytes):
        dns(stack, u.data, port == MDNS_PORT)


def icmp(stack, m, key, echo):
    layer = stack.push(key, {"type": m.type, "code": m.code, "checksum": m.sum})
    inner = m.data
    if isinstance(inner, echo):
        layer.update(id=inner.id, seq=inner.seq)
    elif hasattr(inner, "data"):
        network(stack, inner.data)  # an error's quoted datagram, as dpkt parsed it


def dns(stack, data, mdns):
    try:
        d = dpkt.dns.DNS(data)
    except (dpkt.UnpackError, IndexError, struct.error):
        return
    cls_mask = 0x7fff if mdns else 0xffff  # mDNS's top class bit is a flag
    stack.push("dns", {
        "id": d.id, "qr": bool(d.qr), "opcode": d.opcode, "aa": bool(d.aa),
        "tc": bool(d.tc), "rd": bool(d.rd), "ra": bool(d.ra), "ad": bool(d.op & 0x20),
        "cd": bool(d.op & 0x10), "rcode": d.rcode,
        "questions": [{"name": q.name, "type": q.type, "class": q.cls & cls_mask}
                      for q in d.qd],
        "answers": [record(r, cls_mask) for r in d.an],
        "authorities": [record(r, cls_mask) for r in d.ns],
        "additionals": [record(r, cls_mask) for r in d.ar]})


RDATA = {1: "ip", 28: "ip6", 5: "cname", 2: "nsname", 12: "ptrname", 15: "mxname"}


def record(r, cls_mask):
    if r.type == OPT:
        return {"name": r.name, "type": r.type, "udp_payload_size": r.cls,
                "ext_rcode": r.ttl >> 24, "version": (r.ttl >> 16) & 0xff,
                "do": bool(r.ttl & 0x8000), "data": r.rdata.hex()}
    rr = {"name": r.name, "type": r.type, "class": r.cls & cls_mask, "ttl": r.ttl}
    attr = RDATA.get(r.type)
    value = getattr(r, attr, None) if attr else None
    if value is not None:
        rr["data"] = (rec.ipv4(value) if r.type == 1 else
                      rec.ipv6(value) if r.type == 28 else value)
    if r.type == 15 and hasattr(r, "preference"):
        rr["preference"] = r.preference
    return rr


def http(stack, data):
    if not 65 <= data[0] <= 90:
        return  # dpkt.http accepts only "HTTP/" or an upper-case method: skip its exception
    try:
        if data[:5] == b"HTTP/":
            m = dpkt.http.Response(data)
            layer = {"type": "response", "version": "HTTP/" + m.version,
                     "status": int(m.status), "reason": m.reason}
        else:
            m = dpkt.http.Request(data)
            layer = {"type": "request", "method": m.method, "uri": m.uri,
                     "version": "HTTP/" + m.version}
    except (dpkt.UnpackError, ValueError, IndexError):
        return
    stack.push("http", layer)


def open_reader(f):
    """dpkt's reader for the file, by its magic number, and the meta record (its
    linktype: the low 16 bits of the field, as pcapkit's; the rest are flags)."""
    if f.peek(4)[:4] == b"\n\r\r\n":
        r = dpkt.pcapng.Reader(f)
        digits = 9 if r._divisor >= 1e9 else 6
        return r, ("section_header", r.datalink() & 0xffff, r.snaplen, digits,
                   {"format": "pcapng"})
    r = dpkt.pcap.Reader(f)
    return r, ("global_header", r.datalink() & 0xffff, r.snaplen, pcap_digits(r),
               pcap_fields(r))


def pcap_digits(r):
    return 9 if r._divisor == 10 ** 9 else 6


def pcap_fields(r):
    """The global header as dpkt parsed it (dpkt re-reads it little-endian when the magic
    says so: that choice is the byte order)."""
    fh = r._Reader__fh
    little = isinstance(fh, dpkt.pcap.LEFileHdr)
    return {"format": "pcap",
            "magic_number": struct.pack("<I" if little else ">I", fh.magic).hex(),
            "byteorder": "little" if little else "big",
            "nanosecond": pcap_digits(r) == 9,
            "modified": fh.magic == dpkt.pcap.PMUDPCT_MAGIC,
            "version_major": fh.v_major, "version_minor": fh.v_minor,
            "thiszone": fh.thiszone, "sigfigs": fh.sigfigs, "snaplen": fh.snaplen,
            "network": fh.linktype}


DECODERS = {1: lambda s, b: ethernet(s, dpkt.ethernet.Ethernet(b)),
            228: lambda s, b: ip4(s, dpkt.ip.IP(b)),
            229: lambda s, b: ip6(s, dpkt.ip6.IP6(b))}


def main(out):
    with open(sys.argv[1], "rb") as f:
        try:
            reader, meta = open_reader(f)
        except (ValueError, dpkt.UnpackError, struct.error) as e:
            out.error("dpkt: %s" % (e or type(e).__name__), 1, 0)  # not a file dpkt reads
            return rec.EXIT_ERROR
        out.meta(*meta)
        linktype = meta[1]
        decode = DECODERS.get(linktype)
        digits = out.digits
        number = 0
        reading = rec.Reading(reader, (dpkt.NeedData, dpkt.UnpackError, ValueError,
                                       struct.error))
        for ts, buf in reading:
            number += 1
            stack = rec.Stack()
            if decode is not None:
                try:
                    decode(stack, buf)
                except (dpkt.UnpackError, struct.error, IndexError):
                    pass  # dpkt stops: the layers it gave are kept
            sec, frac = rec.split_time(ts, digits)
            out.frame(number, sec, frac, (("cap_len", len(buf)), ("linktype", linktype)),
                      stack)
        if reading.error is not None:
            e = reading.error
            out.error("dpkt: %s" % (e or type(e).__name__), number + 1, f.tell())
            return rec.EXIT_ERROR
    return 0


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore")  # dpkt's deprecation warnings on every IP packet
    rec.run(main)
