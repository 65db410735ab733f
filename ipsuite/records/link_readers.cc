// Link-layer records back to layers: Ethernet (its padding and trailer too), VLAN tags,
// ARP, MPLS labels, PPPoE; and, as raw header bytes, the link types the builder has no
// layer for (Linux cooked captures, BSD loopback, Cisco HDLC, FDDI, PPP), LLC and IPX.
#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {
namespace {

void ReadEthernet(FieldReader& f, Packet& p) {
  Ethernet e{.dst = f.MacAddress("dst"), .src = f.MacAddress("src")};
  e.type = f.Has("type") ? f.U16("type") : f.U16("len");  // 802.3: the length field
  if (f.Has("padding")) {
    FieldReader padding = f.Object("padding");
    e.padding = padding.Hex("data");
  }
  if (f.Has("trailer")) {
    FieldReader trailer = f.Object("trailer");
    e.trailer = trailer.Hex("data");
  }
  p.Append(std::move(e));
}

void ReadVlan(FieldReader& f, Packet& p) {
  p.Append(Vlan{.pcp = uint8_t(f.Uint("pcp", 7)),
                .dei = f.Bool("dei"),
                .vid = uint16_t(f.Uint("vid", 0xfff)),
                .type = f.Has("type") ? f.U16("type") : f.U16("len")});
}

// An ARP address as the record types it (engine/protocols/arp.cc): a MAC when the
// hardware length is 6, an IPv4 or IPv6 address when the protocol type and length say so,
// else hex.
Bytes ArpAddress(FieldReader& f, const char* key, uint8_t n, bool protocol, uint16_t ptype) {
  Bytes b;
  if (!protocol && n == 6) {
    PutBytes(b, f.MacAddress(key));
  } else if (protocol && n == 4 && ptype == 0x0800) {
    PutBytes(b, f.V4(key));
  } else if (protocol && n == 16 && ptype == 0x86dd) {
    PutBytes(b, f.V6(key));
  } else {
    b = f.Hex(key);
  }
  return b;
}

// ARP between MACs and IPv4 addresses is the builder's layer; any other sizes are written
// field by field as raw bytes.
void ReadArp(FieldReader& f, Packet& p) {
  uint16_t htype = f.U16("htype"), ptype = f.U16("ptype");
  uint8_t hlen = f.U8("hlen"), plen = f.U8("plen");
  uint16_t oper = f.U16("oper");
  if (hlen == 6 && plen == 4 && ptype == 0x0800) {
    p.Append(Arp{.htype = htype,
                 .ptype = ptype,
                 .oper = oper,
                 .sha = f.MacAddress("sha"),
                 .spa = f.V4("spa"),
                 .tha = f.MacAddress("tha"),
                 .tpa = f.V4("tpa")});
    return;
  }
  Bytes b;
  Put16(b, htype);
  Put16(b, ptype);
  Put8(b, hlen);
  Put8(b, plen);
  Put16(b, oper);
  PutBytes(b, ArpAddress(f, "sha", hlen, false, ptype));
  PutBytes(b, ArpAddress(f, "spa", plen, true, ptype));
  PutBytes(b, ArpAddress(f, "tha", hlen, false, ptype));
  PutBytes(b, ArpAddress(f, "tpa", plen, true, ptype));
  p.Append(Raw{std::move(b)});
}

void ReadMpls(FieldReader& f, Packet& p) {
  p.Append(Mpls{.label = uint32_t(f.Uint("label", 0xfffff)),
                .tc = uint8_t(f.Uint("tc", 7)),
                .bottom = f.Bool("bottom"),
                .ttl = f.U8("ttl")});
}

// The Ethernet pseudowire control word (engine/protocols/pwethcw.cc): nibble 0, flags,
// fragmentation bits, length, sequence number.
void ReadPwethcw(FieldReader& f, Packet& p) {
  Bytes b;
  Put8(b, uint8_t(f.Uint("flags", 15)));
  Put8(b, uint8_t(f.Uint("frg", 3) << 6 | f.Uint("length", 63)));
  Put16(b, f.U16("sequence"));
  p.Append(Raw{std::move(b)});
}

// ERSPAN type II or III (engine/protocols/erspan.cc); type III's platform subheader from
// its id's fields, or `rest`.
void ReadErspanPlatform(FieldReader& f, Bytes& b) {
  uint32_t id = uint32_t(f.Uint("id", 63));
  uint32_t w0 = id << 26, w1 = 0;
  if (id == 1) {
    w0 |= uint32_t(f.Uint("vsm_domain_id", 0xfff));
    w1 = f.U32("port_index");
  } else if (id == 3) {
    w0 |= uint32_t(f.Uint("port_index", 0x3fff));
    w1 = f.U32("timestamp_upper");
  } else if (id == 5 || id == 6) {
    w0 |= uint32_t(f.Uint("switch_id", 0x3ff)) << 16 | f.U16("port_index");
    w1 = f.U32("timestamp_seconds");
  } else if (id == 7 || id == 0) {
    w0 |= uint32_t(f.Uint("source_index", 0xfffff));
    w1 = f.U32("timestamp_upper");
  } else {
    return PutBytes(b, f.Hex("rest"));
  }
  Put32(b, w0);
  Put32(b, w1);
}

void ReadErspan(FieldReader& f, Packet& p) {
  Bytes b;
  uint32_t version = uint32_t(f.Uint("version", 15));
  Put16(b, uint16_t(version << 12 | f.Uint("vlan_id", 0xfff)));
  uint64_t middle = f.Uint(version == 1 ? "encap" : "bso", 3);
  Put16(b, uint16_t(f.Uint("cos", 7) << 13 | middle << 11 | (f.Bool("truncated") ? 0x400 : 0) |
                    f.Uint("span_id", 0x3ff)));
  if (version == 1) {
    Put32(b, uint32_t(f.Uint("reserved", 0xfff) << 20 | f.Uint("index", 0xfffff)));
    p.Append(Raw{std::move(b)});
    return;
  }
  Put32(b, f.U32("timestamp"));
  Put16(b, f.U16("sgt"));
  bool o = f.Bool("o");
  Put16(b, uint16_t((f.Bool("p") ? 0x8000 : 0) | f.Uint("ft", 31) << 10 | f.Uint("hw", 63) << 4 |
                    (f.Bool("direction") ? 8 : 0) | f.Uint("gra", 3) << 1 | (o ? 1 : 0)));
  if (o) {
    FieldReader platform = f.Object("platform");
    ReadErspanPlatform(platform, b);
  }
  p.Append(Raw{std::move(b)});
}

// Cisco MetaData (engine/protocols/cmd.cc): the EtherType first inside GRE, last on
// Ethernet.
void ReadCmd(FieldReader& f, Packet& p) {
  Bytes meta{f.U8("version"), f.U8("length")}, b;
  Put16(meta, f.U16("options"));
  Put16(meta, f.U16("sgt"));
  bool gre = f.Bool("gre_layout");
  if (gre) Put16(b, f.U16("type"));
  PutBytes(b, meta);
  if (!gre) Put16(b, f.U16("type"));
  p.Append(Raw{std::move(b)});
}

void ReadPppoe(FieldReader& f, Packet& p) {
  Pppoe pppoe{.version = uint8_t(f.Uint("version", 15)),
              .type = uint8_t(f.Uint("type", 15)),
              .code = f.U8("code"),
              .session_id = f.U16("session_id"),
              .payload_len = f.U16("payload_len")};
  if (pppoe.code == 0) {
    pppoe.ppp_protocol = f.U16("ppp_protocol");
    p.Append(std::move(pppoe));
    return;
  }
  // Discovery: the tags are the payload, text or hex by type as the record writes them,
  // then an End-Of-List tag when the length says more bytes follow.
  Bytes tags;
  f.EachObject("tags", [&](FieldReader& t) {
    if (t.Has("error")) return t.Fail("error", "a tag past the payload cannot be rebuilt");
    uint16_t type = t.U16("type");
    bool text = type == 0x0101 || type == 0x0102 || (type >= 0x0201 && type <= 0x0203);
    Bytes value;
    if (text) {
      PutText(value, t.Text("value"));
    } else {
      value = t.Hex("value");
    }
    Put16(tags, type);
    Put16(tags, uint16_t(value.size()));
    PutBytes(tags, value);
  });
  if (tags.size() + 4 <= *pppoe.payload_len) tags.resize(tags.size() + 4, 0);
  p.Append(std::move(pppoe));
  p.Append(Raw{std::move(tags)});
}

// The 8-byte address field of a Linux cooked header (engine/protocols/sll.cc): a MAC when
// `halen` is 6, else hex of up to 8 bytes; `addr_rest`, when present, the bytes past
// `halen`, which are zeros when it is absent.
Bytes SllAddress(FieldReader& f, uint16_t halen) {
  Bytes b;
  if (halen == 6) {
    PutBytes(b, f.MacAddress("addr"));
  } else {
    b = f.Hex("addr");
  }
  if (f.Has("addr_rest")) PutBytes(b, f.Hex("addr_rest"));
  if (b.size() > 8) f.Fail("addr", "more than the 8 bytes of the address field");
  b.resize(8, 0);
  return b;
}

// A Linux cooked header's padding and trailer (engine/protocols/ethernet.h), which end
// the frame: their bytes, so the record needs --payload as Ethernet's does.
Bytes PaddingAndTrailer(FieldReader& f) {
  Bytes b;
  for (const char* key : {"padding", "trailer"})
    if (f.Has(key)) {
      FieldReader bytes = f.Object(key);
      PutBytes(b, bytes.Hex("data"));
    }
  return b;
}

void ReadSll(FieldReader& f, Packet& p) {
  Bytes b;
  Put16(b, f.U16("pkttype"));
  Put16(b, f.U16("hatype"));
  uint16_t halen = f.U16("halen");
  Put16(b, halen);
  PutBytes(b, SllAddress(f, halen));
  Put16(b, f.U16("protocol"));
  p.Append(Raw{std::move(b)});
  p.Trailing(PaddingAndTrailer(f));
}

void ReadSll2(FieldReader& f, Packet& p) {
  Bytes b;
  Put16(b, f.U16("protocol"));
  Put16(b, f.U16("reserved"));
  Put32(b, f.U32("ifindex"));
  Put16(b, f.U16("hatype"));
  Put8(b, f.U8("pkttype"));
  uint8_t halen = f.U8("halen");
  Put8(b, halen);
  PutBytes(b, SllAddress(f, halen));
  p.Append(Raw{std::move(b)});
  p.Trailing(PaddingAndTrailer(f));
}

// The family (or EtherType) in the byte order the record names: the capturing host's (or
// nothing, before PPP in HDLC-like framing). A
// header that value does not give back (a 16-bit family, an EtherType with more bits set)
// is in the record as `header`.
void ReadNull(FieldReader& f, Packet& p) {
  if (f.Has("ppp_hdlc")) return;  // no header: the PPP frame follows
  if (f.Has("header")) {
    Bytes b = f.Hex("header");
    if (b.size() != 4) f.Fail("header", "not 4 bytes");
    p.Append(Raw{std::move(b)});
    return;
  }
  uint32_t value = f.Has("type") ? f.U16("type") : f.U32("family");
  std::string_view order = f.Text("byte_order");
  if (order == "little") value = __builtin_bswap32(value);
  if (order != "little" && order != "big") f.Fail("byte_order", "neither big nor little");
  Bytes b;
  Put32(b, value);
  p.Append(Raw{std::move(b)});
}

void PutLe32(Bytes& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) Put8(b, uint8_t(v >> (8 * i)));
}

