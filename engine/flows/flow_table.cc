#include "engine/flows/flow_table.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "engine/flows/community_id.h"
#include "engine/reassembly/inputs.h"

namespace pcapkit {

const char* FlowEndName(FlowEnd end) {
  switch (end) {
    case FlowEnd::kFin:
      return "fin";
    case FlowEnd::kRst:
      return "rst";
    case FlowEnd::kTimeout:
      return "timeout";
    case FlowEnd::kEvicted:
      return "evicted";
    case FlowEnd::kReused:
      return "reused";
    case FlowEnd::kEof:
      return "eof";
  }
  return "eof";
}

}  // namespace pcapkit

namespace pcapkit::flows {

namespace {

// A closed connection stays this long (capture time) for its last ACK and retransmitted
// FINs (Zeek's tcp_close_delay), so that they join it instead of opening a flow.
constexpr double kLingerSeconds = 5;
constexpr double kTcpTimeout = 300, kOtherTimeout = 60;
// First fragments remembered for the fragments that follow them.
constexpr size_t kMaxFragments = 1 << 16;
constexpr int64_t kFragmentNs = 60'000'000'000;

using reassembly::Elapsed;

}  // namespace

struct FlowTable::Flow {
  FlowKey key;
  uint64_t hash = 0;
  uint64_t number = 0;
  bool a_is_orig = true;  // the key's endpoint a is the originator
  Timestamp first, last;
  int64_t last_ns = 0;
  uint64_t first_frame = 0, last_frame = 0;
  uint64_t packets[2] = {}, bytes[2] = {}, payload[2] = {};  // 0: originator
  bool tcp = false;
  uint32_t orig_isn = 0;  // the originator's SYN, to tell a new connection on the 5-tuple
  bool orig_syn = false;
  // TCP's state, in a pool of its own: most flows of a capture are UDP, and a flow
  // without it is half the memory to fill and to keep in cache.
  TcpConnection* connection = nullptr;
  bool closing = false;
  FlowEnd closing_end = FlowEnd::kFin;
  int32_t vlan = -1;
  uint8_t tunnel_count = 0;
  ProtocolId tunnel[kMaxTunnel] = {};
  ProtocolId service = ProtocolId::kNone;
  char community_id[31] = {};
  ListId list = kOtherList;
  Flow *prev = nullptr, *next = nullptr;
};

FlowTable::FlowTable(const FlowOptions& options, const protocols::Registry& registry, Emit emit)
    : options_(options), registry_(registry), emit_(std::move(emit)) {}

FlowTable::~FlowTable() = default;

size_t FlowTable::CostPerFlow() {
  // The flow with its TCP state (every flow is charged as if it were TCP) and its share
  // of the hash table's slots.
  return sizeof(Flow) + sizeof(TcpConnection) + 2 * 16;
}

FlowTable::Flow* FlowTable::Find(const FlowKey& key, uint64_t hash) const {
  return table_.Find(hash, [&](const Flow* f) { return f->key == key; });
}

void FlowTable::PrefetchAhead(const FlowPacket* packets, size_t i, size_t n) const {
  if (i + 8 < n) table_.Prefetch(packets[i + 8].hash);
  if (i + 4 < n) table_.PrefetchEntry(packets[i + 4].hash, sizeof(Flow));
  if (i + 2 < n) PrefetchState(packets[i + 2]);
}

void FlowTable::PrefetchState(const FlowPacket& p) const {
  const Flow* f = Find(p.key, p.hash);
  if (f == nullptr) return;
  if (f->prev != nullptr) __builtin_prefetch(&f->prev->next, 1);
  if (f->next != nullptr) __builtin_prefetch(&f->next->prev, 1);
  if (const char* c = reinterpret_cast<const char*>(f->connection))
    for (size_t at = 0; at < sizeof(TcpConnection); at += 64) __builtin_prefetch(c + at, 1);
}

FlowRef FlowTable::Add(const FlowPacket& p) {
  // The table's clock never goes back: a capture whose timestamps do (merged files, a
  // clock step) would otherwise unorder the recency lists that expiry relies on.
  clock_ns_ = std::max(clock_ns_, p.time_ns);
  int64_t now_ns = clock_ns_;
  if (now_ns >= next_deadline_ns_) Expire(now_ns);
  int from = 0;
  Flow* f = FlowOf(p, now_ns, &from);
  Count(*f, p, from, now_ns);
  ++stats_.packets;
  return {f->number, f->community_id, from};
}

// The packet's flow and its direction in it: the flow its first fragment went to (and
// that fragment's direction: a datagram's fragments all travel one way), the open one for
// its key, or a new one (after ending the old one when the packet starts a new
// connection).
FlowTable::Flow* FlowTable::FlowOf(const FlowPacket& p, int64_t now_ns, int* from) {
  if (p.fragment && !p.first_fragment)
    if (Flow* f = FragmentFlow(p, from)) return f;
  Flow* f = Find(p.key, p.hash);
  if (f != nullptr && EndsBefore(*f, p)) {
    End(f, f->closing ? f->closing_end : FlowEnd::kReused);
    f = nullptr;
  }
  if (f == nullptr) f = Open(p, now_ns);
  *from = DirectionOf(*f, p);
  if (p.first_fragment) NoteFragment(p, f);
  return f;
}

// 0 when `p` comes from the flow's originator (a one-way flow has no other side).
int FlowTable::DirectionOf(const Flow& f, const FlowPacket& p) const {
  return p.one_way || p.src_is_a == f.a_is_orig ? 0 : 1;
}

// A SYN without ACK from a new initial sequence number starts a new connection on the
// 5-tuple once the old one has moved past its own SYN, or is closing.
bool FlowTable::EndsBefore(const Flow& f, const FlowPacket& p) const {
  // A pure SYN (no ACK, FIN or RST) only.
  if (!f.tcp || !p.tcp || !p.syn() || (p.flags & 0x15) != 0) return false;
  if (f.closing) return true;
  if (DirectionOf(f, p) != 0) return false;  // the responder's: no new connection
  // Zeek's IsReuse: a SYN from another initial sequence number (or on a connection that
  // was joined midstream, with none) starts a new connection; a retransmitted SYN does not.
  // (A SYN-ACK seen first is no such midstream join: its SYN may just come late.)
  return f.orig_syn ? p.seq != f.orig_isn : f.packets[0] > 0;
}

FlowTable::Flow* FlowTable::Open(const FlowPacket& p, int64_t now_ns) {
  MakeRoom();
  Flow* f = NewFlow();
  f->key = p.key;
  f->hash = p.hash;
  f->number = next_number_++;
  f->tcp = p.tcp || p.key.proto == 6;
  // The originator: the SYN's sender; the receiver of a SYN-ACK seen first; else the
  // first packet's sender.
  bool flipped = p.tcp && p.syn() && p.ack_flag();
  f->a_is_orig = flipped ? !p.src_is_a : p.src_is_a;
  if (p.one_way) f->a_is_orig = true;
  if (f->tcp) f->connection = NewConnection();
  if (flipped) f->connection->Flip();
  f->first = f->last = p.time;
  f->first_frame = p.frame;
  f->last_ns = now_ns;
  f->vlan = p.vlan;
  f->tunnel_count = p.tunnel_count;
  std::copy(p.tunnel, p.tunnel + p.tunnel_count, f->tunnel);
  CommunityIdInput in{p.key.ipv6, p.src, p.dst, p.key.proto, p.srcport, p.dstport};
  CommunityId(in, options_.community_id_seed, f->community_id);
  table_.Insert(f->hash, f);
  Link(f, f->tcp ? kTcpList : kOtherList);
  stats_.peak_flows = std::max<uint64_t>(stats_.peak_flows, table_.size());
  stats_.peak_memory = std::max(stats_.peak_memory, table_.size() * CostPerFlow());
  pool_.PrefetchNext();  // a new flow comes every few dozen packets: have its memory ready
  return f;
}

void FlowTable::Count(Flow& f, const FlowPacket& p, int from, int64_t now_ns) {
  ++f.packets[from];
  f.bytes[from] += p.ip_bytes;
  f.payload[from] += p.payload_bytes;
  if (p.time_ns >= f.last_ns) f.last = p.time;  // the latest, should the capture's clock go back
  f.last_frame = p.frame;
  f.last_ns = now_ns;
  if (f.service == ProtocolId::kNone) f.service = p.service;
  if (p.tcp && !p.fragment) {  // a fragment's payload is not all there: no sequence tracking
    if (from == 0 && p.syn() && !p.ack_flag() && !f.orig_syn) {
      f.orig_syn = true;
      f.orig_isn = p.seq;
    }
    f.connection->Packet(from, p.flags, p.seq, p.ack, p.window, p.payload_bytes);
    if (!f.closing) {
      EndpointState o = f.connection->state(0), r = f.connection->state(1);
      bool reset = o == EndpointState::kReset || r == EndpointState::kReset;
      if (reset || (o == EndpointState::kClosed && r == EndpointState::kClosed)) {
        f.closing = true;
        f.closing_end = reset ? FlowEnd::kRst : FlowEnd::kFin;
      }
    }
  }
  // To the back of its list: each list stays in order of last activity, so the flows
  // whose time is up are always at the fronts.
  Unlink(&f);
  Link(&f, f.closing ? kClosingList : f.tcp ? kTcpList : kOtherList);
}

int64_t FlowTable::TimeoutOf(ListId list) const {
  double seconds = list == kClosingList   ? kLingerSeconds
                   : options_.timeout > 0 ? options_.timeout
                   : list == kTcpList     ? kTcpTimeout
                                          : kOtherTimeout;
  return seconds >= 9.2e9 ? INT64_MAX : int64_t(seconds * 1e9);
}

// When `f`'s time is up: last activity plus its list's timeout, saturated.
int64_t FlowTable::DeadlineOf(const Flow& f, ListId list) const {
  int64_t deadline;
  if (__builtin_add_overflow(f.last_ns, TimeoutOf(list), &deadline)) return INT64_MAX;
  return deadline;
}

// Ends every flow whose time is up at `now_ns`, the earliest deadline first.
void FlowTable::Expire(int64_t now_ns) {
  next_deadline_ns_ = INT64_MAX;
  for (;;) {
    Flow* due = nullptr;
    int64_t due_at = 0;
    for (int l = 0; l < kListCount; ++l) {
      Flow* f = lists_[l].front;
      if (f == nullptr) continue;
      int64_t deadline = DeadlineOf(*f, ListId(l));
      if (now_ns <= deadline) continue;
      if (due == nullptr || deadline < due_at) {
        due = f;
        due_at = deadline;
      }
    }
    if (due == nullptr) break;
    ++stats_.timed_out;
    End(due, due->closing ? due->closing_end : FlowEnd::kTimeout);
  }
  for (int l = 0; l < kListCount; ++l)
    if (lists_[l].front != nullptr) NoteDeadline(*lists_[l].front, ListId(l));
}

// Expire runs only once a packet passes next_deadline_ns_ (a flow is due when the clock
// is past its deadline).
void FlowTable::NoteDeadline(const Flow& f, ListId list) {
  int64_t deadline = DeadlineOf(f, list);
  next_deadline_ns_ = std::min(next_deadline_ns_, deadline == INT64_MAX ? INT64_MAX : deadline + 1);
}

// Ends the least recently active flows until one more fits the budget.
void FlowTable::MakeRoom() {
  while (table_.size() > 0 && (table_.size() + 1) * CostPerFlow() > options_.memory) EvictOldest();
}

void FlowTable::EvictOldest() {
  Flow* oldest = nullptr;
  for (List& l : lists_)
    if (l.front != nullptr && (oldest == nullptr || l.front->last_ns < oldest->last_ns))
      oldest = l.front;
  ++stats_.evicted;
  End(oldest, oldest->closing ? oldest->closing_end : FlowEnd::kEvicted);
}

// Memory for one more flow. Ended flows are reused (the pool holds at most as many as
// were ever open at once), so a flow rarely costs a mapping and its memory is warm. When
// the system has none left, the oldest flow is ended (reported, as the budget would) to
// make room, as no flow may be dropped unreported.
FlowTable::Flow* FlowTable::NewFlow() {
  Flow* f;
  while ((f = pool_.New()) == nullptr) EvictForMemory();
  return f;
}

TcpConnection* FlowTable::NewConnection() {
  TcpConnection* c;
  while ((c = connections_.New()) == nullptr) EvictForMemory();
  return c;
}

void FlowTable::EvictForMemory() {
  if (table_.size() == 0) {
    std::fputs("pcapkit: out of memory for the flow table\n", stderr);
    std::abort();
  }
  EvictOldest();
}

void FlowTable::Finish() {
  std::vector<Flow*> open;
  for (List& l : lists_)
    for (Flow* f = l.front; f != nullptr; f = f->next) open.push_back(f);
  std::sort(open.begin(), open.end(), [](Flow* a, Flow* b) { return a->number < b->number; });
  for (Flow* f : open) End(f, f->closing ? f->closing_end : FlowEnd::kEof);
}

void FlowTable::End(Flow* f, FlowEnd end) {
  FlowRecord r;
  r.flow = f->number;
  std::memcpy(r.community_id, f->community_id, sizeof r.community_id);
  r.ipv6 = f->key.ipv6;
  r.proto = f->key.proto;
  const FlowKey& k = f->key;
  std::memcpy(r.src, f->a_is_orig ? k.addr_a : k.addr_b, 16);
  std::memcpy(r.dst, f->a_is_orig ? k.addr_b : k.addr_a, 16);
  r.srcport = f->a_is_orig ? k.port_a : k.port_b;
  r.dstport = f->a_is_orig ? k.port_b : k.port_a;
  r.has_ports = k.proto == 6 || k.proto == 17 || k.proto == 132 || k.proto == 1 || k.proto == 58;
  r.first = f->first;
  r.last = f->last;
  r.first_frame = f->first_frame;
  r.last_frame = f->last_frame;
  r.orig_packets = f->packets[0];
  r.resp_packets = f->packets[1];
  r.orig_bytes = f->bytes[0];
  r.resp_bytes = f->bytes[1];
  r.orig_payload = f->payload[0];
  r.resp_payload = f->payload[1];
  r.tcp = f->tcp;
  if (f->tcp) {
    f->connection->Finish();
    r.history = std::string(f->connection->history());
    r.state = f->connection->ConnState();
    r.missed_bytes = f->connection->missed_bytes();
    connections_.Free(f->connection);
  }
  r.end = end;
  r.vlan = f->vlan;
  for (int i = 0; i < f->tunnel_count; ++i) {
    if (i > 0) r.tunnel += ':';
    r.tunnel += registry_.Info(f->tunnel[i]).name;
  }
  if (f->service != ProtocolId::kNone) r.service = registry_.Info(f->service).key;
  ++stats_.flows;
  Unlink(f);
  table_.Remove(f->hash, f);
  pool_.Free(f);
  emit_(r);
}

void FlowTable::Link(Flow* f, ListId list) {
  List& l = lists_[list];
  f->list = list;
  f->prev = l.back;
  f->next = nullptr;
  (l.back ? l.back->next : l.front) = f;
  l.back = f;
  NoteDeadline(*f, list);
}

void FlowTable::Unlink(Flow* f) {
  List& l = lists_[f->list];
  (f->prev ? f->prev->next : l.front) = f->next;
  (f->next ? f->next->prev : l.back) = f->prev;
  f->prev = f->next = nullptr;
}

namespace {
// A fragment's datagram (RFC 791: source, destination, protocol and id), as a hash.
uint64_t FragmentHash(const FlowPacket& p) {
  uint64_t h = (uint64_t(p.fragment_id) << 8 | p.key.proto) * 0x9e3779b97f4a7c15ull;
  size_t n = p.key.ipv6 ? 16 : 4;
  uint8_t addrs[32] = {};
  std::memcpy(addrs, p.src, n);
  std::memcpy(addrs + 16, p.dst, n);
  for (int i = 0; i < 32; i += 8) {
    uint64_t w;
    std::memcpy(&w, addrs + i, 8);
    h = (h ^ w) * 0xe7037ed1a0b428dbull;
  }
  return h ^ (h >> 31);
}

bool SameDatagram(const FlowPacket& p, const uint8_t* src, const uint8_t* dst, uint32_t id,
                  uint8_t proto) {
  size_t n = p.key.ipv6 ? 16 : 4;
  return id == p.fragment_id && proto == p.key.proto && std::memcmp(src, p.src, n) == 0 &&
         std::memcmp(dst, p.dst, n) == 0;
}
}  // namespace

FlowTable::Flow* FlowTable::FragmentFlow(const FlowPacket& p, int* from) {
  auto it = fragments_.find(FragmentHash(p));
  if (it == fragments_.end()) return nullptr;
  const FragmentEntry& e = it->second;
  if (!SameDatagram(p, e.src, e.dst, e.id, e.proto)) return nullptr;
  Flow* f = Find(e.key, e.hash);
  if (f == nullptr || f->number != e.flow_number) return nullptr;  // ended since
  *from = e.from;
  return f;
}

// Remembers a first fragment's flow, oldest first out: at most kMaxFragments datagrams,
// each for kFragmentNs.
void FlowTable::NoteFragment(const FlowPacket& p, Flow* f) {
  while (!fragment_order_.empty() &&
         (fragment_order_.size() >= kMaxFragments ||
          Elapsed(p.time_ns, fragment_order_.front().second) > kFragmentNs)) {
    auto it = fragments_.find(fragment_order_.front().first);
    if (it != fragments_.end() && it->second.at_ns == fragment_order_.front().second)
      fragments_.erase(it);
    fragment_order_.pop_front();
  }
  uint64_t hash = FragmentHash(p);
  FragmentEntry e{f->number, f->key, f->hash,       p.time_ns,  DirectionOf(*f, p),
                  {},        {},     p.fragment_id, p.key.proto};
  std::memcpy(e.src, p.src, p.key.ipv6 ? 16 : 4);
  std::memcpy(e.dst, p.dst, p.key.ipv6 ? 16 : 4);
  fragments_[hash] = e;
  fragment_order_.emplace_back(hash, p.time_ns);
}

}  // namespace pcapkit::flows
