// The public I/O seam (pcapkit/io.h) and its adapters to the engine's own interfaces. The
// user's sources and sinks may throw; here, at the API boundary, their exceptions become
// the engine's Status, so nothing throws through the stages.
#include "api/io.h"

#include <cstring>

namespace pcapkit {

namespace {

class MemoryCaptureSource final : public CaptureSource {
 public:
  MemoryCaptureSource(std::span<const uint8_t> bytes, std::string name)
      : bytes_(bytes), name_(std::move(name)) {}
  size_t Read(uint8_t* out, size_t n) override {
    size_t k = std::min(n, bytes_.size() - pos_);
    if (k > 0) std::memcpy(out, bytes_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  std::span<const uint8_t> InMemory() const override { return bytes_; }
  std::string name() const override { return name_; }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  std::string name_;
};

class CallbackCaptureSource final : public CaptureSource {
 public:
  CallbackCaptureSource(std::function<size_t(uint8_t*, size_t)> read, std::string name)
      : read_(std::move(read)), name_(std::move(name)) {}
  size_t Read(uint8_t* out, size_t n) override { return read_(out, n); }
  std::string name() const override { return name_; }

 private:
  std::function<size_t(uint8_t*, size_t)> read_;
  std::string name_;
};

class SourceAdapter final : public io::ByteSource {
 public:
  explicit SourceAdapter(std::shared_ptr<CaptureSource> source) : source_(std::move(source)) {}
  Status Read(uint8_t* out, size_t n, size_t* got) override {
    try {
      *got = source_->Read(out, n);
      if (*got > n) return Status::CorruptInput("the source gave more bytes than asked for");
      return Status::Ok();
    } catch (const std::exception& e) {
      *got = 0;
      return Status::CorruptInput(std::string("read failed: ") + e.what());
    }
  }
  std::span<const uint8_t> InPlace() const override { return source_->InMemory(); }

 private:
  std::shared_ptr<CaptureSource> source_;
};

class SinkAdapter final : public formats::Output {
 public:
  explicit SinkAdapter(std::shared_ptr<OutputSink> sink)
      : sink_(std::move(sink)), name_(sink_->name()) {}
  Status Write(std::string_view bytes) override {
    return Call([&] { sink_->Write(bytes); }, "write failed");
  }
  // A user's sink gets whole batches, not a call per piece.
  Status WriteV(std::span<const std::string_view> pieces) override {
    joined_.clear();
    for (std::string_view p : pieces) joined_.append(p);
    return Write(joined_);
  }
  Status Close() override {
    return Call([&] { sink_->Close(); }, "close failed");
  }
  const std::string& path() const override { return name_; }

 private:
  template <class Fn>
  Status Call(Fn&& fn, const char* what) {
    try {
      fn();
      return Status::Ok();
    } catch (const std::exception& e) {
      return Status::IoError(name_ + ": " + what + ": " + e.what());
    }
  }
  std::shared_ptr<OutputSink> sink_;
  std::string name_;
  std::string joined_;
};

}  // namespace

std::shared_ptr<CaptureSource> MemoryCapture(std::span<const uint8_t> bytes, std::string name) {
  return std::make_shared<MemoryCaptureSource>(bytes, std::move(name));
}

std::shared_ptr<CaptureSource> CallbackCapture(std::function<size_t(uint8_t*, size_t)> read,
                                               std::string name) {
  return std::make_shared<CallbackCaptureSource>(std::move(read), std::move(name));
}

std::unique_ptr<io::ByteSource> AdaptSource(std::shared_ptr<CaptureSource> source) {
  return std::make_unique<SourceAdapter>(std::move(source));
}

std::unique_ptr<formats::Output> AdaptSink(std::shared_ptr<OutputSink> sink) {
  return std::make_unique<SinkAdapter>(std::move(sink));
}

}  // namespace pcapkit
