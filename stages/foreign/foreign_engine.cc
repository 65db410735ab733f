#include "stages/foreign/foreign_engine.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "engine/io/subprocess.h"
#include "formats/field_collector.h"
#include "formats/field_selection.h"
#include "formats/record.h"
#include "stages/foreign/foreign_options.h"
#include "stages/foreign/replay.h"
#include "stages/selection.h"

#ifndef PCAPKIT_ENGINES_INSTALL_DIR
#define PCAPKIT_ENGINES_INSTALL_DIR ""
#endif
#ifndef PCAPKIT_ENGINES_SOURCE_DIR
#define PCAPKIT_ENGINES_SOURCE_DIR ""
#endif

namespace pcapkit::stages::foreign {

namespace {

namespace fs = std::filesystem;

constexpr size_t kFlushBytes = 256 << 10;

const char* AdapterName(Strategy engine) {
  switch (engine) {
    case Strategy::kDpkt:
      return "dpkt_adapter.py";
    case Strategy::kScapy:
      return "scapy_adapter.py";
    default:
      return "tshark_adapter.py";
  }
}

// What Debian calls what the engine needs (python3-dpkt, python3-scapy, tshark).
const char* DebianPackage(Strategy engine) {
  switch (engine) {
    case Strategy::kDpkt:
      return "python3-dpkt";
    case Strategy::kScapy:
      return "python3-scapy";
    default:
      return "tshark";
  }
}

Status NeedsPackage(Strategy engine, const std::string& package) {
  return Status::InvalidArgument(std::string("the ") + StrategyName(engine) +
                                 " engine needs Debian's " + package + " (apt-get install " +
                                 package + ")");
}

// $PCAPKIT_PYTHON, else the system's python3 (where Debian's python3-dpkt and
// python3-scapy are), else python3 on PATH.
std::string Python() {
  if (const char* p = std::getenv("PCAPKIT_PYTHON"); p != nullptr && *p != '\0') return p;
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";
}

// The last lines of an adapter's stderr, for a message of one paragraph.
std::string Tail(const std::string& text) {
  constexpr size_t kQuote = 2000;
  std::string t = text.size() > kQuote ? "..." + text.substr(text.size() - kQuote) : text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t.empty() ? "(nothing on stderr)" : t;
}

// One run: the adapter's lines in, the report out.
class Replay {
 public:
  // `fields`: -e's columns (the writer is then the fields report of the same selection).
  Replay(const ForeignRun& run, std::shared_ptr<const formats::FieldSelection> fields,
         ForeignResult* result)
      : run_(run),
        o_(*run.options),
        result_(result),
        fields_(std::move(fields)),
        scoper_(&collector_, fields_.get(), run.registry) {}

  Status Run();

 private:
  Status Start();
  Status Lines();
  Status OnLine(std::string_view line, bool* stop);
  Status OnFrame(std::string_view line, bool* stop);
  Status OnMeta(std::string_view line);
  Status OnError(std::string_view line);
  Status Finish(bool killed);
  Status Flush(bool force);
  void Verbose(uint64_t number);

