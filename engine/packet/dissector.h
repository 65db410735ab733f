// Walks a frame from its link type to the last header it can name, through the registry's
// tables, recording each layer as a span into the frame's bytes. No allocation, no
// exception: what cannot be parsed becomes a `raw` layer carrying the reason.
#pragma once

#include <string>

#include "engine/capture/batch.h"
#include "engine/protocols/registry.h"
#include "engine/util/status.h"
#include "pcapkit/frame.h"
#include "pcapkit/options.h"

namespace pcapkit {

// What -L, -P and --max-layers ask of the dissection.
struct DissectOptions {
  LayerLevel stop_layer = LayerLevel::kNone;     // -L: no protocol above this layer
  ProtocolId stop_protocol = ProtocolId::kNone;  // -P: nothing after this protocol
  uint32_t max_layers = Frame::kMaxLayers;       // --max-layers (2..kMaxLayers)
};

// The dissection options `options` ask for; an unknown -P protocol is InvalidArgument.
Status MakeDissectOptions(const protocols::Registry& registry, const ExtractOptions& options,
                          DissectOptions* out);

class Dissector {
 public:
  Dissector(const protocols::Registry& registry, const DissectOptions& options);

  void Dissect(const capture::FrameRecord& record, const uint8_t* data, Frame& out) const;

  // Dissects bytes that are not a captured frame — a reassembled IP payload or TCP
  // stream — starting from the protocol `table` names by `key` (then `key2`, as ports
  // are tried). `record` gives the frame fields (number, time, lengths) to report.
  void DissectPayload(const capture::FrameRecord& record, const uint8_t* data,
                      protocols::Table table, uint32_t key, uint32_t key2, bool has_key2,
                      Frame& out) const;

 private:
  static void PushRaw(Frame& out, uint32_t offset, uint32_t length, const char* error,
                      ProtocolId tried);
  // Padded layer `index` (Ethernet's kind): where its payload's bytes end (its aux) and
  // its frame's end.
  void FindTrailingBytes(Frame& out, uint32_t index) const;
  void Walk(const uint8_t* data, uint32_t avail, protocols::Table table, uint32_t key,
            uint32_t key2, bool has_key2, Frame& out) const;

  const protocols::Registry& registry_;
  LayerLevel stop_layer_;
  uint32_t max_layers_;
  ProtocolId stop_protocol_ = ProtocolId::kNone;
};

// "Ethernet:IPv4:TCP" (the display names of the frame's layers) appended to `out`.
void AppendProtocolChain(const Frame& frame, const protocols::Registry& registry, std::string& out);

}  // namespace pcapkit
