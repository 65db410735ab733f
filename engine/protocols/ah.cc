// IPsec Authentication Header (RFC 4302, IP protocol 51): its length counts 4-octet units
// minus 2, and what it protects follows in the clear.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 12) {
    out.error = "AH: header truncated";
    return;
  }
  uint32_t hdr = (uint32_t(p[1]) + 2) * 4;
  if (hdr < 12 || hdr > len) {
    out.error = "AH: length exceeds the captured bytes";
    return;
  }
  Carry(out, hdr, len, Table::kIpProto, p[0]);
}

void Write(const LayerContext& l, Emitter& out) {
  out.Uint("next", l.p[0]);
  out.Uint("length", l.hdr_len);
  out.Uint("reserved", Be16(l.p + 2));
  out.Uint("spi", Be32(l.p + 4));
  out.Uint("seq", Be32(l.p + 8));
  out.Hex("icv", l.p + 12, l.hdr_len - 12);
}

constexpr FieldSpec kFields[] = {
    {"next", kInt, "next header", nullptr},
    {"length", kInt, "bytes of the whole header (the wire counts 4-byte units, minus 2)", nullptr},
    {"reserved", kInt, "the 16 reserved bits, as on the wire (0 as a rule)", nullptr},
    {"spi", kInt, "security parameters index", nullptr},
    {"seq", kInt, "sequence number", nullptr},
    {"icv", kHex, "integrity check value", nullptr},
};

}  // namespace

const Registration kRegistration("ah", [](Registry& r) {
  r.Add({.name = "AH",
         .key = "ah",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "What AH protects follows in the clear, found by `next`."},
        {{Table::kIpProto, 51}});
});

}  // namespace pcapkit::protocols
