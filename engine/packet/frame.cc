#include "pcapkit/frame.h"

#include "engine/packet/dissector.h"

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

void AppendProtocolChain(const Frame& frame, const protocols::Registry& registry,
                         std::string& out) {
  for (size_t i = 0; i < frame.layer_count(); ++i) {
    if (i) out.push_back(':');
    out.append(registry.Info(frame.layer(i).proto).name);
  }
}

std::string Frame::protocols() const {
  std::string s;
  AppendProtocolChain(*this, protocols::Registry::Builtin(), s);
  return s;
}

}  // namespace pcapkit
