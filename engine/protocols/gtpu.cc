// GTP-U (3GPP TS 29.281, UDP port 2152): GTP version 1 for user data. An 8-byte header
// (flags: version, protocol type, E, S, PN; message type; the length of what follows the
// first 8 bytes; the tunnel endpoint id), then, when any of E/S/PN is set, a sequence
// number, an N-PDU number and the first extension header's type; then the chain of
// extension headers, each a length in 4-byte units, its content and the next type (0
// ends the chain). A G-PDU (type 255) carries a user packet, IPv4 or IPv6 by its first
// nibble; the other messages (echo, error indication, end marker...) carry information
// elements, written as hex.
#include "engine/protocols/gtpv1.h"

namespace pcapkit::protocols {
namespace {

constexpr gtpv1::FaultTexts kFaults = {"GTP-U: header truncated", "GTP-U: version other than 1",
                                       "GTP-U: optional fields past the message"};

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  gtpv1::Header h = gtpv1::ReadHeader(p, len);
  if ((out.error = gtpv1::FaultText(h.fault, kFaults)) != nullptr) return;
  if (h.size == 0) {  // the chain is cut: its last entry says so, and nothing follows
    Carry(out, h.end, h.end, Table::kNone, 0);
  } else if (p[1] == gtpv1::kGpdu && h.size < h.end) {
    Carry(out, h.size, h.end, Table::kIpVersion, p[h.size] >> 4);
  } else {
    Carry(out, h.end, h.end, Table::kNone, 0);  // signalling: information elements
  }
}

const char* MessageName(uint64_t type) {
  switch (type) {
    case 1:
      return "Echo Request";
    case 2:
      return "Echo Response";
    case 26:
      return "Error Indication";
    case 31:
      return "Supported Extension Headers Notification";
    case 253:
      return "Tunnel Status";
    case 254:
      return "End Marker";
    case 255:
      return "G-PDU";
  }
  return nullptr;
}

void Write(const LayerContext& l, Emitter& out) {
  uint32_t at = gtpv1::WriteHeader(l, MessageName, out);
  // A signalling message's information elements (the layer is all header), or what
  // follows a cut chain.
  if (at < l.hdr_len) out.Hex("data", l.p + at, l.hdr_len - at);
}

constexpr FieldSpec kFields[] = {
    PCAPKIT_GTPV1_HEADER_FIELDS("1 echo request, 2 echo response, 26 error indication, 31 "
                                "supported extension headers, 254 end marker, 255 G-PDU"),
    {"data", kHex,
     "information elements of a message other than a G-PDU, or the bytes after a cut chain",
     nullptr},
};

}  // namespace

const Registration kRegistration("gtpu", [](Registry& r) {
  r.Add({.name = "GTP-U",
         .key = "gtpu",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "A G-PDU's user packet is the next layer, IPv4 or IPv6 by its first nibble; "
                    "other messages are all header. A message shorter than 8 bytes, of a "
                    "version other than 1, or whose optional fields run past it, is `raw` with "
                    "an error; an extension header of length 0 or running past the message ends "
                    "the chain with an `error` entry, and nothing after it is dissected."},
        {{Table::kUdpPort, 2152}});
});

}  // namespace pcapkit::protocols
