// BSD loopback (LINKTYPE_NULL 0, and LINKTYPE_LOOP 108): a 4-byte address family in the
// capturing host's byte order (network order for LOOP). Family values are small, so a
// value with its upper 16 bits set was written in the other byte order.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

uint32_t Family(const uint8_t* p) {
  uint32_t v = Be32(p);
  return (v & 0xffff0000u) ? __builtin_bswap32(v) : v;
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
}

}  // namespace

const Registration kRegistration("null", [](Registry& r) {
  r.Add({.name = "Null",
         .key = "null",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write},
        {{Table::kLinkType, 0}, {Table::kLinkType, 108}});
});

}  // namespace pcapkit::protocols
