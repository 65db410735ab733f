// IPv4 (RFC 791) with its options. The payload is bounded by the total length (Ethernet
// padding is not payload); a total length of 0 — TCP segmentation offload captures —
// means "as captured". A non-first fragment carries no transport header, so it is not
// dispatched: its bytes stay `raw` until reassembly.
#include "engine/protocols/common.h"
#include "engine/protocols/kind_length_options.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 20) {
    out.error = "IPv4: header truncated";
    return;
  }
  if (p[0] >> 4 != 4) {
    out.error = "IPv4: version is not 4";
    return;
  }
  uint32_t hdr = uint32_t(p[0] & 0x0f) * 4;
  if (hdr < 20) {
    out.error = "IPv4: header length below 20 bytes";
    return;
  }
  if (hdr > len) {
    out.error = "IPv4: header length exceeds the captured bytes";
    return;
  }
  uint32_t total = Be16(p + 2);
  if (total != 0 && total < hdr) {
    out.error = "IPv4: total length smaller than the header";
    return;
  }
  uint32_t end = (total == 0 || total > len) ? len : total;
  bool first_fragment = (Be16(p + 6) & 0x1fff) == 0;
  Carry(out, hdr, end, first_fragment ? Table::kIpProto : Table::kNone, p[9]);
  out.payload_is_first_fragment = first_fragment && (p[6] & 0x20) != 0;  // MF
}

const char* OptionName(uint8_t type) {
  switch (type) {
    case 0:
      return "EOOL";
    case 1:
      return "NOP";
    case 7:
      return "RR";
    case 11:
      return "MTUP";
    case 12:
      return "MTUR";
    case 25:
      return "QS";
    case 68:
      return "TS";
    case 82:
      return "TR";
    case 130:
      return "SEC";
    case 131:
      return "LSR";
    case 133:
      return "ESEC";
    case 136:
      return "SID";
    case 137:
      return "SSR";
    case 148:
      return "RTRALT";
    default:
      return nullptr;
  }
}

void WriteOptionValue(uint8_t type, const uint8_t* v, uint32_t vlen, Emitter& out) {
  if ((type == 7 || type == 131 || type == 137) && vlen >= 1) {
    out.Uint("pointer", v[0]);
    out.BeginArray("route");
    for (uint32_t i = 1; i + 4 <= vlen; i += 4) out.Ipv4({}, v + i);
    out.EndArray();
  } else if (type == 148 && vlen == 2) {
    out.Uint("value", Be16(v));
  } else if (type == 68 && vlen >= 2) {
    out.Uint("pointer", v[0]);
    out.Uint("overflow", v[1] >> 4);
    out.Uint("flag", v[1] & 15);
    out.Hex("data", v + 2, vlen - 2);
  } else if ((type == 11 || type == 12) && vlen == 2) {
    out.Uint("mtu", Be16(v));
  } else if (type == 82 && vlen == 10) {  // traceroute (RFC 1393)
    out.Uint("id", Be16(v));
    out.Uint("outbound_hops", Be16(v + 2));
    out.Uint("return_hops", Be16(v + 4));
    out.Ipv4("originator", v + 6);
  } else if (type == 25 && vlen == 6) {  // quick-start (RFC 4782)
    out.Uint("func", v[0] >> 4);
    out.Uint("rate", v[0] & 15);
    out.Uint("qs_ttl", v[1]);
    out.Uint("nonce", Be32(v + 2) >> 2);
  } else if (type == 130 && vlen >= 1) {  // security (RFC 1108)
    out.Uint("classification", v[0]);
    out.Hex("protection_authority", v + 1, vlen - 1);
  } else {
    out.Hex("data", v, vlen);
  }
}

Ipv4 View(const LayerContext& l) {
  return Ipv4(l.p, l.length, l.hdr_len);
}

