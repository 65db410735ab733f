#include "engine/capture/input_sequence.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

namespace pcapkit::capture {

namespace fs = std::filesystem;

bool LooksLikeCapture(const std::string& path) {
  std::unique_ptr<io::ByteSource> source;
  if (!io::OpenSource(path, &source).ok() || !io::Decompressed(&source).ok()) return false;
  uint8_t head[8];
  size_t n = 0;
  if (!source->ReadFully(head, sizeof head, &n).ok()) return false;
  return MakeParser(head, n) != nullptr;
}

namespace {

// The captures directly in `folder`, by name.
Status CapturesIn(const std::string& folder, std::vector<std::string>* paths) {
  std::error_code ec;
  std::vector<std::string> found;
  for (const fs::directory_entry& e : fs::directory_iterator(folder, ec)) {
    std::error_code type_ec;
    if (e.is_regular_file(type_ec) && LooksLikeCapture(e.path().string()))
      found.push_back(e.path().string());
  }
  if (ec)
    return Status::CorruptInput(folder + ": cannot list the folder: " + ec.message(), 0, 0, folder);
  if (found.empty())
    return Status::CorruptInput(folder + ": the folder holds no capture (pcap, pcapng, snoop)", 0,
                                0, folder);
  std::sort(found.begin(), found.end());
  paths->insert(paths->end(), found.begin(), found.end());
  return Status::Ok();
}

}  // namespace

Status ExpandInputs(const std::vector<std::string>& arguments, std::vector<std::string>* paths) {
  std::vector<std::string> all;
  for (const std::string& a : arguments) {
    std::error_code ec;
    if (a != "-" && fs::is_directory(a, ec)) {
      if (Status s = CapturesIn(a, &all); !s.ok()) return s;
    } else {
      all.push_back(a);
    }
  }
  // A capture named twice (a file and its folder) is read once, where it first appears:
  // its records would otherwise repeat under the same names.
  std::set<std::string> seen;
  for (std::string& path : all)
    if (seen.insert(path).second) paths->push_back(std::move(path));
  return Status::Ok();
}

InputSequence::InputSequence(std::unique_ptr<Reader> only) : reader_(std::move(only)) {
  fresh_ = true;
}

InputSequence::InputSequence(std::vector<std::string> paths, Settings settings)
    : paths_(std::move(paths)), settings_(settings) {}

const Status& InputSequence::status() const {
  return several() || !reader_ ? ok_ : reader_->status();
}

// Opens the next path that opens; false when none is left.
bool InputSequence::OpenNext() {
  while (next_ < paths_.size()) {
    current_ = next_++;
    std::unique_ptr<Reader> reader;
    Status s = Reader::Open(paths_[current_], settings_.batch_bytes, &reader);
    if (!s.ok()) {
      faults_.push_back({paths_[current_], s});
      continue;
    }
    reader->set_max_record_bytes(settings_.max_record_bytes);
    reader->set_stop(settings_.stop);
    reader_ = std::move(reader);
    fresh_ = true;
    return true;
  }
  reader_.reset();
  return false;
}

bool InputSequence::Next(Batch& batch, bool* first) {
  if (!several()) {
    *first = std::exchange(fresh_, false);
    return reader_->Next(batch);
  }
  for (;;) {
    if (!reader_ && !OpenNext()) return false;
    if (reader_->Next(batch)) {
      *first = std::exchange(fresh_, false);
      if (first_delivering_ == kNone) first_delivering_ = current_;
      Label(batch);
      return true;
    }
    // An interrupted read is not the capture's fault; the run ends there.
    if (settings_.stop && settings_.stop->load(std::memory_order_relaxed)) return false;
    if (!reader_->status().ok()) faults_.push_back({paths_[current_], reader_->status()});
    reader_.reset();
  }
}

// Every frame and file record names its capture; the file headers of the captures after
// the first are marked, so a writer of a single-header format skips them.
void InputSequence::Label(Batch& batch) const {
  std::string_view file = paths_[current_];
  for (FrameRecord& f : batch.frames) f.file = file;
  for (MetaRecord& m : batch.metas) {
    m.later_input = current_ != first_delivering_;
    m.file = file;
  }
}

}  // namespace pcapkit::capture
