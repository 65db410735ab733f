#include "pcapkit/frame.h"

#include "engine/protocols/registry.h"
#include "formats/record.h"

namespace pcapkit {

bool Frame::has(std::string_view name) const {
  // By key, so that every registry entry of a protocol (DNS over UDP and TCP) answers.
  const auto& registry = protocols::Registry::Builtin();
  ProtocolId id = registry.Find(name);
  if (id == ProtocolId::kNone) return false;
  std::string_view key = registry.Info(id).key;
  for (size_t i = 0; i < layer_count_; ++i)
    if (registry.Info(layers_[i].proto).key == key) return true;
  return false;
}

std::string Frame::protocols() const {
  std::string s;
  formats::AppendProtocolChain(*this, protocols::Registry::Builtin(), s);
  return s;
}

}  // namespace pcapkit
