// Drives one analyser by hand, for its tests: the records it writes come back as JSON
// objects (the shared members and its own, exactly as `pcapkit analyse -f ndjson` writes
// them), --bodies goes to memory, and the connections it announces (FTP's data connections)
// are kept for the test to look at.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/analyser.h"

namespace pcapkit::testing {

// SHA-256 of `data` in lower-case hex: what analysis records' hashes must equal.
std::string Sha256Hex(std::string_view data);

class AnalysisHarness : public analysis::RecordSink,
                        public analysis::BodyStore,
                        public analysis::Expectations {
 public:
  // An analyser of `kind` (it must be registered) on a conversation between 10.0.0.1
  // (client, port 40000) and 10.0.0.2 (server, `server_port`), flow 7. With
  // `expectations`, the analyser's Context has somewhere to announce connections to (else
  // null, as where no connection can follow).
  explicit AnalysisHarness(analysis::Kind kind, uint16_t server_port = 80, bool tcp = true,
                           bool bodies = false, bool expectations = false);

  // Feeds bytes (or a datagram) of direction `dir` as if frame `frame` brought them at
  // second `frame` of the capture.
  void Data(int dir, std::string_view bytes, uint64_t frame);
  void Data(int dir, std::span<const uint8_t> bytes, uint64_t frame);
  void Gap(int dir, uint64_t len, uint64_t frame);
  void End(uint64_t frame);

  analysis::Analyser& analyser() { return *analyser_; }
  const std::vector<nlohmann::json>& records() const { return records_; }
  // The records as written, byte for byte (JSON).
  const std::vector<std::string>& texts() const { return texts_; }
  const std::map<std::string, std::string>& stored() const { return stored_; }
  analysis::Limits& limits() { return limits_; }
  // Records go through a formats::RecordTape before they are written, as the analyse
  // stage's do: recorded, their deferred members computed, then replayed.
  void set_tape(bool on) { tape_ = on; }

  // A connection the analyser announced, and the capture time it did so at.
  struct Expected {
    analysis::Expectation expectation;
    Timestamp at;
  };
  // Every Expect() call, in order (with `expectations` only).
  std::vector<Expected>& expected() { return expected_; }

  void Write(analysis::Kind kind, const analysis::Conversation& conversation,
             const analysis::Position& first, const analysis::Position& last,
             const std::function<void(Emitter&)>& fields) override;
  std::string Store(std::string_view sha256_hex, std::span<const uint8_t> body) override;
  void Expect(analysis::Expectation expectation, const Timestamp& at) override;

 private:
  analysis::Conversation conversation_;
  analysis::Limits limits_;
  std::unique_ptr<analysis::Analyser> analyser_;
  std::vector<nlohmann::json> records_;
  std::vector<std::string> texts_;
  std::map<std::string, std::string> stored_;
  std::vector<Expected> expected_;
  bool tape_ = false;
};

}  // namespace pcapkit::testing
