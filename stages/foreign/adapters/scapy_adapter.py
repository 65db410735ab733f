"""The scapy engine (`pcapkit extract -E scapy`): scapy's dissection as pcapkit records.

Usage: scapy_adapter.py INPUT. Reads the capture with scapy's PcapReader (a PcapNgReader
for pcapng; streamed, never rdpcap) with the layers of scapy.layers.{l2, inet, inet6,
dns, http} loaded (without them every frame is Raw: PyPCAPKit's upstream #406), walks
each packet's layers and maps the ones pcapkit's core model has, writing the NDJSON lines
of pcapkit_record's contract. Only what scapy dissects is written:

- the frame's captured bytes (`original`), wire length and timestamp; no interface id;
- Ethernet II (802.3 frames: the length only), 802.1Q/802.1ad tags, ARP, IPv4, IPv6 and
  its Hop-by-Hop, Routing, Fragment and Destination Options headers, TCP with the options
  scapy decodes (no option lengths: scapy keeps none), UDP, ICMP and ICMPv6 (the quoted
  datagram of errors: scapy's IPerror/TCPerror/UDPerror classes), DNS (scapy binds it to
  UDP ports 53 and 5353 and TCP port 53), and HTTP/1.x request and response lines (scapy
  binds HTTP to ports 80 and 8080 only; it rewrites header names, so headers are left
  out);
- the first layer scapy has that pcapkit's core model does not (Raw, MPLS, GRE, ...)
  ends the record.
"""
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapkit_record as rec  # noqa: E402

# Loaded for what loading does: scapy binds each layer to its link types, EtherTypes and
# ports when its module is imported.
LAYERS = ("l2", "inet", "inet6", "dns", "http")

try:
    for module in LAYERS:
        importlib.import_module("scapy.layers." + module)
    from scapy.error import Scapy_Exception
    from scapy.fields import ConditionalField, FieldListField, PacketListField, StrField
    from scapy.layers.inet import TCPOptions
    from scapy.packet import NoPayload
    from scapy.utils import PcapNgReader, PcapReader
except ImportError as e:
    rec.missing_tool("scapy: %s (Debian: apt-get install python3-scapy)" % e)

OPTION_KINDS = TCPOptions[1]  # scapy's option names -> kinds
OPT = 41  # the EDNS pseudo-record
MDNS_PORT = 5353


def ether(layer):
    return "ethernet", {"dst": layer.dst, "src": layer.src, "type": layer.type}


def dot3(layer):
    return "ethernet", {"dst": layer.dst, "src": layer.src, "len": layer.len}


def dot1q(layer):
    tag = {"pcp": layer.prio, "dei": bool(layer.id), "vid": layer.vlan}
    tag["len" if layer.type <= 1500 else "type"] = layer.type
    return "vlan", tag


def address(value, mac_len=False):
    """scapy gives an ARP address it does not type (a hardware type other than Ethernet,
    odd lengths) as bytes: pcapkit writes a 6-byte hardware address as a MAC, others hex."""
    if not isinstance(value, bytes):
        return value
    return rec.mac(value) if mac_len else value.hex()


def arp(layer):
    mac_len = layer.hwlen == 6
    return "arp", {"htype": layer.hwtype, "ptype": layer.ptype, "hlen": layer.hwlen,
                   "plen": layer.plen, "oper": layer.op, "sha": address(layer.hwsrc, mac_len),
                   "spa": address(layer.psrc), "tha": address(layer.hwdst, mac_len),
                   "tpa": address(layer.pdst)}


def ip4(layer):
    return "ipv4", {
        "version": layer.version, "hdr_len": layer.ihl * 4, "dscp": layer.tos >> 2,
        "ecn": layer.tos & 3, "len": layer.len, "id": layer.id,
        "flags": rec.IPV4_FLAGS[int(layer.flags) & 7],
        "offset": layer.frag * 8, "ttl": layer.ttl, "protocol": layer.proto,
        "checksum": layer.chksum, "src": layer.src, "dst": layer.dst}


def ip6(layer):
    return "ipv6", {"version": layer.version, "class": layer.tc, "label": layer.fl,
                    "payload": layer.plen, "next": layer.nh, "limit": layer.hlim,
                    "src": layer.src, "dst": layer.dst}


def options_header(key):
    def mapper(layer):
        return key, {"next": layer.nh, "length": (layer.len + 1) * 8}
    return mapper


