// GTP version 1's header (gtpv1.h): read, and written, for GTP-U and GTPv1-C alike.
#include "engine/protocols/gtpv1.h"

namespace pcapkit::protocols::gtpv1 {
namespace {

constexpr uint8_t kPduSessionContainer = 0x85;

// Where the extension header chain starting at `at` (first type `next`) ends; 0 when it
// runs past `end` or holds a length of 0.
uint32_t ChainEnd(const uint8_t* p, uint32_t at, uint32_t end, uint8_t next) {
  while (next != 0) {
    if (at >= end || p[at] == 0 || uint32_t(p[at]) * 4 > end - at) return 0;
    uint32_t size = uint32_t(p[at]) * 4;
    next = p[at + size - 1];
    at += size;
  }
  return at;
}

// PDU Session Container (TS 38.415): the PDU type, and the QoS flow of either direction.
void WritePduSession(const uint8_t* c, uint32_t n, Emitter& out) {
  if (n < 2) return;
  uint32_t pdu_type = c[0] >> 4;
  out.Uint("pdu_type", pdu_type);
  if (pdu_type == 0) {  // downlink
    out.Bool("ppp", (c[1] & 0x80) != 0);
    out.Bool("rqi", (c[1] & 0x40) != 0);
  }
  out.Uint("qfi", c[1] & 0x3f);
}

// The chain from `at` (first type `next`) within p[0, end); returns where it ends.
uint32_t WriteChain(const uint8_t* p, uint32_t at, uint32_t end, uint8_t next, Emitter& out) {
  out.BeginArray("ext_headers");
  while (next != 0) {
    out.BeginObject();
    out.Uint("type", next);
    if (at >= end) {
      out.Plain("error", "extension header past the end of the message");
      out.EndObject();
      break;
    }
    uint32_t units = p[at], size = units * 4;
    out.Uint("length", units);
    if (units == 0 || size > end - at) {
      out.Plain("error", units == 0 ? "extension header length 0"
                                    : "extension header runs past the end of the message");
      out.EndObject();
      break;
    }
    if (size > 2) out.Hex("content", p + at + 1, size - 2);
    if (next == kPduSessionContainer) WritePduSession(p + at + 1, size - 2, out);
    out.Uint("next_type", p[at + size - 1]);
    out.EndObject();
    next = p[at + size - 1];
    at += size;
  }
  out.EndArray();
  return at;
}

// Where the message ends: the length field bounds it; what the capture cut, it lacks.
uint32_t MessageEnd(const uint8_t* p, uint32_t len) {
  uint32_t end = 8 + uint32_t(Be16(p + 2));
  return end < len ? end : len;
}

}  // namespace

Header ReadHeader(const uint8_t* p, uint32_t len) {
  Header h;
  if (len < 8) return h.fault = HeaderFault::kTruncated, h;
  if (p[0] >> 5 != 1) return h.fault = HeaderFault::kVersion, h;
  h.end = MessageEnd(p, len);
  h.size = 8;
  if (p[0] & (kFlagE | kFlagS | kFlagPn)) {
    if (h.end < 12) return h.fault = HeaderFault::kOptionalPastMessage, h;
    h.size = 12;
    if (p[0] & kFlagE) h.size = ChainEnd(p, 12, h.end, p[11]);
  }
  return h;
}

uint32_t WriteHeader(const LayerContext& l, Emitter::NameOf message_name, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("flags", p[0]);
  out.Uint("version", p[0] >> 5);
  out.Uint("pt", (p[0] >> 4) & 1);
  out.Uint("reserved", (p[0] >> 3) & 1);
  out.Bool("e", (p[0] & kFlagE) != 0);
  out.Bool("s", (p[0] & kFlagS) != 0);
  out.Bool("pn", (p[0] & kFlagPn) != 0);
  out.Enum("message_type", p[1], message_name);
  out.Uint("length", Be16(p + 2));
  out.Uint("teid", Be32(p + 4));
  if ((p[0] & (kFlagE | kFlagS | kFlagPn)) == 0) return 8;
  out.Uint("seq", Be16(p + 8));
  out.Uint("npdu", p[10]);
  out.Uint("next_type", p[11]);
  if ((p[0] & kFlagE) == 0) return 12;
  return WriteChain(p, 12, MessageEnd(p, l.length), p[11], out);
}

}  // namespace pcapkit::protocols::gtpv1
