// IEEE 802.1Q tags and 802.1ad service tags (QinQ): the same 4-byte layout, so both
// EtherTypes bind here and a stack of tags nests `vlan` inside `vlan`.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4) {
    out.error = "VLAN: tag truncated";
    return;
  }
  uint16_t type = Be16(p + 2);
  if (type >= 0x0600) {
    Carry(out, 4, len, Table::kEtherType, type);
  } else {
    Carry(out, 4, len, type <= 1500 ? Table::kEtherType : Table::kNone, kEtherKeyLlc);
    if (type <= 1500 && out.payload_len > type) out.payload_len = type;
  }
}

void Write(const LayerContext& l, Emitter& out) {
  Vlan v(l.p, l.length, l.hdr_len);
  out.Uint("pcp", v.pcp());
  out.Bool("dei", v.dei());
  out.Uint("vid", v.vid());
  if (v.type() <= 1500) {
    out.Uint("len", v.type());
  } else {
    out.Uint("type", v.type());
  }
}

}  // namespace

const Registration kRegistration("vlan", [](Registry& r) {
  r.Add({.id = ProtocolId::kVlan,
         .name = "VLAN",
         .key = "vlan",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write},
        {{Table::kEtherType, 0x8100}, {Table::kEtherType, 0x88a8}, {Table::kEtherType, 0x9100}});
});

}  // namespace pcapkit::protocols
