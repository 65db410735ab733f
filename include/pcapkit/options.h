// Options shared by the CLI and the C++ API; each field names the CLI flag it mirrors.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pcapkit/flows.h"
#include "pcapkit/io.h"
#include "pcapkit/reassembly.h"

namespace pcapkit {

enum class OutputFormat { kNone, kJson, kNdjson, kPlist, kTree, kCsv, kTsv, kPcap, kPcapng };

// --occurrence: which of a field's occurrences in a record a column gets (tshark's
// `-E occurrence=`): the first, the last, or all of them (a JSON array; joined by `,` in
// csv and tsv).
enum class FieldOccurrence { kFirst, kLast, kAll };

// -e / --fields: the columns of a flat report, one row per record: csv, tsv, or ndjson
// objects keyed by the field names (docs/cli.md "Field selection").
struct FieldOptions {
  std::vector<std::string> names;  // -e FIELD (repeatable) and --fields F1,F2: column order
  FieldOccurrence occurrence = FieldOccurrence::kFirst;  // --occurrence
  bool header = true;                                    // csv/tsv header line; --no-header
  bool empty() const { return names.empty(); }
};

// How the stages are run (-E); every strategy writes the same bytes. The foreign engines
// are other programs' dissections mapped into pcapkit's records (docs/cli.md "Foreign
// engines"): the fields each tool dissects, under pcapkit's names.
enum class Strategy {
  kSequential,  // one thread runs every stage in turn
  kServer,      // a Boost.Asio worker pool processes batches; a strand writes them in order
  kPipeline,    // a oneTBB flow graph: serial reader, parallel processing, ordered writer
  kDpkt,        // Python's dpkt, through pcapkit's adapter
  kScapy,       // Python's scapy (PcapReader), through pcapkit's adapter
  kTshark,      // tshark (-E pyshark too: PyShark runs tshark), through pcapkit's adapter
};

// The layers of PyPCAPKit, lowest first; dissection may stop after any of them (-L).
enum class LayerLevel : unsigned char { kNone = 0, kLink, kInternet, kTransport, kApplication };

// `pcapkit trace` and extract --trace: every TCP flow (or every flow) into a file of its
// own, FOLDER/<src>_<srcport>-<dst>_<dstport>-<first time>.<ext>, indexed in
// FOLDER/index.ndjson. pcap and pcapng files take ExtractOptions' byte order and
// resolution.
struct TraceOptions {
  std::string folder;                         // -o / --trace FOLDER; empty: no trace
  OutputFormat format = OutputFormat::kPcap;  // -f / --trace-format
  bool all = false;                           // --all: every flow, not TCP's alone
  bool unidirectional = false;                // --unidirectional: a file per direction
  size_t max_open = 64;                       // --max-open: files open at once
  bool force = false;                         // --force: write into a folder not empty
  size_t buffer_bytes = 16 << 20;             // frames held in memory before they are written
};

// `pcapkit analyse`: application transactions (HTTP, TLS, DNS, ...) from reassembled TCP
// streams and UDP datagrams, one record each.
struct AnalyseOptions {
  bool enabled = false;
  // --protocols: the analysers that may claim a conversation ("http,tls,dns,ftp,http2,
  // unknown"); empty: all of them.
  std::string protocols;
  std::string bodies;                     // --bodies FOLDER: decoded bodies, by SHA-256
  size_t max_body = size_t(16) << 20;     // --max-body: body bytes decoded per message
  size_t max_decoded = size_t(64) << 20;  // --max-decoded: bytes a decoder may produce
  size_t memory = size_t(64) << 20;       // --analyse-memory: what analysers hold at once
  // --held-bodies: memory for bodies without a coding held for the parallel stage after
  // the serial one to hash; below 16 KiB (and one thread, no report, --bodies): none.
  size_t held_bodies = size_t(16) << 20;
  // --tcp-timeout, --tcp-memory, --overlap, ...: the reassembly feeding the analysers.
  // IP fragments are reassembled first (a message in fragments is still a message, as
  // tshark has it); TCP streams always.
  ReassemblyOptions reassembly{.ipv4 = true, .ipv6 = true, .tcp = true};
  std::string output;                         // -o: where the records go ("-": stdout)
  OutputFormat format = OutputFormat::kNone;  // -f; kNone: from `output`'s extension
  std::shared_ptr<OutputSink> sink;           // instead of `output`
  FieldOptions fields;                        // -e: the report's columns
};

struct ExtractOptions {
  std::string input;  // INPUT: a path, or "-" for stdin
  // INPUT...: several captures (a folder: the captures in it, in name order), read in
  // turn into one report; each record names its `file`, frames count per file, and a
  // capture that cannot be read is reported and skipped (ExtractSummary::input_faults).
  // One path that is not a folder is the same as `input`. Not with the stateful stages.
  std::vector<std::string> inputs;
  // Instead of `input`: a capture from memory or a callback (pcapkit/io.h).
  std::shared_ptr<CaptureSource> source;
  // Instead of `output`: where the report's bytes go (the format must be given; not -F).
  std::shared_ptr<OutputSink> sink;
  std::string output;                         // -o: a path, or "-" for stdout; empty: "out.<ext>"
  OutputFormat format = OutputFormat::kNone;  // -f / -j; kNone: inferred from -o
  bool auto_extension = false;  // -a: add ".pcap" to the input, the format's to the output
  bool verbose = false;         // -v: "Frame N: chain" lines on stderr
  LayerLevel stop_layer = LayerLevel::kNone;  // -L: stop dissecting after this layer
  std::string stop_protocol;  // -P: stop dissecting after this protocol (name, any case)
  bool payload = false;       // --payload: write `data` hex of raw layers
  bool names = false;         // --names: enumerations also by name (`type_name`: "IPv4")
  FieldOptions fields;        // -e: the frame report's columns (csv, tsv, ndjson)
  bool nofile = false;        // --nofile: dissect, write nothing
  bool files = false;         // -F: one file per record in the folder named by -o
  bool force = false;         // --force: -F empties a folder that is not empty first
  std::string filter;         // --filter: tcpdump expression (libpcap's BPF compiler)
  std::string frames;         // --frames: "100-200,305"
  uint64_t count = 0;         // --count: stop after this many selected frames (0: all)
  bool big_endian = false;    // --byteorder big: pcap/pcapng output byte order
  // --nanosecond / --microsecond: pcap output resolution; kAuto: the input's (ns when
  // the input may hold finer than µs), so timestamps are never cut.
  enum class Resolution { kAuto, kMicro, kNano } resolution = Resolution::kAuto;
  // Raised (e.g. by a SIGINT handler) to stop reading: what was read is still written.
  const std::atomic<bool>* stop = nullptr;
  bool quiet = false;                         // --quiet: no progress line on stderr
  Strategy strategy = Strategy::kSequential;  // -E
  // -E as given ("pyshark" for kTshark), for messages; empty: the strategy's own name.
  std::string engine;
  unsigned threads = 0;  // --threads: worker threads (0: one per core)
  size_t inflight = 0;   // batches in flight at most (0: 2 per thread + 2)
  // Bytes read per batch; with `inflight`, bounds memory. A batch's frames, records and
  // flow packets stay in a core's cache between the stages at 256 KiB (at 1 MiB, extract
  // --flow-id cost 23-34 % over plain NDJSON, at 256 KiB 10-21 %: bench/README.md,
  // "Batches of 256 KiB").
  size_t batch_bytes = 256 << 10;
  // Limits against hostile input (docs/cli.md "Limits"):
  uint32_t max_record = 256u << 20;  // --max-record-length: a longer record is a fault
  unsigned max_layers = 32;          // --max-layers: layers dissected per frame (2..32)

