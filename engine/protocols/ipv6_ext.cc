#include "engine/protocols/ipv6_ext.h"

#include <array>

namespace pcapkit::protocols {

void DissectExtensionHeader(const uint8_t* p, uint32_t len, DissectResult& out, const char* error) {
  if (len < 2 || len < (uint32_t(p[1]) + 1) * 8) {
    out.error = error;
    return;
  }
  Carry(out, (uint32_t(p[1]) + 1) * 8, len, Table::kIpProto, p[0]);
}

static const char* TlvName(uint8_t type) {
  switch (type) {
    case 0x00:
      return "Pad1";
    case 0x01:
      return "PadN";
    case 0x04:
      return "TunnelEncapLimit";
    case 0x05:
      return "RouterAlert";
    case 0x07:
      return "CALIPSO";
    case 0x26:
      return "QuickStart";
    case 0x63:
      return "RPL";
    case 0xc2:
      return "Jumbo";
    case 0xc9:
      return "HomeAddress";
    default:
      return nullptr;
  }
}

// The fields of one option's value (RFC 8200 §4.2 and the RFCs each type names).
static void WriteOptionValue(uint8_t type, const uint8_t* v, uint32_t vlen, Emitter& out) {
  if (type == 0xc2 && vlen == 4) {
    out.Uint("payload_len", Be32(v));
  } else if (type == 0x05 && vlen == 2) {
    out.Uint("value", Be16(v));
  } else if (type == 0x04 && vlen == 1) {
    out.Uint("limit", v[0]);
  } else if (type == 0xc9 && vlen == 16) {
    out.Ipv6("address", v);
  } else if (type == 0x07 && vlen >= 8 && vlen == 8u + v[4] * 4u) {  // CALIPSO, RFC 5570
    out.Uint("doi", Be32(v));
    out.Uint("compartment_len", v[4] * 4u);
    out.Uint("sensitivity", v[5]);
    out.Uint("checksum", Be16(v + 6));
    out.Hex("compartments", v + 8, v[4] * 4u);
  } else if (type == 0x26 && vlen == 6) {  // quick-start, RFC 4782
    out.Uint("func", v[0] >> 4);
    out.Uint("rate", v[0] & 15);
    out.Uint("qs_ttl", v[1]);
    out.Uint("nonce", Be32(v + 2) >> 2);
    out.Uint("reserved", v[5] & 3);
  } else if (type != 0x01 || !AllZero(v, vlen)) {  // PadN's zeros go without saying
    out.Hex("data", v, vlen);
  }
}

void WriteTlvOptionsHeader(const LayerContext& l, Emitter& out) {
  out.Uint("next", l.p[0]);
  out.Uint("length", l.hdr_len);
  out.BeginArray("options");
  util::TlvCursor options(l.p + 2, l.hdr_len - 2, kIpv6OptionLayout);
  util::TlvEntry o;
  while (options.Next(o)) {
    uint8_t type = uint8_t(o.type);
    out.BeginObject();
    out.Uint("type", type);
    if (const char* name = TlvName(type)) out.Plain("name", name);
    if (o.error != util::TlvError::kNone) {
      out.Plain("error", "option overruns the header");
      out.Hex("rest", o.header + 1, l.hdr_len - 2 - o.offset - 1);
    } else if (type != 0) {  // Pad1 is its type alone
      out.Uint("len", o.value_len);
      WriteOptionValue(type, o.value, o.value_len, out);
    }
    out.EndObject();
  }
  out.EndArray();
}

namespace {

// Hop-by-Hop and Destination Options differ only in tshark's names of their own two fields
// (ipv6.hopopts.*, ipv6.dstopts.*); tshark names the options of both ipv6.opt.*.
constexpr std::array<FieldSpec, 23> TlvFields(const char* tshark_next, const char* tshark_length) {
  return {{
      {"next", kInt, "next header", tshark_next},
      {"length", kInt, "bytes of the whole header", tshark_length},
      {"options", kList, "one entry per option", nullptr},
      {"options[].type", kInt, "option type", "ipv6.opt.type"},
      {"options[].name", kText,
       "Pad1, PadN, TunnelEncapLimit, RouterAlert, CALIPSO, QuickStart, RPL, Jumbo or "
       "HomeAddress (absent for other types)",
       nullptr},
      {"options[].error", kText, "an option past the header: the list's last entry", nullptr},
      {"options[].rest", kHex, "an option past the header: the header's bytes after its type",
       nullptr},
      {"options[].len", kInt, "bytes of the value (not for Pad1)", "ipv6.opt.length"},
      {"options[].payload_len", kInt, "Jumbo: the jumbo payload length", "ipv6.opt.jumbo"},
      {"options[].value", kInt, "RouterAlert: the value", "ipv6.opt.router_alert"},
      {"options[].limit", kInt, "TunnelEncapLimit: the limit", "ipv6.opt.tel"},
      {"options[].address", kIpv6, "HomeAddress: the home address", "ipv6.opt.mipv6.home_address"},
      {"options[].doi", kInt, "CALIPSO: domain of interpretation", nullptr},
      {"options[].compartment_len", kInt, "CALIPSO: bytes of the compartment bitmap", nullptr},
      {"options[].sensitivity", kInt, "CALIPSO: sensitivity level", nullptr},
      {"options[].checksum", kInt, "CALIPSO: checksum", nullptr},
      {"options[].compartments", kHex, "CALIPSO: the compartment bitmap", nullptr},
      {"options[].func", kInt, "QuickStart: function", nullptr},
      {"options[].rate", kInt, "QuickStart: rate request or report", nullptr},
      {"options[].qs_ttl", kInt, "QuickStart: TTL", nullptr},
      {"options[].nonce", kInt, "QuickStart: nonce", nullptr},
      {"options[].reserved", kInt, "QuickStart: the 2 bits after the nonce", nullptr},
      {"options[].data", kHex,
       "RPL and other types: the value; PadN: its padding, when not all zero", nullptr},
  }};
}

constexpr auto kHopByHopFields = TlvFields("ipv6.hopopts.nxt", "ipv6.hopopts.len_oct");
constexpr auto kDestinationFields = TlvFields("ipv6.dstopts.nxt", "ipv6.dstopts.len_oct");

}  // namespace

std::span<const FieldSpec> TlvOptionsHeaderFields(TlvOptionsHeader which) {
  if (which == TlvOptionsHeader::kHopByHop) return kHopByHopFields;
  return kDestinationFields;
}

const char* const kTlvOptionsHeaderSummary =
    "Extension headers follow the `ipv6` layer as layers of their own, nested in wire order. A "
    "malformed option ends `options` with an entry carrying `error`.";

}  // namespace pcapkit::protocols
