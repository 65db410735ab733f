#include "formats/report_stream.h"

namespace pcapkit::formats {

ReportStream::ReportStream(const ReportWriter* writer, Output* output)
    : writer_(writer), output_(output) {
  if (writer_ && output_) writer_->Begin(pending_);
}

void ReportStream::Record(std::string_view title, const ReportWriter::Body& body) {
  if (!writer_) return;
  writer_->Record(title, body, written_ == 0, pending_);
  ++written_;
  Flush(false);
}

void ReportStream::Append(std::string_view records) {
  if (!writer_) return;
  pending_.Append(records);
  Flush(false);
}

void ReportStream::Flush(bool force) {
  if (!output_ || !status_.ok()) {
    pending_.clear();
    return;
  }
  if (!pending_.empty() && (force || pending_.size() >= (1u << 20))) {
    status_ = output_->Write(pending_.view());
    pending_.clear();
  }
}

Status ReportStream::Finish() {
  if (writer_) writer_->End(written_ == 0, pending_);
  Flush(true);
  if (output_ && status_.ok()) status_ = output_->Close();
  return status_;
}

}  // namespace pcapkit::formats
