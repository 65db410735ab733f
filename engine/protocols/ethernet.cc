// Ethernet II and IEEE 802.3. A type field <= 1500 is a length: the frame is 802.3 and
// carries LLC (or, when the payload starts with 0xffff, Novell's raw IPX); the length also
// trims the padding. Values 1501..1535 are neither and end dissection.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 14) {
    out.error = "Ethernet: frame shorter than the 14-byte header";
    return;
  }
  uint16_t type = Be16(p + 12);
  if (type >= 0x0600) {
    Carry(out, 14, len, Table::kEtherType, type);
  } else if (type <= 1500) {
    uint32_t key = len >= 16 && p[14] == 0xff && p[15] == 0xff ? kEtherKeyNovellRaw : kEtherKeyLlc;
    Carry(out, 14, len, Table::kEtherType, key);
    if (out.payload_len > type) out.payload_len = type;
  } else {
    Carry(out, 14, len, Table::kNone, 0);
  }
}

void Write(const LayerContext& l, Emitter& out) {
  Ethernet eth(l.p, l.length, l.hdr_len);
  out.Mac("dst", eth.dst());
  out.Mac("src", eth.src());
  if (eth.type() <= 1500) {
    out.Uint("len", eth.type());
  } else {
    out.Uint("type", eth.type());
  }
}

constexpr FieldSpec kFields[] = {
    {"dst", kMac, "destination address", "eth.dst"},
    {"src", kMac, "source address", "eth.src"},
    {"type", kInt, "EtherType of the payload (Ethernet II frames)", "eth.type"},
    {"len", kInt,
     "802.3 length field, for frames whose type field is at most 1500 (then `type` is absent "
     "and `llc` follows)",
     "eth.len"},
};

}  // namespace

const Registration kRegistration("ethernet", [](Registry& r) {
  r.Add({.id = ProtocolId::kEthernet,
         .name = "Ethernet",
         .key = "ethernet",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The payload is bounded by the next header's own length (IPv4 total length, "
                    "802.3 length): padding and trailers are not payload."},
        // 0x6558: transparent Ethernet bridging (inside GRE, Geneve).
        {{Table::kLinkType, 1}, {Table::kEtherType, 0x6558}});
});

}  // namespace pcapkit::protocols
