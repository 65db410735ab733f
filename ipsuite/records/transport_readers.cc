// Transport-layer records back to layers: TCP with its options, UDP; and the messages IP
// carries itself: ICMP, ICMPv6 with its NDP options, IGMP, OSPF.
#include <arpa/inet.h>

#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {
namespace {

// Multipath TCP's value from its subtype's members (engine/protocols/tcp.cc's WriteMptcp).
// The low nibble of the first byte is MP_CAPABLE's version, the others' subtype_bits.
Bytes MptcpValue(FieldReader& o) {
  Bytes v;
  uint8_t subtype = uint8_t(o.Uint("subtype", 15));
  if (subtype == 0) {
    Put8(v, uint8_t(subtype << 4 | o.Uint("version", 15)));
    if (o.Has("flags")) Put8(v, o.U8("flags"));
    if (o.Has("sender_key")) PutBytes(v, o.Hex("sender_key"));
    if (o.Has("receiver_key")) PutBytes(v, o.Hex("receiver_key"));
    if (o.Has("data")) PutBytes(v, o.Hex("data"));  // version 1's length and checksum
    return v;
  }
  uint8_t bits = uint8_t(o.MaybeUint("subtype_bits", 15).value_or(0));
  if (subtype == 2 && o.Has("flags")) {
    Put8(v, uint8_t(subtype << 4 | bits));
    Put8(v, o.U8("flags"));
    PutBytes(v, o.Hex("data"));
  } else if (subtype == 4) {
    Put8(v, uint8_t(subtype << 4 | bits));
    o.EachUint("address_ids", [&](uint64_t id) { Put8(v, uint8_t(id)); });
  } else {
    Put8(v, uint8_t(subtype << 4 | bits));
    PutBytes(v, o.Hex("data"));
  }
  return v;
}

// A TCP option's data from the members its kind decodes into (the inverse of
// engine/protocols/tcp.cc); `data` where the record kept the bytes.
Bytes TcpOptionValue(uint8_t kind, FieldReader& o) {
  Bytes v;
  if (kind == 30 && o.Has("subtype")) {
    v = MptcpValue(o);
  } else if (o.Has("data")) {
    v = o.Hex("data");
  } else if (kind == 2) {
    Put16(v, o.U16("mss"));
  } else if (kind == 3) {
    Put8(v, o.U8("shift"));
  } else if (kind == 5) {
    o.EachObject("blocks", [&](FieldReader& b) {
      Put32(v, b.U32("left"));
      Put32(v, b.U32("right"));
    });
  } else if (kind == 8) {
    Put32(v, o.U32("tsval"));
    Put32(v, o.U32("tsecr"));
  } else if (kind == 28) {
    Put16(v, uint16_t((o.Bool("granularity") ? 0x8000 : 0) | o.Uint("timeout", 0x7fff)));
  } else if (kind == 19) {
    v = o.Hex("signature");
  } else if (kind == 29) {
    Put8(v, o.U8("key_id"));
    Put8(v, o.U8("rnext_key_id"));
    PutBytes(v, o.Hex("mac"));
  } else if (kind == 34 && o.Has("cookie")) {
    v = o.Hex("cookie");
  }
  return v;
}

// A TCP header a first fragment cut before its fixed part ends (`header_cut` without
// `urgent_pointer`): the bytes of the fields the record has, from the ports on.
void ReadCutTcp(FieldReader& f, Packet& p) {
  Bytes b;
  Put16(b, f.U16("srcport"));
  Put16(b, f.U16("dstport"));
  if (f.Has("seq")) Put32(b, f.U32("seq"));
  if (f.Has("ack")) Put32(b, f.U32("ack"));
  if (f.Has("hdr_len")) {
    Put8(b, uint8_t(f.Uint("hdr_len", 60) / 4 << 4 | f.MaybeUint("reserved", 15).value_or(0)));
  }
  if (f.Has("flags")) {
    FieldReader flags = f.Object("flags");
    uint8_t bits = 0;
    const char* names[] = {"cwr", "ece", "urg", "ack", "psh", "rst", "syn", "fin"};
    for (int i = 0; i < 8; ++i)
      if (flags.Bool(names[i])) bits |= uint8_t(0x80 >> i);
    Put8(b, bits);
  }
  if (f.Has("window_size")) Put16(b, f.U16("window_size"));
  if (f.Has("checksum")) Put16(b, f.U16("checksum"));
  p.Append(Raw{std::move(b)});
}

void ReadTcp(FieldReader& f, Packet& p) {
  if (f.Has("header_cut") && !f.Has("urgent_pointer")) return ReadCutTcp(f, p);
  // Read in the order extract writes the members: each lookup then takes one step.
  Tcp tcp{.srcport = f.U16("srcport"), .dstport = f.U16("dstport")};
  tcp.seq = f.U32("seq");
  tcp.ack = f.U32("ack");
  tcp.reserved = uint8_t(f.MaybeUint("reserved", 15).value_or(0));
  tcp.hdr_len = uint8_t(f.Uint("hdr_len", 60));
  FieldReader flags = f.Object("flags");
  tcp.flags = 0;
  const char* names[] = {"cwr", "ece", "urg", "ack", "psh", "rst", "syn", "fin"};  // bit 7..0
  for (int i = 0; i < 8; ++i)
    if (flags.Bool(names[i])) tcp.flags |= uint8_t(0x80 >> i);
  tcp.window_size = f.U16("window_size");
  tcp.checksum = f.U16("checksum");
  tcp.urgent_pointer = f.U16("urgent_pointer");
  if (f.Has("options")) tcp.options = ReadKindLengthOptions(f, "kind", TcpOptionValue);
  p.Append(std::move(tcp));
}

void ReadUdp(FieldReader& f, Packet& p) {
  p.Append(Udp{.srcport = f.U16("srcport"),
               .dstport = f.U16("dstport"),
               .len = f.U16("len"),
               .checksum = f.U16("checksum")});
}

// ---- ICMP, ICMPv6, IGMP, OSPF: messages IP carries ----

// The addresses of a list of text (`family` AF_INET or AF_INET6), parsed here: the address
// types' own constructors throw, where a fault is to be kept with its field's path.
void PutAddressList(FieldReader& f, std::string_view key, int family, Bytes& b) {
  f.EachText(key, [&](std::string_view text) {
    uint8_t a[16];
    if (inet_pton(family, std::string(text).c_str(), a) != 1)
      return f.Fail(key, "holds a text that is no IP address");
    PutBytes(b, a, family == AF_INET ? 4 : 16);
  });
}

void PutV4List(FieldReader& f, std::string_view key, Bytes& b) {
  PutAddressList(f, key, AF_INET, b);
}

uint32_t Be32Of(const Ipv4Address& a) {
  return uint32_t(a.bytes[0]) << 24 | uint32_t(a.bytes[1]) << 16 | uint32_t(a.bytes[2]) << 8 |
         a.bytes[3];
}

// The ICMP types whose header is 8 bytes (engine/protocols/icmp.cc): the errors and the
// messages with an identifier and a sequence number. Other types' header is 4 bytes; what
// follows it is their `raw` payload.
bool IcmpHasSecondWord(uint8_t type) {
  return type == 0 || type == 8 || (type >= 13 && type <= 18) || type == 3 || type == 4 ||
         type == 5 || type == 11 || type == 12;
}

// The header's second word from the members its type decodes it into.
uint32_t IcmpSecondWord(uint8_t type, uint8_t code, FieldReader& f) {
  if (type == 5) return Be32Of(f.V4("gateway"));
  if (type == 3 && code == 4) return uint32_t(f.U16("unused")) << 16 | f.U16("mtu");
  if (type == 12) return uint32_t(f.U8("pointer")) << 24 | uint32_t(f.Uint("unused", 0xffffff));
  if (type == 3 || type == 4 || type == 11) return f.U32("unused");
  return uint32_t(f.U16("id")) << 16 | f.U16("seq");
}

// A 4-byte header is no Icmp layer (which writes 8): its bytes.
void ReadIcmp(FieldReader& f, Packet& p) {
  uint8_t type = f.U8("type"), code = f.U8("code");
  uint16_t checksum = f.U16("checksum");
  if (IcmpHasSecondWord(type)) {
    p.Append(Icmp{
        .type = type, .code = code, .rest = IcmpSecondWord(type, code, f), .checksum = checksum});
    return;
  }
  Bytes b;
  Put8(b, type);
  Put8(b, code);
  Put16(b, checksum);
  p.Append(Raw{std::move(b)});
}

// The fixed fields after an ICMPv6 checksum (engine/protocols/icmpv6.cc's WriteMessage);
// none for types whose record has none (their rest is the `raw` payload).
Bytes Icmpv6Body(uint8_t type, FieldReader& f) {
  Bytes b;
  if (type == 128 || type == 129) {
    Put16(b, f.U16("id"));
    Put16(b, f.U16("seq"));
  } else if (type == 2) {
    Put32(b, f.U32("mtu"));
  } else if (type == 4) {
    Put32(b, f.U32("pointer"));
  } else if (type == 1 || type == 3 || type == 133 || type == 135 || type == 137) {
    Put32(b, f.U32("reserved"));
  } else if (type == 134) {
    Put8(b, f.U8("cur_hop_limit"));
    Put8(b, uint8_t((f.Bool("managed") ? 0x80 : 0) | (f.Bool("other") ? 0x40 : 0) |
                    f.Uint("reserved", 0x3f)));
    Put16(b, f.U16("router_lifetime"));
    Put32(b, f.U32("reachable_time"));
    Put32(b, f.U32("retrans_timer"));
  } else if (type == 136) {
    Put32(b,
          uint32_t((f.Bool("router") ? 0x80000000u : 0) | (f.Bool("solicited") ? 0x40000000 : 0) |
                   (f.Bool("override") ? 0x20000000 : 0) | f.Uint("reserved", 0x1fffffff)));
  }
  if (type >= 135 && type <= 137) PutBytes(b, f.V6("target"));
  if (type == 137) PutBytes(b, f.V6("destination"));
  return b;
}

// A Neighbor Discovery option's value (engine/protocols/icmpv6.cc's WriteNdOptionValue).
Bytes NdOptionValue(uint8_t type, FieldReader& o) {
  Bytes v;
  if (o.Has("data")) return o.Hex("data");
  if (type == 1 || type == 2) {
    PutBytes(v, o.MacAddress("link_addr"));
  } else if (type == 3) {
    Put8(v, o.U8("prefix_len"));
    Put8(v, uint8_t((o.Bool("on_link") ? 0x80 : 0) | (o.Bool("autonomous") ? 0x40 : 0) |
                    o.Uint("reserved1", 0x3f)));
    Put32(v, o.U32("valid_lifetime"));
    Put32(v, o.U32("preferred_lifetime"));
    Put32(v, o.U32("reserved2"));
    PutBytes(v, o.V6("prefix"));
  } else if (type == 5) {
    Put16(v, o.U16("reserved"));
    Put32(v, o.U32("mtu"));
  } else if (type == 25) {
    Put16(v, o.U16("reserved"));
    Put32(v, o.U32("lifetime"));
    PutAddressList(o, "servers", AF_INET6, v);
  }
  return v;
}

void ReadIcmpv6(FieldReader& f, Packet& p) {
  Icmpv6 icmp{.type = f.U8("type"), .code = f.U8("code")};
  icmp.checksum = f.U16("checksum");
  icmp.body = Icmpv6Body(icmp.type, f);
  Bytes tail;  // an option with a bad length: its type and the message's bytes after it
  if (f.Has("options")) {
    f.EachObject("options", [&](FieldReader& o) {
      if (o.Has("error")) {
        Put8(tail, o.U8("type"));
        PutBytes(tail, o.Hex("rest"));
        return;
      }
      NdpOption option{.type = o.U8("type")};
      uint64_t len = o.Uint("len", 255 * 8);  // bytes: the wire's 8-byte units × 8
      option.data = NdOptionValue(option.type, o);
      option.length = uint8_t(len / 8);
      if (o.ok() && (len % 8 != 0 || option.data.size() + 2 != len))
        o.Fail("len", "the option's members do not make its " + std::to_string(len) + " bytes");
      icmp.options.push_back(std::move(option));
    });
  }
  p.Append(std::move(icmp));
  if (!tail.empty()) p.Append(Raw{std::move(tail)});
}

// A v3 report's group records (RFC 3376 §4.2.4). A record that runs past the message is
// left out: its bytes are the layer's `data`.
void PutIgmpRecords(FieldReader& f, Bytes& b) {
  f.EachObject("records", [&](FieldReader& r) {
    if (r.Has("error")) return;
    Put8(b, r.U8("type"));
    Put8(b, r.U8("aux_len"));
    Put16(b, r.U16("num_sources"));
    PutBytes(b, r.V4("group"));
    PutV4List(r, "sources", b);
    if (r.Has("aux_data")) PutBytes(b, r.Hex("aux_data"));
  });
}

// IGMP v1-v3 (engine/protocols/igmp.cc): no builder layer, so its bytes.
void ReadIgmp(FieldReader& f, Packet& p) {
  Bytes b;
  Put8(b, f.U8("type"));
  bool v3_report = f.Has("num_records");
  Put8(b, v3_report ? f.U8("reserved1") : f.U8("max_resp"));
  Put16(b, f.U16("checksum"));
  if (v3_report) {
    Put16(b, f.U16("reserved2"));
    Put16(b, f.U16("num_records"));
    PutIgmpRecords(f, b);
  } else {
    PutBytes(b, f.V4("group"));
  }
  if (f.Has("qrv")) {  // a v3 query
    Put8(b, uint8_t(f.Uint("resv", 15) << 4 | (f.Bool("s") ? 0x08 : 0) | f.Uint("qrv", 7)));
    Put8(b, f.U8("qqic"));
    Put16(b, f.U16("num_sources"));
    PutV4List(f, "sources", b);
  }
  if (f.Has("data")) PutBytes(b, f.Hex("data"));
  p.Append(Raw{std::move(b)});
}

// One LSA header's fields (RFC 2328 §A.4.1, RFC 5340 §A.4.2), and an LS update's LSA body.
void PutLsa(FieldReader& h, bool v3, Bytes& b) {
  Put16(b, h.U16("age"));
  if (v3) {
    Put16(b, h.U16("type"));
  } else {
    Put8(b, h.U8("options"));
    Put8(b, h.U8("type"));
  }
  PutBytes(b, h.V4("id"));
  PutBytes(b, h.V4("adv_router"));
  Put32(b, h.U32("seq"));
  Put16(b, h.U16("checksum"));
  Put16(b, h.U16("length"));
  if (h.Has("body")) PutBytes(b, h.Hex("body"));
}

void PutLsas(FieldReader& f, bool v3, Bytes& b) {
  f.EachObject("lsa_headers", [&](FieldReader& h) { PutLsa(h, v3, b); });
}

// Hello's fields (absent when the body was too short for them).
void PutOspfHello(FieldReader& f, bool v3, Bytes& b) {
  if (!f.Has("dr")) return;
  if (v3) {
    Put32(b, f.U32("interface_id"));
    Put32(b, uint32_t(f.U8("priority")) << 24 | uint32_t(f.Uint("options", 0xffffff)));
    Put16(b, f.U16("hello_interval"));
    Put16(b, f.U16("dead_interval"));
  } else {
    PutBytes(b, f.V4("network_mask"));
    Put16(b, f.U16("hello_interval"));
    Put8(b, f.U8("options"));
    Put8(b, f.U8("priority"));
    Put32(b, f.U32("dead_interval"));
  }
  PutBytes(b, f.V4("dr"));
  PutBytes(b, f.V4("bdr"));
  PutV4List(f, "neighbors", b);
}

// Database Description: v3's reserved bytes are in its options' and flags' members.
void PutOspfDatabaseDescription(FieldReader& f, bool v3, Bytes& b) {
  if (!f.Has("dd_seq")) return;
  if (v3) {
    Put32(b, f.U32("options"));
    Put16(b, f.U16("mtu"));
    Put16(b, f.U16("flags"));
  } else {
    Put16(b, f.U16("mtu"));
    Put8(b, f.U8("options"));
    Put8(b, f.U8("flags"));
  }
  Put32(b, f.U32("dd_seq"));
  PutLsas(f, v3, b);
}

void PutOspfMessage(FieldReader& f, uint8_t type, bool v3, Bytes& b) {
  if (type == 1) {
    PutOspfHello(f, v3, b);
  } else if (type == 2) {
    PutOspfDatabaseDescription(f, v3, b);
  } else if (type == 3) {
    f.EachObject("requests", [&](FieldReader& r) {
      Put32(b, r.U32("type"));  // v3: the reserved bits and the type
      PutBytes(b, r.V4("id"));
      PutBytes(b, r.V4("adv_router"));
    });
  } else if (type == 4 && f.Has("lsa_count")) {
    Put32(b, f.U32("lsa_count"));
    PutLsas(f, v3, b);
  } else if (type == 5) {
    PutLsas(f, v3, b);
  }
}

// OSPFv2 and v3 (engine/protocols/ospf.cc): no builder layer, so its bytes.
void ReadOspf(FieldReader& f, Packet& p) {
  Bytes b;
  uint8_t version = f.U8("version"), type = f.U8("type");
  bool v3 = version == 3;
  Put8(b, version);
  Put8(b, type);
  Put16(b, f.U16("len"));
  PutBytes(b, f.V4("router_id"));
  PutBytes(b, f.V4("area_id"));
  Put16(b, f.U16("checksum"));
  if (v3) {
    Put8(b, f.U8("instance_id"));
    Put8(b, f.U8("reserved"));
  } else {
    Put16(b, f.U16("autype"));
    PutBytes(b, f.Hex("auth"));
  }
  PutOspfMessage(f, type, v3, b);
  if (f.Has("data")) PutBytes(b, f.Hex("data"));
  if (f.Has("trailer")) PutBytes(b, f.Hex("trailer"));
  p.Append(Raw{std::move(b)});
}

constexpr LayerReader kReaders[] = {
    {"icmp", ReadIcmp}, {"icmpv6", ReadIcmpv6}, {"igmp", ReadIgmp}, {"ospf", ReadOspf},
    {"sctp", ReadSctp}, {"tcp", ReadTcp},       {"udp", ReadUdp},
};

}  // namespace

std::span<const LayerReader> TransportReaders() {
  return kReaders;
}

}  // namespace pcapkit::ipsuite::records