// A name to its NUL, NUL-padded to `size` bytes.
void PutName(FieldReader& f, std::string_view key, size_t size, Bytes& b) {
  std::string_view text = f.Text(key);
  if (text.size() >= size) return f.Fail(key, "longer than its field");
  Bytes name(text.begin(), text.end());
  name.resize(size, 0);
  PutBytes(b, name);
}

// PKTAP's little-endian header (engine/protocols/pktap.cc); the DLT's packet follows.
void ReadPktap(FieldReader& f, Packet& p) {
  Bytes b;
  for (const char* key : {"hdrlen", "rectype", "dlt"}) PutLe32(b, f.U32(key));
  PutName(f, "ifname", 24, b);
  for (const char* key : {"flags", "pfamily", "llhdrlen", "lltrlrlen", "pid"})
    PutLe32(b, f.U32(key));
  PutName(f, "cmdname", 20, b);
  PutLe32(b, f.U32("svc_class"));
  uint16_t iftype = f.U16("iftype"), ifunit = f.U16("ifunit");
  PutBytes(b, {uint8_t(iftype), uint8_t(iftype >> 8), uint8_t(ifunit), uint8_t(ifunit >> 8)});
  PutLe32(b, f.U32("epid"));
  PutName(f, "ecmdname", 20, b);
  if (f.Has("ext")) PutBytes(b, f.Hex("ext"));
  p.Append(Raw{std::move(b)});
}

