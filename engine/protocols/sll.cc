// Linux "cooked" capture v1 (LINKTYPE_LINUX_SLL, 113): 16-byte pseudo-header whose
// protocol field is an EtherType, or 1 / 4 for Novell raw 802.3 / LLC (Linux's ETH_P_*).
#include "engine/protocols/common.h"
#include "engine/protocols/ethernet.h"
#include "engine/protocols/sll_address.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 16) {
    out.error = "SLL: header truncated";
    return;
  }
  Carry(out, 16, len, Table::kEtherType, Be16(p + 14));
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  uint16_t halen = Be16(p + 4);
  out.Uint("pkttype", Be16(p));
  out.Uint("hatype", Be16(p + 2));
  out.Uint("halen", halen);
  WriteSllAddress(p + 6, halen, out);
  out.Uint("protocol", Be16(p + 14));
  WriteTrailingBytes(l, out);
}

constexpr FieldSpec kFields[] = {
    {"pkttype", kInt,
     "packet type (0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us)",
     "sll.pkttype"},
    {"hatype", kInt, "link-layer address type (ARPHRD_*)", "sll.hatype"},
    {"halen", kInt, "link-layer address length, bytes", "sll.halen"},
    {"addr", kMac | kHex, "link-layer address: MAC when `halen` = 6, else hex of up to 8 bytes",
     nullptr},
    {"addr_rest", kHex,
     "the bytes of the 8-byte address field past `halen` (absent when they are all zero)", nullptr},
    {"protocol", kInt, "an EtherType, or 1 / 4 for Novell 802.3 / LLC as Linux numbers them",
     nullptr},
    PCAPKIT_TRAILING_BYTES_FIELDS,
};

}  // namespace

const Registration kRegistration("sll", [](Registry& r) {
  r.Add(
      {.name = "SLL",
       .key = "sll",
       .layer = LayerLevel::kLink,
       .dissect = Dissect,
       .write = Write,
       .fields = kFields,
       .summary = "*(extension)* Linux cooked capture v1: the payload is found by `protocol`. What "
                  "follows a bounded payload is the frame's `padding` and `trailer`, as "
                  "Ethernet's (tshark shows them as `eth.padding` and `eth.trailer`).",
       .pads = true},
      {{Table::kLinkType, 113}});
});

}  // namespace pcapkit::protocols
