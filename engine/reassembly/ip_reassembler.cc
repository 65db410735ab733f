#include "engine/reassembly/ip_reassembler.h"

#include <algorithm>
#include <cstring>

namespace pcapkit::reassembly {

struct IpReassembler::Pending {
  Key key;
  int64_t first_ns = 0;
  Timestamp first, last;
  std::vector<uint8_t> data;  // payload bytes at their offsets; grown to the furthest end
  RunSet runs;
  uint8_t upper = 0;   // the upper-layer protocol (IPv6: from the first fragment)
  int64_t total = -1;  // payload length, from the fragment without MF
  std::vector<uint8_t> header;
  std::vector<uint64_t> index;
  bool conflict = false, oversize = false;
  size_t cost = 0;
  Pending *prev = nullptr, *next = nullptr;
};

bool IpReassembler::Key::operator==(const Key& o) const {
  return ipv6 == o.ipv6 && protocol == o.protocol && id == o.id &&
         std::memcmp(src, o.src, 16) == 0 && std::memcmp(dst, o.dst, 16) == 0;
}

size_t IpReassembler::KeyHash::operator()(const Key& k) const {
  // FNV-1a over the key: only a bucket choice; identity is the full compare above.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  mix(k.src, 16);
  mix(k.dst, 16);
  uint8_t tail[6] = {uint8_t(k.id),       uint8_t(k.id >> 8), uint8_t(k.id >> 16),
                     uint8_t(k.id >> 24), k.protocol,         uint8_t(k.ipv6)};
  mix(tail, sizeof tail);
  return size_t(h);
}

IpReassembler::IpReassembler(const ReassemblyOptions& options, ReassemblyStats* stats, Emit emit)
    : options_(options), stats_(stats), emit_(std::move(emit)) {}

IpReassembler::~IpReassembler() = default;

// What a pending datagram holds: its buffers plus a fixed charge for the bookkeeping, so
// a flood of tiny fragments under distinct keys is bounded as well as a few large ones.
size_t IpReassembler::Cost(const Pending& p) {
  return sizeof(Pending) + 64 + p.data.capacity() + p.header.capacity() +
         p.index.capacity() * sizeof(uint64_t) + p.runs.runs().capacity() * 16;
}

void IpReassembler::Unlink(Pending* p) {
  int f = p->key.ipv6;
  (p->prev ? p->prev->next : oldest_[f]) = p->next;
  (p->next ? p->next->prev : newest_[f]) = p->prev;
  p->prev = p->next = nullptr;
}

IpReassembler::Pending* IpReassembler::Oldest() const {
  if (oldest_[0] == nullptr) return oldest_[1];
  if (oldest_[1] == nullptr) return oldest_[0];
  return oldest_[1]->first_ns < oldest_[0]->first_ns ? oldest_[1] : oldest_[0];
}

namespace {
// Writes bytes [begin, end) of a datagram into `data`, from `bytes` (which starts at
// `begin`), where `runs` says none are held yet; where some are, compares them, and
// replaces them only if `last_wins`. True when held bytes differed: a conflict.
bool PlaceBytes(std::vector<uint8_t>& data, RunSet& runs, uint64_t begin, uint64_t end,
                const uint8_t* bytes, bool last_wins) {
  if (end <= begin) return false;
  if (data.size() < end) data.resize(end);
  const uint8_t* src = bytes - begin;  // src[x] is the byte at offset x
  bool differed = false;
  runs.Add(
      begin, end,
      [&](uint64_t b, uint64_t e) {
        if (std::memcmp(&data[b], src + b, e - b) != 0) {
          differed = true;
          if (last_wins) std::memcpy(&data[b], src + b, e - b);
        }
      },
      [&](uint64_t b, uint64_t e) { std::memcpy(&data[b], src + b, e - b); });
  return differed;
}
}  // namespace

// Add and its phases, in order. The phases are inline, or file-local like PlaceBytes: each
// has this one caller, and the split must cost the per-fragment path no calls.
void IpReassembler::Add(const IpFragment& fragment) {
  ++stats_->fragments;
  Pending& pending = FindOrOpen(fragment);
  held_ -= pending.cost;  // counted again once the fragment is in
  pending.last = fragment.time;
  pending.index.push_back(fragment.frame);
  if (fragment.offset == 0 && pending.header.empty()) {
    pending.header.assign(fragment.header, fragment.header + fragment.header_len);
    // IPv6 names the upper layer in the first fragment's Fragment header.
    if (fragment.ipv6) pending.upper = fragment.protocol;
  }

  uint64_t begin = fragment.offset;
  uint64_t end = begin + fragment.data_len;       // of the bytes captured
  uint64_t wire_end = begin + fragment.wire_len;  // of the bytes on the wire
  if (wire_end > kMaxPayload) {
    pending.oversize = true;
    end = std::min<uint64_t>(end, kMaxPayload);
    wire_end = kMaxPayload;
  }
  if (!fragment.mf) NoteLength(pending, wire_end);  // the last fragment tells the length
  if (pending.total >= 0) end = CutToLength(pending, begin, end);
  bool last_wins = options_.overlap == OverlapPolicy::kLast;
  if (PlaceBytes(pending.data, pending.runs, begin, end, fragment.data, last_wins))
    pending.conflict = true;
  pending.cost = Cost(pending);
  held_ += pending.cost;

  if (IsComplete(pending)) Release(&pending, ReassemblyStatus::kComplete);
  EvictOverBudget();
}

// The datagram `fragment` belongs to; a new one joins its family's list as the newest.
inline IpReassembler::Pending& IpReassembler::FindOrOpen(const IpFragment& fragment) {
  Key key = KeyOf(fragment);
  auto [it, inserted] = table_.try_emplace(key);
  if (!inserted) return *it->second;
  it->second = std::make_unique<Pending>();
  Pending& pending = *it->second;
  pending.key = key;
  pending.first = fragment.time;
  pending.first_ns = ToNanos(fragment.time);
  pending.upper = key.protocol;
  int family = key.ipv6;
  pending.prev = newest_[family];
  (newest_[family] ? newest_[family]->next : oldest_[family]) = &pending;
  newest_[family] = &pending;
  return pending;
}

inline IpReassembler::Key IpReassembler::KeyOf(const IpFragment& fragment) {
  Key key;
  key.ipv6 = fragment.ipv6;
  key.protocol = fragment.ipv6 ? 0 : fragment.protocol;  // IPv6 keys on (src, dst, id) only
  key.id = fragment.id;
  size_t address_len = fragment.ipv6 ? 16 : 4;
  std::memcpy(key.src, fragment.src, address_len);
  std::memcpy(key.dst, fragment.dst, address_len);
  return key;
}

// A second last fragment telling another length conflicts: the policy decides which stands.
inline void IpReassembler::NoteLength(Pending& pending, uint64_t length) {
  if (pending.total < 0) {
    pending.total = int64_t(length);
  } else if (pending.total != int64_t(length)) {
    pending.conflict = true;
    if (options_.overlap == OverlapPolicy::kLast) pending.total = int64_t(length);
  }
}

// Bytes past the datagram's known length conflict and are dropped, whether they come in
// this fragment, [begin, end), or were held from earlier ones. Returns the end that stays.
inline uint64_t IpReassembler::CutToLength(Pending& pending, uint64_t begin, uint64_t end) {
  uint64_t length = uint64_t(pending.total);
  if (end > length) {
    pending.conflict = true;
    end = std::max<uint64_t>(begin, length);
  }
  const std::vector<RunSet::Range>& held = pending.runs.runs();
  if (!held.empty() && held.back().second > length) {
    pending.conflict = true;
    pending.runs.Truncate(length);
  }
  return end;
}

// Complete once the first fragment (with the header) is in and the bytes cover the length
// the last fragment told.
inline bool IpReassembler::IsComplete(const Pending& pending) {
  if (pending.header.empty() || pending.total < 0) return false;
  return pending.total == 0 || pending.runs.Covers(0, uint64_t(pending.total));
}

// Oldest first, until the pending datagrams fit the budget again.
inline void IpReassembler::EvictOverBudget() {
  while (held_ > options_.ip_memory && Oldest() != nullptr)
    Release(Oldest(), ReassemblyStatus::kEvicted);
  // What stays held between fragments: the budget's measure.
  if (held_ > stats_->peak_ip_memory) stats_->peak_ip_memory = held_;
}

void IpReassembler::Expire(int64_t now_ns) {
  for (int fam = 0; fam < 2; ++fam) {
    double timeout_ns = (fam ? options_.ipv6_timeout : options_.ipv4_timeout) * 1e9;
    while (oldest_[fam] != nullptr && double(Elapsed(now_ns, oldest_[fam]->first_ns)) > timeout_ns)
      Release(oldest_[fam], ReassemblyStatus::kTimedOut);
  }
}

void IpReassembler::Finish() {
  while (Pending* p = Oldest()) Release(p, ReassemblyStatus::kPartial);
}

void IpReassembler::Release(Pending* p, ReassemblyStatus status) {
  Datagram d;
  d.ipv6 = p->key.ipv6;
  d.src = p->key.src;
  d.dst = p->key.dst;
  d.id = p->key.id;
  d.protocol = p->upper;
  d.status = status;
  d.conflict = p->conflict;
  d.oversize = p->oversize;
  d.index = p->index;
  d.header = p->header;
  d.total_length = p->total;
  d.first = p->first;
  d.last = p->last;
  uint64_t at = 0;
  for (const RunSet::Range& r : p->runs.runs()) {
    if (r.first > at) d.gaps.push_back({at, r.first - at});
    d.runs.push_back({r.first, {p->data.data() + r.first, size_t(r.second - r.first)}});
    at = r.second;
  }
  if (p->total >= 0 && at < uint64_t(p->total)) d.gaps.push_back({at, uint64_t(p->total) - at});
  if (status == ReassemblyStatus::kComplete) {
    d.payload = {p->data.data(), size_t(p->total)};
    ++stats_->datagrams_complete;
  } else if (status == ReassemblyStatus::kPartial) {
    ++stats_->datagrams_partial;
  } else if (status == ReassemblyStatus::kTimedOut) {
    ++stats_->datagrams_timed_out;
  } else {
    ++stats_->datagrams_evicted;
  }
  ++stats_->datagrams;
  if (p->conflict) ++stats_->conflicts;
  Unlink(p);
  held_ -= p->cost;
  // Keep the datagram alive through the callback; erase it after.
  auto it = table_.find(p->key);
  std::unique_ptr<Pending> owned = std::move(it->second);
  table_.erase(it);
  emit_(d);
}

}  // namespace pcapkit::reassembly
