#include "engine/flows/flow_table.h"

#include <algorithm>
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
  TcpConnection connection;
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

FlowTable::~FlowTable() {
  for (List& l : lists_)
    while (l.front != nullptr) {
      Flow* f = l.front;
      Unlink(f);
      delete f;
    }
}

size_t FlowTable::CostPerFlow() {
  // The flow, its allocation's overhead and its share of the hash table's slots.
  return sizeof(Flow) + 16 + 2 * 16;
}

FlowTable::Flow* FlowTable::Find(const FlowKey& key, uint64_t hash) const {
  return table_.Find(hash, [&](const Flow* f) { return f->key == key; });
}

uint64_t FlowTable::Add(const FlowPacket& p) {
  int64_t now_ns = p.time_ns;
  if (now_ns >= next_deadline_ns_) Expire(now_ns);
  int from = 0;
  Flow* f = FlowOf(p, now_ns, &from);
  Count(*f, p, from, now_ns);
  ++stats_.packets;
  return f->number;
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
  if (!f.tcp || !p.tcp || !p.syn() || p.ack_flag()) return false;
  if (f.closing) return true;
  if (!f.orig_syn || p.seq == f.orig_isn) return false;
  return f.connection.state(0) != EndpointState::kSynSent ||
         f.connection.state(1) != EndpointState::kInactive;
}

FlowTable::Flow* FlowTable::Open(const FlowPacket& p, int64_t now_ns) {
  MakeRoom();
  auto* f = new Flow;
  f->key = p.key;
  f->hash = p.hash;
  f->number = next_number_++;
  f->tcp = p.tcp || p.key.proto == 6;
  // The originator: the SYN's sender; the receiver of a SYN-ACK seen first; else the
  // first packet's sender.
  bool flipped = p.tcp && p.syn() && p.ack_flag();
  f->a_is_orig = flipped ? !p.src_is_a : p.src_is_a;
  if (p.one_way) f->a_is_orig = true;
  if (flipped) f->connection.Flip();
  f->first = p.time;
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
  return f;
}

void FlowTable::Count(Flow& f, const FlowPacket& p, int from, int64_t now_ns) {
  ++f.packets[from];
  f.bytes[from] += p.ip_bytes;
  f.payload[from] += p.payload_bytes;
  f.last = p.time;
  f.last_frame = p.frame;
  f.last_ns = now_ns;
  if (f.service == ProtocolId::kNone) f.service = p.service;
  if (p.tcp && !(p.fragment && !p.first_fragment)) {
    if (from == 0 && p.syn() && !p.ack_flag() && !f.orig_syn) {
      f.orig_syn = true;
      f.orig_isn = p.seq;
    }
    f.connection.Packet(from, p.flags, p.seq, p.ack, p.window, p.payload_bytes);
    if (!f.closing) {
      EndpointState o = f.connection.state(0), r = f.connection.state(1);
      bool reset = o == EndpointState::kReset || r == EndpointState::kReset;
      if (reset || (o == EndpointState::kClosed && r == EndpointState::kClosed)) {
        f.closing = true;
        f.closing_end = reset ? FlowEnd::kRst : FlowEnd::kFin;
      }
    }
  }
  Unlink(&f);
  Link(&f, f.closing ? kClosingList : f.tcp ? kTcpList : kOtherList);
}

double FlowTable::TimeoutOf(ListId list) const {
  if (list == kClosingList) return kLingerSeconds;
  if (options_.timeout > 0) return options_.timeout;
  return list == kTcpList ? kTcpTimeout : kOtherTimeout;
}

// Ends every flow whose time is up at `now_ns`, the earliest deadline first.
void FlowTable::Expire(int64_t now_ns) {
  next_deadline_ns_ = INT64_MAX;
  for (;;) {
    Flow* due = nullptr;
    double due_at = 0;
    for (int l = 0; l < kListCount; ++l) {
      Flow* f = lists_[l].front;
      if (f == nullptr) continue;
      double deadline = double(f->last_ns) + TimeoutOf(ListId(l)) * 1e9;
      if (double(Elapsed(now_ns, f->last_ns)) <= TimeoutOf(ListId(l)) * 1e9) continue;
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

void FlowTable::NoteDeadline(const Flow& f, ListId list) {
  double deadline = double(f.last_ns) + TimeoutOf(list) * 1e9;
  next_deadline_ns_ = deadline >= 9.2e18 ? std::min<int64_t>(next_deadline_ns_, INT64_MAX - 1)
                                         : std::min(next_deadline_ns_, int64_t(deadline));
}

// Ends the least recently active flows until one more fits the budget.
void FlowTable::MakeRoom() {
  while (table_.size() > 0 && (table_.size() + 1) * CostPerFlow() > options_.memory) {
    Flow* oldest = nullptr;
    for (List& l : lists_)
      if (l.front != nullptr && (oldest == nullptr || l.front->last_ns < oldest->last_ns))
        oldest = l.front;
    ++stats_.evicted;
    End(oldest, oldest->closing ? oldest->closing_end : FlowEnd::kEvicted);
  }
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
    f->connection.Finish();
    r.history = f->connection.history();
    r.state = f->connection.ConnState();
    r.missed_bytes = f->connection.missed_bytes();
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
  delete f;
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
// A fragment's datagram: its (ordered) addresses, protocol and IP id.
uint64_t FragmentKey(const FlowPacket& p) {
  uint64_t h = (uint64_t(p.fragment_id) << 8 | p.key.proto) * 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < 16; i += 8) {
    uint64_t a, b;
    std::memcpy(&a, p.key.addr_a + i, 8);
    std::memcpy(&b, p.key.addr_b + i, 8);
    h = (h ^ a) * 0xe7037ed1a0b428dbull;
    h = (h ^ b) * 0x8ebc6af09c88c6e3ull;
  }
  return h ^ (h >> 31);
}
}  // namespace

FlowTable::Flow* FlowTable::FragmentFlow(const FlowPacket& p, int* from) {
  auto it = fragments_.find(FragmentKey(p));
  if (it == fragments_.end()) return nullptr;
  const FragmentEntry& e = it->second;
  Flow* f = Find(e.key, e.hash);
  bool same = f != nullptr && f->number == e.flow_number &&
              std::memcmp(e.key.addr_a, p.key.addr_a, 16) == 0 &&
              std::memcmp(e.key.addr_b, p.key.addr_b, 16) == 0 && e.key.proto == p.key.proto;
  *from = e.from;
  return same ? f : nullptr;
}

void FlowTable::NoteFragment(const FlowPacket& p, Flow* f) {
  int64_t now_ns = p.time_ns;
  if (fragments_.size() >= kMaxFragments) {
    std::erase_if(fragments_,
                  [&](const auto& e) { return Elapsed(now_ns, e.second.at_ns) > kFragmentNs; });
    if (fragments_.size() >= kMaxFragments) fragments_.clear();
  }
  fragments_[FragmentKey(p)] = {f->number, f->key, f->hash, now_ns, DirectionOf(*f, p)};
}

}  // namespace pcapkit::flows
