// analyse --bodies FOLDER: each decoded body written once, as FOLDER/<sha256>. A body seen
// twice (the same image on many pages) is one file; a file is written under a temporary
// name and renamed, so a name in the folder always holds the whole body.
#pragma once

#include <string>

#include "engine/analysis/analyser.h"
#include "engine/util/status.h"

namespace pcapkit::formats {

class BodyFiles final : public analysis::BodyStore {
 public:
  // Creates `folder` when missing.
  static Status Open(const std::string& folder, std::unique_ptr<BodyFiles>* out);

  std::string Store(std::string_view sha256_hex, std::span<const uint8_t> body) override;

  uint64_t written() const { return written_; }
  // The first write that failed (the run stops at its next batch), or Ok.
  const Status& status() const { return status_; }

 private:
  explicit BodyFiles(std::string folder) : folder_(std::move(folder)) {}
  std::string folder_;
  uint64_t written_ = 0;
  Status status_;
};

}  // namespace pcapkit::formats
