// IEEE 802.2 LLC, with the SNAP extension (DSAP/SSAP 0xaa, UI) whose protocol id is an
// EtherType when the OUI is 0 (RFC 1042) or 00-00-f8 (802.1H).
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kSnap = 1;  // aux flag: SNAP header present

uint32_t ControlLength(uint8_t control) {
  return (control & 3) == 3 ? 1 : 2;
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 3 || len < 2 + ControlLength(p[2])) {
    out.error = "LLC: header truncated";
    return;
  }
  uint32_t hdr = 2 + ControlLength(p[2]);
  if (p[0] == 0xaa && p[1] == 0xaa && p[2] == 0x03) {
    if (len < 8) {
      out.error = "LLC: SNAP header truncated";
      return;
    }
    uint32_t oui = uint32_t(p[3]) << 16 | uint32_t(p[4]) << 8 | p[5];
    bool ethertype = oui == 0 || oui == 0xf8;
    Carry(out, 8, len, ethertype ? Table::kEtherType : Table::kNone, Be16(p + 6));
    out.aux = kSnap;
    return;
  }
  Carry(out, hdr, len, Table::kLlcSap, p[0]);
}

// The control field's format, by the low bits of its first byte: I (x0) and S (01) are
// two bytes, U (11) one. It also says the field's size, which its value alone does not.
const char* Format(uint8_t control) {
  if ((control & 1) == 0) return "I";
  return (control & 3) == 1 ? "S" : "U";
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("dsap", p[0]);
  out.Uint("ssap", p[1]);
  out.Uint("control", l.hdr_len == 4 ? Be16(p + 2) : p[2]);
  out.Text("format", Format(p[2]));
  if (l.aux & kSnap) {
    out.Uint("oui", uint32_t(p[3]) << 16 | uint32_t(p[4]) << 8 | p[5]);
    out.Uint("pid", Be16(p + 6));
  }
}

constexpr FieldSpec kFields[] = {
    {"dsap", kInt, "destination service access point", nullptr},
    {"ssap", kInt, "source service access point", nullptr},
    {"control", kInt, "control field (1 or 2 bytes; 2 bytes read as one number, first byte high)",
     nullptr},
    {"format", kText,
     "the control field's format: `I` (information) and `S` (supervisory), 2 bytes; `U` "
     "(unnumbered), 1 byte",
     nullptr},
    {"oui", kInt, "SNAP: organizationally unique identifier", nullptr},
    {"pid", kInt, "SNAP: protocol id (an EtherType when `oui` is 0 or 0x0000f8)", nullptr},
};

}  // namespace

const Registration kRegistration("llc", [](Registry& r) {
  r.Add({.name = "LLC",
         .key = "llc",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "*(extension)* IEEE 802.2. With SNAP (`dsap` = `ssap` = 0xaa, control 3) the "
                    "header adds `oui` and `pid`, and the payload is found by `pid` when it is an "
                    "EtherType; without SNAP, by `dsap`."},
        {{Table::kEtherType, kEtherKeyLlc}});
});

}  // namespace pcapkit::protocols
