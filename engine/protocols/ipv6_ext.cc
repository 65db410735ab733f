#include "engine/protocols/ipv6_ext.h"

namespace pcapkit::protocols {

void DissectExtensionHeader(const uint8_t* p, uint32_t len, DissectResult& out, const char* error) {
  if (len < 2 || len < (uint32_t(p[1]) + 1) * 8) {
    out.error = error;
    return;
  }
  Carry(out, (uint32_t(p[1]) + 1) * 8, len, Table::kIpProto, p[0]);
}

static const char* TlvName(uint8_t type) {
  switch (type) {
    case 0x00:
      return "Pad1";
    case 0x01:
      return "PadN";
    case 0x04:
      return "TunnelEncapLimit";
    case 0x05:
      return "RouterAlert";
    case 0x07:
      return "CALIPSO";
    case 0x26:
      return "QuickStart";
    case 0x63:
      return "RPL";
    case 0xc2:
      return "Jumbo";
    case 0xc9:
      return "HomeAddress";
    default:
      return nullptr;
  }
}

void WriteTlvOptionsHeader(const LayerContext& l, Emitter& out) {
  out.Uint("next", l.p[0]);
  out.Uint("length", l.hdr_len);
  out.BeginArray("options");
  uint32_t pos = 2;
  while (pos < l.hdr_len) {
    uint8_t type = l.p[pos];
    const char* name = TlvName(type);
    out.BeginObject();
    out.Uint("type", type);
    if (name) out.Plain("name", name);
    if (type == 0) {
      out.EndObject();
      ++pos;
      continue;
    }
    if (pos + 2 > l.hdr_len || pos + 2 + l.p[pos + 1] > l.hdr_len) {
      out.Plain("error", "option overruns the header");
      out.EndObject();
      break;
    }
    uint8_t olen = l.p[pos + 1];
    const uint8_t* v = l.p + pos + 2;
    out.Uint("len", olen);
    if (type == 0xc2 && olen == 4) {
      out.Uint("payload_len", Be32(v));
    } else if (type == 0x05 && olen == 2) {
      out.Uint("value", Be16(v));
    } else if (type == 0x04 && olen == 1) {
      out.Uint("limit", v[0]);
    } else if (type == 0xc9 && olen == 16) {
      out.Ipv6("address", v);
    } else if (type == 0x07 && olen >= 8 && olen >= 8u + v[4] * 4u) {  // CALIPSO, RFC 5570
      out.Uint("doi", Be32(v));
      out.Uint("compartment_len", v[4] * 4u);
      out.Uint("sensitivity", v[5]);
      out.Uint("checksum", Be16(v + 6));
      out.Hex("compartments", v + 8, v[4] * 4u);
    } else if (type == 0x26 && olen == 6) {  // quick-start, RFC 4782
      out.Uint("func", v[0] >> 4);
      out.Uint("rate", v[0] & 15);
      out.Uint("qs_ttl", v[1]);
      out.Uint("nonce", Be32(v + 2) >> 2);
    } else if (type != 0x01) {
      out.Hex("data", v, olen);
    }
    out.EndObject();
    pos += 2u + olen;
  }
  out.EndArray();
}

}  // namespace pcapkit::protocols
