// `raw`: bytes nobody dissected, or a header that failed to parse (then with `error`).
// The driver writes its fields itself (it knows the error and the --payload option); the
// registry entry gives it a name and key.
#include "engine/protocols/raw.h"

#include "engine/protocols/common.h"

namespace pcapkit::protocols {

void RegisterRaw(Registry& r) {
  r.Add({ProtocolId::kRaw, "Raw", "raw", LayerLevel::kNone, nullptr, nullptr}, {});
}

}  // namespace pcapkit::protocols
