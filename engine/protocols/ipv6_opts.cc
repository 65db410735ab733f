// IPv6 Destination Options header (IP protocol 60).
#include "engine/protocols/ipv6_ext.h"

namespace pcapkit::protocols {
namespace {
void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  DissectExtensionHeader(p, len, out, "IPv6_Opts: header truncated");
}
}  // namespace

const Registration kRegistration("ipv6_opts", [](Registry& r) {
  r.Add({.name = "IPv6_Opts",
         .key = "ipv6_opts",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = WriteTlvOptionsHeader,
         .fields = TlvOptionsHeaderFields(TlvOptionsHeader::kDestination),
         .summary = kTlvOptionsHeaderSummary},
        {{Table::kIpProto, 60}});
});

}  // namespace pcapkit::protocols
