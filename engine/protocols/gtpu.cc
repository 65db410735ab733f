// GTP-U (3GPP TS 29.281, UDP port 2152): GTP version 1 for user data. An 8-byte header
// (flags: version, protocol type, E, S, PN; message type; the length of what follows the
// first 8 bytes; the tunnel endpoint id), then, when any of E/S/PN is set, a sequence
// number, an N-PDU number and the first extension header's type; then the chain of
// extension headers, each a length in 4-byte units, its content and the next type (0
// ends the chain). A G-PDU (type 255) carries a user packet, IPv4 or IPv6 by its first
// nibble; the other messages (echo, error indication, end marker...) carry information
// elements, written as hex.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

constexpr uint8_t kGpdu = 255;
constexpr uint8_t kPduSessionContainer = 0x85;
constexpr uint8_t kFlagE = 0x04, kFlagS = 0x02, kFlagPn = 0x01;

// Where the message ends: the length field bounds it; what the capture cut, it lacks.
uint32_t MessageEnd(const uint8_t* p, uint32_t len) {
  uint32_t end = 8 + uint32_t(Be16(p + 2));
  return end < len ? end : len;
}

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

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 8) {
    out.error = "GTP-U: header truncated";
    return;
  }
  if (p[0] >> 5 != 1) {
    out.error = "GTP-U: version other than 1";
    return;
  }
  uint32_t end = MessageEnd(p, len), hdr = 8;
  if (p[0] & (kFlagE | kFlagS | kFlagPn)) {
    if (end < 12) {
      out.error = "GTP-U: optional fields past the message";
      return;
    }
    hdr = 12;
    if (p[0] & kFlagE) hdr = ChainEnd(p, 12, end, p[11]);
  }
  if (hdr == 0) {  // the chain is cut: its last entry says so, and nothing follows
    Carry(out, end, end, Table::kNone, 0);
  } else if (p[1] == kGpdu && hdr < end) {
    Carry(out, hdr, end, Table::kIpVersion, p[hdr] >> 4);
  } else {
    Carry(out, end, end, Table::kNone, 0);  // signalling: information elements
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

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  uint32_t end = MessageEnd(p, l.length), at = 8;
  out.Uint("flags", p[0]);
  out.Uint("version", p[0] >> 5);
  out.Uint("pt", (p[0] >> 4) & 1);
  out.Uint("reserved", (p[0] >> 3) & 1);
  out.Bool("e", (p[0] & kFlagE) != 0);
  out.Bool("s", (p[0] & kFlagS) != 0);
  out.Bool("pn", (p[0] & kFlagPn) != 0);
  out.Enum("message_type", p[1], MessageName);
  out.Uint("length", Be16(p + 2));
  out.Uint("teid", Be32(p + 4));
  if (p[0] & (kFlagE | kFlagS | kFlagPn)) {
    out.Uint("seq", Be16(p + 8));
    out.Uint("npdu", p[10]);
    out.Uint("next_type", p[11]);
    at = 12;
    if (p[0] & kFlagE) at = WriteChain(p, 12, end, p[11], out);
  }
  // A signalling message's information elements (the layer is all header), or what
  // follows a cut chain.
  if (at < l.hdr_len) out.Hex("data", p + at, l.hdr_len - at);
}

constexpr FieldSpec kFields[] = {
    {"flags", kInt, "the flags byte", "gtp.flags"},
    {"version", kInt, "1", "gtp.flags.version"},
    {"pt", kInt, "protocol type: 1 GTP (0 would be GTP')", "gtp.flags.payload"},
    {"reserved", kInt, "the reserved bit (0)", nullptr},
    {"e", kBool, "an extension header follows", "gtp.flags.e"},
    {"s", kBool, "the sequence number is meaningful", "gtp.flags.s"},
    {"pn", kBool, "the N-PDU number is meaningful", "gtp.flags.pn"},
    {"message_type", kInt,
     "1 echo request, 2 echo response, 26 error indication, 31 supported extension headers, "
     "254 end marker, 255 G-PDU",
     "gtp.message"},
    {"message_type_name", kText, "`G-PDU`, `Echo Request`, … (with --names)", nullptr},
    {"length", kInt, "bytes after the first 8 (optional fields, extension headers, payload)",
     "gtp.length"},
    {"teid", kInt, "tunnel endpoint identifier", "gtp.teid"},
    {"seq", kInt, "sequence number (present when any of e, s, pn is set)", "gtp.seq_number"},
    {"npdu", kInt, "N-PDU number (present when any of e, s, pn is set)", "gtp.npdu_number"},
    {"next_type", kInt, "type of the first extension header; 0 none", "gtp.ext_hdr.next"},
    {"ext_headers", kList, "the extension headers (when e is set)", nullptr},
    {"ext_headers[].type", kInt, "its type (0x85 PDU Session Container, 0xc0 PDCP PDU number...)",
     nullptr},
    {"ext_headers[].length", kInt, "its length field, in 4-byte units", "gtp.ext_hdr.length"},
    {"ext_headers[].content", kHex, "the bytes between its length and its next type", nullptr},
    {"ext_headers[].pdu_type", kInt, "PDU Session Container: 0 downlink, 1 uplink",
     "gtp.ext_hdr.pdu_ses_con.pdu_type"},
    {"ext_headers[].ppp", kBool, "PDU Session Container, downlink: paging policy presence",
     "gtp.ext_hdr.pdu_ses_cont.ppp"},
    {"ext_headers[].rqi", kBool, "PDU Session Container, downlink: reflective QoS indicator",
     "gtp.ext_hdr.pdu_ses_cont.rqi"},
    {"ext_headers[].qfi", kInt, "PDU Session Container: QoS flow identifier",
     "gtp.ext_hdr.pdu_ses_con.qos_flow_id"},
    {"ext_headers[].next_type", kInt, "type of the next extension header; 0 none",
     "gtp.ext_hdr.next"},
    {"ext_headers[].error", kText,
     "a length of 0, or the header runs past the message: the chain ends there", nullptr},
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
