// GTP's control-plane port (UDP 2123) carries GTPv1-C (TS 29.060) and GTPv2-C (TS 29.274)
// alike; the version in the first byte's top 3 bits tells them apart. This dispatcher adds
// no layer: it passes the datagram to the protocol bound to that version in the
// gtpc.version table (gtpv1c.cc, gtpv2.cc), so that each version is a file of its own and
// the port is bound once. Any other version is `raw`, without error.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 1) {
    out.error = "GTP-C: empty datagram";
    return;
  }
  Carry(out, 0, len, Table::kGtpcVersion, p[0] >> 5);
}

}  // namespace

const Registration kRegistration("gtpc", [](Registry& r) {
  ProtocolInfo info{.name = "GTP-C",
                    .key = "gtpc",
                    .layer = LayerLevel::kApplication,
                    .dissect = Dissect,
                    .summary =
                        "Adds no layer: the version in the first byte's top 3 bits picks "
                        "`gtpv1c` (1) or `gtpv2` (2). Any other version is one `raw` "
                        "layer, without error."};
  info.transparent = true;
  r.Add(info, {{Table::kUdpPort, 2123}});
});

}  // namespace pcapkit::protocols
