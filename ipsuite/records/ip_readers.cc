// Internet-layer records back to layers: IPv4 with its options, IPv6's fixed header and
// its fragment header.
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
    o.EachText("route", [&](std::string_view a) { PutBytes(v, Ipv4Address(std::string(a))); });
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
                        .next = f.U8("next")});
}

constexpr LayerReader kReaders[] = {
    {"ipv4", ReadIpv4},
    {"ipv6", ReadIpv6},
    {"ipv6_frag", ReadIpv6Frag},
};

}  // namespace

std::span<const LayerReader> InternetReaders() {
  return kReaders;
}

}  // namespace pcapkit::ipsuite::records
