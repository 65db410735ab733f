// IPv6 Hop-by-Hop Options header (IP protocol 0).
#include "engine/protocols/ipv6_ext.h"

namespace pcapkit::protocols {
namespace {
void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  DissectExtensionHeader(p, len, out, "HOPOPT: header truncated");
}
}  // namespace

const Registration kRegistration("hopopt", [](Registry& r) {
  r.Add({.name = "HOPOPT",
         .key = "hopopt",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = WriteTlvOptionsHeader,
         .fields = TlvOptionsHeaderFields(TlvOptionsHeader::kHopByHop),
         .summary = kTlvOptionsHeaderSummary},
        {{Table::kIpProto, 0}});
});

}  // namespace pcapkit::protocols
