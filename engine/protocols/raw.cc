// `raw`: bytes nobody dissected, or a header that failed to parse (then with `error`).
// The driver writes its fields itself (it knows the error and the --payload option); the
// registry entry gives it a name and key.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

constexpr FieldSpec kFields[] = {
    {"len", kInt, "bytes", nullptr},
    {"error", kText,
     "why the protocol expected here could not be parsed (absent when nobody tried): "
     "`\"IPv4: header length exceeds the captured bytes\"`",
     nullptr},
    {"data", kHex, "the bytes, only with `--payload`", nullptr},
};

}  // namespace

const Registration kRegistration("raw", [](Registry& r) {
  r.Add({.id = ProtocolId::kRaw,
         .name = "Raw",
         .key = "raw",
         .layer = LayerLevel::kNone,
         .fields = kFields,
         .summary = "Bytes no dissector claimed (unknown EtherType, a port with no dissector, a "
                    "non-first fragment, data after `-L`/`-P`), or a header that failed to "
                    "parse. A malformed layer never fails the frame: the layers before it are "
                    "kept, the rest is `raw`."},
        {});
});

}  // namespace pcapkit::protocols
