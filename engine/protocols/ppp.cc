// PPP (RFC 1661) as a link type (LINKTYPE_PPP 9, LINKTYPE_PPP_HDLC 50) and inside GRE
// (EtherType 0x880b): the optional HDLC address/control bytes (0xff 0x03), then the
// protocol field, compressed to one byte when its low bit is set (RFC 1661 §6.5).
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void DissectAt(const uint8_t* p, uint32_t len, uint32_t pos, DissectResult& out) {
  if (pos >= len) {
    out.error = "PPP: protocol field truncated";
    return;
  }
  uint32_t proto, hdr;
  if (p[pos] & 1) {
    proto = p[pos];
    hdr = pos + 1;
  } else {
    if (pos + 2 > len) {
      out.error = "PPP: protocol field truncated";
      return;
    }
    proto = Be16(p + pos);
    hdr = pos + 2;
  }
  Carry(out, hdr, len, Table::kPppProto, proto);
  out.aux = pos;
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  DissectAt(p, len, (len >= 2 && p[0] == 0xff && p[1] == 0x03) ? 2 : 0, out);
}

// LINKTYPE_PPP_HDLC (50): the two HDLC bytes lead every frame, whatever their values.
void DissectHdlc(const uint8_t* p, uint32_t len, DissectResult& out) {
  DissectAt(p, len, 2, out);
}

void Write(const LayerContext& l, Emitter& out) {
  if (l.aux == 2) {
    out.Uint("address", l.p[0]);
    out.Uint("control", l.p[1]);
  }
  uint32_t pos = l.aux;
  bool compressed = l.hdr_len - pos == 1;
  out.Uint("protocol", compressed ? l.p[pos] : Be16(l.p + pos));
  // 0x21 can be either size on the wire: the value alone does not say which.
  out.Bool("compressed", compressed);
}

constexpr FieldSpec kFields[] = {
    {"address", kInt, "HDLC address byte (0xff), when the HDLC bytes are present", nullptr},
    {"control", kInt, "HDLC control byte (0x03), when the HDLC bytes are present", nullptr},
    {"protocol", kInt, "PPP protocol of the payload (0x0021 IPv4, 0x0057 IPv6, …)", "ppp.protocol"},
    {"compressed", kBool, "the protocol field is one byte (RFC 1661 §6.5), not two", nullptr},
};

// One layout for both registrations (with and without the HDLC bytes).
constexpr const char* kSummary =
    "The HDLC bytes lead every LINKTYPE 50 frame and are optional elsewhere. A protocol field "
    "whose first byte is odd is compressed to that byte (RFC 1661 §6.5).";

}  // namespace

const Registration kRegistration("ppp", [](Registry& r) {
  r.Add({.name = "PPP",
         .key = "ppp",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = kSummary},
        {{Table::kLinkType, 9}, {Table::kEtherType, 0x880b}});
  r.Add({.name = "PPP",
         .key = "ppp",
         .layer = LayerLevel::kLink,
         .dissect = DissectHdlc,
         .write = Write,
         .fields = kFields,
         .summary = kSummary},
        {{Table::kLinkType, 50}});
});

}  // namespace pcapkit::protocols
