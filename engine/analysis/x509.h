// X.509 certificates as the `tls` analyser reports them: the few fields that identify a
// certificate, read with OpenSSL's d2i_X509.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pcapkit::analysis::tls {

struct Certificate {
  std::string sha256;                 // of the DER, lower-case hex: set even when the rest is not
  std::string error;                  // the DER did not parse; nothing else is set
  std::string subject, issuer;        // RFC 2253 text
  std::string not_before, not_after;  // ISO 8601 UTC, "2024-01-02T03:04:05Z"
  std::string serial;                 // lower-case hex of the magnitude, "-" when negative
  std::vector<std::string> sans;      // DNS names and IP addresses, in the extension's order
};

Certificate ParseCertificate(std::span<const uint8_t> der);

}  // namespace pcapkit::analysis::tls
