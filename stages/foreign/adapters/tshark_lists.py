"""The lists of the tshark engine whose objects are not one tshark field per member:
TCP options, IPv6 Hop-by-Hop and Destination options, DNS resource records and HTTP header
fields (tshark_adapter.py writes the rest from the field tables alone).

tshark lists each field's occurrences in a frame one after the other (`tcp.option_kind`:
every option's kind, `ipv6.opt.length`: the length of every option that has one), without
saying which object an occurrence belongs to. Here they are put back together from what
tshark itself gives, and a member is written only when that is certain:

- options: an option's kind (type) takes the next length unless it is a one-byte option,
  and the options' sizes must fill the header (TCP: its `hdr_len`; an IPv6 options header:
  its `length`) exactly, else the header's options are left out;
- DNS records: `dns.count.*` split tshark's records into sections, and the records are
  written only when tshark gives each of them its `dns.resp.name` and `dns.resp.type`;
- a member that only some objects carry (MSS, a record's address...) is written when
  tshark gives exactly one value per object of that kind, in order; otherwise it is left
  out of them all.

Which tshark field holds a member comes from the field tables (`Layer.sources`), except
where no table row can say it: a record's `data` (one tshark field per record type,
DATA below), the section counts, SACK's block count and HTTP's header lines.
"""

# A record's `data`, by record type: the tshark field that holds it (pcapkit's `data`
# for these types is the address or the name; for the others it is hex, which tshark
# does not give).
DATA = {1: "dns.a", 28: "dns.aaaa", 2: "dns.ns", 5: "dns.cname", 12: "dns.ptr.domain_name",
        15: "dns.mx.mail_exchange", 33: "dns.srv.target", 6: "dns.soa.mname"}
SECTIONS = (("answers", "dns.count.answers"), ("authorities", "dns.count.auth_rr"),
            ("additionals", "dns.count.add_rr"))
SACK_COUNT = "tcp.options.sack.count"
HEADER_LINES = ("http.request.line", "http.response.line")
# Fields the lists need that no table row names: asked of tshark too.
EXTRA_FIELDS = [SACK_COUNT, *(f for _, f in SECTIONS), *DATA.values(), *HEADER_LINES]


def type_is(*types):
    return lambda record: record["type"] in types


def kind_is(*kinds):
    return lambda option: option["kind"] in kinds


def not_opt(record):
    return record["type"] != OPT


OPT, MX, SRV, SOA = 41, 15, 33, 6  # OPT: EDNS's pseudo-record, without class nor TTL
# (member, the records that carry it), in the order pcapkit writes a record's members;
# `data` comes from a field per record type (DATA).
RECORD_MEMBERS = [
    ("class", not_opt), ("cache_flush", not_opt), ("ttl", not_opt), ("data", None),
    ("preference", type_is(MX)),
    *((m, type_is(SRV)) for m in ("priority", "weight", "port")),
    *((m, type_is(SOA)) for m in ("rname", "serial", "refresh", "retry", "expire", "minimum")),
    *((m, type_is(OPT)) for m in ("udp_payload_size", "ext_rcode", "version", "do")),
]
MP_CAPABLE, DSS = 0, 2
# (member, the TCP options that carry it), in pcapkit's order of an option's members.
TCP_MEMBERS = [
    ("mss", kind_is(2)), ("shift", kind_is(3)), ("tsval", kind_is(8)), ("tsecr", kind_is(8)),
    ("granularity", kind_is(28)), ("timeout", kind_is(28)), ("subtype", kind_is(30)),
    ("version", lambda o: o.get("subtype") == MP_CAPABLE),
    ("flags", lambda o: o.get("subtype") in (MP_CAPABLE, DSS)),
]
SACK = 5
# IPv6 option type -> its member.
IPV6_OPTION_MEMBERS = {0xc2: "payload_len", 0x05: "value", 0x04: "limit", 0xc9: "address"}


def raw(values, field):
    return values.get(field.replace(".", "_"), [])


def values_of(values, sources):
    """The frame's values of a table row: those of the first of its tshark fields the
    frame has, parsed."""
    for field, parse in sources or ():
        found = raw(values, field)
        if found:
            return [parse(v) for v in found]
    return []


class Cursor:
    """The occurrences of one tshark field, taken in order."""

    def __init__(self, items):
        self.items, self.pos = items, 0

    def take(self):
        if self.pos == len(self.items):
            return None
        self.pos += 1
        return self.items[self.pos - 1]

    def done(self):
        return self.pos == len(self.items)


def assign(objects, carries, member, found):
    """Gives `member` to the objects that carry it, in order, when tshark gave exactly
    one value for each."""
    chosen = [o for o in objects if carries(o)]
    if chosen and len(chosen) == len(found):
        for obj, value in zip(chosen, found):
            obj[member] = value


