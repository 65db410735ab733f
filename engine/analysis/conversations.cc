#include "engine/analysis/conversations.h"

#include <algorithm>
#include <cstring>

#include "engine/reassembly/inputs.h"

namespace pcapkit::analysis {

namespace {
// Bytes of one direction that decide by port when no content detection claimed them:
// enough for every analyser's signature (a request line's method, a TLS record header).
constexpr size_t kDecideBytes = 16;

// `a` may claim a conversation on this transport (`unknown` only ever takes what is left).
bool Enabled(const Settings& s, const AnalyserInfo& a, bool udp) {
  return (s.kinds & (1u << unsigned(a.kind))) && (udp ? a.udp : a.tcp) && a.kind != Kind::kUnknown;
}
}  // namespace

struct Conversations::Entry {
  uint64_t key = 0;
  bool udp = false;
  Conversation conversation;
  bool decided = false;
  // The reassembler's client (without a SYN: the first packet's sender) proved to be
  // the server: directions are swapped for the analyser, and the conversation's ends.
  bool swapped = false;
  std::unique_ptr<Analyser> analyser;  // null once decided: nobody wanted it, or it ended
  // Until decided: what came, in order, to replay to the analyser chosen.
  struct Kept {
    int dir;
    std::vector<uint8_t> data;
    uint64_t gap;
    Position at;
  };
  std::vector<Kept> kept;
  size_t kept_bytes[2] = {};
  size_t held = 0;  // last counted
  int64_t last_ns = 0;
  Position last;         // its latest piece: where it ends when something else ends it
  bool ordered = false;  // in its order list (an entry the budget ended is not)
  std::list<Entry*>::iterator place;
};

Conversations::Conversations(const Settings& settings, RecordSink* sink, BodyStore* bodies)
    : settings_(settings), sink_(sink), bodies_(bodies) {}

Conversations::~Conversations() = default;

void Conversations::Piece(uint64_t id, const Conversation& conversation, int dir,
                          std::span<const uint8_t> data, uint64_t gap, const Position& at) {
  Entry& e = Find(tcp_, tcp_order_, id, conversation);
  if (!e.decided && e.kept.empty() && !expected_.empty()) StartExpected(e, at);
  Feed(e, dir, data, gap, at);
  KeepWithinBudget();
}

void Conversations::Closed(uint64_t id, const Position& at) {
  auto it = tcp_.find(id);
  if (it != tcp_.end()) End(tcp_, tcp_order_, *it->second, at);
}

void Conversations::Datagram(const Conversation& conversation, int dir,
                             std::span<const uint8_t> data, const Position& at) {
  ExpireUdp(at);
  Entry& e = Find(udp_, udp_order_, conversation.flow, conversation);
  e.udp = true;
  Feed(e, dir, data, 0, at);
  KeepWithinBudget();
}

void Conversations::Finish(const Position& at) {
  (void)at;  // each conversation ends where its own last piece was
  while (!tcp_order_.empty()) End(tcp_, tcp_order_, *tcp_order_.front(), tcp_order_.front()->last);
  while (!udp_order_.empty()) End(udp_, udp_order_, *udp_order_.front(), udp_order_.front()->last);
  tcp_.clear();
}

// The entry for `key`, made when new, moved to the back of its order (most recent).
Conversations::Entry& Conversations::Find(Table& table, std::list<Entry*>& order, uint64_t key,
                                          const Conversation& c) {
  std::unique_ptr<Entry>& slot = table[key];
  if (slot == nullptr) {
    slot = std::make_unique<Entry>();
    slot->key = key;
    slot->conversation = c;
    slot->udp = !c.tcp;
    slot->place = order.insert(order.end(), slot.get());
    slot->ordered = true;
  } else if (slot->ordered) {
    order.splice(order.end(), order, slot->place);
  }
  return *slot;
}

void Conversations::Feed(Entry& e, int dir, std::span<const uint8_t> data, uint64_t gap,
                         const Position& at) {
  e.last_ns = reassembly::ToNanos(at.time);
  if (at.frame >= e.last.frame) e.last = at;
  if (e.swapped) dir = 1 - dir;
  if (!e.decided) {
    Keep(e, dir, data, gap, at);
    // A gap, or a datagram (whole by itself), leaves nothing more to wait for.
    Decide(e, gap > 0 || e.udp);
  } else if (e.analyser != nullptr) {
    if (data.empty())
      e.analyser->Gap(dir, gap, at);
    else
      e.analyser->Data(dir, data, at);
  }
  Handover h;
  if (e.analyser != nullptr && e.analyser->TakeHandover(&h)) Switch(e, h);
  Recount(e);
}

// The conversation changed protocol: the old analyser ends, a new one takes the rest.
void Conversations::Switch(Entry& e, Handover& h) {
  Position last = h.at[0].frame > h.at[1].frame ? h.at[0] : h.at[1];
  e.analyser->End(last);
  e.analyser.reset();
  for (const AnalyserInfo& a : Analysers())
    if (a.kind == h.kind && Enabled(settings_, a, e.udp)) {
      --stats_.conversations;  // the same conversation, another protocol: counted once
      Begin(e, a.kind, a.make);
      for (int dir = 0; dir < 2; ++dir)
        if (!h.rest[dir].empty()) e.analyser->Data(dir, h.rest[dir], h.at[dir]);
      break;
    }
}

void Conversations::Expect(Expectation expectation, const Timestamp& at) {
  int64_t now = reassembly::ToNanos(at);
  while (!expected_.empty() && (expected_.size() >= kMaxExpectations ||
                                reassembly::Elapsed(now, expected_.front().until_ns) > 0))
    expected_.pop_front();
  int64_t until = now + int64_t(std::min(expectation.seconds, 1e9) * 1e9);
  expected_.push_back({std::move(expectation), until});
}

// A new connection someone announced goes to the analyser they named. True when it did.
bool Conversations::StartExpected(Entry& e, const Position& at) {
  int64_t now = reassembly::ToNanos(at.time);
  const Conversation& c = e.conversation;
  size_t n = c.ipv6 ? 16 : 4;
  for (auto it = expected_.begin(); it != expected_.end(); ++it) {
    const Expectation& x = it->expectation;
    if (reassembly::Elapsed(now, it->until_ns) > 0 || x.ipv6 != c.ipv6 || x.port != c.server_port ||
        std::memcmp(x.server, c.server, n) != 0)
      continue;
    auto make = std::move(it->expectation.make);
    expected_.erase(it);
    e.decided = true;
    Begin(e, Kind::kFtp, make);
    return true;
  }
  return false;
}

void Conversations::Keep(Entry& e, int dir, std::span<const uint8_t> data, uint64_t gap,
                         const Position& at) {
  e.kept.push_back({dir, std::vector<uint8_t>(data.begin(), data.end()), gap, at});
  e.kept_bytes[dir] += data.size();
}

// Chooses the conversation's analyser once the first bytes say enough (or `force`), and
// replays what was kept to it. False while undecided.
bool Conversations::Decide(Entry& e, bool force) {
  // Content detection waits for enough bytes too: a short prefix ("P") may start more
  // than one protocol (an HTTP/1 PUT, HTTP/2's preface).
  bool enough = force || e.kept_bytes[0] >= kDecideBytes || e.kept_bytes[1] >= kDecideBytes;
  if (!enough) return false;
  const AnalyserInfo* info = ByContent(e);
  if (info == nullptr) info = ByPort(e);
  if (e.swapped) Swap(e);
  if (info == nullptr && !e.udp && (settings_.kinds & (1u << unsigned(Kind::kUnknown))))
    for (const AnalyserInfo& a : Analysers())
      if (a.kind == Kind::kUnknown) info = &a;
  Start(e, info);
  return true;
}

// The first analyser whose content detection claims the start of either direction
// (what was kept of it up to its first gap). Failing that, over TCP, one that claims a
// direction's start as the other direction's (a status line from the "client": the
// capture began after the SYN, with the server's packet): then the roles are swapped.
const AnalyserInfo* Conversations::ByContent(Entry& e) const {
  uint8_t head[2][kDetectBytes];
  size_t n[2] = {};
  bool ended[2] = {};  // a gap: nothing after it is the start
  for (const Entry::Kept& k : e.kept) {
    ended[k.dir] = ended[k.dir] || k.data.empty();
    if (ended[k.dir] || n[k.dir] == kDetectBytes) continue;
    size_t take = std::min(k.data.size(), kDetectBytes - n[k.dir]);
    std::copy(k.data.begin(), k.data.begin() + take, head[k.dir] + n[k.dir]);
    n[k.dir] += take;
  }
  for (int pass = 0; pass < (e.udp ? 1 : 2); ++pass)
    for (int dir = 0; dir < 2; ++dir) {
      if (n[dir] == 0) continue;
      int as = pass == 0 ? dir : 1 - dir;
      for (const AnalyserInfo& a : Analysers())
        if (Enabled(settings_, a, e.udp) && a.detect != nullptr &&
            a.detect(as, {head[dir], n[dir]})) {
          e.swapped = pass == 1;
          return &a;
        }
    }
  return nullptr;
}

// The conversation's ends change places: the analyser sees the server as the server.
void Conversations::Swap(Entry& e) {
  Conversation& c = e.conversation;
  std::swap(c.client, c.server);
  std::swap(c.client_port, c.server_port);
  for (Entry::Kept& k : e.kept) k.dir = 1 - k.dir;
  std::swap(e.kept_bytes[0], e.kept_bytes[1]);
}

// The analyser whose ports hold the server's port, else the client's.
const AnalyserInfo* Conversations::ByPort(const Entry& e) const {
  for (uint16_t port : {e.conversation.server_port, e.conversation.client_port})
    for (const AnalyserInfo& a : Analysers())
      if (Enabled(settings_, a, e.udp) && port != 0 &&
          std::find(a.ports.begin(), a.ports.end(), port) != a.ports.end())
        return &a;
  return nullptr;
}

void Conversations::Begin(Entry& e, Kind kind,
                          const std::function<std::unique_ptr<Analyser>(const Context&)>& make) {
  ++stats_.conversations;
  ++stats_.by_kind[unsigned(kind)];
  e.analyser = make({&e.conversation, sink_, &settings_.limits, bodies_, this});
}

void Conversations::Start(Entry& e, const AnalyserInfo* info) {
  e.decided = true;
  if (info != nullptr) {
    Begin(e, info->kind, info->make);
    for (const Entry::Kept& k : e.kept) {
      if (k.data.empty())
        e.analyser->Gap(k.dir, k.gap, k.at);
      else
        e.analyser->Data(k.dir, k.data, k.at);
    }
  }
  std::vector<Entry::Kept>().swap(e.kept);
  e.kept_bytes[0] = e.kept_bytes[1] = 0;
}

// What `e` holds now, into the total.
//
// An entry is charged for itself too while it is followed (a flood of conversations no
// analyser wants must not grow without bound); one the budget ended, kept only until its
// connection closes, is bounded by the reassembler's connection budget instead.
void Conversations::Recount(Entry& e) {
  constexpr size_t kEntryCost = sizeof(Entry) + 96;  // with its map and list nodes
  size_t h = e.analyser ? e.analyser->held() : e.kept_bytes[0] + e.kept_bytes[1];
  if (e.ordered) h += kEntryCost;
  held_ = held_ - e.held + h;
  e.held = h;
  stats_.peak_memory = std::max(stats_.peak_memory, held_);
}

// Ends `e`'s analysis (its pending transactions are written) and forgets it.
void Conversations::End(Table& table, std::list<Entry*>& order, Entry& e, const Position& at) {
  if (!e.decided) Decide(e, true);
  if (e.analyser != nullptr) e.analyser->End(at);
  held_ -= e.held;
  if (e.ordered) order.erase(e.place);
  table.erase(e.key);
}

void Conversations::ExpireUdp(const Position& at) {
  int64_t now = reassembly::ToNanos(at.time);
  int64_t timeout = int64_t(settings_.udp_timeout * 1e9);
  while (!udp_order_.empty() && reassembly::Elapsed(now, udp_order_.front()->last_ns) > timeout)
    End(udp_, udp_order_, *udp_order_.front(), udp_order_.front()->last);
}

// Past the budget, the least recently active conversation ends early. A TCP one stays
// known (analysed no further) until its connection closes, so that its later bytes are
// not taken for a new conversation.
void Conversations::KeepWithinBudget() {
  while (held_ > settings_.memory && !(tcp_order_.empty() && udp_order_.empty())) {
    bool tcp = udp_order_.empty() ||
               (!tcp_order_.empty() && tcp_order_.front()->last_ns <= udp_order_.front()->last_ns);
    ++stats_.ended_early;
    if (!tcp) {
      End(udp_, udp_order_, *udp_order_.front(), udp_order_.front()->last);
      continue;
    }
    Entry& e = *tcp_order_.front();
    if (!e.decided) Decide(e, true);
    if (e.analyser != nullptr) e.analyser->End(e.last);
    e.analyser.reset();
    tcp_order_.erase(e.place);
    e.ordered = false;
    Recount(e);
  }
}

}  // namespace pcapkit::analysis
