#include "stages/selection.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <charconv>

#include "pcapkit/errors.h"

namespace pcapkit::stages {

struct Selection::Program {
  bpf_program bpf{};
  ~Program() { pcap_freecode(&bpf); }
};

namespace {

// Compiles `filter` for `linktype` into `out`; throws FormatError with libpcap's message.
void Compile(const std::string& filter, uint32_t linktype, bpf_program& out) {
  pcap_t* dead = pcap_open_dead(int(linktype), 262144);
  if (dead == nullptr) throw FormatError("--filter: cannot prepare libpcap");
  int rc = pcap_compile(dead, &out, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN);
  std::string message = rc == 0 ? "" : pcap_geterr(dead);
  pcap_close(dead);
  if (rc != 0) {
    throw FormatError("--filter '" + filter + "' (link type " + std::to_string(linktype) +
                      "): " + message);
  }
}

uint64_t ParseNumber(std::string_view s, const std::string& spec) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0)
    throw FormatError("--frames '" + spec + "': '" + std::string(s) +
                      "' is not a frame number (frames count from 1)");
  return v;
}

}  // namespace

Selection::Selection(const std::string& filter, const std::string& frames, uint64_t count)
    : filter_(filter), count_(count) {
  if (!filter_.empty()) {
    // Check the expression at once (on Ethernet) so a typo is a usage error before any
    // output; other link types compile when their first frame arrives.
    auto program = std::make_unique<Program>();
    Compile(filter_, 1, program->bpf);
    programs_.emplace(1, std::move(program));
  }
  std::string_view rest = frames;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    size_t dash = item.find('-');
    uint64_t lo = ParseNumber(item.substr(0, dash), frames);
    uint64_t hi = dash == std::string_view::npos ? lo : ParseNumber(item.substr(dash + 1), frames);
    if (hi < lo)
      throw FormatError("--frames '" + frames + "': range " + std::string(item) +
                        " runs backwards");
    ranges_.emplace_back(lo, hi);
  }
  std::sort(ranges_.begin(), ranges_.end());
}

Selection::~Selection() = default;

bool Selection::Wanted(uint64_t number) const {
  if (ranges_.empty()) return true;
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), std::make_pair(number, UINT64_MAX));
  return it != ranges_.begin() && std::prev(it)->second >= number;
}

bool Selection::Passes(const capture::FrameRecord& f, const uint8_t* data) {
  if (filter_.empty()) return true;
  auto& program = programs_[f.linktype];
  if (!program) {
    program = std::make_unique<Program>();
    Compile(filter_, f.linktype, program->bpf);
  }
  pcap_pkthdr hdr{};
  hdr.caplen = f.cap_len;
  hdr.len = f.len;
  return pcap_offline_filter(&program->bpf, &hdr, data) != 0;
}

void Selection::Apply(capture::Batch& batch) {
  if (!active()) return;
  uint64_t last_wanted = ranges_.empty() ? UINT64_MAX : ranges_.back().second;
  size_t kept = 0, meta = 0;
  for (size_t i = 0; i < batch.frames.size(); ++i) {
    // File records keep their place relative to the frames that remain.
    for (; meta < batch.metas.size() && batch.metas[meta].before_frame <= i; ++meta)
      batch.metas[meta].before_frame = uint32_t(kept);
    const capture::FrameRecord& f = batch.frames[i];
    bool keep = !done_ && Wanted(f.number) && Passes(f, batch.Data(f));
    if (keep) {
      batch.frames[kept++] = f;
      if (count_ != 0 && ++selected_ >= count_) done_ = true;
    }
    if (f.number >= last_wanted) done_ = true;
  }
  for (; meta < batch.metas.size(); ++meta) batch.metas[meta].before_frame = uint32_t(kept);
  batch.frames.resize(kept);
}

}  // namespace pcapkit::stages
