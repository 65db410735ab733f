#include "engine/protocols/registry.h"
#include "formats/record_schema.h"
#include "pcapkit/protocols.h"

namespace pcapkit {

std::string RecordSchema(SchemaKind kind) {
  return formats::RecordSchema(kind, protocols::Registry::Builtin());
}

}  // namespace pcapkit
