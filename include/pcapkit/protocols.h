// What pcapkit dissects: every registered protocol with its record key, its layer and
// where the dissector finds it (`pcapkit protocols`).
#pragma once

#include <string>
#include <vector>

#include "pcapkit/options.h"

namespace pcapkit {

struct ProtocolDescription {
  std::string name;  // display name in the chain: "IPv4"
  std::string key;   // record key: "ipv4"
  LayerLevel layer = LayerLevel::kNone;
  // Where it is looked for: "ethertype=0x800", "ip.proto=4", "tcp.port=(content)".
  std::vector<std::string> bound_to;
};

// Every protocol, by layer and then by key.
std::vector<ProtocolDescription> ListProtocols();

}  // namespace pcapkit
