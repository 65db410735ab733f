// Linux "cooked" capture v2 (LINKTYPE_LINUX_SLL2, 276): 20-byte pseudo-header with the
// protocol first and the interface index.
#include "engine/protocols/common.h"
#include "engine/protocols/ethernet.h"
#include "engine/protocols/sll_address.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 20) {
    out.error = "SLL2: header truncated";
    return;
  }
  Carry(out, 20, len, Table::kEtherType, Be16(p));
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  uint8_t halen = p[11];
  out.Uint("protocol", Be16(p));
  out.Uint("reserved", Be16(p + 2));
  out.Uint("ifindex", Be32(p + 4));
  out.Uint("hatype", Be16(p + 8));
  out.Uint("pkttype", p[10]);
  out.Uint("halen", halen);
  WriteSllAddress(p + 12, halen, out);
  WriteTrailingBytes(l, out);
}

constexpr FieldSpec kFields[] = {
    {"protocol", kInt, "an EtherType, or 1 / 4 for Novell 802.3 / LLC as Linux numbers them",
     nullptr},
    {"reserved", kInt, "the 16 reserved bits after the protocol (0)", nullptr},
    {"ifindex", kInt, "index of the capturing interface", nullptr},
    {"hatype", kInt, "link-layer address type (ARPHRD_*)", nullptr},
    {"pkttype", kInt,
     "packet type (0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us)", nullptr},
    {"halen", kInt, "link-layer address length, bytes", nullptr},
    {"addr", kMac | kHex, "link-layer address: MAC when `halen` = 6, else hex of up to 8 bytes",
     nullptr},
    {"addr_rest", kHex,
     "the bytes of the 8-byte address field past `halen` (absent when they are all zero)", nullptr},
    PCAPKIT_TRAILING_BYTES_FIELDS,
};

}  // namespace

const Registration kRegistration("sll2", [](Registry& r) {
  r.Add({.name = "SLL2",
         .key = "sll2",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "*(extension)* Linux cooked capture v2: the fields of `sll`, reordered, and "
                    "the interface index; `padding` and `trailer` as `sll`'s.",
         .pads = true},
        {{Table::kLinkType, 276}});
});

}  // namespace pcapkit::protocols
