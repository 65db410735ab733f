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
    out.Enum("type", v.type(), EtherTypeName);
  }
}

constexpr FieldSpec kFields[] = {
    {"pcp", kInt, "priority code point, 0–7", "vlan.priority"},
    {"dei", kBool, "drop eligible indicator", "vlan.dei"},
    {"vid", kInt, "VLAN id, 0–4095", "vlan.id"},
    {"type", kInt, "EtherType of the payload", "vlan.etype"},
    {"type_name", kText, "the EtherType's protocol, as pcapkit names it (with --names)"},
    {"len", kInt,
     "length field, for tags whose type field is at most 1500 (then `type` is absent and `llc` "
     "follows)",
     nullptr},
};

}  // namespace

const Registration kRegistration("vlan", [](Registry& r) {
  r.Add({.id = ProtocolId::kVlan,
         .name = "VLAN",
         .key = "vlan",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "802.1Q C-tags, 802.1ad S-tags (EtherType 0x88a8) and 0x9100 tags share one "
                    "layout: a stack of tags (QinQ) nests `vlan` inside `vlan`."},
        {{Table::kEtherType, 0x8100}, {Table::kEtherType, 0x88a8}, {Table::kEtherType, 0x9100}});
});

}  // namespace pcapkit::protocols