def routing(layer):
    route = {"next": layer.nh, "length": (layer.len + 1) * 8, "type": layer.type,
             "seg_left": layer.segleft}
    if layer.type in (0, 2):
        route["ip"] = list(layer.addresses)
    return "ipv6_route", route


def fragment(layer):
    return "ipv6_frag", {"next": layer.nh, "offset": layer.offset * 8, "mf": bool(layer.m),
                         "id": layer.id}


def tcp(layer):
    t = {"srcport": layer.sport, "dstport": layer.dport, "seq": layer.seq, "ack": layer.ack,
         "hdr_len": layer.dataofs * 4, "flags": rec.TCP_FLAGS[int(layer.flags) & 0xff],
         "window_size": layer.window, "checksum": layer.chksum, "urgent_pointer": layer.urgptr}
    if layer.options:
        t["options"] = tcp_options(layer.options)
    return "tcp", t


def tcp_options(options):
    """scapy's decoded options, up to End of Option List, as pcapkit shapes them."""
    out = []
    for name, value in options:
        kind = OPTION_KINDS.get(name, name)
        option = {"kind": kind}
        if kind == 2:
            option["mss"] = value
        elif kind == 3:
            option["shift"] = value
        elif kind == 5 and isinstance(value, tuple):
            option["blocks"] = [{"left": value[i], "right": value[i + 1]}
                                for i in range(0, len(value) - 1, 2)]
        elif kind == 8 and isinstance(value, tuple) and len(value) == 2:
            option["tsval"], option["tsecr"] = value
        out.append(option)
        if kind == 0:
            break
    return out


def udp(layer):
    return "udp", {"srcport": layer.sport, "dstport": layer.dport, "len": layer.len,
                   "checksum": layer.chksum}


def icmp(layer):
    m = {"type": layer.type, "code": layer.code, "checksum": layer.chksum}
    if "id" in layer.fields:  # scapy dissects id and seq only for the types that have them
        m.update(id=layer.id, seq=layer.seq)
    return "icmp", m


def icmpv6(layer):
    m = {"type": layer.type, "code": layer.code, "checksum": layer.cksum}
    if "seq" in layer.fields:
        m.update(id=layer.id, seq=layer.seq)
    return "icmpv6", m


def name(raw):
    """scapy's names end with the root's dot: pcapkit writes them without ("" is root)."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return text[:-1] if text.endswith(".") else text


def dns(layer, mdns):
    cls_mask = 0x7fff if mdns else 0xffff  # mDNS's top class bit is a flag
    return "dns", {
        "id": layer.id, "qr": bool(layer.qr), "opcode": layer.opcode, "aa": bool(layer.aa),
        "tc": bool(layer.tc), "rd": bool(layer.rd), "ra": bool(layer.ra),
        "ad": bool(layer.ad), "cd": bool(layer.cd), "rcode": layer.rcode,
        "questions": [{"name": name(q.qname), "type": q.qtype, "class": q.qclass & cls_mask}
                      for q in chain(layer.qd)],
        "answers": [record(r, cls_mask) for r in chain(layer.an)],
        "authorities": [record(r, cls_mask) for r in chain(layer.ns)],
        "additionals": [record(r, cls_mask) for r in chain(layer.ar)]}


def chain(p):
    """The records of a DNS section (scapy links them as payloads of one another), up to
    one whose type scapy did not read (cut short)."""
    while p is not None and not isinstance(p, NoPayload) and (
            p.fields.get("type", p.fields.get("qtype")) is not None):
        yield p
        p = p.payload


NAME_DATA = {2, 5, 12}  # NS, CNAME, PTR: rdata is a name


def record(r, cls_mask):
    if r.type == OPT:
        return {"name": name(r.rrname), "type": r.type, "udp_payload_size": r.rclass,
                "ext_rcode": r.extrcode, "version": r.version, "do": bool(r.z & 0x8000)}
    rr = {"name": name(r.rrname), "type": r.type, "class": r.rclass & cls_mask, "ttl": r.ttl}
    if r.type in (1, 28):
        rr["data"] = r.rdata
    elif r.type in NAME_DATA:
        rr["data"] = name(r.rdata)
    elif r.type == 15:
        rr["data"], rr["preference"] = name(r.exchange), r.preference
    return rr


def text(v):
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else v


def http_request(layer):
    return "http", {"type": "request", "method": text(layer.Method), "uri": text(layer.Path),
                    "version": text(layer.Http_Version)}


def http_response(layer):
    return "http", {"type": "response", "version": text(layer.Http_Version),
                    "status": int(layer.Status_Code), "reason": text(layer.Reason_Phrase)}


# HTTP's header fields are each optional; its start line is what must be whole.
START_LINE = {"HTTPRequest": ("Method", "Path", "Http_Version"),
              "HTTPResponse": ("Http_Version", "Status_Code", "Reason_Phrase")}


ICMPV6_HEADER = {"type", "code", "cksum"}  # ICMPv6 message classes (not their options)

MAPPERS = {
    "Ether": ether, "Dot3": dot3, "Dot1Q": dot1q, "Dot1AD": dot1q, "ARP": arp,
    "IP": ip4, "IPerror": ip4, "IPv6": ip6, "IPerror6": ip6,
    "IPv6ExtHdrHopByHop": options_header("hopopt"),
    "IPv6ExtHdrDestOpt": options_header("ipv6_opts"), "IPv6ExtHdrRouting": routing,
    "IPv6ExtHdrFragment": fragment, "TCP": tcp, "TCPerror": tcp, "UDP": udp,
    "UDPerror": udp, "ICMP": icmp, "ICMPerror": icmp, "DNS": dns,
    "HTTPRequest": http_request, "HTTPResponse": http_response,
}
PASS_THROUGH = {"HTTP"}  # scapy's wrapper layer above the request or response


def mapper_of(layer):
    cls = type(layer).__name__
    found = MAPPERS.get(cls)
    if found is None and cls.startswith("ICMPv6") and ICMPV6_HEADER <= layer.fields.keys():
        found = icmpv6
    return found


REQUIRED = {}  # layer class -> the names of its fixed, unconditional fields
VARIABLE = (ConditionalField, StrField, PacketListField, FieldListField)  # may be absent


def whole(layer):
    """Whether scapy dissected every fixed field of the layer: of a header cut short it
    keeps the fields it read, and the others would read as scapy's defaults (invented)."""
    cls = type(layer)
    names = REQUIRED.get(cls)
    if names is None:
        names = REQUIRED[cls] = START_LINE.get(cls.__name__) or [
            f.name for f in cls.fields_desc if not isinstance(f, VARIABLE)]
    fields = layer.fields
    return all(fields.get(n) is not None for n in names)


