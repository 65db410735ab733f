// GRE (RFC 2784/2890) and PPTP's enhanced GRE (RFC 2637, version 1): the optional
// checksum, key, sequence and acknowledgement fields, then the payload by EtherType
// (0x0800 IPv4, 0x6558 Ethernet, 0x880b PPP, ...); ERSPAN type I's frame directly.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4) {
    out.error = "GRE: header truncated";
    return;
  }
  uint16_t flags = Be16(p);
  uint32_t version = flags & 7;
  if (version > 1) {
    out.error = "GRE: unknown version";
    return;
  }
  uint32_t hdr = 4;
  if (flags & 0x8000 || flags & 0x4000) hdr += 4;  // checksum (+ offset with routing)
  if (flags & 0x2000) hdr += 4;                    // key
  if (flags & 0x1000) hdr += 4;                    // sequence number
  if (version == 1 && (flags & 0x0080)) hdr += 4;  // acknowledgement number
  if (hdr > len) {
    out.error = "GRE: header truncated";
    return;
  }
  // ERSPAN type I (0x88BE under a GRE header with no flags) has no header of its own: the
  // mirrored Ethernet frame follows directly (erspan.cc reads types II and III).
  if (flags == 0 && Be16(p + 2) == 0x88be) {
    Carry(out, hdr, len, Table::kLinkType, 1);
    return;
  }
  Carry(out, hdr, len, Table::kEtherType, Be16(p + 2));
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  uint16_t flags = Be16(p);
  uint32_t version = flags & 7;
  out.BeginObject("flags");
  out.Bool("checksum", (flags & 0x8000) != 0);
  out.Bool("routing", (flags & 0x4000) != 0);
  out.Bool("key", (flags & 0x2000) != 0);
  out.Bool("seq", (flags & 0x1000) != 0);
  out.Bool("strict", (flags & 0x0800) != 0);
  if (version == 1) out.Bool("ack", (flags & 0x0080) != 0);
  out.EndObject();
  out.Uint("recursion", flags >> 8 & 7);
  out.Uint("reserved", flags >> 3 & (version == 1 ? 0x0f : 0x1f));
  out.Uint("version", version);
  out.Uint("protocol", Be16(p + 2));
  uint32_t pos = 4;
  if (flags & 0x8000 || flags & 0x4000) {
    out.Uint("checksum", Be16(p + pos));
    out.Uint("offset", Be16(p + pos + 2));
    pos += 4;
  }
  if (flags & 0x2000) {
    if (version == 1) {
      out.Uint("payload_len", Be16(p + pos));
      out.Uint("call_id", Be16(p + pos + 2));
    } else {
      out.Uint("key", Be32(p + pos));
    }
    pos += 4;
  }
  if (flags & 0x1000) {
    out.Uint("seq", Be32(p + pos));
    pos += 4;
  }
  if (version == 1 && (flags & 0x0080)) out.Uint("ack", Be32(p + pos));
}

constexpr FieldSpec kFields[] = {
    {"flags", kObject, "which optional fields follow", nullptr},
    {"flags.checksum", kBool, "checksum present", nullptr},
    {"flags.routing", kBool, "routing present (RFC 1701)", nullptr},
    {"flags.key", kBool, "key present", nullptr},
    {"flags.seq", kBool, "sequence number present", nullptr},
    {"flags.strict", kBool, "strict source route", nullptr},
    {"flags.ack", kBool, "version 1: acknowledgement number present", nullptr},
    {"recursion", kInt, "recursion control (RFC 1701), as on the wire", nullptr},
    {"reserved", kInt, "the flag bits between `recursion` and `version` that `flags` do not name",
     nullptr},
    {"version", kInt, "0, or 1 for PPTP", nullptr},
    {"protocol", kInt, "EtherType of the payload", "gre.proto"},
    {"checksum", kInt, "as on the wire", nullptr},
    {"offset", kInt,
     "with the checksum or routing: the offset field (RFC 1701; reserved in RFC 2784)", nullptr},
    {"key", kInt, "version 0: key", "gre.key"},
    {"payload_len", kInt, "version 1 (PPTP): payload length, bytes", nullptr},
    {"call_id", kInt, "version 1 (PPTP): call id", nullptr},
    {"seq", kInt, "sequence number", "gre.sequence_number"},
    {"ack", kInt, "version 1: acknowledgement number", nullptr},
};

}  // namespace

const Registration kRegistration("gre", [](Registry& r) {
  r.Add({.name = "GRE",
         .key = "gre",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "Version 0 (RFC 2784/2890) and PPTP's enhanced GRE (version 1, RFC 2637). Each "
                    "field after `protocol` is present when the wire has it, as `flags` say. "
                    "ERSPAN type I (protocol 0x88BE, no flags) carries its Ethernet frame "
                    "directly."},
        {{Table::kIpProto, 47}});
});

}  // namespace pcapkit::protocols
