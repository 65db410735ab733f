// HIP (RFC 7401), IP protocol 139: the fixed header with both Host Identity Tags, then
// the parameters as type-length-value entries (each padded to 8 bytes).
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 40) {
    out.error = "HIP: header truncated";
    return;
  }
  uint32_t hdr = (uint32_t(p[1]) + 1) * 8;
  if (hdr < 40 || hdr > len) {
    out.error = "HIP: header length out of range";
    return;
  }
  Carry(out, hdr, len, Table::kIpProto, p[0]);
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("next", p[0]);
  out.Uint("length", l.hdr_len);
  out.Uint("type", p[2] & 0x7f);
  out.Uint("version", p[3] >> 4);
  out.Uint("checksum", Be16(p + 4));
  out.Uint("controls", Be16(p + 6));
  out.Ipv6("shit", p + 8);  // sender's HIT (an IPv6-shaped identifier)
  out.Ipv6("rhit", p + 24);
  out.BeginArray("parameters");
  uint32_t pos = 40;
  while (pos + 4 <= l.hdr_len) {
    uint16_t type = Be16(p + pos), plen = Be16(p + pos + 2);
    out.BeginObject();
    out.Uint("type", type);
    out.Bool("critical", type & 1);
    if (pos + 4 + plen > l.hdr_len) {
      out.Plain("error", "parameter runs past the header");
      out.EndObject();
      break;
    }
    out.Uint("len", plen);
    out.Hex("value", p + pos + 4, plen);
    out.EndObject();
    pos += (11u + plen) & ~7u;
  }
  out.EndArray();
}

}  // namespace

const Registration kRegistration("hip", [](Registry& r) {
  r.Add({.name = "HIP",
         .key = "hip",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write},
        {{Table::kIpProto, 139}});
});

}  // namespace pcapkit::protocols
