// VXLAN (RFC 7348, UDP port 4789): flags and the 24-bit network identifier, then a whole
// Ethernet frame — dispatched as LINKTYPE_ETHERNET, so the inner frame is dissected as
// a full stack.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t*, uint32_t len, DissectResult& out) {
  if (len < 8) {
    out.error = "VXLAN: header truncated";
    return;
  }
  Carry(out, 8, len, Table::kLinkType, 1);
}

void Write(const LayerContext& l, Emitter& out) {
  out.Uint("flags", l.p[0]);
  out.Uint("reserved", Be32(l.p) & 0xffffff);
  out.Uint("vni", Be32(l.p + 4) >> 8);
  out.Uint("reserved2", l.p[7]);
}

constexpr FieldSpec kFields[] = {
    {"flags", kInt, "flags byte (0x08: the VNI is valid)", nullptr},
    {"reserved", kInt, "the 24 reserved bits after the flags (0)", nullptr},
    {"vni", kInt, "VXLAN network identifier, 24 bits", "vxlan.vni"},
    {"reserved2", kInt, "the reserved byte after the VNI (0)", nullptr},
};

}  // namespace

const Registration kRegistration("vxlan", [](Registry& r) {
  r.Add({.name = "VXLAN",
         .key = "vxlan",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The payload is an Ethernet frame, dissected as a full stack."},
        {{Table::kUdpPort, 4789}});
});

}  // namespace pcapkit::protocols
