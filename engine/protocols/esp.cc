// IPsec Encapsulating Security Payload (RFC 4303, IP protocol 50): SPI and sequence
// number; the rest is ciphertext and is not dispatched.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t*, uint32_t len, DissectResult& out) {
  if (len < 8) {
    out.error = "ESP: header truncated";
    return;
  }
  Carry(out, 8, len, Table::kNone, 0);
}

void Write(const LayerContext& l, Emitter& out) {
  out.Uint("spi", Be32(l.p));
  out.Uint("seq", Be32(l.p + 4));
}

constexpr FieldSpec kFields[] = {
    {"spi", kInt, "security parameters index", nullptr},
    {"seq", kInt, "sequence number", nullptr},
};

}  // namespace

const Registration kRegistration("esp", [](Registry& r) {
  r.Add({.name = "ESP",
         .key = "esp",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The encrypted rest is `raw`."},
        {{Table::kIpProto, 50}});
});

}  // namespace pcapkit::protocols
