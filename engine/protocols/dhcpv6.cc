// DHCPv6 (RFC 8415), UDP ports 546/547: message type, transaction id (or, for relay
// messages, hop count and the link and peer addresses), then the options.
#include "engine/protocols/common.h"
#include "engine/util/tlv.h"

namespace pcapkit::protocols {
namespace {

bool IsRelay(uint8_t type) {
  return type == 12 || type == 13;
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4 || (IsRelay(p[0]) && len < 34)) {
    out.error = "DHCPv6: header truncated";
    return;
  }
  Carry(out, len, len, Table::kNone, 0);
}

// Options that hold options of their own after fixed fields: IA_NA (3), IA_TA (4),
// IAADDR (5), IA_PD (25), IAPREFIX (26). Returns the fixed length, or -1.
int Container(uint16_t code) {
  switch (code) {
    case 3:
    case 25:
      return 12;
    case 4:
      return 4;
    case 5:
      return 24;
    case 26:
      return 25;
    default:
      return -1;
  }
}

// RFC 8415 §21.1: option code and length of the value, two bytes each.
constexpr util::TlvLayout kOptionLayout = {.type_size = 2, .length_at = 2, .length_size = 2};

void Options(const uint8_t* p, uint32_t n, int depth, Emitter& out);

// One sound option: its length, and its value — for containers, the fixed part as `data`
// and the options after it, nested up to 4 deep.
void OptionValue(uint16_t code, const uint8_t* v, uint32_t vlen, int depth, Emitter& out) {
  out.Uint("len", vlen);
  int fixed = Container(code);
  if (code == 5 && vlen >= 24) out.Ipv6("address", v);
  if (fixed >= 0 && vlen >= uint32_t(fixed) && depth < 4) {
    out.Hex("data", v, uint32_t(fixed));
    Options(v + fixed, vlen - uint32_t(fixed), depth + 1, out);
  } else {
    out.Hex("data", v, vlen);
  }
}

void Options(const uint8_t* p, uint32_t n, int depth, Emitter& out) {
  out.BeginArray("options");
  util::TlvCursor options(p, n, kOptionLayout);
  util::TlvEntry o;
  while (options.Next(o)) {
    out.BeginObject();
    out.Uint("code", o.type);
    if (o.error != util::TlvError::kNone)
      out.Plain("error", "option runs past the message");
    else
      OptionValue(uint16_t(o.type), o.value, o.value_len, depth, out);
    out.EndObject();
  }
  out.EndArray();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("msg_type", p[0]);
  uint32_t pos;
  if (IsRelay(p[0])) {
    out.Uint("hop_count", p[1]);
    out.Ipv6("link_address", p + 2);
    out.Ipv6("peer_address", p + 18);
    pos = 34;
  } else {
    out.Uint("xid", uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]);
    pos = 4;
  }
  Options(p + pos, l.hdr_len - pos, 0, out);
}

// The members of one level of options. IA_NA, IA_TA, IA_PD, IAADDR and IAPREFIX hold a
// level of their own after their fixed part, down to 4 levels below the message's.
// clang-format off
#define PCAPKIT_DHCPV6_OPTION_FIELDS(list, code_tshark)                                   \
  {list, kList, "one entry per option", nullptr},                                         \
  {list "[].code", kInt, "option code", code_tshark},                                     \
  {list "[].error", kText, "an option past the message: the list's last entry", nullptr}, \
  {list "[].len", kInt, "bytes of the value", nullptr},                                   \
  {list "[].address", kIpv6, "IAADDR: the address", nullptr},                             \
  {list "[].data", kHex,                                                                  \
   "the value; for IA_NA, IA_TA, IA_PD, IAADDR and IAPREFIX the fixed part", nullptr}
// clang-format on

constexpr FieldSpec kFields[] = {
    {"msg_type", kInt, "message type", "dhcpv6.msgtype"},
    {"hop_count", kInt, "relay messages: hop count", nullptr},
    {"link_address", kIpv6, "relay messages: link address", nullptr},
    {"peer_address", kIpv6, "relay messages: peer address", nullptr},
    {"xid", kInt, "transaction id (not in relay messages)", "dhcpv6.xid"},
    // tshark lists every level's codes, depth first, under one field.
    PCAPKIT_DHCPV6_OPTION_FIELDS("options", "dhcpv6.option.type"),
    PCAPKIT_DHCPV6_OPTION_FIELDS("options[].options", nullptr),
    PCAPKIT_DHCPV6_OPTION_FIELDS("options[].options[].options", nullptr),
    PCAPKIT_DHCPV6_OPTION_FIELDS("options[].options[].options[].options", nullptr),
    PCAPKIT_DHCPV6_OPTION_FIELDS("options[].options[].options[].options[].options", nullptr),
};

#undef PCAPKIT_DHCPV6_OPTION_FIELDS

}  // namespace

const Registration kRegistration("dhcpv6", [](Registry& r) {
  r.Add({.name = "DHCPv6",
         .key = "dhcpv6",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The message type and transaction id (or, for relay messages, hop count "
                    "and the link and peer addresses), then the options; IA_NA, IA_TA, IA_PD, "
                    "IAADDR and IAPREFIX nest the `options` that follow their fixed part. A "
                    "malformed option ends its `options` with an entry carrying `error`."},
        {{Table::kUdpPort, 546}, {Table::kUdpPort, 547}});
});

}  // namespace pcapkit::protocols
