// Flags more than one verb takes, each group added by one function so that it reads the
// same in every verb's help. CLI11 writes into the objects below while parsing, so each
// must stay put (the verbs hold them in a shared_ptr their callback keeps) until the
// verb runs and turns them into ExtractOptions.
#pragma once

#include <CLI/CLI.hpp>
#include <deque>
#include <string>
#include <vector>

#include "pcapkit/options.h"

namespace pcapkit::cli {

// INPUT, --filter, --frames, --count: the capture and which of its frames are read.
void AddInputFlags(CLI::App* cmd, ExtractOptions& o);

// --max-record-length, --max-layers: limits against hostile input.
void AddLimitFlags(CLI::App* cmd, ExtractOptions& o);

// -f FORMAT and its shortcuts (-j, -p, -t, --ndjson), all made from OutputFormats().
class FormatFlags {
 public:
  // `set`: the formats -f's help lists (a reassembly report's: records only).
  void Add(CLI::App* cmd, FormatSet set);
  // -f's format if given, else the first shortcut given, else kNone; throws FormatError
  // on a name -f does not know.
  OutputFormat Format() const;

 private:
  struct Shortcut {
    OutputFormat format;
    bool given = false;
  };
  std::string name_;
  std::deque<Shortcut> shortcuts_;  // a deque: CLI11 holds pointers to `given`
};

// "a,b,,c" -> {"a", "b", "", "c"}: -e's and --fields' lists, empty items kept (the
// field selection rejects them with its message).
std::vector<std::string> SplitCommas(const std::string& list);

// -e / --fields, --occurrence, --no-header: the columns of a flat report (csv, tsv,
// ndjson), for every verb that writes records.
class FieldFlags {
 public:
  void Add(CLI::App* cmd);
  // Into `fields`, -e's and --fields' names in the order given; throws FormatError on an
  // unknown occurrence.
  void Apply(FieldOptions& fields) const;

 private:
  std::vector<std::string> names_;  // -e, each may hold a comma-separated list too
  std::vector<std::string> lists_;  // --fields
  std::string occurrence_ = "first";
  bool no_header_ = false;
};

// -E, --threads, --inflight, -q: how the stages run, and whether stderr stays quiet.
class StrategyFlags {
 public:
  // `quiet_help` says what -q silences; `foreign`: -E also takes the foreign engines
  // (dpkt, scapy, tshark, pyshark), which run extract only.
  void Add(CLI::App* cmd, ExtractOptions& o, const char* quiet_help, bool foreign = false);
  // Parses -E into `o` (ExtractOptions::engine keeps the name given); throws FormatError
  // on an unknown engine, or a foreign one where the verb has none.
  void Apply(ExtractOptions& o) const;

 private:
  std::string engine_;
  std::string verb_;
  bool foreign_ = false;
};

// --byteorder, --nanosecond, --microsecond: how pcap and pcapng output is written.
class CaptureOutputFlags {
 public:
  void Add(CLI::App* cmd);
  // Into `o`; throws FormatError on a bad byte order or both resolutions.
  void Apply(ExtractOptions& o) const;

 private:
  std::string byteorder_;
  bool nanosecond_ = false, microsecond_ = false;
};

// Reassembly's policy, timeouts and budgets (--strict, --overlap, --tcp-timeout, ...).
class ReassemblyFlags {
 public:
  // `records`: also the flags that shape reassembly records (--strict, --tcp-messages,
  // --tcp-buffer), which a verb that streams (analyse) has none of.
  void Add(CLI::App* cmd, ReassemblyOptions& r, bool records = true);
  // Parses --overlap into `r`; throws FormatError on an unknown policy.
  void Apply(ReassemblyOptions& r) const;

 private:
  std::string overlap_;
};

// --log-level and --log-file on `verb`, and with `verbose_flag` -v (--log-level info)
// unless the verb has one: which diagnostics show and where they also go
// (cli/extraction.h). They take effect once the verb's flags are parsed, before it runs.
void AddLogFlags(CLI::App* verb, bool verbose_flag);

// A text report's format and name, for the verbs whose report is not the frames'
// (reassemble, flows): the format from -f, else -o's extension; the name from -o, else
// "out.<ext>", with -a adding the extension -o lacks. Throws FormatError when no format
// follows.
void NameReport(std::string& out, OutputFormat& format, bool auto_extension);

}  // namespace pcapkit::cli
