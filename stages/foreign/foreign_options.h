// What the foreign engines (-E dpkt, scapy, tshark; docs/cli.md "Foreign engines") can do
// of what extract is asked: they write frame records of the fields their tool dissects,
// one capture file at a time. An option they would silently ignore is refused instead.
#pragma once

#include <string>

#include "engine/util/status.h"
#include "pcapkit/options.h"

namespace pcapkit::stages::foreign {

// "-E pyshark": how the user named the engine (ExtractOptions::engine, else its own name).
std::string EngineFlag(const ExtractOptions& o);

// InvalidArgument naming the engine and the first option it cannot honour ("-E dpkt
// cannot honour --reassemble (pcapkit's own engines can)"); OK when it can run `o`.
Status CheckOptions(const ExtractOptions& o);

}  // namespace pcapkit::stages::foreign