  const ForeignRun& run_;
  const ExtractOptions& o_;
  ForeignResult* result_;
  std::shared_ptr<const formats::FieldSelection> fields_;
  std::string input_;
  io::StreamingChild child_;
  std::unique_ptr<Selection> selection_;
  formats::OutBuffer out_;
  formats::FieldCollector collector_;
  LayerScoper scoper_;
  NullEmitter null_;
  std::string protocols_, title_;
  uint64_t entries_ = 0, sections_ = 0, interfaces_ = 0, last_number_ = 0;
  bool error_line_ = false;
};

Status Replay::Run() {
  input_ = o_.inputs.size() == 1 ? o_.inputs.front() : o_.input;
  std::error_code ec;
  result_->bytes = fs::file_size(input_, ec);
  if (ec) return Status::CorruptInput(input_ + ": " + ec.message(), 0, 0, input_);
  Status s = Selection::Make({}, o_.frames, o_.count, &selection_);
  if (s.ok()) s = Start();
  if (!s.ok()) return s;
  if (run_.writer != nullptr) run_.writer->Begin(out_);
  s = Lines();
  // Past an error line, --count, --frames' last frame or a stop, the adapter's output is
  // not wanted any more: how it then ends (SIGPIPE, or the tool's own status) says nothing.
  bool killed = !s.ok() || error_line_ || selection_->done() || result_->interrupted;
  if (killed) child_.Kill();
  Status end = Finish(killed);
  if (!s.ok()) return s;
  if (!end.ok()) return end;
  if (run_.writer != nullptr) run_.writer->End(entries_ == 0, out_);
  if (s = Flush(true); !s.ok()) return s;
  return run_.output != nullptr ? run_.output->Close() : Status::Ok();
}

// python3 ADAPTER INPUT; tshark's adapter reads the field map on stdin.
Status Replay::Start() {
  std::string adapter;
  if (Status s = FindAdapter(o_.strategy, &adapter); !s.ok()) return s;
  io::ProcessOptions p;
  if (o_.strategy == Strategy::kTshark) {
    p.has_stdin_data = true;
    p.stdin_data = run_.field_map;
  }
  child_.set_stop(o_.stop);
  Status s = child_.Start({Python(), adapter, input_}, p);
  if (s.ok()) return s;
  // posix_spawnp's own words name the program it could not run.
  return Status::InvalidArgument(NeedsPackage(o_.strategy, "python3").message() + " (" +
                                 s.message() + ")");
}

Status Replay::Lines() {
  for (;;) {
    std::string_view line;
    bool eof = false;
    if (Status s = child_.ReadLine(&line, &eof); !s.ok())
      return Status::Internal("reading the " + std::string(StrategyName(o_.strategy)) +
                              " adapter's output: " + s.message());
    if (eof) {
      result_->interrupted = o_.stop != nullptr && o_.stop->load();
      return Status::Ok();
    }
    bool stop = false;
    if (Status s = OnLine(line, &stop); !s.ok()) return s;
    if (stop) return Status::Ok();
  }
}

Status Replay::OnLine(std::string_view line, bool* stop) {
  switch (KindOf(line)) {
    case LineKind::kFrame:
      return OnFrame(line, stop);
    case LineKind::kMeta:
      return OnMeta(line);
    case LineKind::kError:
      *stop = true;
      return OnError(line);
    case LineKind::kOther:
      break;
  }
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return Status::Ok();
  return Status::Internal(
      "the " + std::string(StrategyName(o_.strategy)) +
      " adapter wrote a line that is no frame, meta or error: " + std::string(line.substr(0, 200)));
}

// The frame's record, if --frames and --count select it, through the report's writer
// (or the -e columns' collector): the same bytes as pcapkit's own records of the same
// members.
Status Replay::OnFrame(std::string_view line, bool* stop) {
  uint64_t number = FrameNumberOf(line);
  if (number == 0) number = last_number_ + 1;
  last_number_ = number;
  if (selection_->active() && !selection_->Select(number)) {
    *stop = selection_->done();
    return Status::Ok();
  }
  std::string* protocols = o_.verbose ? &protocols_ : nullptr;
  Status s;
  if (run_.writer == nullptr) {
    s = ReplayFrame(line, null_, protocols);
  } else if (fields_ != nullptr) {
    scoper_.Start();
    s = ReplayFrame(line, scoper_, protocols);
    collector_.WriteRow(IsFlatFormat(o_.format)
                            ? (o_.format == OutputFormat::kCsv ? formats::FieldCollector::Row::kCsv
                                                               : formats::FieldCollector::Row::kTsv)
                            : formats::FieldCollector::Row::kJson,
                        out_);
  } else {
    title_.assign("Frame ").append(std::to_string(number));
    run_.writer->Record(
        title_, [&](Emitter& e) { s = ReplayFrame(line, e, protocols); }, entries_ == 0, out_);
  }
  if (!s.ok()) return s;
  ++entries_;
  ++result_->frames;
  if (o_.verbose) Verbose(number);
  *stop = selection_->done();
  return Flush(false);
}

// File-level records are numbered per kind as pcapkit's readers number them.
Status Replay::OnMeta(std::string_view line) {
  capture::MetaRecord meta;
  if (Status s = ParseMeta(line, &meta); !s.ok()) return s;
  if (meta.kind == capture::MetaRecord::Kind::kSectionHeader) meta.ordinal = ++sections_;
  if (meta.kind == capture::MetaRecord::Kind::kInterfaceDescription) meta.ordinal = ++interfaces_;
  if (run_.writer == nullptr) return Status::Ok();
  run_.writer->Meta(meta, entries_ == 0, out_);
  ++entries_;
  return Flush(false);
}

Status Replay::OnError(std::string_view line) {
  AdapterError e;
  if (Status s = ParseError(line, &e); !s.ok()) return s;
  error_line_ = true;
  result_->input = Status::CorruptInput(input_ + ": frame " + std::to_string(e.frame) +
                                            ", byte offset " + std::to_string(e.offset) + ": " +
                                            e.message + " (" + EngineFlag(o_) + ")",
                                        e.frame, e.offset, input_);
  return Status::Ok();
}

// How the adapter ended: 3 is a module or tool it did not find; any other failure is the
// adapter's fault. An adapter pcapkit ended (`killed`) is not asked.
Status Replay::Finish(bool killed) {
  io::ProcessResult r;
  if (Status s = child_.Wait(&r); !s.ok()) return s;
  if (killed || r.exited_ok()) return Status::Ok();
  if (r.exit_code == 3) {
    Status s = NeedsPackage(o_.strategy, DebianPackage(o_.strategy));
    return Status::InvalidArgument(s.message() + ": " + Tail(r.stderr_text));
  }
  std::string how = r.signal != 0 ? "was killed by signal " + std::to_string(r.signal)
                                  : "exited with status " + std::to_string(r.exit_code);
  return Status::Internal("the " + std::string(StrategyName(o_.strategy)) + " adapter " + how +
                          ": " + Tail(r.stderr_text));
}

Status Replay::Flush(bool force) {
  if (out_.empty() || (!force && out_.size() < kFlushBytes)) return Status::Ok();
  Status s = run_.output != nullptr ? run_.output->Write(out_.view()) : Status::Ok();
  out_.clear();
  return s;
}

// -v: "Frame N: chain" on stderr, as pcapkit's own engines write it.
void Replay::Verbose(uint64_t number) {
  std::fprintf(stderr, "Frame %3llu: %s\n", static_cast<unsigned long long>(number),
               protocols_.c_str());
  protocols_.clear();
}

}  // namespace

Status FindAdapter(Strategy engine, std::string* path) {
  std::vector<std::string> folders;
  if (const char* e = std::getenv("PCAPKIT_ENGINES"); e != nullptr && *e != '\0')
    folders.push_back(e);
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    folders.push_back((self.parent_path() / ".." / "share" / "pcapkit" / "engines").string());
  for (const char* built : {PCAPKIT_ENGINES_INSTALL_DIR, PCAPKIT_ENGINES_SOURCE_DIR})
    if (*built != '\0') folders.push_back(built);
  std::string looked;
  for (const std::string& folder : folders) {
    fs::path candidate = fs::path(folder) / AdapterName(engine);
    if (::access(candidate.c_str(), R_OK) == 0) {
      *path = candidate.lexically_normal().string();
      return Status::Ok();
    }
    looked += (looked.empty() ? "" : ", ") + folder;
  }
  return Status::Internal(std::string("the ") + StrategyName(engine) + " engine's adapter " +
                          AdapterName(engine) + " is in none of: " + looked +
                          " (set PCAPKIT_ENGINES to its folder)");
}

Status RunForeignEngine(const ForeignRun& run, ForeignResult* result) {
  *result = ForeignResult();
  if (Status s = CheckOptions(*run.options); !s.ok()) return s;
  std::shared_ptr<const formats::FieldSelection> fields;
  if (run.writer != nullptr && !run.options->fields.empty()) {
    formats::FieldCatalogue frames{formats::FrameFields(), run.registry, true};
    if (Status s = formats::FieldSelection::Make(run.options->fields, frames, &fields); !s.ok())
      return s;
  }
  return Replay(run, std::move(fields), result).Run();
}

}  // namespace pcapkit::stages::foreign