// An NFLOG TLV's value from the members engine/protocols/nflog.cc decodes it into (their
// values are big-endian); `length` says how long it is.
Bytes NflogValue(FieldReader& t, uint32_t type, uint16_t length) {
  static constexpr std::string_view kUint32[] = {
      "mark", "indev", "outdev", "physindev", "physoutdev", "uid", "seq", "seq_global", "gid"};
  Bytes v;
  for (std::string_view name : kUint32)
    if (t.Has(name)) Put32(v, t.U32(name));
  if (t.Has("hw_protocol")) {
    Put16(v, t.U16("hw_protocol"));
    Put8(v, t.U8("hook"));
    Put8(v, t.U8("pad"));
  } else if (t.Has("sec")) {
    for (std::string_view name : {"sec", "usec"}) {
      uint64_t x = t.Uint(name, ~uint64_t(0));
      Put32(v, uint32_t(x >> 32));
      Put32(v, uint32_t(x));
    }
  } else if (t.Has("hwaddr_len")) {
    uint16_t alen = t.U16("hwaddr_len");
    Put16(v, alen);
    Put16(v, t.U16("hwaddr_pad"));
    PutBytes(v, SllAddress(t, alen));
  } else if (t.Has("prefix")) {  // to its NUL; what follows the NUL is zeros
    std::string_view text = t.Text("prefix");
    v.assign(text.begin(), text.end());
    v.resize(length >= 4 && length - 4u >= v.size() ? length - 4u : v.size() + 1, 0);
  } else if (t.Has("hwtype") || t.Has("hwlen")) {
    Put16(v, t.U16(t.Has("hwtype") ? "hwtype" : "hwlen"));
  } else if (t.Has("hwheader") || t.Has("value")) {
    v = t.Hex(t.Has("hwheader") ? "hwheader" : "value");
  }
  if (t.ok() && type != 9 && v.size() + 4 != length)
    t.Fail("length", "the TLV's value does not make its length");
  return v;
}

