// The lines a foreign engine's adapter writes (docs/cli.md "Foreign engines"), turned back
// into pcapkit's records: a frame line is described member by member to any Emitter as
// nlohmann_json's SAX parser meets it, so every format writes it as it writes its own
// frames, and no document is built; the rare file-level and error lines are parsed whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/capture/batch.h"
#include "engine/protocols/registry.h"
#include "engine/util/status.h"
#include "formats/field_collector.h"
#include "formats/field_selection.h"
#include "pcapkit/emitter.h"

namespace pcapkit::stages::foreign {

// A line's one key: {"frame": ...}, {"meta": ...}, {"error": ...}.
enum class LineKind { kFrame, kMeta, kError, kOther };
LineKind KindOf(std::string_view line);

// The `number` a frame line gives its frame (the record's first member), 0 when none.
uint64_t FrameNumberOf(std::string_view line);

// Describes the frame record of a frame line to `out`: its members, not the record's own
// object (the writer opens it, as it does for pcapkit's frames). `protocols`, when given,
// receives the record's `protocols` member. Not valid JSON: Internal.
Status ReplayFrame(std::string_view line, Emitter& out, std::string* protocols = nullptr);

// A {"meta": ...} line as the file-level record it describes.
Status ParseMeta(std::string_view line, capture::MetaRecord* meta);

// An {"error": {"message", "frame", "offset"}} line.
struct AdapterError {
  std::string message;
  uint64_t frame = 0;
  uint64_t offset = 0;
};
Status ParseError(std::string_view line, AdapterError* error);

// -e on replayed records: what FieldsReport does for pcapkit's own frames (each layer's
// fields in the scope of its protocol, wherever it sits in the stack), done as the record
// is described: an object opened among a layer's own members (or the record's) whose key
// is a protocol's record key is that protocol's layer.
class LayerScoper final : public Emitter {
 public:
  LayerScoper(formats::FieldCollector* collector, const formats::FieldSelection* selection,
              const protocols::Registry* registry)
      : c_(collector), selection_(selection), registry_(registry) {}
  // A new record: the collector is reset and given the record's own members if wanted.
  void Start();

  void BeginObject(std::string_view key = {}) override;
  void EndObject() override { Close(false); }
  void BeginArray(std::string_view key = {}) override;
  void EndArray() override { Close(true); }
  void Uint(std::string_view key, uint64_t v) override {
    if (active_) c_->Uint(key, v);
  }
  void Int(std::string_view key, int64_t v) override {
    if (active_) c_->Int(key, v);
  }
  void Bool(std::string_view key, bool v) override {
    if (active_) c_->Bool(key, v);
  }
  void Text(std::string_view key, std::string_view v) override {
    if (active_) c_->Text(key, v);
  }
  void Plain(std::string_view key, std::string_view v) override {
    if (active_) c_->Plain(key, v);
  }
  void Number(std::string_view key, std::string_view d) override {
    if (active_) c_->Number(key, d);
  }
  void Hex(std::string_view key, const uint8_t* p, size_t n) override {
    if (active_) c_->Hex(key, p, n);
  }
  void Mac(std::string_view key, const uint8_t* p) override {
    if (active_) c_->Mac(key, p);
  }
  void Ipv4(std::string_view key, const uint8_t* p) override {
    if (active_) c_->Ipv4(key, p);
  }
  void Ipv6(std::string_view key, const uint8_t* p) override {
    if (active_) c_->Ipv6(key, p);
  }

 private:
  void Close(bool array);
  static constexpr int kMaxDepth = 64;
  formats::FieldCollector* c_;
  const formats::FieldSelection* selection_;
  const protocols::Registry* registry_;
  int depth_ = 0;        // objects and lists open inside the record
  int layer_level_ = 0;  // depth of the innermost layer's own members
  bool active_ = false;  // the scope being described holds a selected field
  bool is_layer_[kMaxDepth + 1] = {};
};

}  // namespace pcapkit::stages::foreign
