// FDDI (LINKTYPE_FDDI, 10): a frame-control byte, then destination and source addresses,
// then IEEE 802.2 LLC (asynchronous LLC frames, FC 0x50-0x57, are the ones that carry
// it; other frame classes — SMT, MAC, tokens — end dissection). FDDI sends addresses
// most significant bit first; they are shown bit-reversed per byte, in the canonical
// (Ethernet) form Wireshark shows too.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 13) {
    out.error = "FDDI: frame shorter than the 13-byte header";
    return;
  }
  bool llc = (p[0] & 0xf8) == 0x50;
  Carry(out, 13, len, llc ? Table::kEtherType : Table::kNone, kEtherKeyLlc);
}

uint8_t Reverse(uint8_t b) {
  b = uint8_t((b & 0xf0) >> 4 | (b & 0x0f) << 4);
  b = uint8_t((b & 0xcc) >> 2 | (b & 0x33) << 2);
  return uint8_t((b & 0xaa) >> 1 | (b & 0x55) << 1);
}

void Write(const LayerContext& l, Emitter& out) {
  out.Uint("fc", l.p[0]);
  uint8_t mac[6];
  for (int i = 0; i < 6; ++i) mac[i] = Reverse(l.p[1 + i]);
  out.Mac("dst", mac);
  for (int i = 0; i < 6; ++i) mac[i] = Reverse(l.p[7 + i]);
  out.Mac("src", mac);
}

constexpr FieldSpec kFields[] = {
    {"fc", kInt, "frame control byte", nullptr},
    {"dst", kMac, "destination address", nullptr},
    {"src", kMac, "source address", nullptr},
};

}  // namespace

const Registration kRegistration("fddi", [](Registry& r) {
  r.Add({.name = "FDDI",
         .key = "fddi",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary =
             "*(extension)* Addresses are shown in canonical bit order — each byte bit-reversed "
             "from the wire, as Wireshark shows them. LLC follows for asynchronous LLC frames (FC "
             "0x50–0x57); other frame classes (SMT, MAC, tokens) end dissection."},
        {{Table::kLinkType, 10}});
});

}  // namespace pcapkit::protocols