  // --reassemble ipv4,ipv6,tcp (and the `reassemble` verb): which reassemblers run, and
  // their policy, timeouts and budgets.
  ReassemblyOptions reassembly;
  // Where the reassembly report goes ("-": stdout). Empty: beside the frame report,
  // "out.json" -> "out.reassembly.json"; none with --nofile.
  std::string reassembly_output;
  // Its format; kNone: the frame report's when that is a text format, else JSON.
  OutputFormat reassembly_format = OutputFormat::kNone;
  // Instead of `reassembly_output`: where the reassembly report's bytes go.
  std::shared_ptr<OutputSink> reassembly_sink;
  FieldOptions reassembly_fields;  // `reassemble -e`: the reassembly report's columns
  // The `flows` verb and extract --flows FILE: the flow table and its options.
  FlowOptions flows;
  // Where the flow records go ("-": stdout); empty: followed and counted, not written.
  std::string flows_output;
  OutputFormat flows_format = OutputFormat::kNone;  // kNone: from flows_output's extension
  std::shared_ptr<OutputSink> flows_sink;           // instead of `flows_output`
  FieldOptions flows_fields;                        // `flows -e`: the flow report's columns
  // extract --flow-id: each frame record of an IP flow gets the flow's `community_id` and
  // `flow` number (as the flow records number them).
  bool flow_id = false;
  TraceOptions trace;      // `trace` and extract --trace
  AnalyseOptions analyse;  // `analyse`
};

// What pcapkit knows of one output format. OutputFormats() lists them all, and every
// format name, extension, CLI flag and message about formats is made from that list.
struct OutputFormatInfo {
  OutputFormat format;
  const char* name;                         // what -f takes and messages list
  std::span<const char* const> aliases;     // what -f also takes
  std::span<const char* const> extensions;  // what names it; the first is the one written
  const char* shortcut;                     // the CLI flag meaning -f NAME ("-j,--json"), or ""
  bool text;                                // a report of records, not a capture
  bool flat;                                // rows of the fields -e selects (csv, tsv)
};

// json, ndjson, plist, tree, csv, tsv, pcap, pcapng, in the order messages list them.
std::span<const OutputFormatInfo> OutputFormats();
// Which formats a list names: every one; the formats of records (text); those of whole
// records (no csv, tsv: a companion report, which -e does not select for); all but csv
// and tsv (trace files).
enum class FormatSet { kAll, kRecords, kWholeRecords, kNotFlat };
// The formats' names joined by `separator` ("json|ndjson|..."); `last`, when given, joins
// the last two ("json, ndjson, plist or tree").
std::string OutputFormatNames(std::string_view separator, FormatSet set = FormatSet::kAll,
                              std::string_view last = {});
// Whether `format` writes a report of records (json, ndjson, plist, tree, csv, tsv).
bool IsTextFormat(OutputFormat format);
// Whether `format` writes rows of selected fields only (csv, tsv).
bool IsFlatFormat(OutputFormat format);
// "first", "last" or "all"; throws FormatError otherwise.
FieldOccurrence ParseOccurrence(const std::string& name);

// A format's name or alias, in any case; throws FormatError on anything else.
OutputFormat ParseOutputFormat(const std::string& name);
// "link", "internet", "transport", "application" (any case); throws FormatError otherwise.
LayerLevel ParseLayerLevel(const std::string& name);
// The name -f takes ("tree"); "" for kNone.
const char* FormatName(OutputFormat format);
// The extension written (".json"); "" for kNone.
const char* FormatExtension(OutputFormat format);
// The format a file name's extension names (.json, .ndjson/.jsonl, .plist/.xml, .txt,
// .pcap/.cap, .pcapng); kNone for any other name.
OutputFormat FormatFromExtension(const std::string& path);
// The text format a report's name names by its extension as std::filesystem sees it (a
// dot file, ".json", has none); kNone for any other, capture formats' included.
OutputFormat TextFormatFromExtension(const std::string& path);
// "sequential" (or "default"), "server", "pipeline", "dpkt", "scapy", "tshark" or
// "pyshark" (= tshark), any case; throws FormatError otherwise.
Strategy ParseStrategy(const std::string& name);
// The strategy's name: "sequential", ..., "tshark".
const char* StrategyName(Strategy strategy);
// dpkt, scapy, tshark: another program's dissection, not pcapkit's stages.
bool IsForeignEngine(Strategy strategy);
// Why the foreign engine `options.strategy` names cannot run `options` as asked (a
// message naming the engine and the option: "-E dpkt cannot honour --reassemble
// (pcapkit's own engines can)"), or "" when it can, or when the strategy is pcapkit's own.
std::string ForeignEngineRefusal(const ExtractOptions& options);
// "ipv4,ipv6,tcp" (also "ip" for both IP versions, "all") into `options`; throws
// FormatError on an unknown name.
void ParseReassembly(const std::string& list, ReassemblyOptions& options);
// "first" or "last"; throws FormatError otherwise.
OverlapPolicy ParseOverlapPolicy(const std::string& name);

}  // namespace pcapkit