// The header and the TLVs up to the payload's value, which is the next layer: what
// follows that value (its padding, later TLVs, the NFLOG's own trailing bytes) is the
// NFLOG layer's `after` bytes (frame_builder.cc), so it is not written here.
void ReadNflog(FieldReader& f, Packet& p) {
  Bytes b{f.U8("family"), f.U8("version")};
  Put16(b, f.U16("resource_id"));
  std::string_view order = f.Text("byte_order");
  if (f.ok() && order != "little" && order != "big") f.Fail("byte_order", "neither big nor little");
  bool big = order == "big", after_payload = false;
  auto put16 = [&](uint16_t v) {
    big ? Put16(b, v) : PutBytes(b, Bytes{uint8_t(v), uint8_t(v >> 8)});
  };
  f.EachObject("tlvs", [&](FieldReader& t) {
    if (after_payload) return;
    if (t.Has("error")) return t.Fail("error", "a malformed TLV's bytes are in no record");
    uint32_t type = t.Uint("type", 0x7fff);
    uint16_t length = t.U16("length");
    Bytes v = NflogValue(t, type, length);
    put16(length);
    put16(uint16_t(type | (t.Has("nested") && t.Bool("nested") ? 0x8000 : 0)));
    if (type == 9) {
      after_payload = true;
      return;
    }
    PutBytes(b, v);
    while (b.size() % 4) Put8(b, 0);
  });
  if (f.Has("trailing") && !after_payload) PutBytes(b, f.Hex("trailing"));
  p.Append(Raw{std::move(b)});
}

