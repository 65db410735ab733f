// GTPv1-C (3GPP TS 29.060): GTP version 1's control plane, on UDP 2123 beside GTPv2-C
// (gtpc.cc picks by version). The header is GTP-U's (gtpv1.h): flags, message type,
// length, TEID, the optional sequence number, N-PDU number and extension header chain.
// Then the information elements, in two encodings told apart by the type's top bit: TV
// (type < 128), whose value's length is fixed by the type (TS 29.060 §7.7), and TLV
// (type >= 128), with a 2-byte length. Each is a list entry {type, length, value} with a
// few common ones decoded. A TV type the table does not know ends the list with an error
// entry, since its length cannot be known (Wireshark stops there too).
#include "engine/protocols/gtpc_values.h"
#include "engine/protocols/gtpv1.h"

namespace pcapkit::protocols {
namespace {

constexpr gtpv1::FaultTexts kFaults = {"GTPv1-C: header truncated", "GTPv1-C: version other than 1",
                                       "GTPv1-C: optional fields past the message"};

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  gtpv1::Header h = gtpv1::ReadHeader(p, len);
  if ((out.error = gtpv1::FaultText(h.fault, kFaults)) != nullptr) return;
  Carry(out, h.end, h.end, Table::kNone, 0);  // all header: the IEs are the layer's own
}

const char* IeName(uint64_t type) {
  switch (type) {
    case 1:
      return "Cause";
    case 2:
      return "IMSI";
    case 3:
      return "Routeing Area Identity";
    case 14:
      return "Recovery";
    case 15:
      return "Selection Mode";
    case 16:
      return "TEID Data I";
    case 17:
      return "TEID Control Plane";
    case 20:
      return "NSAPI";
    case 26:
      return "Charging Characteristics";
    case 127:
      return "Charging ID";
    case 128:
      return "End User Address";
    case 131:
      return "Access Point Name";
    case 132:
      return "Protocol Configuration Options";
    case 133:
      return "GSN Address";
    case 134:
      return "MSISDN";
    case 135:
      return "Quality of Service Profile";
    case 255:
      return "Private Extension";
  }
  return nullptr;
}

// End User Address (§7.7.27): PDP type organization and number, and the address of an
// IETF (1) type: IPv4 (0x21), IPv6 (0x57) or both (0x8d); none when it is dynamic.
void WriteEndUserAddress(const uint8_t* v, uint32_t n, Emitter& out) {
  if (n < 2) return;
  out.Uint("pdp_org", v[0] & 0x0f);
  out.Uint("pdp_type", v[1]);
  if ((v[0] & 0x0f) != 1) return;
  if ((v[1] == 0x21 || v[1] == 0x8d) && (n == 6 || n == 22)) out.Ipv4("pdp_ipv4", v + 2);
  if (v[1] == 0x57 && n == 18) out.Ipv6("pdp_ipv6", v + 2);
  if (v[1] == 0x8d && n == 22) out.Ipv6("pdp_ipv6", v + 6);
}

// The members of the IE types decoded here, when the value has the type's length.
void WriteDecoded(uint8_t type, const uint8_t* v, uint32_t n, Emitter& out) {
  switch (type) {
    case 1:
      return out.Uint("cause", v[0]);
    case 2:
      return gtpc::WriteTbcd("imsi", v, n, out);
    case 14:
      return out.Uint("recovery", v[0]);
    case 15:
      return out.Uint("selection_mode", v[0] & 0x03);
    case 16:
      return out.Uint("teid_data", Be32(v));
    case 17:
      return out.Uint("teid_cp", Be32(v));
    case 20:
      return out.Uint("nsapi", v[0] & 0x0f);
    case 127:
      return out.Uint("charging_id", Be32(v));
    case 128:
      return WriteEndUserAddress(v, n, out);
    case 131:
      return gtpc::WriteApn("apn", v, n, out);
    case 133:
      if (n == 4) out.Ipv4("gsn_ipv4", v);
      if (n == 16) out.Ipv6("gsn_ipv6", v);
      return;
    case 134:  // the first byte: extension, nature of address, numbering plan
      if (n > 1) gtpc::WriteTbcd("msisdn", v + 1, n - 1, out);
      return;
  }
}

// One IE at p[0, n) (n > 0); returns its size, or 0 when it ends the list with an error.
uint32_t WriteIe(const uint8_t* p, uint32_t n, Emitter& out) {
  uint8_t type = p[0];
  out.Enum("type", type, IeName);
  uint32_t head = 1, length = gtpc::TvLength(type);
  if (type < 128 && length == 0) {
    out.Plain("error", "TV type of unknown length: the list ends here");
    return 0;
  }
  if (type >= 128) {
    if (n < 3) {
      out.Plain("error", "IE header runs past the message");
      return 0;
    }
    head = 3;
    length = Be16(p + 1);
  }
  out.Uint("length", length);
  if (length > n - head) {
    out.Plain("error", "IE runs past the message");
    return 0;
  }
  out.Hex("value", p + head, length);
  WriteDecoded(type, p + head, length, out);
  return head + length;
}

void WriteIes(const uint8_t* p, uint32_t n, Emitter& out) {
  out.BeginArray("ies");
  for (uint32_t at = 0; at < n;) {
    out.BeginObject();
    uint32_t size = WriteIe(p + at, n - at, out);
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
      return "Version Not Supported";
    case 16:
      return "Create PDP Context Request";
    case 17:
      return "Create PDP Context Response";
    case 18:
      return "Update PDP Context Request";
    case 19:
      return "Update PDP Context Response";
    case 20:
      return "Delete PDP Context Request";
    case 21:
      return "Delete PDP Context Response";
    case 22:
      return "Initiate PDP Context Activation Request";
    case 23:
      return "Initiate PDP Context Activation Response";
    case 26:
      return "Error Indication";
    case 27:
      return "PDU Notification Request";
    case 28:
      return "PDU Notification Response";
    case 29:
      return "PDU Notification Reject Request";
    case 30:
      return "PDU Notification Reject Response";
    case 31:
      return "Supported Extension Headers Notification";
    case 32:
      return "Send Routeing Information for GPRS Request";
    case 33:
      return "Send Routeing Information for GPRS Response";
    case 48:
      return "Identification Request";
    case 49:
      return "Identification Response";
    case 50:
      return "SGSN Context Request";
    case 51:
      return "SGSN Context Response";
    case 52:
      return "SGSN Context Acknowledge";
    case 53:
      return "Forward Relocation Request";
    case 54:
      return "Forward Relocation Response";
    case 55:
      return "Forward Relocation Complete";
    case 56:
      return "Relocation Cancel Request";
    case 57:
      return "Relocation Cancel Response";
    case 240:
      return "Data Record Transfer Request";
    case 241:
      return "Data Record Transfer Response";
  }
  return nullptr;
}

void Write(const LayerContext& l, Emitter& out) {
  uint32_t at = gtpv1::WriteHeader(l, MessageName, out);
  if (gtpv1::ReadHeader(l.p, l.length).size == 0) {  // a cut chain: what follows is unread
    if (at < l.hdr_len) out.Hex("data", l.p + at, l.hdr_len - at);
    return;
  }
  WriteIes(l.p + at, l.hdr_len - at, out);
}

// clang-format off
constexpr FieldSpec kFields[] = {
    PCAPKIT_GTPV1_HEADER_FIELDS(
        "1/2 echo request/response, 16/17 create, 18/19 update, 20/21 delete PDP context "
        "request/response, 26 error indication, 27 PDU notification request, 50 SGSN context "
        "request..."),
    {"ies", kList, "the information elements, in order (absent after a cut chain)", nullptr},
    {"ies[].type", kInt, "IE type: below 128 TV (fixed length), from 128 TLV", nullptr},
    {"ies[].type_name", kText, "`Cause`, `IMSI`, … (with --names)", nullptr},
    {"ies[].length", kInt, "bytes of the value: TV, the type's fixed length; TLV, its field",
     nullptr},
    {"ies[].value", kHex, "the value, always (decoded members come beside it)", nullptr},
    {"ies[].error", kText,
     "a TV type of unknown length, a TLV header cut, or a value past the message: the list "
     "ends there", nullptr},
    {"ies[].cause", kInt, "Cause (1)", "gtp.cause"},
    {"ies[].imsi", kText, "IMSI (2): its TBCD digits", "e212.imsi"},
    {"ies[].recovery", kInt, "Recovery (14): restart counter", "gtp.recovery"},
    {"ies[].selection_mode", kInt, "Selection Mode (15): its low 2 bits", "gtp.sel_mode"},
    {"ies[].teid_data", kInt, "TEID Data I (16)", "gtp.teid_data"},
    {"ies[].teid_cp", kInt, "TEID Control Plane (17)", "gtp.teid_cp"},
    {"ies[].nsapi", kInt, "NSAPI (20): its low 4 bits", "gtp.nsapi"},
    {"ies[].charging_id", kInt, "Charging ID (127)", "gtp.chrg_id"},
    {"ies[].pdp_org", kInt, "End User Address (128): PDP type organization (0 ETSI, 1 IETF)",
     "gtp.user_addr_pdp_org"},
    {"ies[].pdp_type", kInt, "End User Address: PDP type number (0x21 IPv4, 0x57 IPv6, 0x8d both)",
     "gtp.user_addr_pdp_type"},
    {"ies[].pdp_ipv4", kIpv4, "End User Address: the IPv4 address (none when dynamic)",
     "gtp.user_ipv4"},
    {"ies[].pdp_ipv6", kIpv6, "End User Address: the IPv6 address (none when dynamic)",
     "gtp.user_ipv6"},
    {"ies[].apn", kText, "Access Point Name (131): its labels joined by dots", "gtp.apn"},
    {"ies[].gsn_ipv4", kIpv4, "GSN Address (133) of 4 bytes", "gtp.gsn_ipv4"},
    {"ies[].gsn_ipv6", kIpv6, "GSN Address (133) of 16 bytes", "gtp.gsn_ipv6"},
    {"ies[].msisdn", kText, "MSISDN (134): the TBCD digits after the address type byte",
     "e164.msisdn"},
    {"data", kHex, "after a cut extension chain: the rest of the message, unread", nullptr},
};
// clang-format on

}  // namespace

const Registration kRegistration("gtpv1c", [](Registry& r) {
  r.Add({.name = "GTPv1-C",
         .key = "gtpv1c",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "TS 29.060, found on UDP 2123 by its version (1). GTP-U's header, then the "
                    "information elements as a list: TV types (below 128) have the fixed length "
                    "of TS 29.060's table, TLV types a 2-byte length; every entry keeps its "
                    "value in hex, and Cause, IMSI, Recovery, Selection Mode, TEID Data I and "
                    "Control Plane, NSAPI, Charging ID, End User Address, APN, GSN Address and "
                    "MSISDN are decoded too. A TV type of unknown length, a cut TLV header or a "
                    "value past the message ends the list with an `error` entry. A message "
                    "shorter than 8 bytes, or whose optional fields run past it, is `raw` with "
                    "an error."},
        {{Table::kGtpcVersion, 1}});
});

}  // namespace pcapkit::protocols
