// ICMPv6 (RFC 4443) and the Neighbor Discovery messages' fixed parts (RFC 4861). Error
// messages quote the offending IPv6 packet, dispatched like ICMP's quote.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

bool IsError(uint8_t type) {
  return type >= 1 && type <= 4;
}

// Bytes of fixed fields after type/code/checksum, per message type.
uint32_t FixedLength(uint8_t type) {
  switch (type) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 128:
    case 129:
      return 8;
    case 133:
      return 8;  // router solicitation
    case 134:
      return 16;  // router advertisement
    case 135:
      return 24;  // neighbor solicitation
    case 136:
      return 24;  // neighbor advertisement
    case 137:
      return 40;  // redirect
    default:
      return 4;
  }
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4 || len < FixedLength(p[0])) {
    out.error = "ICMPv6: header truncated";
    return;
  }
  // Neighbor Discovery options belong to the message: the layer's header covers them.
  bool ndp = p[0] >= 133 && p[0] <= 137;
  Carry(out, ndp ? len : FixedLength(p[0]), len, IsError(p[0]) ? Table::kIpVersion : Table::kNone,
        6);
}

void Write(const LayerContext& l, Emitter& out) {
  Icmpv6 icmp(l.p, l.length, l.hdr_len);
  const uint8_t* v = l.p + 4;
  uint8_t type = icmp.type();
  out.Uint("type", type);
  out.Uint("code", icmp.code());
  out.Uint("checksum", icmp.checksum());
  switch (type) {
    case 128:
    case 129:
      out.Uint("id", Be16(v));
      out.Uint("seq", Be16(v + 2));
      break;
    case 2:
      out.Uint("mtu", Be32(v));
      break;
    case 4:
      out.Uint("pointer", Be32(v));
      break;
    case 134:
      out.Uint("cur_hop_limit", v[0]);
      out.Bool("managed", (v[1] & 0x80) != 0);
      out.Bool("other", (v[1] & 0x40) != 0);
      out.Uint("router_lifetime", Be16(v + 2));
      out.Uint("reachable_time", Be32(v + 4));
      out.Uint("retrans_timer", Be32(v + 8));
      break;
    case 135:
      out.Ipv6("target", v + 4);
      break;
    case 136:
      out.Bool("router", (v[0] & 0x80) != 0);
      out.Bool("solicited", (v[0] & 0x40) != 0);
      out.Bool("override", (v[0] & 0x20) != 0);
      out.Ipv6("target", v + 4);
      break;
    case 137:
      out.Ipv6("target", v + 4);
      out.Ipv6("destination", v + 20);
      break;
  }
  // Neighbor Discovery options (type, length in 8-octet units) follow the fixed part.
  if (type >= 133 && type <= 137 && l.hdr_len > FixedLength(type)) {
    out.BeginArray("options");
    uint32_t pos = FixedLength(type);
    while (pos + 2 <= l.hdr_len) {
      uint8_t otype = l.p[pos], olen = l.p[pos + 1];
      out.BeginObject();
      out.Uint("type", otype);
      if (olen == 0 || pos + olen * 8u > l.hdr_len) {
        out.Plain("error", "bad option length");
        out.EndObject();
        break;
      }
      out.Uint("len", olen * 8u);
      const uint8_t* o = l.p + pos + 2;
      if ((otype == 1 || otype == 2) && olen == 1) {
        out.Mac("link_addr", o);
      } else if (otype == 3 && olen == 4) {  // prefix information
        out.Uint("prefix_len", o[0]);
        out.Bool("on_link", (o[1] & 0x80) != 0);
        out.Bool("autonomous", (o[1] & 0x40) != 0);
        out.Uint("valid_lifetime", Be32(o + 2));
        out.Uint("preferred_lifetime", Be32(o + 6));
        out.Ipv6("prefix", o + 14);
      } else if (otype == 5 && olen == 1) {  // MTU
        out.Uint("mtu", Be32(o + 2));
      } else if (otype == 25 && olen >= 3) {  // recursive DNS servers (RFC 8106)
        out.Uint("lifetime", Be32(o + 2));
        out.BeginArray("servers");
        for (uint32_t i = 6; i + 16 <= olen * 8u - 2; i += 16) out.Ipv6({}, o + i);
        out.EndArray();
      } else {
        out.Hex("data", l.p + pos + 2, olen * 8u - 2);
      }
      out.EndObject();
      pos += olen * 8u;
    }
    out.EndArray();
  }
}

}  // namespace

const Registration kRegistration("icmpv6", [](Registry& r) {
  r.Add({.id = ProtocolId::kIcmpv6,
         .name = "ICMPv6",
         .key = "icmpv6",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write},
        {{Table::kIpProto, 58}});
});

}  // namespace pcapkit::protocols