constexpr FieldSpec kFields[] = {
    {"version", kInt, "4", "ip.version",
     [](const LayerContext& l, Emitter& out) { out.Uint("version", View(l).version()); }},
    {"hdr_len", kInt, "header length in bytes (IHL × 4)", "ip.hdr_len",
     [](const LayerContext& l, Emitter& out) { out.Uint("hdr_len", View(l).hdr_len()); }},
    {"dscp", kInt, "DiffServ code point", "ip.dsfield.dscp",
     [](const LayerContext& l, Emitter& out) { out.Uint("dscp", View(l).dscp()); }},
    {"ecn", kInt, "ECN bits", "ip.dsfield.ecn",
     [](const LayerContext& l, Emitter& out) { out.Uint("ecn", View(l).ecn()); }},
    {"len", kInt, "total length field (0 in TSO captures: then the payload is what was captured)",
     "ip.len",
     [](const LayerContext& l, Emitter& out) { out.Uint("len", View(l).total_length()); }},
    {"id", kInt, "identification", "ip.id",
     [](const LayerContext& l, Emitter& out) { out.Uint("id", View(l).id()); }},
    {"flags", kObject, "the fragmentation flags", nullptr,
     [](const LayerContext& l, Emitter& out) {
       Ipv4 ip = View(l);
       out.BeginObject("flags");
       out.Bool("rf", ip.rf());
       out.Bool("df", ip.df());
       out.Bool("mf", ip.mf());
       out.EndObject();
     }},
    {"flags.rf", kBool, "reserved bit", "ip.flags.rb"},
    {"flags.df", kBool, "don't fragment", "ip.flags.df"},
    {"flags.mf", kBool, "more fragments", "ip.flags.mf"},
    {"offset", kInt, "fragment offset in **bytes** (the wire's 8-byte units × 8)",
     "ip.frag_offset /8",
     [](const LayerContext& l, Emitter& out) { out.Uint("offset", View(l).offset()); }},
    {"ttl", kInt, "time to live (hops)", "ip.ttl",
     [](const LayerContext& l, Emitter& out) { out.Uint("ttl", View(l).ttl()); }},
    {"protocol", kInt, "IP protocol number of the payload", "ip.proto",
     [](const LayerContext& l, Emitter& out) {
       out.Enum("protocol", View(l).protocol(), IpProtocolName);
     }},
    {"protocol_name", kText, "the protocol pcapkit dissects under that number (with --names)"},
    {"checksum", kInt, "header checksum as on the wire", "ip.checksum",
     [](const LayerContext& l, Emitter& out) { out.Uint("checksum", View(l).checksum()); }},
    {"src", kIpv4, "source address", "ip.src",
     [](const LayerContext& l, Emitter& out) { out.Ipv4("src", View(l).src()); }},
    {"dst", kIpv4,
     "destination address as in the header (with a source-route option, the next hop)", "ip.dst",
     [](const LayerContext& l, Emitter& out) { out.Ipv4("dst", View(l).dst()); }},
    {"options", kList, "when IHL > 5: one entry per option", nullptr,
     [](const LayerContext& l, Emitter& out) {
       if (l.hdr_len > 20)
         WriteKindLengthOptions(l.p + 20, l.hdr_len - 20, "type", OptionName, WriteOptionValue,
                                out);
     }},
    {"options[].type", kInt, "option type", nullptr},
    {"options[].name", kText,
     "EOOL, NOP, RR, TS, LSR, SSR, SEC, ESEC, SID, RTRALT, MTUP, MTUR, TR or QS (absent for other "
     "types)",
     nullptr},
    {"options[].error", kText, "a bad option length: the list's last entry", nullptr},
    {"options[].rest", kHex,
     "with `error`: the option bytes from this entry to the end of the header", nullptr},
    {"options[].len", kInt, "bytes of the option, type and length included (not for EOOL, NOP)",
     nullptr},
    {"options[].pointer", kInt, "RR, LSR, SSR, TS: the pointer", nullptr},
    {"options[].route", kList, "RR, LSR, SSR: the route", nullptr},
    {"options[].route[]", kIpv4, "an address of the route", nullptr},
    {"options[].value", kInt, "RTRALT: the router alert value", nullptr},
    {"options[].overflow", kInt, "TS: overflow count", nullptr},
    {"options[].flag", kInt, "TS: flag", nullptr},
    {"options[].data", kHex, "TS: the timestamps; other types: the value", nullptr},
    {"options[].mtu", kInt, "MTUP, MTUR: the MTU", nullptr},
    {"options[].id", kInt, "TR: id number", nullptr},
    {"options[].outbound_hops", kInt, "TR: outbound hop count", nullptr},
    {"options[].return_hops", kInt, "TR: return hop count", nullptr},
    {"options[].originator", kIpv4, "TR: originator address", nullptr},
    {"options[].func", kInt, "QS: function", nullptr},
    {"options[].rate", kInt, "QS: rate request or report", nullptr},
    {"options[].qs_ttl", kInt, "QS: TTL", nullptr},
    {"options[].nonce", kInt, "QS: nonce", nullptr},
    {"options[].classification", kInt, "SEC: classification level", nullptr},
    {"options[].protection_authority", kHex, "SEC: protection authority flags", nullptr},
};

void Write(const LayerContext& l, Emitter& out) {
  WriteMembers(kFields, l, out);
}

}  // namespace

const Registration kRegistration("ipv4", [](Registry& r) {
  r.Add({.id = ProtocolId::kIpv4,
         .name = "IPv4",
         .key = "ipv4",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The payload is bounded by the total length (Ethernet padding is not "
                    "payload); a total length of 0 (TCP segmentation offload captures) means "
                    "\"as captured\". A malformed option ends `options` with an entry carrying "
                    "`error`. A non-first fragment (`offset` > 0) carries no transport header: "
                    "its payload is `raw`. IPv4-in-IPv4 (protocol 4) nests the inner `ipv4` "
                    "under the outer one."},
        {{Table::kEtherType, 0x0800},
         {Table::kLinkType, 228},
         {Table::kIpVersion, 4},
         {Table::kIpProto, 4},
         {Table::kBsdFamily, 2},
         {Table::kPppProto, 0x0021}});
});

}  // namespace pcapkit::protocols
