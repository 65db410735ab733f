// Internet-layer records back to layers: IPv4 with its options, IPv6's fixed header and
// its extension headers (fragment, hop-by-hop and destination options, routing, mobility,
// HIP), IPsec's AH and ESP, GRE.
#include <arpa/inet.h>

#include <algorithm>
#include <string>

#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {
namespace {

// An IPv4 option's data from the members its type decodes into (the inverse of
// engine/protocols/ipv4.cc's WriteOptionValue); `data` where the record kept the bytes.
Bytes Ipv4OptionValue(uint8_t type, FieldReader& o) {
  Bytes v;
  if (o.Has("data") && type != 68) return o.Hex("data");
  if (o.Has("route")) {  // RR, LSR, SSR
    Put8(v, o.U8("pointer"));
    o.EachText("route", [&](std::string_view a) {
      std::array<uint8_t, 4> address{};
      if (inet_pton(AF_INET, std::string(a).c_str(), address.data()) != 1)
        return o.Fail("route", "holds a text that is not an IPv4 address");
      PutBytes(v, address.data(), address.size());
    });
  } else if (type == 148) {
    Put16(v, o.U16("value"));
  } else if (type == 68) {
    Put8(v, o.U8("pointer"));
    Put8(v, uint8_t(o.Uint("overflow", 15) << 4 | o.Uint("flag", 15)));
    PutBytes(v, o.Hex("data"));
  } else if (type == 11 || type == 12) {
    Put16(v, o.U16("mtu"));
  } else if (type == 82) {
    Put16(v, o.U16("id"));
    Put16(v, o.U16("outbound_hops"));
    Put16(v, o.U16("return_hops"));
    PutBytes(v, o.V4("originator"));
  } else if (type == 25) {
    Put8(v, uint8_t(o.Uint("func", 15) << 4 | o.Uint("rate", 15)));
    Put8(v, o.U8("qs_ttl"));
    Put32(v, uint32_t(o.Uint("nonce", 0x3fffffff) << 2));  // the 2 reserved bits are not kept
  } else if (type == 130) {
    Put8(v, o.U8("classification"));
    PutBytes(v, o.Hex("protection_authority"));
  }
  return v;
}

void ReadIpv4(FieldReader& f, Packet& p) {
  Ipv4 ip{.src = f.V4("src"),
          .dst = f.V4("dst"),
          .dscp = uint8_t(f.Uint("dscp", 63)),
          .ecn = uint8_t(f.Uint("ecn", 3)),
          .id = f.U16("id")};
  FieldReader flags = f.Object("flags");
  ip.rf = flags.Bool("rf");
  ip.df = flags.Bool("df");
  ip.mf = flags.Bool("mf");
  ip.offset = uint16_t(f.Uint("offset", 0xfff8));
  ip.ttl = f.U8("ttl");
  if (f.Has("options")) ip.options = ReadKindLengthOptions(f, "type", Ipv4OptionValue);
  ip.version = uint8_t(f.Uint("version", 15));
  ip.hdr_len = uint8_t(f.Uint("hdr_len", 60));
  ip.len = f.U16("len");
  ip.protocol = f.U8("protocol");
  ip.checksum = f.U16("checksum");
  p.Append(std::move(ip));
}

void ReadIpv6(FieldReader& f, Packet& p) {
  p.Append(Ipv6{.src = f.V6("src"),
                .dst = f.V6("dst"),
                .traffic_class = f.U8("class"),
                .flow_label = uint32_t(f.Uint("label", 0xfffff)),
                .hop_limit = f.U8("limit"),
                .version = uint8_t(f.Uint("version", 15)),
                .payload_length = f.U16("payload"),
                .next = f.U8("next")});
}

void ReadIpv6Frag(FieldReader& f, Packet& p) {
  p.Append(Ipv6Fragment{.offset = uint16_t(f.Uint("offset", 0xfff8)),
                        .mf = f.Bool("mf"),
                        .id = f.U32("id"),
                        .reserved = uint8_t(f.MaybeUint("reserved", 0xff).value_or(0)),
                        .res = uint8_t(f.MaybeUint("res", 3).value_or(0)),
                        .next = f.U8("next")});
}

// ---- IPv6 extension headers, IPsec, GRE: header bytes written by the reader where the
// builder has no layer, or where its layer cannot say what the record holds ----

// The length byte of a header whose record says `length` in bytes and whose wire counts
// 8-byte units past the first 8 (RFC 8200 §4.2).
uint8_t Units8(FieldReader& f) {
  uint64_t length = f.Uint("length", 256 * 8);
  if (f.ok() && (length < 8 || length % 8 != 0)) f.Fail("length", "not 8 bytes or more in 8s");
  return uint8_t(length / 8 - 1);
}

// An IPv6 option's value from the members its type decodes into (the inverse of
// engine/protocols/ipv6_ext.cc's WriteOptionValue); `data` where the record kept the bytes.
Bytes Ipv6OptionValue(uint8_t type, uint8_t len, FieldReader& o) {
  Bytes v;
  if (o.Has("data")) return o.Hex("data");
  if (type == 0x01) {  // PadN: its record holds data unless the padding is zeros
    v.resize(len, 0);
  } else if (type == 0xc2) {
    Put32(v, o.U32("payload_len"));
  } else if (type == 0x05) {
    Put16(v, o.U16("value"));
  } else if (type == 0x04) {
    Put8(v, o.U8("limit"));
  } else if (type == 0xc9) {
    PutBytes(v, o.V6("address"));
  } else if (type == 0x07) {
    Put32(v, o.U32("doi"));
    Put8(v, uint8_t(o.Uint("compartment_len", 255 * 4) / 4));
    Put8(v, o.U8("sensitivity"));
    Put16(v, o.U16("checksum"));
    PutBytes(v, o.Hex("compartments"));
  } else if (type == 0x26) {
    Put8(v, uint8_t(o.Uint("func", 15) << 4 | o.Uint("rate", 15)));
    Put8(v, o.U8("qs_ttl"));
    Put32(v, uint32_t(o.Uint("nonce", 0x3fffffff) << 2 | o.Uint("reserved", 3)));
  }
  return v;
}

// Hop-by-hop and destination options: Pad1 is its type alone; `len` counts the value. An
// option that overruns the header ends the list with its type and `rest`, the header's
// bytes after it: those go to `tail`.
std::vector<Option> ReadIpv6Options(FieldReader& f, Bytes& tail) {
  std::vector<Option> options;
  f.EachObject("options", [&](FieldReader& o) {
    if (o.Has("error")) {
      Put8(tail, o.U8("type"));
      PutBytes(tail, o.Hex("rest"));
      return;
    }
    Option option{.kind = o.U8("type")};
    if (option.kind != 0) {
      option.length = o.U8("len");
      option.data = Ipv6OptionValue(option.kind, *option.length, o);
      if (o.ok() && option.data.size() != *option.length)
        o.Fail("len",
               "the option's members do not make its " + std::to_string(*option.length) + " bytes");
    }
    options.push_back(std::move(option));
  });
  return options;
}

// The builder's layer, or with an option that overruns the header, the header's bytes (the
// layer would pad its options to the length).
template <class Header>
void ReadOptionsHeader(FieldReader& f, Packet& p) {
  Bytes tail;
  Header h{.options = ReadIpv6Options(f, tail), .next = f.U8("next")};
  h.length = Units8(f);
  if (tail.empty()) {
    p.Append(std::move(h));
    return;
  }
  Bytes b;
  Put8(b, *h.next);
  Put8(b, *h.length);
  for (const Option& o : h.options) {
    Put8(b, o.kind);
    if (o.kind == 0) continue;  // Pad1
    Put8(b, *o.length);
    PutBytes(b, o.data);
  }
  PutBytes(b, tail);
  p.Append(Raw{std::move(b)});
}

void ReadHopopt(FieldReader& f, Packet& p) {
  ReadOptionsHeader<Ipv6HopByHop>(f, p);
}

void ReadIpv6Opts(FieldReader& f, Packet& p) {
  ReadOptionsHeader<Ipv6DestOptions>(f, p);
}

// A routing header the record keeps as `data`, or an RPL source route (RFC 6554), whose
// addresses are no whole IPv6 addresses: its bytes.
void ReadRoutingBytes(FieldReader& f, uint8_t type, Packet& p) {
  Bytes b;
  Put8(b, f.U8("next"));
  Put8(b, Units8(f));
  Put8(b, type);
  Put8(b, f.U8("seg_left"));
  if (f.Has("data")) {
    PutBytes(b, f.Hex("data"));
  } else {
    Put8(b, uint8_t(f.Uint("cmpr_i", 15) << 4 | f.Uint("cmpr_e", 15)));
    uint32_t reserved = uint32_t(f.Uint("reserved", 0xfffff));
    Put8(b, uint8_t(f.Uint("pad", 15) << 4 | reserved >> 16));
    Put16(b, uint16_t(reserved));
    f.EachText("addresses", [&](std::string_view a) {
      Bytes address;
      if (!ParseHex(a, address)) return f.Fail("addresses", "not hex bytes");
      PutBytes(b, address);
    });
    // The padding up to the header's length: the record decodes an RPL header only when
    // its padding is zeros.
    b.resize(std::max<size_t>(b.size(), (size_t(b[1]) + 1) * 8), 0);
  }
  p.Append(Raw{std::move(b)});
}

void ReadIpv6Route(FieldReader& f, Packet& p) {
  uint8_t type = f.U8("type");
  bool addresses = f.Has("ip"), segments = f.Has("segments");
  if (!addresses && !segments) return ReadRoutingBytes(f, type, p);
  Ipv6Routing r{.routing_type = type, .segments_left = f.U8("seg_left"), .next = f.U8("next")};
  r.length = Units8(f);
  uint32_t word;  // the 4 bytes after segments left
  if (addresses) {
    word = f.U32("reserved");
  } else {
    word = uint32_t(f.U8("last_entry")) << 24 | uint32_t(f.U8("flags")) << 16 | f.U16("tag");
  }
  for (int i = 0; i < 4; ++i) r.data[i] = uint8_t(word >> (24 - 8 * i));
  std::string_view key = addresses ? "ip" : "segments";
  f.EachText(key, [&](std::string_view text) {
    Ipv6Address a;  // parsed here: its constructor throws, where the fault is to be kept
    if (inet_pton(AF_INET6, std::string(text).c_str(), a.bytes.data()) != 1)
      return f.Fail(key, "holds a text that is no IPv6 address");
    r.addresses.push_back(a);
  });
  p.Append(std::move(r));
}

// A Mobility Header message's fixed fields (engine/protocols/mh.cc's WriteMessage).
void PutMobilityMessage(FieldReader& f, uint8_t type, Bytes& b) {
  if (type == 0) {
    Put16(b, f.U16("message_reserved"));
  } else if (type == 1 || type == 2) {
    Put16(b, f.U16("message_reserved"));
    PutBytes(b, f.Hex("cookie"));
  } else if (type == 3 || type == 4) {
    Put16(b, f.U16("nonce_index"));
    PutBytes(b, f.Hex("cookie"));
    PutBytes(b, f.Hex("token"));
  } else if (type == 5) {
    Put16(b, f.U16("seq"));
    FieldReader flags = f.Object("flags");
    uint16_t bits = uint16_t((flags.Bool("a") ? 0x8000 : 0) | (flags.Bool("h") ? 0x4000 : 0) |
                             (flags.Bool("l") ? 0x2000 : 0) | (flags.Bool("k") ? 0x1000 : 0));
    Put16(b, uint16_t(bits | f.Uint("message_reserved", 0xfff)));
    Put16(b, f.U16("lifetime"));
  } else if (type == 6) {
    Put8(b, f.U8("status"));
    Put8(b, uint8_t((f.Bool("k") ? 0x80 : 0) | f.Uint("message_reserved", 0x7f)));
    Put16(b, f.U16("seq"));
    Put16(b, f.U16("lifetime"));
  } else if (type == 7) {
    Put8(b, f.U8("status"));
    Put8(b, f.U8("message_reserved"));
    PutBytes(b, f.V6("home_address"));
  }
}

// A mobility option's value (engine/protocols/mh.cc's WriteOptionValue).
Bytes MobilityOptionValue(uint8_t type, uint8_t len, FieldReader& o) {
  Bytes v;
  if (o.Has("data")) return o.Hex("data");
  if (type == 1) {  // PadN: its record holds data unless the padding is zeros
    v.resize(len, 0);
  } else if (type == 2) {
    Put16(v, o.U16("refresh_interval"));
  } else if (type == 3) {
    PutBytes(v, o.V6("alternate_coa"));
  } else if (type == 4) {
    Put16(v, o.U16("home_nonce_index"));
    Put16(v, o.U16("careof_nonce_index"));
  } else if (type == 5) {
    v = o.Hex("authenticator");
  } else if (type == 6) {
    Put8(v, o.U8("reserved"));
    Put8(v, o.U8("prefix_len"));
    PutBytes(v, o.V6("prefix"));
  }
  return v;
}

void ReadMh(FieldReader& f, Packet& p) {
  Bytes b;
  Put8(b, f.U8("next"));
  Put8(b, Units8(f));
  uint8_t type = f.U8("type");
  Put8(b, type);
  Put8(b, f.U8("reserved"));
  Put16(b, f.U16("checksum"));
  PutMobilityMessage(f, type, b);
  f.EachObject("options", [&](FieldReader& o) {  // laid out as IPv6 options
    uint8_t option = o.U8("type");
    Put8(b, option);
    if (o.Has("error")) return PutBytes(b, o.Hex("rest"));  // it overruns the header
    if (option == 0) return;                                // Pad1
    uint8_t len = o.U8("len");
    Bytes value = MobilityOptionValue(option, len, o);
    if (o.ok() && value.size() != len) o.Fail("len", "the option's members do not make its bytes");
    Put8(b, len);
    PutBytes(b, value);
  });
  p.Append(Raw{std::move(b)});
}

// HIP (RFC 7401 §5.1): the fixed header, then parameters padded to 8 bytes.
void ReadHip(FieldReader& f, Packet& p) {
  Bytes b;
  Put8(b, f.U8("next"));
  Put8(b, Units8(f));
  Put8(b, uint8_t(f.Uint("fixed", 1) << 7 | f.Uint("type", 0x7f)));
  Put8(b, uint8_t(f.Uint("version", 15) << 4 | f.Uint("reserved", 15)));
  Put16(b, f.U16("checksum"));
  Put16(b, f.U16("controls"));
  PutBytes(b, f.V6("sender_hit"));
  PutBytes(b, f.V6("receiver_hit"));
  f.EachObject("parameters", [&](FieldReader& e) {
    if (e.Has("error")) {  // it overruns the header
      Put16(b, e.U16("type"));
      return PutBytes(b, e.Hex("rest"));
    }
    Bytes value = e.Hex("value");
    if (e.ok() && value.size() != e.U16("len")) return e.Fail("len", "not the value's size");
    Put16(b, e.U16("type"));
    Put16(b, uint16_t(value.size()));
    PutBytes(b, value);
    // The padding: its record writes it only when it is not zeros.
    size_t padded = (4 + value.size() + 7) / 8 * 8 - 4 - value.size();
    Bytes padding = e.Has("padding") ? e.Hex("padding") : Bytes(padded, 0);
    PutBytes(b, padding);
  });
  p.Append(Raw{std::move(b)});
}

void ReadAh(FieldReader& f, Packet& p) {
  Bytes b;
  Put8(b, f.U8("next"));
  uint64_t length = f.Uint("length", 257 * 4);
  if (f.ok() && (length < 12 || length % 4 != 0)) return f.Fail("length", "not 12 or more in 4s");
  Put8(b, uint8_t(length / 4 - 2));
  Put16(b, f.U16("reserved"));
  Put32(b, f.U32("spi"));
  Put32(b, f.U32("seq"));
  PutBytes(b, f.Hex("icv"));
  p.Append(Raw{std::move(b)});
}

// What follows is ciphertext: the record's `raw` child.
void ReadEsp(FieldReader& f, Packet& p) {
  Bytes b;
  Put32(b, f.U32("spi"));
  Put32(b, f.U32("seq"));
  p.Append(Raw{std::move(b)});
}

// GRE the builder's layer can say: version 0 without routing, strict source route,
// recursion or reserved bits (their header bytes are written otherwise).
bool PlainGre(FieldReader& f, FieldReader& flags) {
  return f.U8("version") == 0 && !flags.Bool("routing") && !flags.Bool("strict") &&
         f.U8("recursion") == 0 && f.U8("reserved") == 0 &&
         (!f.Has("offset") || f.U16("offset") == 0);
}

// GRE's header bytes as engine/protocols/gre.cc reads them: RFC 1701's fields and PPTP's
// enhanced GRE (RFC 2637: payload length, call id, acknowledgement).
Bytes GreBytes(FieldReader& f, FieldReader& flags) {
  uint8_t version = uint8_t(f.Uint("version", 7));
  bool v1 = version == 1, ack = v1 && flags.Bool("ack");
  uint16_t bits =
      uint16_t((flags.Bool("checksum") ? 0x8000 : 0) | (flags.Bool("routing") ? 0x4000 : 0) |
               (flags.Bool("key") ? 0x2000 : 0) | (flags.Bool("seq") ? 0x1000 : 0) |
               (flags.Bool("strict") ? 0x0800 : 0) | f.Uint("recursion", 7) << 8 |
               (ack ? 0x80 : 0) | f.Uint("reserved", v1 ? 0x0f : 0x1f) << 3 | version);
  Bytes b;
  Put16(b, bits);
  Put16(b, f.U16("protocol"));
  if (bits & 0xc000) {
    Put16(b, f.U16("checksum"));
    Put16(b, f.U16("offset"));
  }
  if (bits & 0x2000 && v1) {
    Put16(b, f.U16("payload_len"));
    Put16(b, f.U16("call_id"));
  } else if (bits & 0x2000) {
    Put32(b, f.U32("key"));
  }
  if (bits & 0x1000) Put32(b, f.U32("seq"));
  if (ack) Put32(b, f.U32("ack"));
  return b;
}

void ReadGre(FieldReader& f, Packet& p) {
  FieldReader flags = f.Object("flags");
  if (!PlainGre(f, flags)) {
    p.Append(Raw{GreBytes(f, flags)});
    return;
  }
  Gre g{.checksum_present = flags.Bool("checksum"), .protocol = f.U16("protocol")};
  if (flags.Bool("key")) g.key = f.U32("key");
  if (flags.Bool("seq")) g.sequence = f.U32("seq");
  if (g.checksum_present) g.checksum = f.U16("checksum");
  p.Append(std::move(g));
}

constexpr LayerReader kReaders[] = {
    {"ah", ReadAh},
    {"esp", ReadEsp},
    {"gre", ReadGre},
    {"hip", ReadHip},
    {"hopopt", ReadHopopt},
    {"ipv4", ReadIpv4},
    {"ipv6", ReadIpv6},
    {"ipv6_frag", ReadIpv6Frag},
    {"ipv6_opts", ReadIpv6Opts},
    {"ipv6_route", ReadIpv6Route},
    {"mh", ReadMh},
};

}  // namespace

std::span<const LayerReader> InternetReaders() {
  return kReaders;
}

}  // namespace pcapkit::ipsuite::records
