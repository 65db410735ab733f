// A report of records written one by one from a stateful stage's callbacks (reassembly,
// flows), which cannot fail: the records gather in a buffer that goes out in large
// writes, and the first write that fails is kept — nothing is written after it, and the
// stage returns it at its next batch.
#pragma once

#include <string_view>

#include "engine/util/status.h"
#include "formats/out_buffer.h"
#include "formats/output_file.h"
#include "formats/report_writer.h"

namespace pcapkit::formats {

class ReportStream {
 public:
  // `writer` null: nothing is written (the stage only counts); else `output` receives it.
  ReportStream(const ReportWriter* writer, Output* output);

  bool writing() const { return writer_ != nullptr; }
  void Record(std::string_view title, const ReportWriter::Body& body);
  // A record written elsewhere (on another thread, from a RecordTape): Reserve counts it
  // and says whether it is the report's first entry; Append takes the records' bytes, in
  // the order they were reserved.
  bool Reserve() { return written_++ == 0; }
  void Append(std::string_view records);
  const ReportWriter* writer() const { return writer_; }
  // Writes what is gathered once it is large, or at once when `force`.
  void Flush(bool force);
  // The first failed write, or Ok.
  const Status& status() const { return status_; }
  // Ends the report (valid even when empty) and closes the output.
  Status Finish();

 private:
  const ReportWriter* writer_;
  Output* output_;
  OutBuffer pending_;
  uint64_t written_ = 0;
  Status status_;
};

}  // namespace pcapkit::formats
