// Teredo (RFC 4380, UDP port 3544): IPv6 over UDP over IPv4. The IPv6 packet may follow an
// authentication indicator (0x0001, client identifier and authentication value lengths,
// the two, an 8-byte nonce, a confirmation byte) and an origin indication (0x0000, the
// mapped port and IPv4 address, each XORed with all ones), in that order. A payload that
// is neither an indicator nor an IPv6 packet (version 6) is not Teredo's: `raw` with an
// error.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

constexpr uint16_t kAuthType = 0x0001, kOriginType = 0x0000;
constexpr uint32_t kOriginSize = 8;

// The authentication indicator's size when one starts at p; 0 when none does; more than
// len when it runs past the payload.
uint64_t AuthSize(const uint8_t* p, uint32_t len) {
  if (len < 2 || Be16(p) != kAuthType) return 0;
  if (len < 4) return uint64_t(len) + 1;
  return 4 + uint64_t(p[2]) + p[3] + 8 + 1;
}

bool HasOrigin(const uint8_t* p, uint32_t at, uint32_t len) {
  return len - at >= 2 && Be16(p + at) == kOriginType;
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  uint64_t auth = AuthSize(p, len);
  if (auth > len) {
    out.error = "Teredo: authentication indicator truncated";
    return;
  }
  uint32_t at = uint32_t(auth);
  if (HasOrigin(p, at, len)) {
    if (len - at < kOriginSize) {
      out.error = "Teredo: origin indication truncated";
      return;
    }
    at += kOriginSize;
  }
  if (at == len) {
    out.error = at == 0 ? "Teredo: empty payload" : "Teredo: no IPv6 packet after the indicators";
    return;
  }
  if (p[at] >> 4 != 6) {
    out.error = "Teredo: neither an indicator nor an IPv6 packet";
    return;
  }
  Carry(out, at, len, Table::kIpVersion, 6);
}

void WriteAuth(const uint8_t* p, Emitter& out) {
  uint32_t id_len = p[2], au_len = p[3];
  out.Uint("auth_id_len", id_len);
  out.Uint("auth_value_len", au_len);
  if (id_len > 0) out.Hex("auth_id", p + 4, id_len);
  if (au_len > 0) out.Hex("auth_value", p + 4 + id_len, au_len);
  out.Hex("auth_nonce", p + 4 + id_len + au_len, 8);
  out.Hex("auth_confirmation", p + 12 + id_len + au_len, 1);
}

void WriteOrigin(const uint8_t* o, Emitter& out) {
  uint16_t port = Be16(o + 2);
  out.Uint("origin_port", uint16_t(~port));
  out.Uint("origin_port_obfuscated", port);
  uint8_t addr[4] = {uint8_t(~o[4]), uint8_t(~o[5]), uint8_t(~o[6]), uint8_t(~o[7])};
  out.Ipv4("origin_addr", addr);
  out.Ipv4("origin_addr_obfuscated", o + 4);
}

void Write(const LayerContext& l, Emitter& out) {
  // Dissect checked both indicators fit before the IPv6 header (hdr_len).
  uint32_t at = uint32_t(AuthSize(l.p, l.hdr_len));
  if (at > 0) WriteAuth(l.p, out);
  if (at < l.hdr_len) WriteOrigin(l.p + at, out);
}

constexpr FieldSpec kFields[] = {
    {"auth_id_len", kInt, "authentication indicator: client identifier length",
     "teredo.auth.idlen"},
    {"auth_value_len", kInt, "authentication indicator: authentication value length",
     "teredo.auth.aulen"},
    {"auth_id", kHex, "authentication indicator: client identifier (when its length > 0)",
     "teredo.auth.id"},
    {"auth_value", kHex, "authentication indicator: authentication value (when its length > 0)",
     "teredo.auth.value"},
    {"auth_nonce", kHex, "authentication indicator: the 8-byte nonce", "teredo.auth.nonce"},
    {"auth_confirmation", kHex, "authentication indicator: the confirmation byte",
     "teredo.auth.conf"},
    {"origin_port", kInt, "origin indication: the client's mapped port, un-obfuscated",
     "teredo.orig.port"},
    {"origin_port_obfuscated", kInt, "origin indication: the port as on the wire (XORed 0xffff)",
     nullptr},
    {"origin_addr", kIpv4, "origin indication: the client's mapped IPv4 address, un-obfuscated",
     "teredo.orig.addr"},
    {"origin_addr_obfuscated", kIpv4,
     "origin indication: the address as on the wire (each bit inverted)", nullptr},
};

}  // namespace

const Registration kRegistration("teredo", [](Registry& r) {
  r.Add({.name = "Teredo",
         .key = "teredo",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The indicators' fields, then the IPv6 packet as the next layer; a message "
                    "of neither indicator carries only the packet (no member). A payload that "
                    "is neither an indicator nor an IPv6 packet (version 6), or an indicator "
                    "cut short or followed by nothing, is `raw` with an error."},
        {{Table::kUdpPort, 3544}});
});

}  // namespace pcapkit::protocols
