#include "pcapkit/frame.h"

#include "engine/protocols/registry.h"
#include "formats/record.h"

namespace pcapkit {

bool Frame::has(std::string_view name) const {
  ProtocolId id = protocols::Registry::Builtin().Find(name);
  return id != ProtocolId::kNone && has(id);
}

std::string Frame::protocols() const {
  std::string s;
  formats::AppendProtocolChain(*this, protocols::Registry::Builtin(), s);
  return s;
}

}  // namespace pcapkit
