// Cisco MetaData (EtherType 0x8909): version, length, options and the security group tag
// (SGT), then the EtherType of what follows. Wireshark reads two layouts: on Ethernet the
// EtherType ends the 8 bytes, inside GRE (protocol 0x8909) it starts them. pcapkit has one
// table for both and tells them apart by content: the Ethernet layout starts with version
// and length (below 0x0600 as a 16-bit number), the GRE layout with an EtherType (0x0600 or
// above).
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kLength = 8;

// Where the version byte sits: 0 in the Ethernet layout, 2 in GRE's.
uint32_t MetaAt(const uint8_t* p) {
  return Be16(p) >= 0x0600 ? 2 : 0;
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < kLength) {
    out.error = "CMD: header truncated";
    return;
  }
  uint32_t type = MetaAt(p) == 0 ? Be16(p + 6) : Be16(p);
  Carry(out, kLength, len, Table::kEtherType, type);
}

void Write(const LayerContext& l, Emitter& out) {
  uint32_t at = MetaAt(l.p);
  const uint8_t* m = l.p + at;
  out.Uint("version", m[0]);
  out.Uint("length", m[1]);
  out.Uint("options", Be16(m + 2));
  out.Uint("sgt", Be16(m + 4));
  out.Uint("type", at == 0 ? Be16(l.p + 6) : Be16(l.p));
  out.Bool("gre_layout", at != 0);
}

constexpr FieldSpec kFields[] = {
    {"version", kInt, "metadata version (1)", "cmd.version"},
    {"length", kInt, "length of the options, in 4-byte units", "cmd.length"},
    {"options", kInt, "option type and length (0x0001: SGT)", "cmd.options"},
    {"sgt", kInt, "security group tag", "cmd.sgt"},
    {"type", kInt, "EtherType of the payload", "cmd.type"},
    {"gre_layout", kBool, "the EtherType comes first, as inside GRE", nullptr},
};

}  // namespace

const Registration kRegistration("cmd", [](Registry& r) {
  r.Add({.name = "CMD",
         .key = "cmd",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "Cisco MetaData: the SGT, then the payload by `type`. Inside GRE the "
                    "EtherType comes first (`gre_layout`), on Ethernet it comes last; pcapkit "
                    "tells the two apart by whether the first 16 bits are an EtherType."},
        {{Table::kEtherType, 0x8909}});
});

}  // namespace pcapkit::protocols
