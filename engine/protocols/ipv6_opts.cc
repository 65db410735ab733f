// IPv6 Destination Options header (IP protocol 60).
#include "engine/protocols/ipv6_opts.h"

#include "engine/protocols/ipv6_ext.h"

namespace pcapkit::protocols {
namespace {
void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  DissectExtensionHeader(p, len, out, "IPv6_Opts: header truncated");
}
}  // namespace

void RegisterIpv6Opts(Registry& r) {
  r.Add({ProtocolId::kIpv6Opts, "IPv6_Opts", "ipv6_opts", LayerLevel::kInternet, Dissect,
         WriteTlvOptionsHeader},
        {{Table::kIpProto, 60}});
}

}  // namespace pcapkit::protocols
