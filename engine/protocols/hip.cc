// HIP (RFC 7401), IP protocol 139: the fixed header with both Host Identity Tags, then
// the parameters as type-length-value entries (each padded to 8 bytes).
#include "engine/protocols/common.h"
#include "engine/protocols/ipv6_ext.h"
#include "engine/util/tlv.h"

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

// RFC 7401 §5.2.1: type and length of the contents, two bytes each, then padding to a
// multiple of 8 bytes.
constexpr util::TlvLayout kParameterLayout = {
    .type_size = 2, .length_at = 2, .length_size = 2, .align = 8};

void WriteParameters(const uint8_t* p, uint32_t n, Emitter& out) {
  out.BeginArray("parameters");
  util::TlvCursor parameters(p, n, kParameterLayout);
  util::TlvEntry e;
  while (parameters.Next(e)) {
    out.BeginObject();
    out.Uint("type", e.type);
    out.Bool("critical", e.type & 1);
    if (e.error != util::TlvError::kNone) {
      out.Plain("error", "parameter runs past the header");
      out.Hex("rest", e.header + 2, n - e.offset - 2);
    } else {
      out.Uint("len", e.value_len);
      out.Hex("value", e.value, e.value_len);
      // The padding ends where the next parameter starts (the list's end at the latest).
      uint32_t pad_at = e.offset + e.size, pad_len = parameters.offset() - pad_at;
      if (!AllZero(p + pad_at, pad_len)) out.Hex("padding", p + pad_at, pad_len);
    }
    out.EndObject();
  }
  out.EndArray();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("next", p[0]);
  out.Uint("length", l.hdr_len);
  out.Uint("fixed", p[2] >> 7);
  out.Uint("type", p[2] & 0x7f);
  out.Uint("version", p[3] >> 4);
  out.Uint("reserved", p[3] & 15);
  out.Uint("checksum", Be16(p + 4));
  out.Uint("controls", Be16(p + 6));
  out.Ipv6("sender_hit", p + 8);  // Host Identity Tags: IPv6-shaped identifiers
  out.Ipv6("receiver_hit", p + 24);
  WriteParameters(p + 40, l.hdr_len - 40, out);
}

constexpr FieldSpec kFields[] = {
    {"next", kInt, "next header", nullptr},
    {"length", kInt, "bytes of the whole header", nullptr},
    {"fixed", kInt, "the bit before the packet type: 0 (RFC 7401 §5.1), as on the wire", nullptr},
    {"type", kInt, "packet type", "hip.packet_type"},
    {"version", kInt, "HIP version", nullptr},
    {"reserved", kInt,
     "the 4 bits after the version: 3 reserved and a fixed 1 (RFC 7401 §5.1), as on the wire",
     nullptr},
    {"checksum", kInt, "as on the wire", "hip.checksum"},
    {"controls", kInt, "the controls field", "hip.controls"},
    {"sender_hit", kIpv6, "sender's Host Identity Tag, in IPv6 form", nullptr},
    {"receiver_hit", kIpv6, "receiver's Host Identity Tag, in IPv6 form", nullptr},
    {"parameters", kList, "one entry per parameter", nullptr},
    {"parameters[].type", kInt, "parameter type", "hip.type"},
    {"parameters[].critical", kBool, "the type is critical (odd)", nullptr},
    {"parameters[].error", kText, "a parameter past the header: the list's last entry", nullptr},
    {"parameters[].rest", kHex, "a parameter past the header: the header's bytes after its type",
     nullptr},
    {"parameters[].len", kInt, "bytes of the contents (padding not counted)", nullptr},
    {"parameters[].value", kHex, "the contents", nullptr},
    {"parameters[].padding", kHex, "the padding to 8 bytes, when not all zero", nullptr},
};

}  // namespace

const Registration kRegistration("hip", [](Registry& r) {
  r.Add({.name = "HIP",
         .key = "hip",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The fixed header with both Host Identity Tags, then the parameters as "
                    "type-length-value entries, each padded to 8 bytes. A malformed parameter "
                    "ends `parameters` with an entry carrying `error`. PyPCAPKit names the HITs "
                    "`shit` and `rhit`."},
        {{Table::kIpProto, 139}});
});

}  // namespace pcapkit::protocols