def dissect(packet):
    stack, layer, ports = rec.Stack(), packet, ()
    while not isinstance(layer, NoPayload):
        if type(layer).__name__ not in PASS_THROUGH:
            mapper = mapper_of(layer)
            if mapper is None or not whole(layer):
                break  # not a core layer, or one scapy could not read whole (cut short)
            key, obj = dns(layer, MDNS_PORT in ports) if mapper is dns else mapper(layer)
            if key == "udp":
                ports = (obj["srcport"], obj["dstport"])
            stack.push(key, obj)
        layer = layer.payload
    return stack


def open_reader(path):
    """scapy's reader (PcapReader picks pcap or pcapng by the magic number, and reads
    gzip), the meta record and the frames' linktype (pcapng: scapy names none)."""
    r = PcapReader(path)
    if isinstance(r, PcapNgReader):
        return r, ("section_header", None, None, 6, {"format": "pcapng"}), None
    digits = 9 if r.nano else 6
    fields = {"format": "pcap", "byteorder": "little" if r.endian == "<" else "big",
              "nanosecond": bool(r.nano), "snaplen": r.snaplen, "network": r.linktype}
    linktype = r.linktype & 0xffff  # as pcapkit's: the field's low 16 bits
    return r, ("global_header", linktype, r.snaplen, digits, fields), linktype


def main(out):
    try:
        reader, meta, linktype = open_reader(sys.argv[1])
    except Scapy_Exception as e:
        out.error("scapy: %s" % e, 1, 0)  # not a file scapy reads
        return rec.EXIT_ERROR
    out.meta(*meta)
    number = 0
    reading = rec.Reading(reader, (Scapy_Exception, EOFError, ValueError))
    for packet in reading:
        number += 1
        sec, frac = rec.split_time(packet.time, out.digits)
        head = [("cap_len", len(packet.original)), ("len", packet.wirelen)]
        if linktype is not None:
            head.append(("linktype", linktype))
        out.frame(number, sec, frac, head, dissect(packet))
    if reading.error is not None:
        e = reading.error
        out.error("scapy: %s" % (e or type(e).__name__), number + 1, reader.f.tell())
        return rec.EXIT_ERROR
    return 0


if __name__ == "__main__":
    rec.run(main)
