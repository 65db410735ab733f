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
  out.Uint("vni", Be32(l.p + 4) >> 8);
}

constexpr FieldSpec kFields[] = {
    {"flags", kInt, "flags byte (0x08: the VNI is valid)", nullptr},
    {"vni", kInt, "VXLAN network identifier, 24 bits", "vxlan.vni"},
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
