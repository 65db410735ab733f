// Cisco HDLC (LINKTYPE_C_HDLC 104): address, control, and an EtherType.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4) {
    out.error = "CHDLC: header truncated";
    return;
  }
  Carry(out, 4, len, Table::kEtherType, Be16(p + 2));
}

void Write(const LayerContext& l, Emitter& out) {
  out.Uint("address", l.p[0]);
  out.Uint("control", l.p[1]);
  out.Uint("protocol", Be16(l.p + 2));
}

constexpr FieldSpec kFields[] = {
    {"address", kInt, "address byte (0x0f unicast, 0x8f broadcast)", nullptr},
    {"control", kInt, "control byte", nullptr},
    {"protocol", kInt, "EtherType of the payload", "chdlc.protocol"},
};

}  // namespace

const Registration kRegistration("chdlc", [](Registry& r) {
  r.Add({.name = "CHDLC",
         .key = "chdlc",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "Cisco HDLC."},
        {{Table::kLinkType, 104}});
});

}  // namespace pcapkit::protocols
