// DHCP / BOOTP (RFC 2131, UDP ports 67/68): the fixed fields and, after the magic
// cookie, the options (RFC 2132) with the common ones decoded.
#include <string_view>

#include "engine/protocols/common.h"
#include "engine/util/tlv.h"
#include "engine/util/utf8.h"

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

bool AllZero(const uint8_t* p, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    if (p[i]) return false;
  return true;
}

// sname or file as text, and all its bytes too when the text is not UTF-8 or what follows
// its NUL is not zeros (option overload, RFC 2132 §9.3, puts options there).
void NulTerminated(const char* key, const char* data_key, const uint8_t* s, uint32_t max,
                   Emitter& out) {
  std::string_view text = CString(s, max);
  uint32_t n = uint32_t(text.size());
  out.Text(key, text);
  if (!util::IsUtf8(s, n) || !AllZero(s + n, max - n)) out.Hex(data_key, s, max);
}

// The BOOTP fields before the options (RFC 2131 §2). chaddr is all 16 bytes, as hex, when
// those past the hardware address are not zeros.
void WriteFixed(const uint8_t* p, Emitter& out) {
  out.Uint("op", p[0]);
  out.Uint("htype", p[1]);
  out.Uint("hlen", p[2]);
  out.Uint("hops", p[3]);
  out.Uint("xid", Be32(p + 4));
  out.Uint("secs", Be16(p + 8));
  out.Bool("broadcast", (p[10] & 0x80) != 0);
  out.Uint("reserved", Be16(p + 10) & 0x7fff);
  out.Ipv4("ciaddr", p + 12);
  out.Ipv4("yiaddr", p + 16);
  out.Ipv4("siaddr", p + 20);
  out.Ipv4("giaddr", p + 24);
  uint32_t hlen = p[2] <= 16 ? p[2] : 16;
  if (!AllZero(p + 28 + hlen, 16 - hlen))
    out.Hex("chaddr", p + 28, 16);
  else if (p[1] == 1 && p[2] == 6)
    out.Mac("chaddr", p + 28);
  else
    out.Hex("chaddr", p + 28, hlen);
  NulTerminated("sname", "sname_data", p + 44, 64, out);
  NulTerminated("file", "file_data", p + 108, 128, out);
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
      if (n % 4 != 0) break;
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
      if (!util::IsUtf8(v, n)) break;
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

// The options up to End; returns the offset past the last one listed. Pad options before
// an option are counted on it (`pads`), so that the record keeps where they were.
uint32_t WriteOptions(const uint8_t* p, uint32_t n, Emitter& out) {
  out.BeginArray("options");
  util::TlvCursor options(p, n, kOptionLayout);
  util::TlvEntry o;
  uint32_t pads = 0, end = 0;
  while (options.Next(o) && o.type != kEnd) {
    if (o.type == kPad) {
      ++pads;
      continue;
    }
    out.BeginObject();
    out.Uint("code", o.type);
    if (pads) out.Uint("pads", pads);
    pads = 0;
    if (o.error != util::TlvError::kNone) {
      out.Plain("error", "option runs past the packet");
      end = n;
    } else {
      out.Uint("len", o.value_len);
      WriteOptionValue(uint8_t(o.type), o.value, o.value_len, out);
      end = o.offset + o.size;
    }
    out.EndObject();
  }
  out.EndArray();
  return end;
}

// `padding`: {"len": n} and with --payload {"len": n, "data": hex}, as a `raw` layer writes.
void Padding(const uint8_t* p, uint32_t n, Emitter& out) {
  if (n == 0) return;
  out.BeginObject("padding");
  out.Uint("len", n);
  if (out.payload()) out.Hex("data", p, n);
  out.EndObject();
}

void Write(const LayerContext& l, Emitter& out) {
  WriteFixed(l.p, out);
  constexpr uint32_t kOptions = kFixed + 4;  // after the magic cookie
  uint32_t end = kFixed;                     // BOOTP: no options
  if (l.length >= kOptions && Be32(l.p + kFixed) == 0x63825363)
    end = kOptions + WriteOptions(l.p + kOptions, l.length - kOptions, out);
  Padding(l.p + end, l.length - end, out);
}

constexpr FieldSpec kFields[] = {
    {"op", kInt, "1 request, 2 reply", "dhcp.type"},
    {"htype", kInt, "hardware address type", nullptr},
    {"hlen", kInt, "hardware address length", nullptr},
    {"hops", kInt, "relay hops", nullptr},
    {"xid", kInt, "transaction id", "dhcp.id"},
    {"secs", kInt, "seconds since the client began", nullptr},
    {"broadcast", kBool, "the broadcast flag", nullptr},
    {"reserved", kInt, "the 15 flag bits after broadcast (0)", nullptr},
    {"ciaddr", kIpv4, "client address", nullptr},
    {"yiaddr", kIpv4, "'your' (client) address", "dhcp.ip.your"},
    {"siaddr", kIpv4, "next server address", nullptr},
    {"giaddr", kIpv4, "relay agent address", nullptr},
    {"chaddr", kMac | kHex,
     "client hardware address (MAC, or hex for other hardware; all 16 bytes as hex when those "
     "past `hlen` are not zeros)",
     "dhcp.hw.mac_addr"},
    {"sname", kText, "server host name", nullptr},
    {"sname_data", kHex,
     "the 64 bytes of `sname`, when its text is not UTF-8 or those after it are not zeros",
     nullptr},
    {"file", kText, "boot file name", nullptr},
    {"file_data", kHex,
     "the 128 bytes of `file`, when its text is not UTF-8 or those after it are not zeros",
     nullptr},
    {"options", kList, "after the magic cookie: one entry per option (not Pad, End)", nullptr},
    {"options[].code", kInt, "option code", nullptr},
    {"options[].pads", kInt, "Pad options just before this one (absent when none)", nullptr},
    {"options[].error", kText, "an option past the packet: the list's last entry", nullptr},
    {"options[].len", kInt, "bytes of the value", nullptr},
    {"options[].message_type", kInt, "53: DHCP message type", "dhcp.option.dhcp"},
    {"options[].address", kIpv4, "1, 28, 50, 54: subnet mask, broadcast, requested IP, server id",
     nullptr},
    {"options[].addresses", kList,
     "3, 6, 42: routers, DNS servers, NTP servers (`data` when not a multiple of 4 bytes)",
     nullptr},
    {"options[].addresses[]", kIpv4, "an address", nullptr},
    {"options[].seconds", kInt, "51, 58, 59: lease, renewal, rebinding time (seconds)", nullptr},
    {"options[].text", kText,
     "12, 15, 60: host name, domain name, vendor class (`data` when not UTF-8)", nullptr},
    {"options[].parameters", kList, "55: parameter request list", nullptr},
    {"options[].parameters[]", kInt, "a requested option code", nullptr},
    {"options[].data", kHex, "other options: the value", nullptr},
    {"padding", kObject,
     "after the last option: the End option and the bytes after it (RFC 2131 pads messages to "
     "300 bytes); BOOTP: the bytes after the fixed fields. Absent when none",
     nullptr},
    {"padding.len", kInt, "their number", nullptr},
    {"padding.data", kHex, "the bytes, only with `--payload`", nullptr},
};

}  // namespace

const Registration kRegistration("dhcp", [](Registry& r) {
  r.Add(
      {.name = "DHCP",
       .key = "dhcp",
       .layer = LayerLevel::kApplication,
       .dissect = Dissect,
       .write = Write,
       .fields = kFields,
       .summary = "DHCP and BOOTP: the fixed fields and, after the magic cookie, the options "
                  "with the common ones decoded (BOOTP messages have no `options`). A "
                  "malformed option ends `options` with an entry carrying `error`; the End option "
                  "and what follows it are `padding`."},
      {{Table::kUdpPort, 67}, {Table::kUdpPort, 68}});
});

}  // namespace pcapkit::protocols
