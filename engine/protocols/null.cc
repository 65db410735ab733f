// BSD loopback (LINKTYPE_NULL 0, and LINKTYPE_LOOP 108): a 4-byte header naming what
// follows.
//
// LOOP's header is a BSD address family in network order. NULL's is written in the
// capturing host's order, and some systems wrote something else: IRIX and UNICOS/mp a
// 16-bit family in the first two bytes, others an EtherType. NULL is read the way
// Wireshark reads it, so the two name the same protocol for every header:
//
//   - the 32 bits read little-endian have their upper half set: when the top byte is 0
//     and the next is below 6, the family is the upper 16 bits (a 16-bit family in the
//     last two bytes); otherwise the header is big-endian;
//   - the upper half is clear: a lower half `00 xx` with xx below 6 is a 16-bit family
//     written big-endian in the first two bytes; otherwise the header is little-endian;
//   - a value above 1500 (the IEEE 802.3 maximum length) is an EtherType, its low 16 bits;
//     anything else a family;
//   - but a frame that starts ff 03 has no such header: it is PPP in HDLC-like framing
//     (LINKTYPE 50's), and the Null layer is empty.
//
// Families Wireshark dispatches: 2 IPv4, 23 IPX, 24, 28 and 30 IPv6 (NetBSD/OpenBSD,
// FreeBSD, Darwin); 7 (OSI) and 16 (AppleTalk) have no dissector here. Linux's AF_INET6
// (10) is not among them.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kMaxLength8023 = 1500;
constexpr uint32_t kPppHdlc = 0xff03, kLinkTypePppHdlc = 50;

struct Header {
  uint32_t value;  // the family, or (when above 1500) the EtherType in its low 16 bits
  bool big;        // the order the value was read in
};

uint32_t Le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

Header Decode(const uint8_t* p) {
  uint32_t v = Le32(p);
  if ((v & 0xffff0000u) != 0) {
    if ((v & 0xff000000u) == 0 && (v & 0x00ff0000u) < 0x00060000u) return {v >> 16, false};
    return {Be32(p), true};
  }
  if ((v & 0xffu) == 0 && (v & 0xff00u) < 0x0600u) return {v >> 8, true};
  return {v, false};
}

bool IsEtherType(const Header& h) {
  return h.value > kMaxLength8023;
}

void DissectNull(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len >= 2 && Be16(p) == kPppHdlc)
    return Carry(out, 0, len, Table::kLinkType, kLinkTypePppHdlc);
  if (len < 4) {
    out.error = "Null: header truncated";
    return;
  }
  Header h = Decode(p);
  if (IsEtherType(h))
    Carry(out, 4, len, Table::kEtherType, h.value & 0xffffu);
  else
    Carry(out, 4, len, h.value < 256 ? Table::kBsdFamily : Table::kNone, h.value);
}

void DissectLoop(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4) {
    out.error = "Null: header truncated";
    return;
  }
  uint32_t family = Be32(p);
  Carry(out, 4, len, family < 256 ? Table::kBsdFamily : Table::kNone, family);
}

// Whether the header's value in its order gives its bytes back; if not, the header itself
// is written too (a 16-bit family, or an EtherType with its upper 16 bits set).
bool RestoresBytes(const uint8_t* p, const Header& h) {
  uint32_t v = IsEtherType(h) ? h.value & 0xffffu : h.value;
  return h.big ? Be32(p) == v : Le32(p) == v;
}

void WriteNull(const LayerContext& l, Emitter& out) {
  if (l.hdr_len == 0) return out.Bool("ppp_hdlc", true);
  Header h = Decode(l.p);
  if (IsEtherType(h))
    out.Uint("type", h.value & 0xffffu);
  else
    out.Uint("family", h.value);
  // Without the order the record would not say which bytes were on the wire.
  out.Text("byte_order", h.big ? "big" : "little");
  if (!RestoresBytes(l.p, h)) out.Hex("header", l.p, 4);
}

void WriteLoop(const LayerContext& l, Emitter& out) {
  out.Uint("family", Be32(l.p));
  out.Text("byte_order", "big");
}

constexpr FieldSpec kFields[] = {
    {"family", kInt, "address family: 2 IPv4; 23 IPX; 24, 28, 30 IPv6 (absent with `type`)",
     "null.family"},
    {"type", kInt,
     "EtherType, when a NULL header's value is above 1500 (its low 16 bits; absent with "
     "`family`)",
     "null.type"},
    {"byte_order", kText,
     "`big` or `little`: the order the value is written in (always `big` for LINKTYPE 108)",
     nullptr},
    {"ppp_hdlc", kBool,
     "true when the frame is PPP in HDLC-like framing (it starts ff 03): no Null header, no "
     "other field",
     nullptr},
    {"header", kHex,
     "the 4 header bytes, present when `family` or `type` in `byte_order` does not give them "
     "back (a 16-bit family, an EtherType with more bits set)",
     nullptr},
};

constexpr const char* kSummary =
    "*(extension)* BSD loopback. LINKTYPE 108 holds a family in network order; LINKTYPE 0 "
    "one in the capturing host's order, read as Wireshark reads it: in either order, as a "
    "16-bit family in either half, or as an EtherType when above 1500; a LINKTYPE 0 frame "
    "starting ff 03 is PPP in HDLC-like framing, with no Null header.";

}  // namespace

const Registration kRegistration("null", [](Registry& r) {
  r.Add({.name = "Null",
         .key = "null",
         .layer = LayerLevel::kLink,
         .dissect = DissectNull,
         .write = WriteNull,
         .fields = kFields,
         .summary = kSummary},
        {{Table::kLinkType, 0}});
  r.Add({.name = "Null",
         .key = "null",
         .layer = LayerLevel::kLink,
         .dissect = DissectLoop,
         .write = WriteLoop,
         .fields = kFields,
         .summary = kSummary},
        {{Table::kLinkType, 108}});
});

}  // namespace pcapkit::protocols
