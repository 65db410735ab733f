// BSD loopback (LINKTYPE_NULL 0, and LINKTYPE_LOOP 108): a 4-byte address family in the
// capturing host's byte order (network order for LOOP). Family values are small, so a
// value with its upper 16 bits set was written in the other byte order.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

bool LittleEndian(const uint8_t* p) {
  return (Be32(p) & 0xffff0000u) != 0;
}

uint32_t Family(const uint8_t* p) {
  uint32_t v = Be32(p);
  return LittleEndian(p) ? __builtin_bswap32(v) : v;
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4) {
    out.error = "Null: header truncated";
    return;
  }
  uint32_t family = Family(p);
  Carry(out, 4, len, family < 256 ? Table::kBsdFamily : Table::kNone, family);
}

void Write(const LayerContext& l, Emitter& out) {
  out.Uint("family", Family(l.p));
  // Without the order the record would not say which bytes were on the wire.
  out.Text("byte_order", LittleEndian(l.p) ? "little" : "big");
}

constexpr FieldSpec kFields[] = {
    {"family", kInt, "address family: 2 IPv4; 24, 28, 30 IPv6", "null.family"},
    {"byte_order", kText,
     "`big` or `little`: the order the family is written in (the one that makes it small)",
     nullptr},
};

}  // namespace

const Registration kRegistration("null", [](Registry& r) {
  r.Add({.name = "Null",
         .key = "null",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary =
             "*(extension)* BSD loopback. The family is in the byte order of the capturing host "
             "(network order for LINKTYPE 108): it is read in whichever order makes it small."},
        {{Table::kLinkType, 0}, {Table::kLinkType, 108}});
});

}  // namespace pcapkit::protocols
