// IPv4 and IPv6 fragment reassembly (RFC 791, RFC 8200, RFC 815's holes as a run set).
//
// A pending datagram is keyed by (src, dst, id, protocol) for IPv4 and (src, dst, id) for
// IPv6, compared in full. Fragments are placed at their byte offset whatever their order;
// overlaps follow the overlap policy and set `conflict` when the bytes differ. A datagram
// leaves when complete, when its timeout (from its first fragment, in capture time)
// passes, when the byte budget needs its room (oldest first), or at Finish — always
// through the callback, with a status saying which.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "engine/reassembly/inputs.h"
#include "engine/reassembly/run_set.h"
#include "pcapkit/reassembly.h"

namespace pcapkit::reassembly {

class IpReassembler {
 public:
  using Emit = std::function<void(Datagram&)>;
  IpReassembler(const ReassemblyOptions& options, ReassemblyStats* stats, Emit emit);
  ~IpReassembler();

  void Add(const IpFragment& fragment);
  // Hands out every datagram whose timeout has passed at capture time `now_ns`.
  void Expire(int64_t now_ns);
  void Finish();
  size_t held() const { return held_; }
  size_t pending() const { return table_.size(); }

  // The largest payload a datagram may have: 65,535 bytes.
  static constexpr uint32_t kMaxPayload = 65535;

 private:
  struct Key {
    bool ipv6 = false;
    uint8_t protocol = 0;
    uint32_t id = 0;
    uint8_t src[16] = {}, dst[16] = {};
    bool operator==(const Key& o) const;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct Pending;

  // The phases of Add, in order: inline, defined in the .cc and called only there.
  inline Pending& FindOrOpen(const IpFragment& fragment);
  inline static Key KeyOf(const IpFragment& fragment);
  inline void NoteLength(Pending& pending, uint64_t length);
  inline static uint64_t CutToLength(Pending& pending, uint64_t begin, uint64_t end);
  inline static bool IsComplete(const Pending& pending);
  inline void EvictOverBudget();

  void Release(Pending* p, ReassemblyStatus status);
  void Unlink(Pending* p);
  static size_t Cost(const Pending& p);

  ReassemblyOptions options_;
  ReassemblyStats* stats_;
  Emit emit_;
  std::unordered_map<Key, std::unique_ptr<Pending>, KeyHash> table_;
  // Per family (0: IPv4, 1: IPv6, each with its own timeout), pending datagrams in order
  // of their first fragment: the timeout order, and the eviction order across both.
  Pending* oldest_[2] = {nullptr, nullptr};
  Pending* newest_[2] = {nullptr, nullptr};
  Pending* Oldest() const;
  size_t held_ = 0;
};

}  // namespace pcapkit::reassembly
