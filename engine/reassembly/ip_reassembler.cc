#include "engine/reassembly/ip_reassembler.h"

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

void IpReassembler::Add(const IpFragment& f) {
  ++stats_->fragments;
  Key key;
  key.ipv6 = f.ipv6;
  key.protocol = f.ipv6 ? 0 : f.protocol;  // IPv6 keys on (src, dst, id) only
  key.id = f.id;
  std::memcpy(key.src, f.src, f.ipv6 ? 16 : 4);
  std::memcpy(key.dst, f.dst, f.ipv6 ? 16 : 4);
  auto [it, inserted] = table_.try_emplace(key);
  if (inserted) {
    it->second = std::make_unique<Pending>();
    Pending* p = it->second.get();
    p->key = key;
    p->first = f.time;
    p->first_ns = ToNanos(f.time);
    p->upper = key.protocol;
    int fam = key.ipv6;
    p->prev = newest_[fam];
    (newest_[fam] ? newest_[fam]->next : oldest_[fam]) = p;
    newest_[fam] = p;
  }
  Pending& p = *it->second;
  held_ -= p.cost;
  p.last = f.time;
  p.index.push_back(f.frame);
  if (f.offset == 0 && p.header.empty()) {
    p.header.assign(f.header, f.header + f.header_len);
    if (f.ipv6) p.upper = f.protocol;  // the upper layer, from the first fragment
  }

  uint64_t begin = f.offset, end = uint64_t(f.offset) + f.data_len;
  uint64_t wire_end = uint64_t(f.offset) + f.wire_len;
  if (wire_end > kMaxPayload) {
    p.oversize = true;
    end = std::min<uint64_t>(end, kMaxPayload);
    wire_end = kMaxPayload;
  }
  if (!f.mf) {
    // The last fragment tells the length. A second, different one conflicts: the
    // policy decides which stands.
    if (p.total < 0) {
      p.total = int64_t(wire_end);
    } else if (p.total != int64_t(wire_end)) {
      p.conflict = true;
      if (options_.overlap == OverlapPolicy::kLast) p.total = int64_t(wire_end);
    }
  }
  if (p.total >= 0) {
    if (end > uint64_t(p.total)) {
      p.conflict = true;  // bytes past the datagram's end
      end = std::max<uint64_t>(begin, uint64_t(p.total));
    }
    if (!p.runs.runs().empty() && p.runs.runs().back().second > uint64_t(p.total)) {
      p.conflict = true;
      p.runs.Truncate(uint64_t(p.total));
    }
  }
  if (end > begin) {
    if (p.data.size() < end) p.data.resize(end);
    const uint8_t* src = f.data - begin;  // src[x] is the byte at offset x
    bool last_wins = options_.overlap == OverlapPolicy::kLast;
    p.runs.Add(
        begin, end,
        [&](uint64_t b, uint64_t e) {
          if (std::memcmp(&p.data[b], src + b, e - b) != 0) {
            p.conflict = true;
            if (last_wins) std::memcpy(&p.data[b], src + b, e - b);
          }
        },
        [&](uint64_t b, uint64_t e) { std::memcpy(&p.data[b], src + b, e - b); });
  }
  p.cost = Cost(p);
  held_ += p.cost;

  if (p.total >= 0 && p.runs.Covers(0, uint64_t(p.total)) && !p.header.empty()) {
    Release(&p, ReassemblyStatus::kComplete);
  } else if (p.total == 0 && !p.header.empty()) {
    Release(&p, ReassemblyStatus::kComplete);
  }
  // Oldest first, until the pending datagrams fit the budget again.
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
