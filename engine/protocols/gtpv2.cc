// GTPv2-C (3GPP TS 29.274): the EPC's control plane, on UDP 2123 beside GTPv1-C (gtpc.cc
// picks by version). A header of flags (version 2, P piggybacking, T TEID present, MP
// message priority), message type, the length of what follows the first 4 bytes, the TEID
// when T is set, a 3-byte sequence number and a byte holding the priority when MP is set;
// then information elements, each a type, a 2-byte length, a byte of CR flag and instance,
// and the value. Every IE keeps its value in hex; common ones are decoded, and a Bearer
// Context's IEs are listed one level deep (deeper groups stay hex).
//
// With P set, a second message follows the first in the datagram (a Create Session
// Response carrying a Create Bearer Request): it is dissected into `piggybacked`, an object
// of the same members, within this one layer, as Wireshark shows a second GTPv2 tree. It
// is the last: its own P is reported, not followed.
#include "engine/protocols/gtpc_values.h"

namespace pcapkit::protocols {
namespace {

constexpr uint8_t kFlagP = 0x10, kFlagT = 0x08, kFlagMp = 0x04;
constexpr uint8_t kBearerContext = 93;

enum class Fault : uint8_t { kNone, kTruncated, kVersion, kHeaderPastMessage };

const char* FaultText(Fault f) {
  switch (f) {
    case Fault::kTruncated:
      return "header truncated";
    case Fault::kVersion:
      return "version other than 2";
    default:
      return "header runs past the message";
  }
}

struct Message {
  uint32_t end = 0;  // where it ends: its length field, or the bytes there are
  Fault fault = Fault::kNone;
};

// The message at p[0, len): sound when its header fits within it.
Message ReadMessage(const uint8_t* p, uint32_t len) {
  Message m;
  if (len < 4) return m.fault = Fault::kTruncated, m;
  if (p[0] >> 5 != 2) return m.fault = Fault::kVersion, m;
  uint32_t end = 4 + uint32_t(Be16(p + 2)), header = (p[0] & kFlagT) ? 12 : 8;
  m.end = end < len ? end : len;
  if (m.end < header) m.fault = Fault::kHeaderPastMessage;
  return m;
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  Message first = ReadMessage(p, len);
  switch (first.fault) {
    case Fault::kTruncated:
      out.error = "GTPv2-C: header truncated";
      return;
    case Fault::kVersion:
      out.error = "GTPv2-C: version other than 2";
      return;
    case Fault::kHeaderPastMessage:
      out.error = "GTPv2-C: header runs past the message";
      return;
    case Fault::kNone:
      break;
  }
  uint32_t end = first.end;
  if ((p[0] & kFlagP) && end < len) {  // the piggybacked message, sound or not
    Message second = ReadMessage(p + end, len - end);
    end = second.fault != Fault::kNone ? len : end + second.end;
  }
  Carry(out, end, end, Table::kNone, 0);  // all header: the IEs are the layer's own
}

const char* IeName(uint64_t type) {
  switch (type) {
    case 1:
      return "IMSI";
    case 2:
      return "Cause";
    case 3:
      return "Recovery";
    case 71:
      return "APN";
    case 72:
      return "AMBR";
    case 73:
      return "EBI";
    case 74:
      return "IP Address";
    case 75:
      return "MEI";
    case 76:
      return "MSISDN";
    case 77:
      return "Indication";
    case 78:
      return "PCO";
    case 79:
      return "PAA";
    case 80:
      return "Bearer QoS";
    case 82:
      return "RAT Type";
    case 83:
      return "Serving Network";
    case 86:
      return "ULI";
    case 87:
      return "F-TEID";
    case 93:
      return "Bearer Context";
    case 99:
      return "PDN Type";
    case 127:
      return "APN Restriction";
    case 128:
      return "Selection Mode";
    case 255:
      return "Private Extension";
  }
  return nullptr;
}

// F-TEID (§8.22): V4/V6 flags and interface type, TEID/GRE key, then the addresses the
// flags announce. Decoded only when the value is exactly that long.
void WriteFteid(const uint8_t* v, uint32_t n, Emitter& out) {
  if (n < 5) return;
  bool v4 = (v[0] & 0x80) != 0, v6 = (v[0] & 0x40) != 0;
  if (n != 5 + (v4 ? 4u : 0u) + (v6 ? 16u : 0u)) return;
  out.Bool("v4", v4);
  out.Bool("v6", v6);
  out.Uint("interface_type", v[0] & 0x3f);
  out.Uint("teid_gre_key", Be32(v + 1));
  if (v4) out.Ipv4("ipv4", v + 5);
  if (v6) out.Ipv6("ipv6", v + (v4 ? 9 : 5));
}

// Cause (§8.4): the value, then PCE, BCE and CS; the offending IE, when present, stays
// in `value`.
void WriteCause(const uint8_t* v, uint32_t n, Emitter& out) {
  if (n < 2) return;
  out.Uint("cause", v[0]);
  out.Bool("pce", (v[1] & 0x04) != 0);
  out.Bool("bce", (v[1] & 0x02) != 0);
  out.Bool("cs", (v[1] & 0x01) != 0);
}

// The members of the IE types decoded here (n > 0).
void WriteDecoded(uint8_t type, const uint8_t* v, uint32_t n, Emitter& out) {
  switch (type) {
    case 1:
      return gtpc::WriteTbcd("imsi", v, n, out);
    case 2:
      return WriteCause(v, n, out);
    case 3:
      return out.Uint("recovery", v[0]);
    case 71:
      return gtpc::WriteApn("apn", v, n, out);
    case 72:
      if (n != 8) return;
      out.Uint("ambr_up", Be32(v));
      return out.Uint("ambr_down", Be32(v + 4));
    case 73:
      return out.Uint("ebi", v[0] & 0x0f);
    case 76:
      return gtpc::WriteTbcd("msisdn", v, n, out);
    case 82:
      return out.Uint("rat_type", v[0]);
    case 87:
      return WriteFteid(v, n, out);
    case 99:
      return out.Uint("pdn_type", v[0] & 0x07);
  }
}

void WriteIes(const uint8_t* p, uint32_t n, bool nested, Emitter& out);

// One IE at p[0, n) (n > 0); returns its size, or 0 when it ends the list with an error.
uint32_t WriteIe(const uint8_t* p, uint32_t n, bool nested, Emitter& out) {
  out.Enum("type", p[0], IeName);
  if (n < 4) {
    out.Plain("error", "IE header runs past the message");
    return 0;
  }
  uint32_t length = Be16(p + 1);
  out.Uint("length", length);
  out.Uint("cr", p[3] >> 4);
  out.Uint("instance", p[3] & 0x0f);
  if (length > n - 4) {
    out.Plain("error", "IE runs past the message");
    return 0;
  }
  out.Hex("value", p + 4, length);
  if (length > 0) WriteDecoded(p[0], p + 4, length, out);
  if (p[0] == kBearerContext && !nested) WriteIes(p + 4, length, true, out);
  return 4 + length;
}

void WriteIes(const uint8_t* p, uint32_t n, bool nested, Emitter& out) {
  out.BeginArray("ies");
  for (uint32_t at = 0; at < n;) {
    out.BeginObject();
    uint32_t size = WriteIe(p + at, n - at, nested, out);
    out.EndObject();
    if (size == 0) break;
    at += size;
  }
  out.EndArray();
}

const char* MessageName(uint64_t type) {
  switch (type) {
    case 1:
      return "Echo Request";
    case 2:
      return "Echo Response";
    case 3:
      return "Version Not Supported Indication";
    case 32:
      return "Create Session Request";
    case 33:
      return "Create Session Response";
    case 34:
      return "Modify Bearer Request";
    case 35:
      return "Modify Bearer Response";
    case 36:
      return "Delete Session Request";
    case 37:
      return "Delete Session Response";
    case 64:
      return "Modify Bearer Command";
    case 66:
      return "Delete Bearer Command";
    case 68:
      return "Bearer Resource Command";
    case 95:
      return "Create Bearer Request";
    case 96:
      return "Create Bearer Response";
    case 97:
      return "Update Bearer Request";
    case 98:
      return "Update Bearer Response";
    case 99:
      return "Delete Bearer Request";
    case 100:
      return "Delete Bearer Response";
    case 130:
      return "Context Request";
    case 131:
      return "Context Response";
    case 132:
      return "Context Acknowledge";
    case 133:
      return "Forward Relocation Request";
    case 134:
      return "Forward Relocation Response";
    case 170:
      return "Release Access Bearers Request";
    case 171:
      return "Release Access Bearers Response";
    case 176:
      return "Downlink Data Notification";
    case 177:
      return "Downlink Data Notification Acknowledge";
    case 211:
      return "Modify Access Bearers Request";
    case 212:
      return "Modify Access Bearers Response";
  }
  return nullptr;
}

// One message at p[0, end) whose header ReadMessage found sound.
void WriteMessage(const uint8_t* p, uint32_t end, Emitter& out) {
  bool has_teid = (p[0] & kFlagT) != 0;
  out.Uint("flags", p[0]);
  out.Uint("version", p[0] >> 5);
  out.Bool("p", (p[0] & kFlagP) != 0);
  out.Bool("t", has_teid);
  out.Bool("mp", (p[0] & kFlagMp) != 0);
  out.Enum("message_type", p[1], MessageName);
  out.Uint("length", Be16(p + 2));
  uint32_t at = 4;
  if (has_teid) {
    out.Uint("teid", Be32(p + 4));
    at = 8;
  }
  out.Uint("seq", uint32_t(p[at]) << 16 | uint32_t(Be16(p + at + 1)));
  if (p[0] & kFlagMp) {
    out.Uint("priority", p[at + 3] >> 4);
    out.Uint("spare", p[at + 3] & 0x0f);
  } else {
    out.Uint("spare", p[at + 3]);
  }
  WriteIes(p + at + 4, end - at - 4, false, out);
}

void Write(const LayerContext& l, Emitter& out) {
  Message first = ReadMessage(l.p, l.hdr_len);
  WriteMessage(l.p, first.end, out);
  if ((l.p[0] & kFlagP) == 0 || first.end >= l.hdr_len) return;
  out.BeginObject("piggybacked");
  Message second = ReadMessage(l.p + first.end, l.hdr_len - first.end);
  if (second.fault != Fault::kNone) {
    out.Plain("error", FaultText(second.fault));
    out.Hex("data", l.p + first.end, l.hdr_len - first.end);
  } else {
    WriteMessage(l.p + first.end, second.end, out);
  }
  out.EndObject();
}

// The members of one message, at the layer's top (prefix "") and in `piggybacked`; the
// tshark names are the same for both, tshark listing the second message's after the
// first's.
// clang-format off
#define PCAPKIT_GTPV2_HEADER_FIELDS(prefix)                                                        \
  {prefix "flags", kInt, "the flags byte", "gtpv2.flags"},                                         \
  {prefix "version", kInt, "2", "gtpv2.version"},                                                  \
  {prefix "p", kBool, "a piggybacked message follows this one", "gtpv2.p"},                        \
  {prefix "t", kBool, "the TEID is present", "gtpv2.t"},                                           \
  {prefix "mp", kBool, "the message priority is present", "gtpv2.mp"},                             \
  {prefix "message_type", kInt,                                                                    \
   "1/2 echo request/response, 32/33 create session, 34/35 modify bearer, 36/37 delete "           \
   "session request/response, 95/96 create bearer request/response...",                            \
   "gtpv2.message_type"},                                                                          \
  {prefix "message_type_name", kText, "`Create Session Request`, … (with --names)", nullptr},      \
  {prefix "length", kInt, "bytes after the first 4", "gtpv2.msg_length"},                          \
  {prefix "teid", kInt, "tunnel endpoint identifier (when t)", "gtpv2.teid"},                      \
  {prefix "seq", kInt, "sequence number (24 bits)", "gtpv2.seq"},                                  \
  {prefix "priority", kInt, "message priority, 4 bits (when mp)", nullptr},                        \
  {prefix "spare", kInt, "the spare bits after the sequence number (or after the priority)",       \
   "gtpv2.spare"}

// The members of one IE list: `tshark` names the mapped fields at the outer level only
// (tshark lists nested IEs depth first, which the differential test follows).
#define PCAPKIT_GTPV2_IE_FIELDS(list, mapped)                                                      \
  {list, kList, "the information elements, in order (a Bearer Context's, nested)",                 \
   nullptr},                                                                                       \
  {list "[].type", kInt, "IE type", (mapped) ? "gtpv2.ie_type" : nullptr},                         \
  {list "[].type_name", kText, "`IMSI`, `F-TEID`, … (with --names)", nullptr},                     \
  {list "[].length", kInt, "bytes of the value", (mapped) ? "gtpv2.ie_len" : nullptr},             \
  {list "[].cr", kInt, "the 4 bits before the instance (CR flag, spare)",                          \
   (mapped) ? "gtpv2.cr" : nullptr},                                                               \
  {list "[].instance", kInt, "instance", (mapped) ? "gtpv2.instance" : nullptr},                   \
  {list "[].value", kHex, "the value, always (decoded members come beside it)", nullptr},          \
  {list "[].error", kText, "the IE's header is cut or its value runs past the message: the "       \
   "list ends there", nullptr},                                                                    \
  {list "[].imsi", kText, "IMSI (1): its TBCD digits", (mapped) ? "e212.imsi" : nullptr},          \
  {list "[].cause", kInt, "Cause (2)", (mapped) ? "gtpv2.cause" : nullptr},                        \
  {list "[].pce", kBool, "Cause: PDN connection IE error", (mapped) ? "gtpv2.pce" : nullptr},      \
  {list "[].bce", kBool, "Cause: bearer context IE error", (mapped) ? "gtpv2.bce" : nullptr},      \
  {list "[].cs", kBool, "Cause: cause source", (mapped) ? "gtpv2.cs" : nullptr},                   \
  {list "[].recovery", kInt, "Recovery (3): restart counter", (mapped) ? "gtpv2.rec" : nullptr},   \
  {list "[].apn", kText, "APN (71): its labels joined by dots",                                    \
   (mapped) ? "gtpv2.apn" : nullptr},                                                              \
  {list "[].ambr_up", kInt, "AMBR (72): uplink, kbps", (mapped) ? "gtpv2.ambr_up" : nullptr},      \
  {list "[].ambr_down", kInt, "AMBR: downlink, kbps", (mapped) ? "gtpv2.ambr_down" : nullptr},     \
  {list "[].ebi", kInt, "EBI (73): EPS bearer id", (mapped) ? "gtpv2.ebi" : nullptr},              \
  {list "[].msisdn", kText, "MSISDN (76): its TBCD digits",                                        \
   (mapped) ? "e164.msisdn" : nullptr},                                                            \
  {list "[].rat_type", kInt, "RAT Type (82)", (mapped) ? "gtpv2.rat_type" : nullptr},              \
  {list "[].v4", kBool, "F-TEID (87): an IPv4 address follows",                                    \
   (mapped) ? "gtpv2.f_teid_v4" : nullptr},                                                        \
  {list "[].v6", kBool, "F-TEID: an IPv6 address follows",                                         \
   (mapped) ? "gtpv2.f_teid_v6" : nullptr},                                                        \
  {list "[].interface_type", kInt, "F-TEID: interface type",                                       \
   (mapped) ? "gtpv2.f_teid_interface_type" : nullptr},                                            \
  {list "[].teid_gre_key", kInt, "F-TEID: TEID or GRE key",                                        \
   (mapped) ? "gtpv2.f_teid_gre_key" : nullptr},                                                   \
  {list "[].ipv4", kIpv4, "F-TEID: IPv4 address", (mapped) ? "gtpv2.f_teid_ipv4" : nullptr},       \
  {list "[].ipv6", kIpv6, "F-TEID: IPv6 address", (mapped) ? "gtpv2.f_teid_ipv6" : nullptr},       \
  {list "[].pdn_type", kInt, "PDN Type (99): 1 IPv4, 2 IPv6, 3 both",                              \
   (mapped) ? "gtpv2.pdn_type" : nullptr}

constexpr FieldSpec kFields[] = {
    PCAPKIT_GTPV2_HEADER_FIELDS(""),
    PCAPKIT_GTPV2_IE_FIELDS("ies", true),
    PCAPKIT_GTPV2_IE_FIELDS("ies[].ies", false),
    {"piggybacked", kObject, "the message after this one when p is set", nullptr},
    {"piggybacked.error", kText, "its header is cut or of another version", nullptr},
    {"piggybacked.data", kHex, "with `error`: its bytes", nullptr},
    PCAPKIT_GTPV2_HEADER_FIELDS("piggybacked."),
    PCAPKIT_GTPV2_IE_FIELDS("piggybacked.ies", true),
    PCAPKIT_GTPV2_IE_FIELDS("piggybacked.ies[].ies", false),
};
// clang-format on

#undef PCAPKIT_GTPV2_HEADER_FIELDS
#undef PCAPKIT_GTPV2_IE_FIELDS

}  // namespace

const Registration kRegistration("gtpv2", [](Registry& r) {
  r.Add({.name = "GTPv2-C",
         .key = "gtpv2",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "TS 29.274, found on UDP 2123 by its version (2). The header (TEID when t, "
                    "priority when mp), then the information elements as a list: type, length, "
                    "CR flag and instance, the value in hex, and IMSI, Cause, Recovery, APN, AMBR, "
                    "EBI, MSISDN, RAT Type, F-TEID and PDN Type decoded; a Bearer Context's IEs "
                    "are listed one level deep. An IE whose header is cut or whose value runs "
                    "past the message ends its list with an `error` entry. A piggybacked message "
                    "(p) is `piggybacked`, with the same members, in the same layer. A message "
                    "whose header is cut is `raw` with an error."},
        {{Table::kGtpcVersion, 2}});
});

}  // namespace pcapkit::protocols
