// The hellos of a TLS handshake as the `tls` analyser keeps them, and the client and server
// fingerprints made of them: JA3 and JA3S (Salesforce; tshark's tls.handshake.ja3 and
// ja3s) and JA4 (FoxIO's TLS client fingerprint, technical_details/JA4.md).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pcapkit::analysis::tls {

// RFC 8701 GREASE: 0x?a?a with both bytes equal.
inline bool IsGrease(uint16_t v) {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

// A ClientHello's fields, in wire order, GREASE values included.
struct ClientHello {
  uint16_t version = 0;  // legacy_version
  std::vector<uint16_t> ciphers, extensions, groups, signature_algorithms, versions;
  std::vector<uint8_t> point_formats;
  std::vector<std::string> alpn;
  bool has_server_name = false, has_versions = false;
  std::string server_name;  // the first host_name
};

struct ServerHello {
  uint16_t version = 0, cipher = 0;
  uint16_t selected_version = 0;  // supported_versions; 0 without
  std::vector<uint16_t> extensions;
  bool has_alpn = false;
  std::string alpn;
  bool retry = false;  // a HelloRetryRequest (RFC 8446 §4.1.3), not the ServerHello
};

// Read a handshake message's body (after its 4-byte header). Return null, or why the
// message is malformed; what was read before the fault is kept.
const char* ParseClientHello(std::span<const uint8_t> body, ClientHello& out);
const char* ParseServerHello(std::span<const uint8_t> body, ServerHello& out);

// "TLSv1.2", "TLSv1.3", "SSLv3", ...; "0x7f1c" for versions without a name.
std::string VersionText(uint16_t version);
// The version the client offers at most: supported_versions' highest, else legacy_version.
uint16_t ClientMaxVersion(const ClientHello& hello);

std::string Ja3String(const ClientHello& hello);
std::string Ja3sString(const ServerHello& hello);
std::string Ja4(const ClientHello& hello);

// Lower-case hex digests (libcrypto's EVP); empty when the digest is unavailable.
std::string Md5Hex(std::string_view text);
std::string Sha256Hex(std::span<const uint8_t> bytes);

}  // namespace pcapkit::analysis::tls
