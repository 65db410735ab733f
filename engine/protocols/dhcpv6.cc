// DHCPv6 (RFC 8415), UDP ports 546/547: message type, transaction id (or, for relay
// messages, hop count and the link and peer addresses), then the options.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

bool IsRelay(uint8_t type) {
  return type == 12 || type == 13;
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4 || (IsRelay(p[0]) && len < 34)) {
    out.error = "DHCPv6: header truncated";
    return;
  }
  Carry(out, len, len, Table::kNone, 0);
}

// Options that hold options of their own after fixed fields: IA_NA (3), IA_TA (4),
// IAADDR (5), IA_PD (25), IAPREFIX (26). Returns the fixed length, or -1.
int Container(uint16_t code) {
  switch (code) {
    case 3:
    case 25:
      return 12;
    case 4:
      return 4;
    case 5:
      return 24;
    case 26:
      return 25;
    default:
      return -1;
  }
}

void Options(const uint8_t* p, uint32_t n, int depth, Emitter& out) {
  out.BeginArray("options");
  uint32_t pos = 0;
  while (pos + 4 <= n) {
    uint16_t code = Be16(p + pos), olen = Be16(p + pos + 2);
    const uint8_t* v = p + pos + 4;
    out.BeginObject();
    out.Uint("code", code);
    if (pos + 4 + olen > n) {
      out.Plain("error", "option runs past the message");
      out.EndObject();
      break;
    }
    out.Uint("len", olen);
    int fixed = Container(code);
    if (code == 5 && olen >= 24) out.Ipv6("address", v);
    if (fixed >= 0 && olen >= fixed && depth < 4) {
      out.Hex("data", v, uint32_t(fixed));
      Options(v + fixed, olen - uint32_t(fixed), depth + 1, out);
    } else {
      out.Hex("data", v, olen);
    }
    out.EndObject();
    pos += 4u + olen;
  }
  out.EndArray();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("msg_type", p[0]);
  uint32_t pos;
  if (IsRelay(p[0])) {
    out.Uint("hop_count", p[1]);
    out.Ipv6("link_address", p + 2);
    out.Ipv6("peer_address", p + 18);
    pos = 34;
  } else {
    out.Uint("xid", uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]);
    pos = 4;
  }
  Options(p + pos, l.hdr_len - pos, 0, out);
}

}  // namespace

const Registration kRegistration("dhcpv6", [](Registry& r) {
  r.Add({.name = "DHCPv6",
         .key = "dhcpv6",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write},
        {{Table::kUdpPort, 546}, {Table::kUdpPort, 547}});
});

}  // namespace pcapkit::protocols
