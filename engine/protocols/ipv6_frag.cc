// IPv6 Fragment header (IP protocol 44). As for IPv4, only the first fragment (offset 0)
// is dispatched to the next header.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 8) {
    out.error = "IPv6_Frag: header truncated";
    return;
  }
  bool first = (Be16(p + 2) >> 3) == 0;
  Carry(out, 8, len, first ? Table::kIpProto : Table::kNone, p[0]);
  out.payload_is_first_fragment = first && (p[3] & 1) != 0;  // M
}

void Write(const LayerContext& l, Emitter& out) {
  Ipv6Frag f(l.p, l.length, l.hdr_len);
  out.Uint("next", f.next_header());
  out.Uint("offset", f.offset());
  out.Bool("mf", f.mf());
  out.Uint("id", f.id());
  // Reserved bits, written only when a sender set them: a rebuild needs them.
  if (l.p[1] != 0) out.Uint("reserved", l.p[1]);
  if (l.p[3] & 6) out.Uint("res", (l.p[3] >> 1) & 3);
}

constexpr FieldSpec kFields[] = {
    {"next", kInt, "next header", "ipv6.fraghdr.nxt"},
    {"offset", kInt, "fragment offset in **bytes** (the wire's 8-byte units × 8)",
     "ipv6.fraghdr.offset /8"},
    {"mf", kBool, "more fragments", "ipv6.fraghdr.more"},
    {"id", kInt, "identification", "ipv6.fraghdr.ident"},
    {"reserved", kInt, "the reserved byte after the next header, absent when 0", nullptr},
    {"res", kInt, "the 2 reserved bits before M, absent when 0", nullptr},
};

}  // namespace

const Registration kRegistration("ipv6_frag", [](Registry& r) {
  r.Add({.id = ProtocolId::kIpv6Frag,
         .name = "IPv6_Frag",
         .key = "ipv6_frag",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "Only the first fragment (offset 0) is dissected further: the payload of the "
                    "others is `raw`."},
        {{Table::kIpProto, 44}});
});

}  // namespace pcapkit::protocols