def split_options(types, lengths, budget, key, single, size):
    """One header's options from the kinds and lengths tshark lists, filling `budget`
    bytes; None when they do not fill it exactly. A kind in `single` is one byte without
    a length (TCP's EOL and NOP, IPv6's Pad1); `size` gives the others' bytes from their
    length."""
    options = []
    while budget > 0:
        kind = types.take()
        if kind is None:
            return None
        if kind in single:
            options.append({key: kind})
            budget -= 1
            continue
        length = lengths.take()
        if length is None or size(length) < 1:
            return None
        options.append({key: kind, "len": length})
        budget -= size(length)
    return options if budget == 0 else None


def tcp_options(layer, values, obj):
    budget = obj.get("hdr_len", 0) - 20
    if budget <= 0:
        return {}
    src = layer.sources
    kinds = Cursor(values_of(values, src.get("options[].kind")))
    lengths = Cursor(values_of(values, src.get("options[].len")))
    options = split_options(kinds, lengths, budget, "kind", (0, 1), lambda n: n)
    if options is None or not kinds.done() or not lengths.done():
        return {}
    for member, carries in TCP_MEMBERS:
        assign(options, carries, member, values_of(values, src.get("options[]." + member)))
        if member == "shift":  # SACK's blocks come between WS's shift and TS's values
            sack_blocks(layer, values, options)
    ends = [i for i, o in enumerate(options) if o["kind"] == 0]
    return {"options": options[:ends[0] + 1] if ends else options}  # pcapkit's ends at EOL


def sack_blocks(layer, values, options):
    sacks = [o for o in options if o["kind"] == SACK]
    counts = [int(v) for v in raw(values, SACK_COUNT)]
    left = values_of(values, layer.sources.get("options[].blocks[].left"))
    right = values_of(values, layer.sources.get("options[].blocks[].right"))
    if len(counts) != len(sacks) or not len(left) == len(right) == sum(counts):
        return
    edges = iter(zip(left, right))
    for option, count in zip(sacks, counts):
        option["blocks"] = [{"left": l, "right": r} for l, r in
                            (next(edges) for _ in range(count))]


def ipv6_options(found, values):
    """The options of a frame's Hop-by-Hop and Destination Options headers, which tshark
    lists together (ipv6.opt.*), split by each header's length, in the order of the
    headers. From the first header they do not fill exactly on, options are left out."""
    headers = [(l, o) for l, o in found if l.key in ("hopopt", "ipv6_opts") and "length" in o]
    if not headers:
        return
    src = headers[0][0].sources
    types = Cursor(values_of(values, src.get("options[].type")))
    lengths = Cursor(values_of(values, src.get("options[].len")))
    every = []
    for _, obj in headers:
        options = split_options(types, lengths, obj["length"] - 2, "type", (0,),
                                lambda n: n + 2)
        if options is None:
            break
        obj["options"] = options
        every += options
    for kind, member in IPV6_OPTION_MEMBERS.items():
        assign(every, lambda o, k=kind: o["type"] == k, member,
               values_of(values, src.get("options[]." + member)))


def dns_records(layer, values, obj):
    counts = [raw(values, field) for _, field in SECTIONS]
    if not all(len(c) == 1 for c in counts):
        return {}
    sizes = [int(c[0]) for c in counts]
    src = layer.sources
    names = values_of(values, src.get("answers[].name"))
    types = values_of(values, src.get("answers[].type"))
    if not len(names) == len(types) == sum(sizes):
        return {}  # tshark files some owners or types elsewhere (SRV, NSEC...)
    records = [{"name": n, "type": t} for n, t in zip(names, types)]
    for member, carries in RECORD_MEMBERS:
        if member == "data":
            record_data(layer, values, records)
        else:
            assign(records, carries, member, values_of(values, src.get("answers[]." + member)))
    for record in records:
        if record.get("cache_flush") is False:
            del record["cache_flush"]  # pcapkit's member is there only when the bit is set
    sections, start = {}, 0
    for (section, _), size in zip(SECTIONS, sizes):
        sections[section] = records[start:start + size]
        start += size
    return sections


def record_data(layer, values, records):
    parse = layer.sources["answers[].name"][0][1]  # text, tshark's "<Root>" as ""
    for rtype, field in DATA.items():
        assign(records, lambda r, t=rtype: r["type"] == t, "data",
               [parse(v) for v in raw(values, field)])


def http_headers(layer, values, obj):
    """tshark's header lines ("Name: value\\r\\n") as pcapkit's [name, value] pairs. A
    line without a colon, or with bytes tshark could not show, leaves the list out; a line
    the segment cuts short keeps what it has (a last "\\r" too, as pcapkit's does)."""
    lines = next((found for found in (raw(values, f) for f in HEADER_LINES) if found), [])
    headers = []
    for line in lines:
        text = line[:-2] if line.endswith("\r\n") else line.removesuffix("\n")
        name, colon, value = text.partition(":")
        if not colon or "\ufffd" in line:  # tshark shows bytes that are not UTF-8 as U+FFFD
            return {}
        headers.append([name, value.strip(" \t")])
    # A start line tshark read without header lines after it: the list is empty.
    return {"headers": headers} if headers or "type" in obj else {}


# Layer key -> the builder of its lists, for a frame with one layer of that protocol.
BUILDERS = {"tcp": tcp_options, "dns": dns_records, "http": http_headers}