void ReadChdlc(FieldReader& f, Packet& p) {
  Bytes b;
  Put8(b, f.U8("address"));
  Put8(b, f.U8("control"));
  Put16(b, f.U16("protocol"));
  p.Append(Raw{std::move(b)});
}

// FDDI sends each address byte most significant bit first; records show them canonical.
uint8_t BitReversed(uint8_t b) {
  uint8_t r = 0;
  for (int i = 0; i < 8; ++i)
    if (b & (1 << i)) r |= uint8_t(0x80 >> i);
  return r;
}

void ReadFddi(FieldReader& f, Packet& p) {
  Bytes b;
  Put8(b, f.U8("fc"));
  for (const char* key : {"dst", "src"})
    for (uint8_t byte : f.MacAddress(key).bytes) Put8(b, BitReversed(byte));
  p.Append(Raw{std::move(b)});
}

// The control field is one byte in U format, two in I and S formats (the value then holds
// both, the first byte high).
void ReadLlc(FieldReader& f, Packet& p) {
  Bytes b;
  Put8(b, f.U8("dsap"));
  Put8(b, f.U8("ssap"));
  std::string_view format = f.Text("format");
  if (format == "U") {
    Put8(b, f.U8("control"));
  } else if (format == "I" || format == "S") {
    Put16(b, f.U16("control"));
  } else {
    f.Fail("format", "not I, S or U");
  }
  if (f.Has("oui")) {  // SNAP
    uint32_t oui = uint32_t(f.Uint("oui", 0xffffff));
    Put8(b, uint8_t(oui >> 16));
    Put16(b, uint16_t(oui));
    Put16(b, f.U16("pid"));
  }
  p.Append(Raw{std::move(b)});
}

// The HDLC bytes when the record has them, then the protocol in one byte or two.
void ReadPpp(FieldReader& f, Packet& p) {
  Bytes b;
  if (f.Has("address")) {
    Put8(b, f.U8("address"));
    Put8(b, f.U8("control"));
  }
  if (f.Bool("compressed")) {
    Put8(b, f.U8("protocol"));
  } else {
    Put16(b, f.U16("protocol"));
  }
  p.Append(Raw{std::move(b)});
}

void IpxAddress(FieldReader& f, Bytes& b) {
  Put32(b, f.U32("network"));
  PutBytes(b, f.MacAddress("node"));
  Put16(b, f.U16("socket"));
}

void ReadIpx(FieldReader& f, Packet& p) {
  Bytes b;
  Put16(b, f.U16("checksum"));
  Put16(b, f.U16("len"));
  Put8(b, f.U8("transport_control"));
  Put8(b, f.U8("type"));
  FieldReader dst = f.Object("dst");
  IpxAddress(dst, b);
  FieldReader src = f.Object("src");
  IpxAddress(src, b);
  p.Append(Raw{std::move(b)});
}

constexpr LayerReader kReaders[] = {
    {"arp", ReadArp},       {"chdlc", ReadChdlc},       {"cmd", ReadCmd},
    {"erspan", ReadErspan}, {"ethernet", ReadEthernet}, {"fddi", ReadFddi},
    {"ipx", ReadIpx},       {"llc", ReadLlc},           {"mpls", ReadMpls},
    {"nflog", ReadNflog},   {"null", ReadNull},         {"pktap", ReadPktap},
    {"ppp", ReadPpp},       {"pppoe", ReadPppoe},       {"pwethcw", ReadPwethcw},
    {"sll", ReadSll},       {"sll2", ReadSll2},         {"vlan", ReadVlan},
};

}  // namespace

std::span<const LayerReader> LinkReaders() {
  return kReaders;
}

}  // namespace pcapkit::ipsuite::records
