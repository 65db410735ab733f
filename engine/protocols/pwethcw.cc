// The Ethernet pseudowire control word (RFC 4385, RFC 4448): below an MPLS label stack, a
// first nibble of 0 starts the control word — flags, fragmentation bits, length and
// sequence number — and the Ethernet frame it carries follows, dissected as a full stack.
// Wireshark reads it the same way (`pwethcw`) unless both MAC addresses of a frame
// without one carry known OUIs, which pcapkit does not look up.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4) {
    out.error = "PW control word: truncated";
    return;
  }
  if (p[0] >> 4 != 0) {
    out.error = "PW control word: first nibble not 0";
    return;
  }
  Carry(out, 4, len, Table::kLinkType, 1);
}

void Write(const LayerContext& l, Emitter& out) {
  out.Uint("flags", l.p[0] & 0x0f);
  out.Uint("frg", l.p[1] >> 6);
  out.Uint("length", l.p[1] & 0x3f);
  out.Uint("sequence", Be16(l.p + 2));
}

constexpr FieldSpec kFields[] = {
    {"flags", kInt, "the 4 flag bits after the nibble 0 (reserved for Ethernet)", nullptr},
    {"frg", kInt, "fragmentation bits (RFC 4623): 0 unfragmented", nullptr},
    {"length", kInt, "payload length when padded below 64 bytes, else 0", nullptr},
    {"sequence", kInt, "sequence number (0: not used)", "pweth.cw.sequence_number"},
};

}  // namespace

const Registration kRegistration("pwethcw", [](Registry& r) {
  r.Add({.name = "PW-CW",
         .key = "pwethcw",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The control word of an Ethernet pseudowire below an MPLS stack (first "
                    "nibble 0); the Ethernet frame follows as a full stack. A frame without a "
                    "control word whose destination MAC starts with nibble 0 is read as having "
                    "one (Wireshark looks the MACs' OUIs up to tell them apart)."},
        {{Table::kMplsPayload, 0}});
});

}  // namespace pcapkit::protocols
