// The conversations `pcapkit analyse` follows: every TCP connection the reassembler
// streams and every UDP flow, each given to the analyser that recognises it — by content
// first (the first bytes of either direction), by port second, else `unknown` (TCP).
//
// Until an analyser is chosen the first pieces are kept (at most kDetectBytes a
// direction) and replayed to it. Memory is bounded: what every analyser holds is summed,
// and past the budget the least recently active conversation is ended early (its pending
// transactions are written, incomplete) — never dropped unreported. A UDP conversation
// ends after `udp_timeout` seconds of capture time without a datagram, or at the end.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/analysis/analyser.h"

namespace pcapkit::analysis {

struct Settings {
  uint32_t kinds = ~0u;  // bit (1 << Kind) set: that analyser may claim conversations
  Limits limits;
  size_t memory = size_t(64) << 20;  // what all analysers may hold at once
  double udp_timeout = 60;           // seconds of capture time
};

struct ConversationStats {
  uint64_t conversations = 0;  // analysed (an analyser was chosen)
  uint64_t by_kind[6] = {};    // of them, per Kind
  uint64_t ended_early = 0;    // ended by the memory budget
  size_t peak_memory = 0;      // the most the analysers held at once
};

class Conversations final : public Expectations {
 public:
  Conversations(const Settings& settings, RecordSink* sink, BodyStore* bodies);
  ~Conversations();
  Conversations(const Conversations&) = delete;
  Conversations& operator=(const Conversations&) = delete;

  // TCP: bytes (or, with `data` empty, a gap of `gap` bytes) of direction `dir` of
  // connection `id`; `conversation` describes the connection when it is new.
  void Piece(uint64_t id, const Conversation& conversation, int dir, std::span<const uint8_t> data,
             uint64_t gap, const Position& at);
  // TCP: connection `id` ended.
  void Closed(uint64_t id, const Position& at);
  // UDP: one datagram of direction `dir` of flow `conversation.flow`.
  void Datagram(const Conversation& conversation, int dir, std::span<const uint8_t> data,
                const Position& at);
  // The capture ended: every conversation ends.
  void Finish(const Position& at);
  // An analyser announces a connection to come (FTP's data connections).
  void Expect(Expectation expectation, const Timestamp& at) override;

  const ConversationStats& stats() const { return stats_; }

  // Bytes kept per direction until an analyser is chosen.
  static constexpr size_t kDetectBytes = 256;

 private:
  struct Entry;
  using Table = std::unordered_map<uint64_t, std::unique_ptr<Entry>>;

  Entry& Find(Table& table, std::list<Entry*>& order, uint64_t key, const Conversation& c);
  void Feed(Entry& e, int dir, std::span<const uint8_t> data, uint64_t gap, const Position& at);
  void Keep(Entry& e, int dir, std::span<const uint8_t> data, uint64_t gap, const Position& at);
  bool Decide(Entry& e, bool force);
  const AnalyserInfo* ByContent(Entry& e) const;
  static void Swap(Entry& e);
  const AnalyserInfo* ByPort(const Entry& e) const;
  void Start(Entry& e, const AnalyserInfo* info);
  void Begin(Entry& e, Kind kind,
             const std::function<std::unique_ptr<Analyser>(const Context&)>& make);
  bool StartExpected(Entry& e, const Position& at);
  void Switch(Entry& e, Handover& h);
  void Recount(Entry& e);
  void End(Table& table, std::list<Entry*>& order, Entry& e, const Position& at);
  void ExpireUdp(const Position& at);
  void KeepWithinBudget();

  Settings settings_;
  RecordSink* sink_;
  BodyStore* bodies_;
  Table tcp_, udp_;
  std::list<Entry*> tcp_order_, udp_order_;  // least recently active first
  size_t held_ = 0;
  ConversationStats stats_;
  struct Expected {
    Expectation expectation;
    int64_t until_ns;
  };
  std::deque<Expected> expected_;  // oldest first
};

}  // namespace pcapkit::analysis
