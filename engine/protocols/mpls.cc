// MPLS (RFC 3032), EtherTypes 0x8847/0x8848 and MPLS-in-UDP (RFC 7510, port 6635): one
// layer per label stack entry, nested; below the bottom of the stack the first nibble
// tells IPv4 (4) and IPv6 (6) from a pseudowire's control word (0, RFC 4385: pwethcw.cc,
// then the Ethernet frame it carries); any other nibble stays raw.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4) {
    out.error = "MPLS: label stack entry truncated";
    return;
  }
  bool bottom = (p[2] & 1) != 0;
  if (!bottom) {
    Carry(out, 4, len, Table::kEtherType, 0x8847);
  } else if (len > 4 && p[4] >> 4 == 0) {
    Carry(out, 4, len, Table::kMplsPayload, 0);
  } else if (len > 4) {
    Carry(out, 4, len, Table::kIpVersion, p[4] >> 4);
  } else {
    Carry(out, 4, len, Table::kNone, 0);
  }
}

void Write(const LayerContext& l, Emitter& out) {
  uint32_t entry = Be32(l.p);
  out.Uint("label", entry >> 12);
  out.Uint("tc", (entry >> 9) & 7);
  out.Bool("bottom", (entry >> 8) & 1);
  out.Uint("ttl", entry & 0xff);
}

constexpr FieldSpec kFields[] = {
    {"label", kInt, "label, 20 bits", "mpls.label"},
    {"tc", kInt, "traffic class, 0–7", "mpls.exp"},
    {"bottom", kBool, "bottom of the label stack", "mpls.bottom"},
    {"ttl", kInt, "time to live (hops)", "mpls.ttl"},
};

}  // namespace

const Registration kRegistration("mpls", [](Registry& r) {
  r.Add({.name = "MPLS",
         .key = "mpls",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "One layer per label stack entry, nested. Below the bottom entry the first "
                    "nibble picks IPv4 (4), IPv6 (6) or an Ethernet pseudowire's control word (0, "
                    "`pwethcw`); anything else is `raw`."},
        {{Table::kEtherType, 0x8847}, {Table::kEtherType, 0x8848}, {Table::kUdpPort, 6635}});
});

}  // namespace pcapkit::protocols
