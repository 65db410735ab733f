// libFuzzer target: the conversation table and every analyser, on conversations built
// from the input. The first byte chooses the transport and the server port (so detection
// by port reaches each analyser, and content detection every one on any port); the rest
// is a sequence of pieces — direction, length, bytes, now and then a gap — so messages
// split anywhere, both directions interleave, and holes fall inside heads and bodies.
// Tiny limits make the bounds run constantly. Every record is serialized and parsed back
// (fuzz/oracles.h), and no stored body may pass --max-body. Now and then the input runs a
// second time with its bodies held unhashed (a small analysis::HeldBodies) and its
// records replayed from a formats::RecordTape, as `pcapkit analyse` does: the records must
// be the same bytes, and every held byte given back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/analysis/body.h"
#include "engine/analysis/conversations.h"
#include "formats/analysis_record.h"
#include "formats/json_emitter.h"
#include "formats/record_tape.h"
#include "fuzz/byte_reader.h"
#include "fuzz/oracles.h"

namespace {

using namespace pcapkit;

class Sink final : public analysis::RecordSink, public analysis::BodyStore {
 public:
  explicit Sink(bool tape) : tape_(tape) {}
  void Write(analysis::Kind kind, const analysis::Conversation& c, const analysis::Position& first,
             const analysis::Position& last, const std::function<void(Emitter&)>& fields) override {
    out_.clear();
    formats::JsonEmitter e(&out_);
    e.BeginObject();
    if (tape_) {
      formats::RecordTape tape;
      tape.BeginRecord({1, true});
      formats::WriteAnalysisFields(kind, c, first, last, fields, tape);
      tape.ComputeDeferred();
      tape.Replay(0, e);
    } else {
      formats::WriteAnalysisFields(kind, c, first, last, fields, e);
    }
    e.EndObject();
    fuzz::CheckJson({out_.data(), out_.size()}, "an analysis record");
    if (last.frame < first.frame) fuzz::Fail("a record ends before it starts");
    records.emplace_back(out_.data(), out_.size());
  }
  std::string Store(std::string_view sha256_hex, std::span<const uint8_t> body) override {
    if (sha256_hex.size() != 64) fuzz::Fail("a body name is not a SHA-256");
    if (body.size() > 4096) fuzz::Fail("a stored body passed --max-body");
    return std::string(sha256_hex);
  }

  std::vector<std::string> records;

 private:
  bool tape_;
  formats::OutBuffer out_;
};

constexpr uint16_t kPorts[] = {80, 443, 53, 21, 8080, 5555, 20, 993};

// The records of the conversation the input describes; bodies held in `held` (null:
// decoded as they come).
std::vector<std::string> Analyse(const uint8_t* data, size_t size, analysis::HeldBodies* held) {
  fuzz::ByteReader in{data, size};
  uint8_t mode = in.U8();
  analysis::Settings settings;
  settings.limits.max_body = 4096;
  settings.limits.max_decoded = 16384;
  settings.limits.max_head = 2048;
  settings.limits.held_bodies = held;
  settings.memory = 64 << 10;
  Sink sink(held != nullptr);
  analysis::Conversations table(settings, &sink, mode & 0x80 ? &sink : nullptr);
  analysis::Conversation c;
  c.tcp = !(mode & 0x40);
  c.client[0] = 10, c.server[0] = 10, c.server[3] = 2;
  c.client_port = 40000;
  c.server_port = kPorts[mode & 7];
  uint64_t frame = 0;
  while (in.n > 0) {
    uint8_t op = in.U8();
    int dir = op & 1;
    size_t len = std::min<size_t>(in.U8() << 2 | (op >> 6), in.n);
    analysis::Position at{++frame, Timestamp{int64_t(frame), 0, 6}};
    std::span<const uint8_t> bytes{in.p, len};
    in.p += len, in.n -= len;
    if (!c.tcp) {
      c.flow = op >> 4 & 3;  // a few UDP flows at once
      table.Datagram(c, dir, bytes, at);
    } else if ((op & 0x3e) == 0x3e) {
      table.Piece(1, c, dir, {}, len + 1, at);  // a hole instead of the bytes
    } else {
      table.Piece(1, c, dir, bytes, 0, at);
    }
  }
  table.Closed(1, {frame, Timestamp{int64_t(frame), 0, 6}});
  table.Finish({frame, Timestamp{int64_t(frame), 0, 6}});
  return std::move(sink.records);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  std::vector<std::string> records = Analyse(data, size, nullptr);
  if (data[0] & 0x08) {
    // One block: a second body held at once (the other direction's) finds no room.
    analysis::HeldBodies held{.limit = analysis::BlockPool::kBlock};
    if (Analyse(data, size, &held) != records)
      fuzz::Fail("held bodies gave other records than bodies hashed as they came");
    if (held.blocks && held.blocks->out() != 0) fuzz::Fail("held blocks were not all given back");
  }
  return 0;
}
