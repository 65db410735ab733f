// The I/O seam (after LevelDB's Env): where a capture comes from and where reports go when
// they are not files. A capture held in memory is dissected where it lies, nothing copied;
// a callback streams one in (a socket, Python's file objects); an output sink receives a
// report's bytes, as they are produced, in order.
//
//   std::vector<uint8_t> bytes = ...;
//   pcapkit::ExtractOptions o;
//   o.source = pcapkit::MemoryCapture(bytes);
//   o.sink = std::make_shared<MySink>();  // or o.output = "out.json"
//   o.format = pcapkit::OutputFormat::kNdjson;
//   pcapkit::Extractor(o).Run();
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace pcapkit {

// A capture, read front to back.
class CaptureSource {
 public:
  virtual ~CaptureSource() = default;
  // Reads up to `n` bytes into `out` and returns how many; 0 only at the end. May throw:
  // the extraction then stops with an InputError naming the source, after every frame
  // before was delivered.
  virtual size_t Read(uint8_t* out, size_t n) = 0;
  // The whole capture, when it already lies in memory (Read is then never called): frames
  // are dissected where they lie.
  virtual std::span<const uint8_t> InMemory() const { return {}; }
  // Its name in messages.
  virtual std::string name() const = 0;
};

// A capture in memory the caller keeps alive until the extraction is destroyed. Plain or
// gzip/zstd-compressed (then decompressed as it is read).
std::shared_ptr<CaptureSource> MemoryCapture(std::span<const uint8_t> bytes,
                                             std::string name = "<memory>");

// A capture streamed by `read(out, n)`, which returns the bytes it put in `out` (0: the end)
// and may throw to stop.
std::shared_ptr<CaptureSource> CallbackCapture(std::function<size_t(uint8_t*, size_t)> read,
                                               std::string name = "<callback>");

// Where a report's bytes go.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  // The next bytes of the report. Throwing (OutputError or any exception) stops the run
  // with an OutputError; the sink is not closed.
  virtual void Write(std::string_view bytes) = 0;
  // The report is complete: every byte was written.
  virtual void Close() {}
  // Its name in messages and ExtractSummary::output.
  virtual std::string name() const { return "<sink>"; }
};

}  // namespace pcapkit
