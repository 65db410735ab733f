// Application-layer records back to layers.
#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {

std::span<const LayerReader> ApplicationReaders() {
  return {};
}

}  // namespace pcapkit::ipsuite::records
