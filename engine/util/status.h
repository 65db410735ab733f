// The engine's one error value, after LevelDB's Status: OK, or what went wrong and, for a
// capture that cannot be read further, where. Nothing inside the engine throws; the public
// API turns a failed Status into pcapkit's exceptions (Raise, below; pcapkit/errors.h).
// An OK status is a null pointer: cheap to make, copy and test on every batch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace pcapkit {

class Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kInvalidArgument,  // a request that cannot be honoured as asked (FormatError, exit 2)
    kCorruptInput,     // the capture cannot be read any further (InputError, exit 1)
    kIoError,          // the output could not be written (OutputError, exit 1)
    kInternal,         // a fault of pcapkit or of a program it runs (Error, exit 3)
  };

  Status() = default;
  Status(const Status& other) : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  // `frame`: 1-based number of the frame that could not be read (0: the file header);
  // `offset`: byte offset of the fault in the (decompressed) capture stream; `file`: the
  // capture's name, once the reader has put it in the message.
  static Status CorruptInput(std::string message, uint64_t frame = 0, uint64_t offset = 0,
                             std::string file = {}) {
    Status s(Code::kCorruptInput, std::move(message));
    s.rep_->frame = frame;
    s.rep_->offset = offset;
    s.rep_->file = std::move(file);
    return s;
  }
  static Status IoError(std::string message) { return Status(Code::kIoError, std::move(message)); }
  static Status Internal(std::string message) {
    return Status(Code::kInternal, std::move(message));
  }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  const std::string& message() const { return rep_ ? rep_->message : Empty(); }
  const std::string& file() const { return rep_ ? rep_->file : Empty(); }
  uint64_t frame() const { return rep_ ? rep_->frame : 0; }
  uint64_t offset() const { return rep_ ? rep_->offset : 0; }

 private:
  struct Rep {
    Code code;
    std::string message;
    std::string file;
    uint64_t frame = 0;
    uint64_t offset = 0;
  };
  Status(Code code, std::string message) : rep_(std::make_unique<Rep>()) {
    rep_->code = code;
    rep_->message = std::move(message);
  }
  static const std::string& Empty() {
    static const std::string empty;
    return empty;
  }
  std::unique_ptr<Rep> rep_;
};

// At the public API boundary only: throws the pcapkit exception of a failed status
// (FormatError, InputError, OutputError; Error for an internal fault); returns when it is
// OK.
void Raise(const Status& status);

}  // namespace pcapkit
