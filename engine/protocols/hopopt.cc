// IPv6 Hop-by-Hop Options header (IP protocol 0).
#include "engine/protocols/hopopt.h"

#include "engine/protocols/ipv6_ext.h"

namespace pcapkit::protocols {
namespace {
void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  DissectExtensionHeader(p, len, out, "HOPOPT: header truncated");
}
}  // namespace

void RegisterHopopt(Registry& r) {
  r.Add({ProtocolId::kHopopt, "HOPOPT", "hopopt", LayerLevel::kInternet, Dissect,
         WriteTlvOptionsHeader},
        {{Table::kIpProto, 0}});
}

}  // namespace pcapkit::protocols
