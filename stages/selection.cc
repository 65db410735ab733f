#include "stages/selection.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <charconv>

namespace pcapkit::stages {

struct Selection::Program {
  bpf_program bpf{};
  ~Program() { pcap_freecode(&bpf); }
};

namespace {

// libpcap compiles for its DLT_ values, which are the files' LINKTYPE_ values except for
// a few link types whose DLT_ numbers differ between systems (its pcap-common.c).
int DltOf(uint32_t linktype) {
  switch (linktype) {
    case 101:  // LINKTYPE_RAW: IPv4 or IPv6, no link header
      return DLT_RAW;
    case 102:
      return DLT_SLIP_BSDOS;
    case 103:
      return DLT_PPP_BSDOS;
    case 106:
      return DLT_ATM_CLIP;
    default:
      return int(linktype);
  }
}

// Compiles `filter` for `linktype` into `out`; InvalidArgument with libpcap's message.
Status Compile(const std::string& filter, uint32_t linktype, bpf_program& out) {
  pcap_t* dead = pcap_open_dead(DltOf(linktype), 262144);
  if (dead == nullptr) return Status::InvalidArgument("--filter: cannot prepare libpcap");
  int rc = pcap_compile(dead, &out, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN);
  std::string message = rc == 0 ? "" : pcap_geterr(dead);
  pcap_close(dead);
  if (rc != 0)
    return Status::InvalidArgument("--filter '" + filter + "' (link type " +
                                   std::to_string(linktype) + "): " + message);
  return Status::Ok();
}

bool ParseNumber(std::string_view s, uint64_t* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size() && *v != 0;
}

}  // namespace

Selection::Selection(const std::string& filter, uint64_t count) : filter_(filter), count_(count) {}

Status Selection::Make(const std::string& filter, const std::string& frames, uint64_t count,
                       std::unique_ptr<Selection>* out) {
  std::unique_ptr<Selection> selection(new Selection(filter, count));
  if (!filter.empty()) {
    // Check the expression at once (on Ethernet) so a typo is a usage error before any
    // output; other link types compile when their first frame arrives.
    auto program = std::make_unique<Program>();
    Status s = Compile(filter, 1, program->bpf);
    if (!s.ok()) return s;
    selection->programs_.emplace(1, std::move(program));
  }
  Status s = selection->ParseFrames(frames);
  if (!s.ok()) return s;
  *out = std::move(selection);
  return Status::Ok();
}

// "100-200,305" into sorted, merged inclusive ranges; a range may be written either way
// round ("5-2" is 2-5), and ranges may overlap.
Status Selection::ParseFrames(const std::string& frames) {
  std::string_view rest = frames;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    size_t dash = item.find('-');
    std::string_view lo_text = item.substr(0, dash);
    std::string_view hi_text = dash == std::string_view::npos ? lo_text : item.substr(dash + 1);
    uint64_t lo = 0, hi = 0;
    for (auto [text, value] : {std::pair{lo_text, &lo}, std::pair{hi_text, &hi}})
      if (!ParseNumber(text, value))
        return Status::InvalidArgument("--frames '" + frames + "': '" + std::string(text) +
                                       "' is not a frame number (frames count from 1)");
    ranges_.emplace_back(std::min(lo, hi), std::max(lo, hi));
  }
  std::sort(ranges_.begin(), ranges_.end());
  std::vector<std::pair<uint64_t, uint64_t>> merged;
  for (const auto& r : ranges_) {
    if (!merged.empty() && r.first <= merged.back().second + 1)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  }
  ranges_ = std::move(merged);
  return Status::Ok();
}

Selection::~Selection() = default;

bool Selection::Wanted(uint64_t number) const {
  if (ranges_.empty()) return true;
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), std::make_pair(number, UINT64_MAX));
  return it != ranges_.begin() && std::prev(it)->second >= number;
}

Status Selection::Passes(const capture::FrameRecord& f, const uint8_t* data, bool* passes) {
  *passes = true;
  if (filter_.empty()) return Status::Ok();
  auto& program = programs_[f.linktype];
  if (!program) {
    program = std::make_unique<Program>();
    Status s = Compile(filter_, f.linktype, program->bpf);
    if (!s.ok()) {
      programs_.erase(f.linktype);
      return s;
    }
  }
  pcap_pkthdr hdr{};
  hdr.caplen = f.cap_len;
  hdr.len = f.len;
  *passes = pcap_offline_filter(&program->bpf, &hdr, data) != 0;
  return Status::Ok();
}

bool Selection::Select(uint64_t number) {
  bool keep = !done_ && Wanted(number);
  if (keep && count_ != 0 && ++selected_ >= count_) done_ = true;
  if (!ranges_.empty() && number >= ranges_.back().second) done_ = true;
  return keep;
}

Status Selection::Apply(capture::Batch& batch) {
  if (!active()) return Status::Ok();
  uint64_t last_wanted = ranges_.empty() ? UINT64_MAX : ranges_.back().second;
  size_t kept = 0, meta = 0;
  for (size_t i = 0; i < batch.frames.size(); ++i) {
    // File records keep their place relative to the frames that remain.
    for (; meta < batch.metas.size() && batch.metas[meta].before_frame <= i; ++meta)
      batch.metas[meta].before_frame = uint32_t(kept);
    const capture::FrameRecord& f = batch.frames[i];
    bool keep = !done_ && Wanted(f.number);
    if (keep) {
      Status s = Passes(f, batch.Data(f), &keep);
      if (!s.ok()) return s;
    }
    if (keep) {
      batch.frames[kept++] = f;
      if (count_ != 0 && ++selected_ >= count_) done_ = true;
    }
    if (f.number >= last_wanted) done_ = true;
  }
  for (; meta < batch.metas.size(); ++meta) batch.metas[meta].before_frame = uint32_t(kept);
  batch.frames.resize(kept);
  return Status::Ok();
}

}  // namespace pcapkit::stages
