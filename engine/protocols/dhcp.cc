// DHCP / BOOTP (RFC 2131, UDP ports 67/68): the fixed fields and, after the magic
// cookie, the options (RFC 2132) with the common ones decoded.
#include <string_view>

#include "engine/protocols/common.h"
#include "engine/util/tlv.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kFixed = 236;

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < kFixed) {
    out.error = "DHCP: fixed fields truncated";
    return;
  }
  if (p[0] != 1 && p[0] != 2) {
    out.error = "DHCP: op is neither request nor reply";
    return;
  }
  Carry(out, len, len, Table::kNone, 0);
}

void Addresses(const uint8_t* v, uint32_t n, const char* key, Emitter& out) {
  out.BeginArray(key);
  for (uint32_t i = 0; i + 4 <= n; i += 4) out.Ipv4({}, v + i);
  out.EndArray();
}

// A NUL-terminated field of at most `max` bytes (sname, file).
std::string_view CString(const uint8_t* s, uint32_t max) {
  uint32_t n = 0;
  while (n < max && s[n]) ++n;
  return std::string_view(reinterpret_cast<const char*>(s), n);
}

// The BOOTP fields before the options (RFC 2131 §2).
void WriteFixed(const uint8_t* p, Emitter& out) {
  out.Uint("op", p[0]);
  out.Uint("htype", p[1]);
  out.Uint("hlen", p[2]);
  out.Uint("hops", p[3]);
  out.Uint("xid", Be32(p + 4));
  out.Uint("secs", Be16(p + 8));
  out.Bool("broadcast", (p[10] & 0x80) != 0);
  out.Ipv4("ciaddr", p + 12);
  out.Ipv4("yiaddr", p + 16);
  out.Ipv4("siaddr", p + 20);
  out.Ipv4("giaddr", p + 24);
  if (p[1] == 1 && p[2] == 6)
    out.Mac("chaddr", p + 28);
  else
    out.Hex("chaddr", p + 28, p[2] <= 16 ? p[2] : 16);
  out.Text("sname", CString(p + 44, 64));
  out.Text("file", CString(p + 108, 128));
}

// The value of one option, by family (RFC 2132); what no family decodes is `data`.
void WriteOptionValue(uint8_t code, const uint8_t* v, uint32_t n, Emitter& out) {
  switch (code) {
    case 53:  // DHCP message type
      if (n != 1) break;
      out.Uint("message_type", v[0]);
      return;
    case 1:
    case 28:
    case 50:
    case 54:  // subnet mask, broadcast, requested IP, server id
      if (n != 4) break;
      out.Ipv4("address", v);
      return;
    case 3:
    case 6:
    case 42:  // routers, DNS servers, NTP servers
      Addresses(v, n, "addresses", out);
      return;
    case 51:
    case 58:
    case 59:  // lease, renewal, rebinding times
      if (n != 4) break;
      out.Uint("seconds", Be32(v));
      return;
    case 12:
    case 15:
    case 60:  // host name, domain name, vendor class
      out.Text("text", std::string_view(reinterpret_cast<const char*>(v), n));
      return;
    case 55:  // parameter request list
      out.BeginArray("parameters");
      for (uint32_t i = 0; i < n; ++i) out.Uint({}, v[i]);
      out.EndArray();
      return;
  }
  out.Hex("data", v, n);
}

// RFC 2132 §3: Pad (0) and End (255) are one byte alone and not listed; every other
// option is code, length of the value, value.
constexpr uint8_t kPad = 0, kEnd = 255;
constexpr util::TlvLayout kOptionLayout = {
    .single_byte_types = {kPad, kEnd}, .end_type = kEnd, .cut_header_is_error = true};

void WriteOptions(const uint8_t* p, uint32_t n, Emitter& out) {
  out.BeginArray("options");
  util::TlvCursor options(p, n, kOptionLayout);
  util::TlvEntry o;
  while (options.Next(o)) {
    if (o.type == kPad || o.type == kEnd) continue;
    out.BeginObject();
    out.Uint("code", o.type);
    if (o.error != util::TlvError::kNone) {
      out.Plain("error", "option runs past the packet");
    } else {
      out.Uint("len", o.value_len);
      WriteOptionValue(uint8_t(o.type), o.value, o.value_len, out);
    }
    out.EndObject();
  }
  out.EndArray();
}

void Write(const LayerContext& l, Emitter& out) {
  WriteFixed(l.p, out);
  constexpr uint32_t kOptions = kFixed + 4;                             // after the magic cookie
  if (l.length < kOptions || Be32(l.p + kFixed) != 0x63825363) return;  // BOOTP only
  WriteOptions(l.p + kOptions, l.length - kOptions, out);
}

constexpr FieldSpec kFields[] = {
    {"op", kInt, "1 request, 2 reply", "dhcp.type"},
    {"htype", kInt, "hardware address type", nullptr},
    {"hlen", kInt, "hardware address length", nullptr},
    {"hops", kInt, "relay hops", nullptr},
    {"xid", kInt, "transaction id", "dhcp.id"},
    {"secs", kInt, "seconds since the client began", nullptr},
    {"broadcast", kBool, "the broadcast flag", nullptr},
    {"ciaddr", kIpv4, "client address", nullptr},
    {"yiaddr", kIpv4, "'your' (client) address", "dhcp.ip.your"},
    {"siaddr", kIpv4, "next server address", nullptr},
    {"giaddr", kIpv4, "relay agent address", nullptr},
    {"chaddr", kMac | kHex, "client hardware address (MAC, or hex for other hardware)",
     "dhcp.hw.mac_addr"},
    {"sname", kText, "server host name", nullptr},
    {"file", kText, "boot file name", nullptr},
    {"options", kList, "after the magic cookie: one entry per option (not Pad, End)", nullptr},
    {"options[].code", kInt, "option code", nullptr},
    {"options[].error", kText, "an option past the packet: the list's last entry", nullptr},
    {"options[].len", kInt, "bytes of the value", nullptr},
    {"options[].message_type", kInt, "53: DHCP message type", "dhcp.option.dhcp"},
    {"options[].address", kIpv4, "1, 28, 50, 54: subnet mask, broadcast, requested IP, server id",
     nullptr},
    {"options[].addresses", kList, "3, 6, 42: routers, DNS servers, NTP servers", nullptr},
    {"options[].addresses[]", kIpv4, "an address", nullptr},
    {"options[].seconds", kInt, "51, 58, 59: lease, renewal, rebinding time (seconds)", nullptr},
    {"options[].text", kText, "12, 15, 60: host name, domain name, vendor class", nullptr},
    {"options[].parameters", kList, "55: parameter request list", nullptr},
    {"options[].parameters[]", kInt, "a requested option code", nullptr},
    {"options[].data", kHex, "other options: the value", nullptr},
};

}  // namespace

const Registration kRegistration("dhcp", [](Registry& r) {
  r.Add({.name = "DHCP",
         .key = "dhcp",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "DHCP and BOOTP: the fixed fields and, after the magic cookie, the options "
                    "with the common ones decoded (BOOTP messages have no `options`). A "
                    "malformed option ends `options` with an entry carrying `error`."},
        {{Table::kUdpPort, 67}, {Table::kUdpPort, 68}});
});

}  // namespace pcapkit::protocols
