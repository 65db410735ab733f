// IEEE 802.11 (LINKTYPE_IEEE802_11 105, and the frame radiotap and PPI carry). A MAC
// header whose shape the frame control field gives: its type (management, control, data,
// extension) and subtype say which of the four addresses, the sequence control, the QoS
// control and the HT control are present, and its To DS / From DS bits what each address
// means (receiver, transmitter, destination, source, BSS). A management frame's body
// (fixed parameters, then tagged parameters) is part of this layer (wlan_management.cc);
// a control frame is all header. A data frame's payload is LLC (the EtherType table's LLC
// key), unless the frame is protected (its payload is ciphertext: raw, after the CCMP,
// TKIP or WEP header), carries an A-MSDU, or is of a subtype that carries no data (Null,
// QoS Null, the CF-only ones). Frames found under radio.fcs=1 end in their 4-byte
// FCS: the layer and its payload stop before it, and the writer reads it just past the
// layer (within the frame, which the dissector checked).
#include "engine/protocols/common.h"
#include "engine/protocols/wifi.h"
#include "engine/protocols/wlan_management.h"

namespace pcapkit::protocols {
namespace {

enum FrameType : uint8_t { kManagement = 0, kControl = 1, kData = 2, kExtension = 3 };
constexpr uint8_t kToDs = 0x01, kFromDs = 0x02, kProtected = 0x40, kOrder = 0x80;
constexpr uint32_t kAuxFcs = 1;  // the frame's FCS follows the layer
constexpr uint8_t kExtIv = 0x20;
constexpr uint16_t kQosAmsdu = 0x80;
constexpr uint8_t kPsPoll = 10;

uint8_t TypeOf(const uint8_t* p) {
  return (p[0] >> 2) & 3;
}
uint8_t SubtypeOf(const uint8_t* p) {
  return p[0] >> 4;
}
bool IsQosData(const uint8_t* p) {
  return TypeOf(p) == kData && (SubtypeOf(p) & 0x8);
}
bool FourAddresses(const uint8_t* p) {
  return TypeOf(p) == kData && (p[1] & (kToDs | kFromDs)) == (kToDs | kFromDs);
}

// Bytes of a control frame's header: receiver address only (CTS, ACK, the wrapper's
// first part), or receiver and transmitter (the rest).
uint32_t ControlHeaderLength(uint8_t subtype) {
  return subtype == 12 || subtype == 13 || subtype == 7 || subtype < 2 ? 10 : 16;
}

// Where the QoS control is (data frames of a QoS subtype).
uint32_t QosAt(const uint8_t* p) {
  return FourAddresses(p) ? 30 : 24;
}

// The MAC header's length by its frame control; the HT control is there when the order
// bit is set on a QoS data or a management frame.
uint32_t HeaderLength(const uint8_t* p) {
  bool htc = (p[1] & kOrder) != 0;
  switch (TypeOf(p)) {
    case kManagement:
      return 24 + (htc ? 4 : 0);
    case kControl:
      return ControlHeaderLength(SubtypeOf(p));
    case kData:
      if (!IsQosData(p)) return QosAt(p);
      return QosAt(p) + 2 + (htc ? 4 : 0);
  }
  return 10;  // extension frames: frame control, duration, one address
}

// A protected frame's security header: 8 bytes with the Extended IV bit (CCMP, TKIP, GCMP),
// else WEP's 4; 0 when the frame is too short for it.
uint32_t SecurityHeaderLength(const uint8_t* p, uint32_t at, uint32_t n) {
  if (at + 4 > n) return 0;
  uint32_t size = (p[at + 3] & kExtIv) ? 8 : 4;
  return at + size <= n ? size : 0;
}

void DissectFrame(const uint8_t* p, uint32_t len, bool fcs, DissectResult& out) {
  if (fcs && len < 4) {
    out.error = "802.11: frame shorter than its FCS";
    return;
  }
  uint32_t n = fcs ? len - 4 : len;  // the frame without its FCS
  if (n < 10 || n < HeaderLength(p)) {
    out.error = n < 2 ? "802.11: frame control truncated" : "802.11: header truncated";
    return;
  }
  uint32_t hdr = HeaderLength(p);
  out.aux = fcs ? kAuxFcs : 0;
  uint8_t type = TypeOf(p);
  bool is_protected = (p[1] & kProtected) != 0 && (type == kData || type == kManagement);
  if (is_protected) {  // ciphertext: raw after the security header
    hdr += SecurityHeaderLength(p, hdr, n);
    Carry(out, hdr, n, Table::kNone, 0);
  } else if (type != kData) {
    Carry(out, n, n, Table::kNone, 0);  // a management body is written with the header
  } else if ((SubtypeOf(p) & 0x4) || (IsQosData(p) && (Le16(p + QosAt(p)) & kQosAmsdu))) {
    Carry(out, hdr, n, Table::kNone, 0);  // no data; or A-MSDU subframes, left raw
  } else {
    Carry(out, hdr, n, Table::kEtherType, kEtherKeyLlc);
  }
}

void DissectWithoutFcs(const uint8_t* p, uint32_t len, DissectResult& out) {
  DissectFrame(p, len, false, out);
}

void DissectWithFcs(const uint8_t* p, uint32_t len, DissectResult& out) {
  DissectFrame(p, len, true, out);
}

const char* TypeName(uint64_t type) {
  static constexpr const char* kNames[] = {"Management", "Control", "Data", "Extension"};
  return type < 4 ? kNames[type] : nullptr;
}

void WriteFrameControl(const uint8_t* p, Emitter& out) {
  out.Uint("fc", Be16(p));
  out.Uint("type_subtype", uint32_t(TypeOf(p)) << 4 | SubtypeOf(p));
  out.Uint("version", p[0] & 3);
  out.Enum("type", TypeOf(p), TypeName);
  out.Uint("subtype", SubtypeOf(p));
  uint8_t f = p[1];
  out.Uint("flags", f);
  out.Uint("ds", f & 3);
  out.Bool("to_ds", f & kToDs);
  out.Bool("from_ds", f & kFromDs);
  out.Bool("more_frag", f & 0x04);
  out.Bool("retry", f & 0x08);
  out.Bool("pwr_mgt", f & 0x10);
  out.Bool("more_data", f & 0x20);
  out.Bool("protected", f & kProtected);
  out.Bool("order", f & kOrder);
}

// What a data frame's addresses mean, by To DS and From DS: (DA, SA, BSSID) in addresses
// 1 to 3 (indices 0..2, 3 the fourth; -1 absent).
struct Roles {
  int da, sa, bssid;
};
Roles DataRoles(uint8_t ds) {
  static constexpr Roles kRoles[] = {{0, 1, 2}, {2, 1, 0}, {0, 2, 1}, {2, 3, -1}};
  return kRoles[ds & 3];
}

void WriteControlAddresses(const uint8_t* p, uint32_t hdr, Emitter& out) {
  out.Mac("addr1", p + 4);
  if (hdr >= 16) out.Mac("addr2", p + 10);
  uint8_t subtype = SubtypeOf(p);
  if (subtype == kPsPoll) out.Mac("bssid", p + 4);
  out.Mac("ra", p + 4);
  if (hdr < 16) return;
  if (subtype == 14 || subtype == 15) {  // CF-End: the second address is the BSS
    out.Mac("bssid", p + 10);
  } else {
    out.Mac("ta", p + 10);
  }
}

// Addresses 1 to 3 (4), then the sequence control, of management and data frames.
void WriteAddresses(const uint8_t* p, Emitter& out) {
  bool four = FourAddresses(p);
  const uint8_t* addr[4] = {p + 4, p + 10, p + 16, four ? p + 24 : nullptr};
  for (int i = 0; i < (four ? 4 : 3); ++i) {
    char key[] = "addr1";
    key[4] = char('1' + i);
    out.Mac(key, addr[i]);
  }
  Roles r = TypeOf(p) == kData ? DataRoles(p[1]) : Roles{0, 1, 2};
  out.Mac("ra", addr[0]);
  out.Mac("ta", addr[1]);
  out.Mac("da", addr[r.da]);
  out.Mac("sa", addr[r.sa]);
  if (r.bssid >= 0) out.Mac("bssid", addr[r.bssid]);
  out.Uint("seq", Le16(p + 22) >> 4);
  out.Uint("frag", Le16(p + 22) & 0xf);
}

void WriteQos(uint16_t qos, Emitter& out) {
  out.Uint("qos", qos);
  out.Uint("qos_tid", qos & 0xf);
  out.Uint("qos_priority", qos & 0x7);
  out.Bool("qos_eosp", qos & 0x10);
  out.Uint("qos_ack_policy", (qos >> 5) & 3);
  out.Bool("qos_amsdu", qos & kQosAmsdu);
  out.Uint("qos_txop", qos >> 8);
}

// The security header of a protected frame: the key id, and the packet number CCMP
// spreads over bytes 0, 1 and 4 to 7 when the Extended IV bit is set.
void WriteSecurityHeader(const uint8_t* s, uint32_t size, Emitter& out) {
  out.Hex("iv", s, size);
  out.Uint("key_id", s[3] >> 6);
  out.Bool("ext_iv", s[3] & kExtIv);
  if (size < 8) return;
  uint64_t pn = uint64_t(s[0]) | uint64_t(s[1]) << 8 | uint64_t(Le32(s + 4)) << 16;
  out.Uint("pn", pn);
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  uint32_t hdr = HeaderLength(p);
  WriteFrameControl(p, out);
  out.Uint("duration", Le16(p + 2));
  if (TypeOf(p) == kControl && SubtypeOf(p) == kPsPoll) out.Uint("aid", Le16(p + 2) & 0x3fff);
  uint8_t type = TypeOf(p);
  if (type == kManagement || type == kData) {
    WriteAddresses(p, out);
  } else if (type == kControl) {
    WriteControlAddresses(p, hdr, out);
  } else {
    out.Mac("addr1", p + 4);
  }
  if (IsQosData(p)) WriteQos(Le16(p + QosAt(p)), out);
  if ((p[1] & kOrder) && (type == kManagement || IsQosData(p))) out.Uint("htc", Le32(p + hdr - 4));
  // Past the header: a security header, a management body, a control frame's fields.
  bool is_protected = (p[1] & kProtected) != 0 && (type == kData || type == kManagement);
  if (is_protected && l.hdr_len > hdr) WriteSecurityHeader(p + hdr, l.hdr_len - hdr, out);
  if (!is_protected && type == kManagement)
    WriteManagementBody(SubtypeOf(p), p + hdr, l.hdr_len - hdr, out);
  else if (!is_protected && l.hdr_len > hdr)
    out.Hex("data", p + hdr, l.hdr_len - hdr);
  if (l.aux & kAuxFcs) out.Uint("fcs", Le32(p + l.length));
}

constexpr FieldSpec kFields[] = {
    {"fc", kInt, "frame control, its two bytes read big-endian (as tshark shows it)", "wlan.fc"},
    {"type_subtype", kInt, "type << 4 | subtype (0x08 beacon, 0x1d ACK, 0x28 QoS data...)",
     "wlan.fc.type_subtype"},
    {"version", kInt, "protocol version (0)", "wlan.fc.version"},
    {"type", kInt, "0 management, 1 control, 2 data, 3 extension", "wlan.fc.type"},
    {"type_name", kText, "`Management`, `Control`, `Data`, `Extension` (with --names)", nullptr},
    {"subtype", kInt, "the subtype within the type", "wlan.fc.subtype"},
    {"flags", kInt, "the flags byte of the frame control", nullptr},
    {"ds", kInt, "To DS and From DS as a number (0-3)", "wlan.fc.ds"},
    {"to_ds", kBool, "To DS", "wlan.fc.tods"},
    {"from_ds", kBool, "From DS", "wlan.fc.fromds"},
    {"more_frag", kBool, "more fragments follow", "wlan.fc.frag"},
    {"retry", kBool, "a retransmission", "wlan.fc.retry"},
    {"pwr_mgt", kBool, "the sender goes to power-save mode", "wlan.fc.pwrmgt"},
    {"more_data", kBool, "more frames are buffered", "wlan.fc.moredata"},
    {"protected", kBool, "the body is encrypted (then left raw)", "wlan.fc.protected"},
    {"order", kBool, "+HTC/Order: an HT control field is present (QoS data, management)",
     "wlan.fc.order"},
    {"duration", kInt, "duration/ID field, all 16 bits (µs when bit 15 is clear)", nullptr},
    {"aid", kInt, "PS-Poll: the association id (the duration field's low 14 bits)", "wlan.aid"},
    {"addr1", kMac, "address 1", nullptr},
    {"addr2", kMac, "address 2 (absent in CTS and ACK)", nullptr},
    {"addr3", kMac, "address 3 (management, data)", nullptr},
    {"addr4", kMac, "address 4 (data frames with To DS and From DS)", nullptr},
    {"ra", kMac, "receiver address (address 1)", "wlan.ra"},
    {"ta", kMac, "transmitter address (address 2)", "wlan.ta"},
    {"da", kMac, "destination address, by To DS / From DS", "wlan.da"},
    {"sa", kMac, "source address, by To DS / From DS", "wlan.sa"},
    {"bssid", kMac, "the BSS id, by To DS / From DS (absent with both set)", "wlan.bssid"},
    {"seq", kInt, "sequence number", "wlan.seq"},
    {"frag", kInt, "fragment number", "wlan.frag"},
    {"qos", kInt, "QoS control (QoS data subtypes), little-endian", "wlan.qos"},
    {"qos_tid", kInt, "QoS: traffic identifier", "wlan.qos.tid"},
    {"qos_priority", kInt, "QoS: user priority (the TID's low 3 bits)", "wlan.qos.priority"},
    {"qos_eosp", kBool, "QoS: end of service period (bit 4)", nullptr},
    {"qos_ack_policy", kInt, "QoS: ack policy (0 normal, 1 no ack, 2 no explicit, 3 block)",
     "wlan.qos.ack"},
    {"qos_amsdu", kBool, "QoS: the payload is an A-MSDU (left raw)", "wlan.qos.amsdupresent"},
    {"qos_txop", kInt, "QoS: the high byte (TXOP limit, queue size or mesh bits)", nullptr},
    {"htc", kInt, "HT control, little-endian", "wlan.htc"},
    {"iv", kHex, "protected frames: the CCMP/TKIP (8 bytes) or WEP (4) header", nullptr},
    {"key_id", kInt, "protected frames: the key index", "wlan.wep.key"},
    {"ext_iv", kBool, "protected frames: the Extended IV bit (CCMP, TKIP)", nullptr},
    {"pn", kInt, "protected frames with an Extended IV: the packet number as CCMP places it",
     nullptr},
    {"data", kHex, "a control or extension frame's bytes after its addresses", nullptr},
    {"fcs", kInt, "the frame check sequence, when the frame ends in one", "wlan.fcs"},
    {"capabilities", kInt, "management: capability information", "wlan.fixed.capabilities"},
    {"listen_interval", kInt, "(re)association request: listen interval", "wlan.fixed.listen_ival"},
    {"current_ap", kMac, "reassociation request: the current AP", "wlan.fixed.current_ap"},
    {"status_code", kInt, "(re)association response, authentication: status code",
     "wlan.fixed.status_code"},
    {"association_id", kInt, "(re)association response: association id (all 16 bits)", nullptr},
    {"timestamp", kInt, "beacon, probe response: the sender's TSF timer", "wlan.fixed.timestamp"},
    {"beacon_interval", kInt, "beacon, probe response: beacon interval in TUs",
     "wlan.fixed.beacon"},
    {"reason_code", kInt, "disassociation, deauthentication: reason code",
     "wlan.fixed.reason_code"},
    {"auth_algorithm", kInt, "authentication: algorithm (0 open, 1 shared key, 3 SAE...)",
     "wlan.fixed.auth.alg"},
    {"auth_seq", kInt, "authentication: transaction sequence number", "wlan.fixed.auth_seq"},
    {"category", kInt, "action frames: category", "wlan.fixed.category_code"},
    {"action", kHex, "action frames: the action body after the category", nullptr},
    {"body_error", kText, "the body is shorter than its subtype's fixed parameters", nullptr},
    {"body", kHex,
     "a body not read: a reserved subtype's, or one shorter than its fixed "
     "parameters",
     nullptr},
    {"tags", kList, "management: the tagged parameters (elements), in order", nullptr},
    {"tags[].number", kInt, "element id (0 SSID, 1 rates, 3 DS parameters, 221 vendor...)",
     "wlan.tag.number"},
    {"tags[].length", kInt, "element length", "wlan.tag.length"},
    {"tags[].ssid", kText, "SSID: the network name (when it is UTF-8; else `data`)", nullptr},
    {"tags[].rates", kList, "supported rates (element 1)", nullptr},
    {"tags[].rates[]", kInt, "a rate in 500 kb/s units, bit 7 set for a basic rate",
     "wlan.supported_rates"},
    {"tags[].extended_rates", kList, "extended supported rates (element 50)", nullptr},
    {"tags[].extended_rates[]", kInt, "a rate in 500 kb/s units, bit 7 set for a basic rate",
     "wlan.extended_supported_rates"},
    {"tags[].channel", kInt, "DS parameter set: the current channel", "wlan.ds.current_channel"},
    {"tags[].data", kHex, "the value of another element", nullptr},
    {"tags[].error", kText, "the element's header is cut, or it runs past the frame: the list ends",
     nullptr},
};

constexpr const char* kSummary =
    "*(extension)* IEEE 802.11 (link type 105: no FCS; after radiotap or PPI, with its FCS "
    "when their flags say so). Data frames carry LLC, except protected ones (the payload is "
    "`raw` after the security header), A-MSDUs (`raw`) and those with no data (Null, QoS "
    "Null). A management frame's body is in the layer; a tagged parameter running past the "
    "frame ends the list with an `error` entry. A frame shorter than its type's header is "
    "`raw` with an error.";

}  // namespace

const Registration kRegistration("wlan", [](Registry& r) {
  // Two registry entries, one layout: the second ends in its FCS.
  r.Add({.name = "802.11",
         .key = "wlan",
         .layer = LayerLevel::kLink,
         .dissect = DissectWithoutFcs,
         .write = Write,
         .fields = kFields,
         .summary = kSummary},
        {{Table::kLinkType, kLinkTypeWlan}, {Table::kRadioFrame, 0}});
  r.Add({.name = "802.11",
         .key = "wlan",
         .layer = LayerLevel::kLink,
         .dissect = DissectWithFcs,
         .write = Write,
         .fields = kFields,
         .summary = kSummary},
        {{Table::kRadioFrame, 1}});
});

}  // namespace pcapkit::protocols
