// `raw`: bytes nobody dissected, or a header that failed to parse (then with `error`).
// The driver writes its fields itself (it knows the error and the --payload option); the
// registry entry gives it a name and key.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {

const Registration kRegistration("raw", [](Registry& r) {
  r.Add({.id = ProtocolId::kRaw, .name = "Raw", .key = "raw", .layer = LayerLevel::kNone}, {});
});

}  // namespace pcapkit::protocols
