// Geneve (RFC 8926, UDP port 6081): version, option length, flags, the protocol of the
// payload as an EtherType (0x6558: an Ethernet frame), the 24-bit VNI, then options.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 8) {
    out.error = "Geneve: header truncated";
    return;
  }
  uint32_t hdr = 8 + uint32_t(p[0] & 0x3f) * 4;
  if (p[0] >> 6 != 0 || hdr > len) {
    out.error = p[0] >> 6 ? "Geneve: unknown version" : "Geneve: options run past the packet";
    return;
  }
  Carry(out, hdr, len, Table::kEtherType, Be16(p + 2));
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("version", p[0] >> 6);
  out.Uint("opt_len", uint32_t(p[0] & 0x3f) * 4);
  out.Bool("oam", (p[1] & 0x80) != 0);
  out.Bool("critical", (p[1] & 0x40) != 0);
  out.Uint("reserved", p[1] & 0x3f);
  out.Uint("protocol", Be16(p + 2));
  out.Uint("vni", Be32(p + 4) >> 8);
  out.Uint("reserved2", p[7]);
  if (l.hdr_len > 8) out.Hex("options", p + 8, l.hdr_len - 8);
}

constexpr FieldSpec kFields[] = {
    {"version", kInt, "0", nullptr},
    {"opt_len", kInt, "length of the options, bytes", nullptr},
    {"oam", kBool, "an OAM (control) packet", nullptr},
    {"critical", kBool, "critical options present", nullptr},
    {"reserved", kInt, "the 6 reserved bits after the flags (0)", nullptr},
    {"protocol", kInt, "EtherType of the payload (0x6558 is Ethernet)", "geneve.proto_type"},
    {"vni", kInt, "virtual network identifier, 24 bits", "geneve.vni"},
    {"reserved2", kInt, "the reserved byte after the VNI (0)", nullptr},
    {"options", kHex, "the options, when `opt_len` > 0", nullptr},
};

}  // namespace

const Registration kRegistration("geneve", [](Registry& r) {
  r.Add({.name = "Geneve",
         .key = "geneve",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "A version other than 0, or options running past the packet, make the layer "
                    "`raw` with an error."},
        {{Table::kUdpPort, 6081}});
});

}  // namespace pcapkit::protocols
