// Linux NFLOG (LINKTYPE_NFLOG 239): what the kernel's nfnetlink_log hands to a listener.
// A 4-byte header (address family, version 0, big-endian resource id: the NFLOG group),
// then netlink attributes (TLVs): a 16-bit length that counts the 4-byte TLV header, a
// 16-bit type whose top two bits are netlink flags, each TLV padded to 4 bytes. Length
// and type are in the capturing host's byte order (their values are in network order):
// the list is read little-endian when it reads cleanly so, else big-endian when that
// does. The packet is the value of the NFULA_PAYLOAD TLV, an IPv4 or IPv6 packet by the
// header's family; the kernel puts it last, and TLVs after it are reported too (aux
// keeps where the list ends, past the payload the layer's span stops at).
#include <iterator>

#include "engine/protocols/common.h"
#include "engine/protocols/sll_address.h"
#include "engine/util/tlv.h"

namespace pcapkit::protocols {
namespace {

using util::TlvCursor;
using util::TlvEntry;
using util::TlvError;

constexpr uint32_t kBigEndian = 1u << 31;      // aux: the TLV headers are big-endian
constexpr uint32_t kEndMask = kBigEndian - 1;  // aux: where the TLV list ends
constexpr uint32_t kTypeMask = 0x7fff;         // tshark's; 0x8000 is NLA_F_NESTED
constexpr uint32_t kPayload = 9;
constexpr uint8_t kAfInet = 2, kAfInet6 = 10;

constexpr util::TlvLayout Layout(bool big_endian) {
  return {.type_at = 2,
          .type_size = 2,
          .length_at = 0,
          .length_size = 2,
          .length_counts = util::TlvLength::kEntry,
          .align = 4,
          .big_endian = big_endian,
          .cut_header_is_error = true};
}

// True when every TLV of the list reads in this byte order with a plausible type (the
// kernel's are below 0x100).
bool ReadsCleanly(const uint8_t* list, uint32_t n, bool big_endian) {
  TlvCursor c(list, n, Layout(big_endian));
  TlvEntry e;
  while (c.Next(e))
    if (e.error != TlvError::kNone || (e.type & 0x3fff) >= 0x100) return false;
  return true;
}

bool BigEndian(const uint8_t* list, uint32_t n) {
  return !ReadsCleanly(list, n, false) && ReadsCleanly(list, n, true);
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4) {
    out.error = "NFLOG: header truncated";
    return;
  }
  if (p[1] != 0) {
    out.error = "NFLOG: unknown version";
    return;
  }
  bool big = BigEndian(p + 4, len - 4);
  Carry(out, len, len, Table::kNone, 0);  // no payload TLV: all header
  TlvCursor c(p + 4, len - 4, Layout(big));
  TlvEntry e;
  while (c.Next(e)) {
    if (e.error != TlvError::kNone || (e.type & kTypeMask) != kPayload) continue;
    uint32_t at = uint32_t(e.value - p);
    uint32_t key = p[0] == kAfInet ? 4 : p[0] == kAfInet6 ? 6 : 0;
    Carry(out, at, at + e.value_len, key ? Table::kIpVersion : Table::kNone, key);
    break;
  }
  out.aux = (big ? kBigEndian : 0) | (len & kEndMask);
}

uint16_t Load16(const uint8_t* p, bool big_endian) {
  return big_endian ? Be16(p) : uint16_t(p[1] << 8 | p[0]);
}

uint64_t Be64(const uint8_t* p) {
  return uint64_t(Be32(p)) << 32 | Be32(p + 4);
}

const char* TlvName(uint64_t type) {
  static constexpr const char* kNames[] = {"UNSPEC",
                                           "PACKET_HDR",
                                           "MARK",
                                           "TIMESTAMP",
                                           "IFINDEX_INDEV",
                                           "IFINDEX_OUTDEV",
                                           "IFINDEX_PHYSINDEV",
                                           "IFINDEX_PHYSOUTDEV",
                                           "HWADDR",
                                           "PAYLOAD",
                                           "PREFIX",
                                           "UID",
                                           "SEQ",
                                           "SEQ_GLOBAL",
                                           "GID",
                                           "HWTYPE",
                                           "HWHEADER",
                                           "HWLEN",
                                           "CT",
                                           "CT_INFO",
                                           "VLAN",
                                           "L2HDR"};
  return type < std::size(kNames) ? kNames[type] : nullptr;
}

// The member a 4-byte big-endian value is written as; null for other types.
const char* Uint32Member(uint32_t type) {
  switch (type) {
    case 2:
      return "mark";
    case 4:
      return "indev";
    case 5:
      return "outdev";
    case 6:
      return "physindev";
    case 7:
      return "physoutdev";
    case 11:
      return "uid";
    case 12:
      return "seq";
    case 13:
      return "seq_global";
    case 14:
      return "gid";
  }
  return nullptr;
}

// Writes the value of a TLV the kernel gives a fixed layout; false when it is of another
// type or size (its value is then written as hex).
bool WriteKnownValue(uint32_t type, const uint8_t* v, uint32_t n, Emitter& out) {
  if (const char* name = Uint32Member(type); name != nullptr && n == 4) {
    out.Uint(name, Be32(v));
  } else if (type == 1 && n == 4) {  // struct nfulnl_msg_packet_hdr
    out.Uint("hw_protocol", Be16(v));
    out.Uint("hook", v[2]);
    out.Uint("pad", v[3]);
  } else if (type == 3 && n == 16) {  // struct nfulnl_msg_packet_timestamp
    out.Uint("sec", Be64(v));
    out.Uint("usec", Be64(v + 8));
  } else if (type == 8 && n == 12) {  // struct nfulnl_msg_packet_hw
    uint32_t alen = Be16(v);
    out.Uint("hwaddr_len", alen);
    out.Uint("hwaddr_pad", Be16(v + 2));
    WriteSllAddress(v + 4, alen, out);  // the same 8-byte field as SLL's
  } else if (type == 10 && n >= 1) {    // NUL-terminated
    uint32_t text = 0;
    while (text < n && v[text] != 0) ++text;
    out.Text("prefix", std::string_view(reinterpret_cast<const char*>(v), text));
  } else if ((type == 15 || type == 17) && n == 2) {
    out.Uint(type == 15 ? "hwtype" : "hwlen", Be16(v));
  } else if (type == 16) {
    out.Hex("hwheader", v, n);
  } else {
    return type == kPayload;  // the payload is the next layer
  }
  return true;
}

const char* ErrorText(TlvError e) {
  switch (e) {
    case TlvError::kHeaderCut:
      return "TLV header cut by the end of the frame";
    case TlvError::kBadLength:
      return "TLV length below its 4-byte header";
    default:
      return "TLV runs past the end of the frame";
  }
}

void WriteTlv(const TlvEntry& e, uint32_t room, bool big, Emitter& out) {
  out.BeginObject();
  out.Enum("type", e.type & kTypeMask, TlvName);
  if (e.type & ~kTypeMask) out.Bool("nested", true);
  if (room >= 4) out.Uint("length", Load16(e.header, big));
  if (e.error != TlvError::kNone) {
    out.Plain("error", ErrorText(e.error));
  } else if (!WriteKnownValue(e.type & kTypeMask, e.value, e.value_len, out) && e.value_len > 0) {
    out.Hex("value", e.value, e.value_len);
  }
  out.EndObject();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  bool big = (l.aux & kBigEndian) != 0;
  // Dissect checked the list to its end (the end of the frame): TLVs after the payload
  // lie past the layer's span, within the frame.
  uint32_t end = l.aux & kEndMask;
  out.Uint("family", p[0]);
  out.Uint("version", p[1]);
  out.Uint("resource_id", Be16(p + 2));
  out.Plain("byte_order", big ? "big" : "little");
  out.BeginArray("tlvs");
  TlvCursor c(p + 4, end - 4, Layout(big));
  TlvEntry e;
  while (c.Next(e)) WriteTlv(e, end - 4 - e.offset, big, out);
  out.EndArray();
  // 1 to 3 bytes after the last TLV: too short for a header.
  if (c.error() == TlvError::kNone && c.offset() < end - 4)
    out.Hex("trailing", p + 4 + c.offset(), end - 4 - c.offset());
}

constexpr FieldSpec kFields[] = {
    {"family", kInt, "address family of the payload: 2 IPv4, 10 IPv6", "nflog.family"},
    {"version", kInt, "nfnetlink version (0)", "nflog.version"},
    {"resource_id", kInt, "the NFLOG group, big-endian", "nflog.res_id"},
    {"byte_order", kText,
     "`little` or `big`: the order of the TLV headers (the capturing host's), the one the list "
     "reads cleanly in, little-endian first",
     nullptr},
    {"tlvs", kList, "the TLVs, in order (NFULA_PAYLOAD's value is the next layer)", nullptr},
    {"tlvs[].type", kInt,
     "NFULA_* type without the NLA_F_NESTED bit (0x8000), as tshark shows it: 1 PACKET_HDR, 9 "
     "PAYLOAD, 10 PREFIX...",
     "nflog.tlv_type"},
    {"tlvs[].type_name", kText, "`PACKET_HDR`, `PAYLOAD`, `PREFIX`, … (with --names)", nullptr},
    {"tlvs[].nested", kBool, "true when the type's NLA_F_NESTED bit (0x8000) is set", nullptr},
    {"tlvs[].length", kInt, "the length field: header and value, padding not counted",
     "nflog.tlv_length"},
    {"tlvs[].hw_protocol", kInt, "PACKET_HDR: the packet's EtherType", "nflog.protocol"},
    {"tlvs[].hook", kInt, "PACKET_HDR: the netfilter hook (0 prerouting, 1 input, ...)",
     "nflog.hook"},
    {"tlvs[].pad", kInt, "PACKET_HDR: its padding byte", nullptr},
    {"tlvs[].mark", kInt, "MARK: the packet's mark", nullptr},
    {"tlvs[].sec", kInt, "TIMESTAMP: seconds", nullptr},
    {"tlvs[].usec", kInt, "TIMESTAMP: microseconds", nullptr},
    {"tlvs[].indev", kInt, "IFINDEX_INDEV: input interface index", "nflog.ifindex_indev"},
    {"tlvs[].outdev", kInt, "IFINDEX_OUTDEV: output interface index", "nflog.ifindex_outdev"},
    {"tlvs[].physindev", kInt, "IFINDEX_PHYSINDEV: physical input interface (bridge)",
     "nflog.ifindex_physindev"},
    {"tlvs[].physoutdev", kInt, "IFINDEX_PHYSOUTDEV: physical output interface (bridge)",
     "nflog.ifindex_physoutdev"},
    {"tlvs[].hwaddr_len", kInt, "HWADDR: address length", nullptr},
    {"tlvs[].hwaddr_pad", kInt, "HWADDR: the 2 padding bytes after the length", nullptr},
    {"tlvs[].addr", kMac | kHex, "HWADDR: MAC when the length is 6, else hex (at most 8 bytes)",
     nullptr},
    {"tlvs[].addr_rest", kHex,
     "HWADDR: the bytes of the 8-byte address field past its length (absent when all zero)",
     nullptr},
    {"tlvs[].prefix", kText, "PREFIX: the log prefix, to its NUL", "nflog.prefix"},
    {"tlvs[].uid", kInt, "UID: the sending socket's user", "nflog.uid"},
    {"tlvs[].gid", kInt, "GID: the sending socket's group", "nflog.gid"},
    {"tlvs[].seq", kInt, "SEQ: sequence number in the group", nullptr},
    {"tlvs[].seq_global", kInt, "SEQ_GLOBAL: global sequence number", nullptr},
    {"tlvs[].hwtype", kInt, "HWTYPE: link-layer type (ARPHRD_*)", nullptr},
    {"tlvs[].hwlen", kInt, "HWLEN: link-layer header length", nullptr},
    {"tlvs[].hwheader", kHex, "HWHEADER: the link-layer header", nullptr},
    {"tlvs[].value", kHex,
     "the value of a TLV of another type (CT, CT_INFO, VLAN, L2HDR...) or of an unexpected size",
     nullptr},
    {"tlvs[].error", kText,
     "the TLV's length is below 4 or runs past the frame, or its header is cut: the list ends",
     nullptr},
    {"trailing", kHex, "bytes after the last TLV too few for a TLV header", nullptr},
};

}  // namespace

const Registration kRegistration("nflog", [](Registry& r) {
  r.Add({.name = "NFLOG",
         .key = "nflog",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "*(extension)* Linux netfilter log (link type 239). The value of the "
                    "NFULA_PAYLOAD TLV is the next layer, IPv4 or IPv6 by `family` (another "
                    "family leaves it `raw`); without one the layer is all header. A frame "
                    "shorter than 4 bytes, or of a version other than 0, is `raw` with an "
                    "error; a TLV whose length is below 4 or runs past the frame ends the list "
                    "with an `error` entry."},
        {{Table::kLinkType, 239}});
});

}  // namespace pcapkit::protocols
