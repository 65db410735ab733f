// Mobility Header (RFC 6275), IP protocol 135: the header, the fields of each message
// type (binding refresh request, home/care-of test init and test, binding update,
// acknowledgement and error) and the mobility options that follow them.
#include "engine/protocols/ipv6_ext.h"

namespace pcapkit::protocols {
namespace {

// Bytes of fixed message data after the 6-byte header, per MH type.
uint32_t Fixed(uint8_t type) {
  switch (type) {
    case 0:
      return 2;  // binding refresh request
    case 1:
    case 2:
      return 10;  // HoTI, CoTI
    case 3:
    case 4:
      return 18;  // HoT, CoT
    case 5:
      return 6;  // binding update
    case 6:
      return 6;  // binding acknowledgement
    case 7:
      return 18;  // binding error
    default:
      return 0;
  }
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 6) {
    out.error = "MH: header truncated";
    return;
  }
  uint32_t hdr = (uint32_t(p[1]) + 1) * 8;
  if (hdr > len || hdr < 6 + Fixed(p[2])) {
    out.error = "MH: header length out of range";
    return;
  }
  Carry(out, hdr, len, Table::kIpProto, p[0]);
}

// The fixed fields of each message type, at m (after the 6-byte header).
void WriteMessage(uint8_t type, const uint8_t* m, Emitter& out) {
  switch (type) {
    case 0:
      out.Uint("message_reserved", Be16(m));
      break;
    case 1:
    case 2:
      out.Uint("message_reserved", Be16(m));
      out.Hex("cookie", m + 2, 8);
      break;
    case 3:
    case 4:
      out.Uint("nonce_index", Be16(m));
      out.Hex("cookie", m + 2, 8);
      out.Hex("token", m + 10, 8);
      break;
    case 5:
      out.Uint("seq", Be16(m));
      out.BeginObject("flags");
      out.Bool("a", m[2] & 0x80);
      out.Bool("h", m[2] & 0x40);
      out.Bool("l", m[2] & 0x20);
      out.Bool("k", m[2] & 0x10);
      out.EndObject();
      out.Uint("message_reserved", Be16(m + 2) & 0xfff);
      out.Uint("lifetime", Be16(m + 4));
      break;
    case 6:
      out.Uint("status", m[0]);
      out.Bool("k", m[1] & 0x80);
      out.Uint("message_reserved", m[1] & 0x7f);
      out.Uint("seq", Be16(m + 2));
      out.Uint("lifetime", Be16(m + 4));
      break;
    case 7:
      out.Uint("status", m[0]);
      out.Uint("message_reserved", m[1]);
      out.Ipv6("home_address", m + 2);
      break;
  }
}

// The fields of one mobility option's value: RFC 6275 §6.2 and RFC 3963 §4.3.
void WriteOptionValue(uint8_t type, const uint8_t* v, uint32_t vlen, Emitter& out) {
  if (type == 2 && vlen == 2) {
    out.Uint("refresh_interval", Be16(v));  // binding refresh advice, 4-second units
  } else if (type == 3 && vlen == 16) {
    out.Ipv6("alternate_coa", v);
  } else if (type == 4 && vlen == 4) {
    out.Uint("home_nonce_index", Be16(v));
    out.Uint("careof_nonce_index", Be16(v + 2));
  } else if (type == 5) {
    out.Hex("authenticator", v, vlen);
  } else if (type == 6 && vlen == 18) {
    out.Uint("reserved", v[0]);
    out.Uint("prefix_len", v[1]);
    out.Ipv6("prefix", v + 2);
  } else if (type != 1 || !AllZero(v, vlen)) {  // PadN's zeros go without saying
    out.Hex("data", v, vlen);
  }
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  uint8_t type = p[2];
  out.Uint("next", p[0]);
  out.Uint("length", l.hdr_len);
  out.Uint("type", type);
  out.Uint("reserved", p[3]);
  out.Uint("checksum", Be16(p + 4));
  WriteMessage(type, p + 6, out);
  out.BeginArray("options");
  uint32_t start = 6 + Fixed(type);  // Dissect checked the header holds the message
  util::TlvCursor options(p + start, l.hdr_len - start, kIpv6OptionLayout);
  util::TlvEntry o;
  while (options.Next(o)) {
    out.BeginObject();
    out.Uint("type", o.type);
    if (o.error != util::TlvError::kNone) {
      out.Plain("error", "option runs past the header");
      out.Hex("rest", o.header + 1, l.hdr_len - start - o.offset - 1);
    } else if (o.type != 0) {  // Pad1 is its type alone
      out.Uint("len", o.value_len);
      WriteOptionValue(uint8_t(o.type), o.value, o.value_len, out);
    }
    out.EndObject();
  }
  out.EndArray();
}

constexpr FieldSpec kFields[] = {
    {"next", kInt, "next header", "mip6.proto"},
    {"length", kInt, "bytes of the whole header", "mip6.hlen /8-1"},
    {"type", kInt, "MH type", "mip6.mhtype"},
    {"reserved", kInt, "the reserved byte after the type, as on the wire", nullptr},
    {"checksum", kInt, "as on the wire", "mip6.csum"},
    {"message_reserved", kInt,
     "binding refresh request, HoTI/CoTI, binding update (after its flags), acknowledgement "
     "(after K), error: the message's reserved bits, as on the wire",
     nullptr},
    {"cookie", kHex, "HoTI/CoTI, HoT/CoT: init cookie", nullptr},
    {"nonce_index", kInt, "HoT/CoT: nonce index", nullptr},
    {"token", kHex, "HoT/CoT: keygen token", nullptr},
    {"seq", kInt, "binding update and acknowledgement: sequence number", nullptr},
    {"flags", kObject, "binding update: the flags", nullptr},
    {"flags.a", kBool, "acknowledge", nullptr},
    {"flags.h", kBool, "home registration", nullptr},
    {"flags.l", kBool, "link-local address compatibility", nullptr},
    {"flags.k", kBool, "key management mobility capability", nullptr},
    {"lifetime", kInt, "binding update and acknowledgement: lifetime (4-second units)", nullptr},
    {"status", kInt, "binding acknowledgement and error: status", nullptr},
    {"k", kBool, "binding acknowledgement: key management mobility capability", nullptr},
    {"home_address", kIpv6, "binding error: home address", nullptr},
    {"options", kList, "the mobility options", nullptr},
    {"options[].type", kInt, "option type", nullptr},
    {"options[].error", kText, "an option past the header: the list's last entry", nullptr},
    {"options[].rest", kHex, "an option past the header: the header's bytes after its type",
     nullptr},
    {"options[].len", kInt, "bytes of the value (not for Pad1)", nullptr},
    {"options[].refresh_interval", kInt, "binding refresh advice: interval (4-second units)",
     nullptr},
    {"options[].alternate_coa", kIpv6, "alternate care-of address", nullptr},
    {"options[].home_nonce_index", kInt, "nonce indices: home nonce index", nullptr},
    {"options[].careof_nonce_index", kInt, "nonce indices: care-of nonce index", nullptr},
    {"options[].authenticator", kHex, "binding authorization data: the authenticator", nullptr},
    {"options[].reserved", kInt, "mobile network prefix: the reserved byte", nullptr},
    {"options[].prefix_len", kInt, "mobile network prefix: prefix length", nullptr},
    {"options[].prefix", kIpv6, "mobile network prefix: the prefix", nullptr},
    {"options[].data", kHex,
     "other types: the value; PadN: its padding, when not all zero (Pad1 has none)", nullptr},
};

}  // namespace

const Registration kRegistration("mh", [](Registry& r) {
  r.Add({.name = "MH",
         .key = "mh",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The header, then the fields of its message type (binding refresh request, "
                    "home and care-of test init and test, binding update, acknowledgement and "
                    "error), then the mobility options. A malformed option ends `options` with "
                    "an entry carrying `error`."},
        {{Table::kIpProto, 135}});
});

}  // namespace pcapkit::protocols
