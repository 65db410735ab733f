// Built by tests/install with nothing but `pkg-config --cflags --libs pcapkit`: the
// installed libpcapkit.a must bring the dissectors and analysers, which register
// themselves from static initialisers nothing references (lost if not linked whole).
#include <cstdint>
#include <cstdio>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "pcapkit/pcapkit.h"

int main() {
  std::set<std::string> keys;
  for (const pcapkit::ProtocolDescription& p : pcapkit::ListProtocols()) keys.insert(p.key);
  std::printf("%zu protocols\n", keys.size());
  for (const char* key : {"ethernet", "ipv4", "ipv6", "tcp", "udp", "dns", "http", "tls"}) {
    if (!keys.count(key)) {
      std::printf("missing protocol %s\n", key);
      return 1;
    }
  }
  constexpr std::string_view request = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n";
  constexpr std::string_view response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  auto bytes = [](std::string_view s) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  pcapkit::Analysis a = pcapkit::Analyse(bytes(request), bytes(response), {.server_port = 80});
  std::printf("analysed as %s, %zu records\n", a.kind.c_str(), a.records.size());
  if (a.kind != "http" || a.records.empty()) return 1;
  std::printf("%s\n", a.records.front().c_str());
  return 0;
}
