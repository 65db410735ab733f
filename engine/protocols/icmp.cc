// ICMP (RFC 792). Error messages quote the offending IPv4 header and the first bytes of
// its payload; that quote is dispatched as an IPv4 packet (by the IP-version table), so
// it nests as `ipv4` inside `icmp`, bounded by what was captured.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

bool IsError(uint8_t type) {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}
bool HasIdSeq(uint8_t type) {
  return type == 0 || type == 8 || (type >= 13 && type <= 18);
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4) {
    out.error = "ICMP: header truncated";
    return;
  }
  uint8_t type = p[0];
  if ((IsError(type) || HasIdSeq(type)) && len < 8) {
    out.error = "ICMP: header truncated";
    return;
  }
  uint32_t hdr = (IsError(type) || HasIdSeq(type)) ? 8 : 4;
  Carry(out, hdr, len, IsError(type) ? Table::kIpVersion : Table::kNone, 4);
}

void Write(const LayerContext& l, Emitter& out) {
  Icmp icmp(l.p, l.length, l.hdr_len);
  uint8_t type = icmp.type();
  out.Enum("type", type, IcmpTypeName);
  out.Uint("code", icmp.code());
  out.Uint("checksum", icmp.checksum());
  if (l.hdr_len < 8) return;
  const uint8_t* v = l.p + 4;
  if (HasIdSeq(type)) {
    out.Uint("id", Be16(v));
    out.Uint("seq", Be16(v + 2));
  } else if (type == 3 && icmp.code() == 4) {
    out.Uint("unused", Be16(v));
    out.Uint("mtu", Be16(v + 2));
  } else if (type == 5) {
    out.Ipv4("gateway", v);
  } else if (type == 12) {
    out.Uint("pointer", v[0]);
    out.Uint("unused", Be32(v) & 0xffffff);
  } else if (IsError(type)) {
    out.Uint("unused", Be32(v));
  }
}

constexpr FieldSpec kFields[] = {
    {"type", kInt, "message type", "icmp.type"},
    {"type_name", kText, "`Echo Request`, `Destination Unreachable`, … (with --names)"},
    {"code", kInt, "message code", "icmp.code"},
    {"checksum", kInt, "as on the wire", "icmp.checksum"},
    {"id", kInt, "echo, timestamp, information and address-mask messages: identifier",
     "icmp.ident"},
    {"seq", kInt, "echo, timestamp, information and address-mask messages: sequence number",
     "icmp.seq"},
    {"mtu", kInt, "next-hop MTU (destination unreachable, code 4)", nullptr},
    {"gateway", kIpv4, "redirect: the gateway to use", nullptr},
    {"pointer", kInt, "parameter problem: offset of the bad byte", nullptr},
    {"unused", kInt,
     "error messages but redirects: the bits of the second word the fields above leave out, "
     "as on the wire (0 as a rule)",
     nullptr},
};

}  // namespace

const Registration kRegistration("icmp", [](Registry& r) {
  r.Add({.id = ProtocolId::kIcmp,
         .name = "ICMP",
         .key = "icmp",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary =
             "Error messages (types 3, 4, 5, 11, 12) carry the quoted datagram as a nested `ipv4` "
             "layer (usually truncated: its transport header may end as `raw` with an error)."},
        {{Table::kIpProto, 1}});
});

}  // namespace pcapkit::protocols
