#include "ipsuite/records/frame_builder.h"

#include <algorithm>
#include <vector>

#include "engine/protocols/registry.h"
#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {
namespace {

// A member holding a layer: an object under a protocol's record key (the registry's keys
// and the readers' own), looked up in a sorted table built once: every object of every
// record is asked.
bool IsLayerKey(std::string_view key) {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> all;
    for (const protocols::ProtocolInfo& p : protocols::Registry::Builtin().All())
      if (*p.key != '\0') all.emplace_back(p.key);
    for (const LayerReader& r : AllLayerReaders()) all.emplace_back(r.key);
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
  }();
  return std::binary_search(keys.begin(), keys.end(), key, std::less<>());
}

// The layer inside `object`: its key and fields; false when it holds none.
bool InnerLayer(simdjson::dom::object object, std::string_view* key, simdjson::dom::object* layer) {
  for (auto [k, v] : object)
    if (v.is_object() && IsLayerKey(k)) {
      *key = k;
      *layer = v.get_object().value_unsafe();
      return true;
    }
  return false;
}

// Any layer's `after` bytes (formats/record.h LayerFields), after the first builder layer
// its record layer made: their data, so --payload is needed; an FCS (802.11's) is also the
// layer's `fcs`, which a record made without --payload still gives.
void ReadAfter(FieldReader& fields, size_t layer, Packet& packet) {
  FieldReader after = fields.Object("after");
  Bytes bytes;
  if (!after.Has("data") && fields.Has("fcs") && after.Uint("len", UINT32_MAX) == 4) {
    uint32_t fcs = fields.U32("fcs");
    bytes = {uint8_t(fcs), uint8_t(fcs >> 8), uint8_t(fcs >> 16), uint8_t(fcs >> 24)};
  } else {
    bytes = after.Hex("data");
  }
  if (layer >= packet.layers().size())
    return after.Fail("len", "the layer built no bytes to follow");
  packet.Trailing(layer, std::move(bytes));
}

// The decimals of "2014-09-21T10:57:11.825552Z".
uint8_t DigitsOf(std::string_view time) {
  size_t dot = time.rfind('.');
  if (dot == std::string_view::npos) return 0;
  size_t end = time.find('Z', dot);
  return uint8_t((end == std::string_view::npos ? time.size() : end) - dot - 1);
}

void ReadFrameFields(FieldReader& f, BuiltFrame* out) {
  out->number = f.Uint("number", UINT64_MAX);
  out->frame.sec = int64_t(f.Uint("time_sec", INT64_MAX));
  out->frame.nsec = uint32_t(f.Uint("time_nsec", 999999999));
  out->digits = DigitsOf(f.Text("time"));
  out->frame.len = f.U32("len");
  out->frame.interface = f.U32("interface");
  out->linktype = f.U32("linktype");
  if (f.Has("comment"))
    f.EachText("comment", [&](std::string_view c) { out->frame.comments.emplace_back(c); });
  if (f.Has("interface_name")) out->interface_name = f.Text("interface_name");
  if (f.Has("interface_description")) out->interface_description = f.Text("interface_description");
}

}  // namespace

Status BuildFrame(simdjson::dom::object record, FrameFixes fixes, BuiltFrame* out) {
  std::string error;
  FieldReader frame(record, "", &error);
  ReadFrameFields(frame, out);
  uint32_t cap_len = frame.U32("cap_len");
  Packet packet;
  std::string_view key;
  simdjson::dom::object layer;
  for (simdjson::dom::object at = record; error.empty() && InnerLayer(at, &key, &layer);
       at = layer) {
    const LayerReader* reader = FindLayerReader(key);
    if (reader == nullptr)
      return Status::InvalidArgument("layer " + std::string(key) + ": pcapkit cannot build it yet");
    FieldReader fields(layer, std::string(key), &error);
    size_t first = packet.layers().size();
    reader->read(fields, packet);
    if (fields.Has("after")) ReadAfter(fields, first, packet);
  }
  if (!error.empty()) return Status::InvalidArgument(error);
  if (fixes.checksums) packet.RecomputeChecksums();
  if (fixes.lengths) packet.RecomputeLengths();
  try {
    out->frame.data = packet.Build();
  } catch (const BuildError& e) {
    return Status::InvalidArgument(e.what());
  }
  if (fixes.lengths) {
    if (out->frame.len == cap_len) out->frame.len = uint32_t(out->frame.data.size());
  } else if (out->frame.data.size() < cap_len) {
    // An edited record (every byte of an unedited one is in it: formats/record.h).
    return Status::InvalidArgument("the layers make " + std::to_string(out->frame.data.size()) +
                                   " bytes where cap_len says " + std::to_string(cap_len) +
                                   " (--fix-lengths follows the layers)");
  } else if (out->frame.data.size() > cap_len) {
    return Status::InvalidArgument("the layers make " + std::to_string(out->frame.data.size()) +
                                   " bytes where cap_len says " + std::to_string(cap_len) +
                                   " (--fix-lengths follows the layers)");
  }
  return Status::Ok();
}

}  // namespace pcapkit::ipsuite::records
