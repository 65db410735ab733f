// DHCP / BOOTP (RFC 2131, UDP ports 67/68): the fixed fields and, after the magic
// cookie, the options (RFC 2132) with the common ones decoded.
#include <string_view>

#include "engine/protocols/common.h"

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

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
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
  auto cstr = [&](const uint8_t* s, uint32_t max) {
    uint32_t n = 0;
    while (n < max && s[n]) ++n;
    return std::string_view(reinterpret_cast<const char*>(s), n);
  };
  out.Text("sname", cstr(p + 44, 64));
  out.Text("file", cstr(p + 108, 128));
  if (l.length < kFixed + 4 || Be32(p + kFixed) != 0x63825363) return;  // BOOTP only
  out.BeginArray("options");
  uint32_t pos = kFixed + 4;
  while (pos < l.length) {
    uint8_t code = p[pos];
    if (code == 0) {  // pad
      ++pos;
      continue;
    }
    if (code == 255) break;
    out.BeginObject();
    out.Uint("code", code);
    if (pos + 2 > l.length || pos + 2 + p[pos + 1] > l.length) {
      out.Plain("error", "option runs past the packet");
      out.EndObject();
      break;
    }
    uint8_t n = p[pos + 1];
    const uint8_t* v = p + pos + 2;
    out.Uint("len", n);
    switch (code) {
      case 53:
        if (n == 1) {
          out.Uint("message_type", v[0]);
          break;
        }
        [[fallthrough]];
      default:
        out.Hex("data", v, n);
        break;
      case 1:
      case 28:
      case 50:
      case 54:  // subnet mask, broadcast, requested IP, server id
        if (n == 4)
          out.Ipv4("address", v);
        else
          out.Hex("data", v, n);
        break;
      case 3:
      case 6:
      case 42:  // routers, DNS servers, NTP servers
        Addresses(v, n, "addresses", out);
        break;
      case 51:
      case 58:
      case 59:  // lease, renewal, rebinding times
        if (n == 4)
          out.Uint("seconds", Be32(v));
        else
          out.Hex("data", v, n);
        break;
      case 12:
      case 15:
      case 60:  // host name, domain name, vendor class
        out.Text("text", std::string_view(reinterpret_cast<const char*>(v), n));
        break;
      case 55:
        out.BeginArray("parameters");
        for (uint8_t i = 0; i < n; ++i) out.Uint({}, v[i]);
        out.EndArray();
        break;
    }
    out.EndObject();
    pos += 2u + n;
  }
  out.EndArray();
}

}  // namespace

const Registration kRegistration("dhcp", [](Registry& r) {
  r.Add({.name = "DHCP",
         .key = "dhcp",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write},
        {{Table::kUdpPort, 67}, {Table::kUdpPort, 68}});
});

}  // namespace pcapkit::protocols
