// Raw IP link types (LINKTYPE_RAW 101 and the historical DLT_RAW values 12 and 14): no
// link header, the version nibble says IPv4 or IPv6. Transparent: it adds no layer.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 1) {
    out.error = "raw IP: empty packet";
    return;
  }
  Carry(out, 0, len, Table::kIpVersion, p[0] >> 4);
}

}  // namespace

const Registration kRegistration("raw_ip", [](Registry& r) {
  ProtocolInfo info{.name = "RawIP",
                    .key = "raw_ip",
                    .layer = LayerLevel::kLink,
                    .dissect = Dissect,
                    .summary =
                        "Adds no layer: the first nibble of the packet picks `ipv4` or `ipv6`. A "
                        "link type no protocol is bound to gives one `raw` layer, without error."};
  info.transparent = true;
  r.Add(info, {{Table::kLinkType, 101}, {Table::kLinkType, 12}, {Table::kLinkType, 14}});
});

}  // namespace pcapkit::protocols
