// GTP version 1's header, shared by GTP-U (gtpu.cc, TS 29.281) and GTPv1-C (gtpv1c.cc,
// TS 29.060): flags (version, protocol type, E, S, PN), message type, the length of what
// follows the first 8 bytes and the TEID; then, when any of E/S/PN is set, a sequence
// number, an N-PDU number and the first extension header's type; then the chain of
// extension headers, each a length in 4-byte units, its content and the next type (0 ends
// the chain). Not a protocol: a helper of those two.
#pragma once

#include "engine/protocols/common.h"

namespace pcapkit::protocols::gtpv1 {

constexpr uint8_t kFlagE = 0x04, kFlagS = 0x02, kFlagPn = 0x01;
constexpr uint8_t kGpdu = 255;

enum class HeaderFault : uint8_t {
  kNone,
  kTruncated,            // fewer than 8 bytes
  kVersion,              // a version other than 1
  kOptionalPastMessage,  // E, S or PN set, and the message ends before the 12th byte
};

struct Header {
  uint32_t end = 0;   // where the message ends: its length field, or the capture's end
  uint32_t size = 0;  // header, optional fields and extension chain; 0 when the chain is cut
  HeaderFault fault = HeaderFault::kNone;
};

// Reads the header at p[0, len) without writing anything.
Header ReadHeader(const uint8_t* p, uint32_t len);

// The error texts of a protocol on this header (static text: a raw layer keeps it).
struct FaultTexts {
  const char* truncated;
  const char* version;
  const char* optional_past_message;
};

// `fault`'s text among `texts`; nullptr for a sound header.
inline const char* FaultText(HeaderFault fault, const FaultTexts& texts) {
  switch (fault) {
    case HeaderFault::kTruncated:
      return texts.truncated;
    case HeaderFault::kVersion:
      return texts.version;
    case HeaderFault::kOptionalPastMessage:
      return texts.optional_past_message;
    case HeaderFault::kNone:
      break;
  }
  return nullptr;
}

// Writes the header's fields (flags through ext_headers) of a layer whose header
// ReadHeader found sound; returns where they end (where a cut chain's faulty entry starts).
uint32_t WriteHeader(const LayerContext& l, Emitter::NameOf message_name, Emitter& out);

}  // namespace pcapkit::protocols::gtpv1

// The field table rows of what WriteHeader writes; `message_types` is the meaning of
// message_type (the two protocols name different messages).
// clang-format off
#define PCAPKIT_GTPV1_HEADER_FIELDS(message_types)                                             \
  {"flags", kInt, "the flags byte", "gtp.flags"},                                              \
  {"version", kInt, "1", "gtp.flags.version"},                                                 \
  {"pt", kInt, "protocol type: 1 GTP (0 would be GTP')", "gtp.flags.payload"},                 \
  {"reserved", kInt, "the reserved bit (0)", nullptr},                                         \
  {"e", kBool, "an extension header follows", "gtp.flags.e"},                                  \
  {"s", kBool, "the sequence number is meaningful", "gtp.flags.s"},                            \
  {"pn", kBool, "the N-PDU number is meaningful", "gtp.flags.pn"},                             \
  {"message_type", kInt, message_types, "gtp.message"},                                        \
  {"message_type_name", kText, "`G-PDU`, `Echo Request`, … (with --names)", nullptr},          \
  {"length", kInt, "bytes after the first 8 (optional fields, extension headers, payload)",    \
   "gtp.length"},                                                                              \
  {"teid", kInt, "tunnel endpoint identifier", "gtp.teid"},                                    \
  {"seq", kInt, "sequence number (present when any of e, s, pn is set)", "gtp.seq_number"},    \
  {"npdu", kInt, "N-PDU number (present when any of e, s, pn is set)", "gtp.npdu_number"},     \
  {"next_type", kInt, "type of the first extension header; 0 none", "gtp.ext_hdr.next"},       \
  {"ext_headers", kList, "the extension headers (when e is set)", nullptr},                    \
  {"ext_headers[].type", kInt,                                                                 \
   "its type (0x85 PDU Session Container, 0xc0 PDCP PDU number...)", nullptr},                 \
  {"ext_headers[].length", kInt, "its length field, in 4-byte units", "gtp.ext_hdr.length"},   \
  {"ext_headers[].content", kHex, "the bytes between its length and its next type", nullptr},  \
  {"ext_headers[].pdu_type", kInt, "PDU Session Container: 0 downlink, 1 uplink",              \
   "gtp.ext_hdr.pdu_ses_con.pdu_type"},                                                        \
  {"ext_headers[].ppp", kBool, "PDU Session Container, downlink: paging policy presence",      \
   "gtp.ext_hdr.pdu_ses_cont.ppp"},                                                            \
  {"ext_headers[].rqi", kBool, "PDU Session Container, downlink: reflective QoS indicator",    \
   "gtp.ext_hdr.pdu_ses_cont.rqi"},                                                            \
  {"ext_headers[].qfi", kInt, "PDU Session Container: QoS flow identifier",                    \
   "gtp.ext_hdr.pdu_ses_con.qos_flow_id"},                                                     \
  {"ext_headers[].next_type", kInt, "type of the next extension header; 0 none",               \
   "gtp.ext_hdr.next"},                                                                        \
  {"ext_headers[].error", kText,                                                               \
   "a length of 0, or the header runs past the message: the chain ends there", nullptr}
// clang-format on
