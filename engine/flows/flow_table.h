// The flow table: every IP flow of a capture, followed packet by packet in capture order
// on capture time alone, and handed out as a FlowRecord when it ends — FIN from both
// sides (after a linger for the last ACK), RST (after the same linger), idle timeout, a
// new SYN on the 5-tuple, eviction by the memory budget, or the end of the capture.
//
// Memory is bounded by FlowOptions::memory: every flow is charged a fixed cost, and when
// the budget is full the least recently active flow is ended ("evicted") and reported —
// no flow is ever dropped unreported. Flows live in three recency lists (TCP, the other
// protocols, and closing connections), each ordered by last activity, so the ones whose
// time is up are always at a list's front.
#pragma once

#include <climits>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "engine/flows/flow_packet.h"
#include "engine/flows/tcp_state.h"
#include "engine/protocols/registry.h"
#include "engine/reassembly/flat_table.h"
#include "engine/util/slab.h"
#include "pcapkit/flows.h"

namespace pcapkit::flows {

struct FlowTableStats {
  uint64_t packets = 0;  // IP packets counted in a flow
  uint64_t flows = 0;    // flows reported
  uint64_t evicted = 0, timed_out = 0;
  uint64_t peak_flows = 0;
  size_t peak_memory = 0;
};

// What Add tells of the packet's flow; `community_id` is valid until the next Add.
struct FlowRef {
  uint64_t number = 0;            // order of first appearance, from 0
  const char* community_id = "";  // "1:..." base64
  int from = 0;                   // 0: sent by the originator, 1: by the responder
};

class FlowTable {
 public:
  using Emit = std::function<void(const FlowRecord&)>;

  FlowTable(const FlowOptions& options, const protocols::Registry& registry, Emit emit);
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // The next IP packet, in capture order: counted to its flow, which is returned.
  FlowRef Add(const FlowPacket& packet);
  // Before Add(packets[i]) of a run of n packets: prefetches for the packets a few ahead,
  // in three steps each needing the last in cache (the table slot of the key, the flow,
  // then what counting touches beyond it: its TCP state and recency-list neighbours).
  void PrefetchAhead(const FlowPacket* packets, size_t i, size_t n) const;
  // The capture ended: every flow still open is reported (end "eof"), in order of first
  // appearance.
  void Finish();

  const FlowTableStats& stats() const { return stats_; }
  size_t flows() const { return table_.size(); }
  // What one flow is charged against the budget.
  static size_t CostPerFlow();

 private:
  struct Flow;
  enum ListId { kTcpList, kOtherList, kClosingList, kListCount };
  struct List {
    Flow *front = nullptr, *back = nullptr;
  };

  Flow* Find(const FlowKey& key, uint64_t hash) const;
  void PrefetchState(const FlowPacket& p) const;
  Flow* FlowOf(const FlowPacket& p, int64_t now_ns, int* from);
  Flow* Open(const FlowPacket& p, int64_t now_ns);
  bool EndsBefore(const Flow& f, const FlowPacket& p) const;
  void Count(Flow& f, const FlowPacket& p, int from, int64_t now_ns);
  int DirectionOf(const Flow& f, const FlowPacket& p) const;
  void Expire(int64_t now_ns);
  void MakeRoom();
  void EvictOldest();
  Flow* NewFlow();
  TcpConnection* NewConnection();
  void EvictForMemory();
  void End(Flow* f, FlowEnd end);
  void Link(Flow* f, ListId list);
  void Unlink(Flow* f);
  int64_t TimeoutOf(ListId list) const;  // nanoseconds
  int64_t DeadlineOf(const Flow& f, ListId list) const;
  void NoteDeadline(const Flow& f, ListId list);
  Flow* FragmentFlow(const FlowPacket& p, int* from);
  void NoteFragment(const FlowPacket& p, Flow* f);

  FlowOptions options_;
  const protocols::Registry& registry_;
  Emit emit_;
  reassembly::FlatTable<Flow> table_;
  Slab<Flow> pool_;  // every flow's memory; ended flows are reused
  Slab<TcpConnection> connections_;
  List lists_[kListCount];
  uint64_t next_number_ = 0;
  // No flow's time is up before this (a lower bound on the lists' fronts' deadlines):
  // most packets skip Expire's work.
  int64_t next_deadline_ns_ = INT64_MAX;
  int64_t clock_ns_ = INT64_MIN;  // the latest capture time seen
  FlowTableStats stats_;
  // First fragments' flows, so later fragments (no ports) count to the same flow:
  // (source, destination, protocol, id) -> flow number and key. At most kMaxFragments
  // (65536) datagrams, about 7 MiB, outside the flow budget.
  struct FragmentEntry {
    uint64_t flow_number;
    FlowKey key;
    uint64_t hash;
    int64_t at_ns;
    int from;  // the direction of the datagram's packets (0: from the originator)
    uint8_t src[16], dst[16];
    uint32_t id;
    uint8_t proto;
  };
  std::unordered_map<uint64_t, FragmentEntry> fragments_;
  std::deque<std::pair<uint64_t, int64_t>> fragment_order_;  // (hash, at_ns), oldest first
};

}  // namespace pcapkit::flows
