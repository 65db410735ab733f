// Application analysis on bytes in memory — jspcap's `analyse(bytes)`: what protocol a
// conversation's payload is, and its transaction records, as `pcapkit analyse` writes
// them (docs/schema.md "Analysis records"), one JSON object each.
//
//   pcapkit::Analysis a = pcapkit::Analyse(request_bytes, response_bytes, {.server_port = 80});
//   if (a.kind == "http") for (const std::string& record : a.records) ...
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pcapkit {

struct AnalyseBytesOptions {
  bool tcp = true;  // false: each of `client` and `server` is one UDP datagram
  // Ports, for the analysers that go by port (DNS, and a protocol its bytes do not show).
  uint16_t client_port = 40000, server_port = 0;
  std::string protocols;  // as --protocols ("" for all)
};

struct Analysis {
  std::string kind;                  // "http", "http2", "tls", "dns", "ftp", "unknown", or ""
  std::vector<std::string> records;  // JSON objects, in the order transactions complete
};

// The client's bytes, then the server's (a TCP stream each way, or one datagram each way):
// the analyser that recognises them and its records. Throws FormatError on an unknown
// protocol name.
Analysis Analyse(std::span<const uint8_t> client, std::span<const uint8_t> server,
                 const AnalyseBytesOptions& options = {});

}  // namespace pcapkit
