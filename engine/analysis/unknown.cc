// `unknown`: a TCP stream no analyser claimed — its byte counts and the first bytes of
// each direction, so that it can be recognised by eye or by a later analyser.
#include <algorithm>
#include <cstring>

#include "engine/analysis/analyser.h"

namespace pcapkit::analysis {
namespace {

constexpr size_t kHead = 32;

class UnknownAnalyser final : public Analyser {
 public:
  explicit UnknownAnalyser(const Context& c) : c_(c) {}

  void Data(int dir, std::span<const uint8_t> bytes, const Position& at) override {
    Side& s = side_[dir];
    Touch(at);
    size_t take = std::min(kHead - s.head_len, bytes.size());
    if (s.gap_bytes == 0) {  // the head is only what the stream starts with
      std::memcpy(s.head + s.head_len, bytes.data(), take);
      s.head_len += take;
    }
    s.bytes += bytes.size();
  }
  void Gap(int dir, uint64_t len, const Position& at) override {
    Touch(at);
    side_[dir].gap_bytes += len;
  }
  void End(const Position& at) override {
    if (!seen_) return;
    last_ =
        std::max(last_, at, [](const Position& a, const Position& b) { return a.frame < b.frame; });
    c_.sink->Write(Kind::kUnknown, *c_.conversation, first_, last_, [this](Emitter& e) {
      Describe(e, "client", side_[0]);
      Describe(e, "server", side_[1]);
    });
    seen_ = false;
  }
  size_t held() const override { return sizeof *this; }

 private:
  struct Side {
    uint64_t bytes = 0, gap_bytes = 0;
    uint8_t head[kHead];
    size_t head_len = 0;
  };
  void Touch(const Position& at) {
    if (!seen_) first_ = at;
    seen_ = true;
    last_ = at;
  }
  static void Describe(Emitter& e, std::string_view key, const Side& s) {
    e.BeginObject(key);
    e.Uint("bytes", s.bytes);
    if (s.gap_bytes) e.Uint("gaps", s.gap_bytes);
    e.Hex("head", s.head, s.head_len);
    e.EndObject();
  }

  Context c_;
  Side side_[2];
  bool seen_ = false;
  Position first_, last_;
};

std::unique_ptr<Analyser> Make(const Context& c) {
  return std::make_unique<UnknownAnalyser>(c);
}

using protocols::kHex, protocols::kInt, protocols::kObject;
constexpr protocols::FieldSpec kFields[] = {
    {"client", kObject, "the client's direction"}, {"client.bytes", kInt, "bytes delivered"},
    {"client.gaps", kInt, "bytes missing"},        {"client.head", kHex, "the first 32 bytes"},
    {"server", kObject, "the server's direction"}, {"server.bytes", kInt, "bytes delivered"},
    {"server.gaps", kInt, "bytes missing"},        {"server.head", kHex, "the first 32 bytes"},
};

[[maybe_unused]] const bool registered =
    Register({Kind::kUnknown, "unknown", true, false, nullptr, {}, Make, kFields});

}  // namespace
}  // namespace pcapkit::analysis
