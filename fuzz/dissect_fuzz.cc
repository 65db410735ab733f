// libFuzzer target: one frame of any bytes under each link type pcapkit dissects (the
// first byte picks it: testing/fuzz_link_types.h), dissected in full, with -L transport and with
// -P udp, and written as JSON and tree; the JSON record must parse and name each member
// once (fuzz/oracles.h).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/capture/batch.h"
#include "engine/packet/dissector.h"
#include "formats/json_emitter.h"
#include "formats/record.h"
#include "formats/tree_emitter.h"
#include "fuzz/oracles.h"
#include "testing/fuzz_link_types.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pcapkit;
  static const auto& registry = protocols::Registry::Builtin();
  static const Dissector full(registry, {});
  static const Dissector transport(registry, {.stop_layer = LayerLevel::kTransport});   // -L
  static const Dissector after_udp(registry, {.stop_protocol = registry.Find("udp")});  // -P
  if (size < 1) return 0;
  capture::FrameRecord rec;
  rec.linktype = fuzz::LinkTypeOf(data[0]);
  rec.cap_len = rec.len = uint32_t(size - 1);
  // A copy in a buffer of exactly the frame's size, so ASan sees any read past it.
  std::vector<uint8_t> frame(data + 1, data + size);
  for (const Dissector* d : {&full, &transport, &after_udp}) {
    Frame f;
    d->Dissect(rec, frame.data(), f);
    formats::OutBuffer out;
    formats::JsonEmitter json(&out);
    formats::WriteFrameRecord(f, registry, {true}, {}, json);
    fuzz::CheckJson({out.data(), out.size()}, "a frame's JSON record");
    formats::TreeEmitter tree(&out);
    formats::WriteFrameRecord(f, registry, {true}, {}, tree);
  }
  return 0;
}
