// ICMPv6 (RFC 4443) and the Neighbor Discovery messages' fixed parts (RFC 4861). Error
// messages quote the offending IPv6 packet, dispatched like ICMP's quote.
#include "engine/protocols/common.h"
#include "engine/util/tlv.h"

namespace pcapkit::protocols {
namespace {

bool IsError(uint8_t type) {
  return type >= 1 && type <= 4;
}

// Router and neighbor solicitations and advertisements, redirects (RFC 4861).
bool IsNeighborDiscovery(uint8_t type) {
  return type >= 133 && type <= 137;
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
  Carry(out, IsNeighborDiscovery(p[0]) ? len : FixedLength(p[0]), len,
        IsError(p[0]) ? Table::kIpVersion : Table::kNone, 6);
}

// The fixed fields after type, code and checksum, at v.
void WriteMessage(uint8_t type, const uint8_t* v, Emitter& out) {
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
    case 1:
    case 3:
    case 133:
      out.Uint("reserved", Be32(v));
      break;
    case 134:
      out.Uint("cur_hop_limit", v[0]);
      out.Bool("managed", (v[1] & 0x80) != 0);
      out.Bool("other", (v[1] & 0x40) != 0);
      out.Uint("reserved", v[1] & 0x3f);
      out.Uint("router_lifetime", Be16(v + 2));
      out.Uint("reachable_time", Be32(v + 4));
      out.Uint("retrans_timer", Be32(v + 8));
      break;
    case 135:
      out.Uint("reserved", Be32(v));
      out.Ipv6("target", v + 4);
      break;
    case 136:
      out.Bool("router", (v[0] & 0x80) != 0);
      out.Bool("solicited", (v[0] & 0x40) != 0);
      out.Bool("override", (v[0] & 0x20) != 0);
      out.Uint("reserved", Be32(v) & 0x1fffffff);
      out.Ipv6("target", v + 4);
      break;
    case 137:
      out.Uint("reserved", Be32(v));
      out.Ipv6("target", v + 4);
      out.Ipv6("destination", v + 20);
      break;
  }
}

// Neighbor Discovery options (RFC 4861 §4.6): type, then a length in 8-octet units of the
// whole option, which 0 cannot be.
constexpr util::TlvLayout kNdOptionLayout = {.length_counts = util::TlvLength::kEntry8Octets};

// The fields of one option's value: `size` counts the whole option, `v` follows its
// 2-byte header.
void WriteNdOptionValue(uint8_t type, uint32_t size, const uint8_t* v, uint32_t vlen,
                        Emitter& out) {
  if ((type == 1 || type == 2) && size == 8) {
    out.Mac("link_addr", v);
  } else if (type == 3 && size == 32) {  // prefix information
    out.Uint("prefix_len", v[0]);
    out.Bool("on_link", (v[1] & 0x80) != 0);
    out.Bool("autonomous", (v[1] & 0x40) != 0);
    out.Uint("reserved1", v[1] & 0x3f);
    out.Uint("valid_lifetime", Be32(v + 2));
    out.Uint("preferred_lifetime", Be32(v + 6));
    out.Uint("reserved2", Be32(v + 10));
    out.Ipv6("prefix", v + 14);
  } else if (type == 5 && size == 8) {  // MTU
    out.Uint("reserved", Be16(v));
    out.Uint("mtu", Be32(v + 2));
  } else if (type == 25 && size >= 24 && (size - 8) % 16 == 0) {  // RDNSS (RFC 8106)
    out.Uint("reserved", Be16(v));
    out.Uint("lifetime", Be32(v + 2));
    out.BeginArray("servers");
    for (uint32_t i = 6; i + 16 <= vlen; i += 16) out.Ipv6({}, v + i);
    out.EndArray();
  } else {
    out.Hex("data", v, vlen);
  }
}

void WriteNdOptions(const uint8_t* p, uint32_t n, Emitter& out) {
  out.BeginArray("options");
  util::TlvCursor options(p, n, kNdOptionLayout);
  util::TlvEntry o;
  while (options.Next(o)) {
    out.BeginObject();
    out.Uint("type", o.type);
    if (o.error != util::TlvError::kNone) {
      out.Plain("error", "bad option length");
      out.Hex("rest", o.header + 1, n - o.offset - 1);
    } else {
      out.Uint("len", o.size);
      WriteNdOptionValue(uint8_t(o.type), o.size, o.value, o.value_len, out);
    }
    out.EndObject();
  }
  out.EndArray();
}

void Write(const LayerContext& l, Emitter& out) {
  Icmpv6 icmp(l.p, l.length, l.hdr_len);
  uint8_t type = icmp.type();
  out.Enum("type", type, Icmpv6TypeName);
  out.Uint("code", icmp.code());
  out.Uint("checksum", icmp.checksum());
  WriteMessage(type, l.p + 4, out);
  // Neighbor Discovery options follow the fixed part.
  if (IsNeighborDiscovery(type) && l.hdr_len > FixedLength(type))
    WriteNdOptions(l.p + FixedLength(type), l.hdr_len - FixedLength(type), out);
}

constexpr FieldSpec kFields[] = {
    {"type", kInt, "message type", "icmpv6.type"},
    {"type_name", kText, "`Neighbor Solicitation`, `Echo Request`, … (with --names)"},
    {"code", kInt, "message code", "icmpv6.code"},
    {"checksum", kInt, "as on the wire", "icmpv6.checksum"},
    {"id", kInt, "echo request / reply: identifier", "icmpv6.echo.identifier"},
    {"seq", kInt, "echo request / reply: sequence number", "icmpv6.echo.sequence_number"},
    {"mtu", kInt, "packet too big: the MTU", nullptr},
    {"pointer", kInt, "parameter problem: the offset of the error", nullptr},
    {"reserved", kInt,
     "destination unreachable, time exceeded, router and neighbor solicitation, neighbor "
     "advertisement (after its flags), redirect; router advertisement: the 6 flag bits after "
     "M and O (home agent, preference, proxy: RFC 3775, 4191, 4389). The bits as on the wire",
     nullptr},
    {"cur_hop_limit", kInt, "router advertisement: current hop limit", nullptr},
    {"managed", kBool, "router advertisement: managed address configuration", nullptr},
    {"other", kBool, "router advertisement: other configuration", nullptr},
    {"router_lifetime", kInt, "router advertisement: router lifetime (seconds)", nullptr},
    {"reachable_time", kInt, "router advertisement: reachable time (milliseconds)", nullptr},
    {"retrans_timer", kInt, "router advertisement: retransmission timer (milliseconds)", nullptr},
    {"target", kIpv6, "neighbor solicitation / advertisement, redirect: target address", nullptr},
    {"router", kBool, "neighbor advertisement: router flag", nullptr},
    {"solicited", kBool, "neighbor advertisement: solicited flag", nullptr},
    {"override", kBool, "neighbor advertisement: override flag", nullptr},
    {"destination", kIpv6, "redirect: destination address", nullptr},
    {"options", kList, "Neighbor Discovery options", nullptr},
    {"options[].type", kInt, "option type", nullptr},
    {"options[].error", kText, "a bad option length: the list's last entry", nullptr},
    {"options[].rest", kHex, "a bad option length: the message's bytes after its type", nullptr},
    {"options[].len", kInt, "bytes of the option (the wire's 8-byte units × 8)", nullptr},
    {"options[].link_addr", kMac, "source/target link-layer address", nullptr},
    {"options[].prefix_len", kInt, "prefix information: prefix length", nullptr},
    {"options[].on_link", kBool, "prefix information: on-link flag", nullptr},
    {"options[].autonomous", kBool, "prefix information: autonomous configuration flag", nullptr},
    {"options[].reserved1", kInt,
     "prefix information: the 6 bits after the L and A flags, as on the wire", nullptr},
    {"options[].reserved2", kInt, "prefix information: the 32 reserved bits, as on the wire",
     nullptr},
    {"options[].valid_lifetime", kInt, "prefix information: valid lifetime (seconds)", nullptr},
    {"options[].preferred_lifetime", kInt, "prefix information: preferred lifetime (seconds)",
     nullptr},
    {"options[].prefix", kIpv6, "prefix information: the prefix", nullptr},
    {"options[].reserved", kInt, "MTU, RDNSS: the 16 reserved bits, as on the wire", nullptr},
    {"options[].mtu", kInt, "MTU: the link MTU", nullptr},
    {"options[].lifetime", kInt, "RDNSS: lifetime (seconds)", nullptr},
    {"options[].servers", kList, "RDNSS: the recursive DNS servers", nullptr},
    {"options[].servers[]", kIpv6, "a server's address", nullptr},
    {"options[].data", kHex, "other types: the value", nullptr},
};

}  // namespace

const Registration kRegistration("icmpv6", [](Registry& r) {
  r.Add({.id = ProtocolId::kIcmpv6,
         .name = "ICMPv6",
         .key = "icmpv6",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "Error messages (types 1–4) carry the quoted packet as a nested `ipv6` "
                    "layer. Neighbor Discovery messages (types 133–137) list their options; a "
                    "malformed option ends `options` with an entry carrying `error`."},
        {{Table::kIpProto, 58}});
});

}  // namespace pcapkit::protocols
