// `dns`: DNS transactions (RFC 1035) over UDP, and over TCP with RFC 1035's 2-byte length
// prefix. A query is paired with its response by id within the conversation, as Zeek's
// dns.log and tshark's dns.response_to pair them, and one record is written per
// transaction when the response arrives; queries never answered are written at End, and a
// response without a query is written alone. A malformed message still gives its record:
// what could be read of it, and `error`.
#include <algorithm>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "engine/analysis/analyser.h"
#include "engine/protocols/names.h"
#include "engine/reassembly/inputs.h"

namespace pcapkit::analysis {
namespace {

constexpr size_t kMaxPending = 1024;                    // queries awaiting a response, at most
constexpr size_t kMaxPendingBytes = size_t(256) << 10;  // and their bytes
constexpr int kMaxJumps = 64;  // compression pointers followed per name, as the dissector

uint16_t Be16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
uint32_t Be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

using Bytes = std::span<const uint8_t>;

// Reads the name at `pos` into `out` (dot-separated, "" for the root) and sets `next` to
// the byte after the name where it started. Returns null, or why the name is malformed.
const char* ReadName(Bytes m, uint32_t pos, std::string& out, uint32_t& next) {
  int jumps = 0;
  bool jumped = false;
  size_t total = 0;
  out.clear();
  while (true) {
    if (pos >= m.size()) return "name runs past the message";
    uint8_t l = m[pos];
    if ((l & 0xc0) == 0xc0) {
      if (pos + 1 >= m.size()) return "name runs past the message";
      // A pointer may point anywhere, itself included: the jump count ends any loop.
      if (++jumps > kMaxJumps) return "name compression loop";
      if (!jumped) next = pos + 2;
      jumped = true;
      pos = uint32_t(l & 0x3f) << 8 | m[pos + 1];
      continue;
    }
    if (l & 0xc0) return "unknown label type";
    if (l == 0) {
      if (!jumped) next = pos + 1;
      return nullptr;
    }
    if (pos + 1 + l > m.size()) return "label runs past the message";
    total += l + 1u;
    if (total > 255) return "name longer than 255 bytes";
    if (!out.empty()) out.push_back('.');
    out.append(reinterpret_cast<const char*>(m.data() + pos + 1), l);
    pos += 1u + l;
  }
}

// One question (no ttl, no rdata) or resource record of a message.
struct Rr {
  std::string name;
  uint16_t type = 0, klass = 0, rdlen = 0;
  uint32_t ttl = 0, rdata = 0;  // rdata: its offset in the message
};

// A message read as far as it is sound. Built when its record is written, not held.
struct Parsed {
  bool header = false;  // the 12-byte header was there
  uint16_t id = 0, flags = 0;
  std::vector<Rr> sections[4];  // questions, answers, authorities, additionals
  const char* error = nullptr;
};

bool ParseRr(Bytes m, int section, uint32_t& pos, Parsed& p) {
  Rr rr;
  uint32_t next = 0;
  if ((p.error = ReadName(m, pos, rr.name, next))) return false;
  const uint32_t fixed = section == 0 ? 4 : 10;
  if (next + fixed > m.size()) {
    p.error = section == 0 ? "question runs past the message" : "record runs past the message";
    return false;
  }
  rr.type = Be16(&m[next]);
  rr.klass = Be16(&m[next + 2]);
  if (section != 0) {
    rr.ttl = Be32(&m[next + 4]);
    rr.rdlen = Be16(&m[next + 8]);
    rr.rdata = next + 10;
    if (rr.rdata + rr.rdlen > m.size()) {
      p.error = "record data runs past the message";
      return false;
    }
  }
  pos = next + fixed + rr.rdlen;
  p.sections[section].push_back(std::move(rr));
  return true;
}

// Every entry is at least 5 bytes, so the counts cannot make this loop longer than the
// message allows.
Parsed Parse(Bytes m) {
  Parsed p;
  if (m.size() < 12) {
    p.error = "message shorter than its 12-byte header";
    return p;
  }
  p.header = true;
  p.id = Be16(&m[0]);
  p.flags = Be16(&m[2]);
  uint32_t pos = 12;
  for (int s = 0; s < 4; ++s)
    for (uint32_t i = 0, n = Be16(&m[4 + 2 * s]); i < n; ++i)
      if (!ParseRr(m, s, pos, p)) return p;
  return p;
}

// "A", "AAAA", ...; RFC 3597's "TYPE<n>" for the others.
void WriteTypeName(Emitter& e, uint16_t type) {
  if (const char* name = protocols::DnsTypeName(type)) return e.Plain("type_name", name);
  char buf[16];
  e.Plain("type_name", std::string_view(buf, std::snprintf(buf, sizeof buf, "TYPE%u", type)));
}

// `b - a` in seconds as decimal text, at the finer of the two resolutions. Integers only,
// with the borrow done by hand, so no timestamp overflows or loses precision.
std::string Seconds(const Timestamp& a, const Timestamp& b) {
  const int d = std::min(9, int(std::max(a.digits, b.digits)));
  uint64_t unit = 1, fa = a.frac, fb = b.frac;
  for (int i = 0; i < d; ++i) unit *= 10;
  for (int i = a.digits; i < d; ++i) fa *= 10;
  for (int i = b.digits; i < d; ++i) fb *= 10;
  const bool negative = b.sec < a.sec || (b.sec == a.sec && fb < fa);
  const Timestamp& hi = negative ? a : b;
  const Timestamp& lo = negative ? b : a;
  uint64_t fhi = negative ? fa : fb, flo = negative ? fb : fa;
  uint64_t sec = uint64_t(hi.sec) - uint64_t(lo.sec);  // the magnitude fits even if int64 would not
  if (fhi < flo) {
    fhi += unit;
    --sec;
  }
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%s%llu", negative ? "-" : "", (unsigned long long)sec);
  if (d > 0)
    n += std::snprintf(buf + n, sizeof buf - n, ".%0*llu", d, (unsigned long long)(fhi - flo));
  return std::string(buf, size_t(n));
}

// The name in RDATA at `at`, which must end inside the RDATA (its pointers may lead
// anywhere in the message).
bool RdataName(Bytes m, const Rr& rr, uint32_t at, std::string& out) {
  uint32_t next = 0;
  return ReadName(m, at, out, next) == nullptr && next <= rr.rdata + rr.rdlen;
}

// TXT: its character-strings joined without separators, as RFC 7208 (SPF) reads them.
bool TxtText(const uint8_t* d, uint16_t n, std::string& out) {
  for (uint32_t i = 0; i < n; i += 1u + d[i]) {
    if (i + 1u + d[i] > n) return false;
    out.append(reinterpret_cast<const char*>(d + i + 1), d[i]);
  }
  return true;
}

void WriteRdata(Emitter& e, Bytes m, const Rr& rr) {
  const uint8_t* d = m.data() + rr.rdata;
  std::string text;
  switch (rr.type) {
    case 1:
      if (rr.rdlen == 4) return e.Ipv4("data", d);
      break;
    case 28:
      if (rr.rdlen == 16) return e.Ipv6("data", d);
      break;
    case 2:
    case 5:
    case 12:  // NS, CNAME, PTR
      if (RdataName(m, rr, rr.rdata, text)) return e.Text("data", text);
      break;
    case 15:  // MX: "preference exchange"
      if (rr.rdlen >= 3 && RdataName(m, rr, rr.rdata + 2, text)) {
        return e.Text("data", std::to_string(Be16(d)) + " " + text);
      }
      break;
    case 16:
      if (TxtText(d, rr.rdlen, text)) return e.Text("data", text);
      break;
  }
  e.Hex("rdata", d, rr.rdlen);
}

void WriteQuestions(Emitter& e, const Parsed& p) {
  e.BeginArray("questions");
  for (const Rr& q : p.sections[0]) {
    e.BeginObject();
    e.Text("name", q.name);
    e.Uint("type", q.type);
    WriteTypeName(e, q.type);
    e.Uint("class", q.klass);
    e.EndObject();
  }
  e.EndArray();
}

void WriteSection(Emitter& e, std::string_view key, Bytes m, const std::vector<Rr>& rrs) {
  e.BeginArray(key);
  for (const Rr& rr : rrs) {
    e.BeginObject();
    e.Text("name", rr.name);
    e.Uint("type", rr.type);
    WriteTypeName(e, rr.type);
    e.Uint("ttl", rr.ttl);
    WriteRdata(e, m, rr);
    e.EndObject();
  }
  e.EndArray();
}

// One side of a transaction as the record is written: the message and where it was seen.
struct Msg {
  Bytes bytes;
  Position at;
  const char* note = nullptr;    // why it is incomplete beyond what parsing finds
  uint32_t retransmissions = 0;  // a query: times it was sent again
};

struct Pending {
  std::vector<uint8_t> bytes;
  Position at;
  const char* note = nullptr;
  uint16_t id = 0;
  uint32_t retransmissions = 0;
};

// A query of a pending id sent again within this long is that query retransmitted, not a
// new one (tshark's dns.retransmission_timer, 5 s by default).
constexpr int64_t kRetransmissionNs = 5'000'000'000;

class DnsAnalyser final : public Analyser {
 public:
  explicit DnsAnalyser(const Context& c) : c_(c) {}

  void Data(int dir, std::span<const uint8_t> bytes, const Position& at) override {
    if (ended_) return;
    if (!c_.conversation->tcp) return Handle(dir, {bytes, at});
    Stream(dir, bytes, at);
  }
  void Gap(int dir, uint64_t len, const Position& at) override;
  void End(const Position& at) override;
  size_t held() const override {
    return sizeof *this + streams_[0].buf.capacity() + streams_[1].buf.capacity() + pending_bytes_ +
           pending_.size() * sizeof(Pending);
  }

 private:
  // A TCP direction: the message being reassembled, its length prefix included.
  struct TcpSide {
    std::vector<uint8_t> buf;
    Position at;  // where the buffered message started
    bool lost = false;
    std::string gap_error;
    Position gap_at;
    bool gap_reported = false;
  };

  void Stream(int dir, Bytes bytes, const Position& at);
  void Handle(int dir, const Msg& m);
  void Write(const Msg* query, const Msg* response);
  std::string Errors(const Msg* query, const Parsed& q, const Msg* response, const Parsed& r);
  void WriteOldest();

  Context c_;
  TcpSide streams_[2];
  std::deque<Pending> pending_;  // in arrival order
  size_t pending_bytes_ = 0;
  bool ended_ = false;
};

// Length-prefixed messages cut anywhere: a message whole in `bytes` is read in place, the
// rest is gathered in the side's buffer, which never holds more than one message.
void DnsAnalyser::Stream(int dir, Bytes bytes, const Position& at) {
  TcpSide& s = streams_[dir];
  while (!bytes.empty() && !s.lost) {
    if (s.buf.empty() && bytes.size() >= 2 && bytes.size() >= 2u + Be16(bytes.data())) {
      size_t len = 2u + Be16(bytes.data());
      Handle(dir, {bytes.subspan(2, len - 2), at});
      bytes = bytes.subspan(len);
      continue;
    }
    if (s.buf.empty()) s.at = at;
    size_t need = s.buf.size() < 2 ? 2 - s.buf.size() : 2u + Be16(s.buf.data()) - s.buf.size();
    size_t take = std::min(need, bytes.size());
    s.buf.insert(s.buf.end(), bytes.begin(), bytes.begin() + take);
    bytes = bytes.subspan(take);
    if (s.buf.size() >= 2 && s.buf.size() == 2u + Be16(s.buf.data())) {
      // A message is where it is whole (as tshark places a reassembled PDU): its rtt
      // runs from the query's last segment to the response's.
      Handle(dir, {Bytes(s.buf).subspan(2), at});
      s.buf.clear();
      if (s.buf.capacity() > 4096) s.buf = std::vector<uint8_t>();  // rare: not kept for all
    }
  }
}

// A query waits for its response; a response is written with its query, or alone. A
// message too short for its header cannot be paired: it is written at once.
void DnsAnalyser::Handle(int dir, const Msg& m) {
  if (m.bytes.size() < 12) return dir == 0 ? Write(&m, nullptr) : Write(nullptr, &m);
  const uint16_t id = Be16(m.bytes.data());
  // The newest query of the id is the transaction a message of that id belongs to.
  auto newest = std::find_if(pending_.rbegin(), pending_.rend(),
                             [id](const Pending& p) { return p.id == id; });
  if ((m.bytes[2] & 0x80) == 0) {
    if (newest != pending_.rend()) {
      int64_t since =
          reassembly::Elapsed(reassembly::ToNanos(m.at.time), reassembly::ToNanos(newest->at.time));
      if (since >= 0 && since <= kRetransmissionNs) return void(++newest->retransmissions);
    }
    while (pending_.size() >= kMaxPending || pending_bytes_ + m.bytes.size() > kMaxPendingBytes)
      WriteOldest();
    pending_.push_back({{m.bytes.begin(), m.bytes.end()}, m.at, m.note, id});
    pending_bytes_ += m.bytes.size();
    return;
  }
  // A response answers the newest transaction of its id (tshark's dns.response_to); an
  // older one, whose query was sent again only after 5 s, stays unanswered.
  if (newest == pending_.rend()) return Write(nullptr, &m);
  auto it = std::prev(newest.base());
  Pending query = std::move(*it);
  pending_.erase(it);
  pending_bytes_ -= query.bytes.size();
  Msg q{query.bytes, query.at, query.note, query.retransmissions};
  Write(&q, &m);
}

void DnsAnalyser::WriteOldest() {
  Pending query = std::move(pending_.front());
  pending_.pop_front();
  pending_bytes_ -= query.bytes.size();
  Msg q{query.bytes, query.at, query.note, query.retransmissions};
  Write(&q, nullptr);
}

// What went wrong with either message, and a lost stream that explains a missing side.
std::string DnsAnalyser::Errors(const Msg* query, const Parsed& q, const Msg* response,
                                const Parsed& r) {
  std::string error;
  auto add = [&error](const char* side, const char* what) {
    if (!what) return;
    if (!error.empty()) error += "; ";
    error.append(side).append(": ").append(what);
  };
  if (query) add("query", query->note ? query->note : q.error);
  if (response) add("response", response->note ? response->note : r.error);
  if (c_.conversation->tcp) {
    for (int dir = 0; dir < 2; ++dir) {
      TcpSide& s = streams_[dir];
      if (!s.lost || (dir == 0 ? query : response) != nullptr) continue;
      if (!error.empty()) error += "; ";
      error += s.gap_error;
      s.gap_reported = true;
    }
  }
  return error;
}

void DnsAnalyser::Write(const Msg* query, const Msg* response) {
  const Position& first = query ? query->at : response->at;
  // A response whose segments waited for a hole to fill is placed at its first frame,
  // which may precede the query's: the record still ends where its later side was.
  const Position& answer = response ? response->at : query->at;
  const Position& last = answer.frame < first.frame ? first : answer;
  const Parsed q = query ? Parse(query->bytes) : Parsed{};
  const Parsed r = response ? Parse(response->bytes) : Parsed{};
  const std::string error = Errors(query, q, response, r);
  c_.sink->Write(Kind::kDns, *c_.conversation, first, last, [&](Emitter& e) {
    // Flags come from the response when there is one; the question from the query.
    const Parsed& main = response ? r : q;
    const Parsed& asked = query ? q : r;
    if (main.header) {
      e.Uint("id", main.id);
      if (query && response) e.Number("rtt", Seconds(query->at.time, response->at.time));
      e.Uint("opcode", (main.flags >> 11) & 15);
      if (response) {
        e.Uint("rcode", main.flags & 15);
        if (const char* name = protocols::DnsRcodeName(main.flags & 15))
          e.Plain("rcode_name", name);
      }
      e.Bool("aa", (main.flags & 0x0400) != 0);
      e.Bool("tc", (main.flags & 0x0200) != 0);
      e.Bool("rd", (main.flags & 0x0100) != 0);
      e.Bool("ra", (main.flags & 0x0080) != 0);
    }
    if (asked.header) WriteQuestions(e, asked);
    if (response && r.header) {
      WriteSection(e, "answers", response->bytes, r.sections[1]);
      WriteSection(e, "authorities", response->bytes, r.sections[2]);
      WriteSection(e, "additionals", response->bytes, r.sections[3]);
    }
    if (query) e.Uint("query_frame", query->at.frame);
    if (query && query->retransmissions) e.Uint("retransmissions", query->retransmissions);
    if (response) e.Uint("response_frame", response->at.frame);
    if (!error.empty()) e.Plain("error", error);  // our words, not the wire's
  });
}

// The framing of a TCP direction is lost at a gap: where the next message starts is
// unknown, so that direction is read no further.
void DnsAnalyser::Gap(int dir, uint64_t len, const Position& at) {
  TcpSide& s = streams_[dir];
  if (ended_ || s.lost || !c_.conversation->tcp) return;
  s.lost = true;
  s.gap_at = at;
  s.gap_error = std::string(dir == 0 ? "client" : "server") + " stream: " + std::to_string(len) +
                " bytes not captured; its messages from there on are not read";
  s.buf = std::vector<uint8_t>();  // `= {}` would keep the capacity
}

// A message cut by the stream's end is read as far as it goes; the queries still pending
// are written unanswered; a lost stream that no record has explained gets its own.
void DnsAnalyser::End(const Position& at) {
  if (ended_) return;
  for (int dir = 0; dir < 2; ++dir) {
    TcpSide& s = streams_[dir];
    if (s.buf.empty()) continue;
    std::vector<uint8_t> cut = std::move(s.buf);
    s.buf = std::vector<uint8_t>();
    Bytes body = cut.size() > 2 ? Bytes(cut).subspan(2) : Bytes();
    // Placed where the stream ended, as a whole message is where it became whole.
    Handle(dir, {body, at, "message cut by the end of the stream"});
  }
  while (!pending_.empty()) WriteOldest();
  for (TcpSide& s : streams_) {
    if (!s.lost || s.gap_reported) continue;
    s.gap_reported = true;
    c_.sink->Write(Kind::kDns, *c_.conversation, s.gap_at, s.gap_at,
                   [&s](Emitter& e) { e.Plain("error", s.gap_error); });
  }
  ended_ = true;
}

std::unique_ptr<Analyser> Make(const Context& c) {
  return std::make_unique<DnsAnalyser>(c);
}

// No content detection: a DNS header has no constant bytes to recognise it by.
// A section's records ("answers", "authorities", "additionals").
#define PCAPKIT_DNS_SECTION(section)                                                       \
  {section, kList, "the response's records of this section"},                              \
      {section "[].name", kText, "the owner name"}, {section "[].type", kInt, "the type"}, \
      {section "[].type_name", kText, "A, AAAA, ...; TYPE<n> for others"},                 \
      {section "[].ttl", kInt, "time to live, seconds"},                                   \
      {section "[].data", kIpv4 | kIpv6 | kText,                                           \
       "the address, name, preference and name, or strings"},                              \
  {                                                                                        \
    section "[].rdata", kHex, "the data of any other type, or of a malformed one"          \
  }

using protocols::kBool, protocols::kHex, protocols::kInt, protocols::kIpv4, protocols::kIpv6,
    protocols::kNumber, protocols::kText, protocols::kList;
constexpr protocols::FieldSpec kFields[] = {
    {"id", kInt, "the message id"},
    {"rtt", kNumber, "response time minus query time, seconds"},
    {"opcode", kInt, "the response's, else the query's"},
    {"rcode", kInt, "the response's code"},
    {"rcode_name", kText, "the rcode's name (codes up to 11)"},
    {"aa", kBool, "authoritative answer"},
    {"tc", kBool, "truncated"},
    {"rd", kBool, "recursion desired"},
    {"ra", kBool, "recursion available"},
    {"questions", kList, "from the query, else the response"},
    {"questions[].name", kText, "the name asked"},
    {"questions[].type", kInt, "the type asked"},
    {"questions[].type_name", kText, "A, AAAA, ...; TYPE<n> for others"},
    {"questions[].class", kInt, "the raw 16 bits"},
    PCAPKIT_DNS_SECTION("answers"),
    PCAPKIT_DNS_SECTION("authorities"),
    PCAPKIT_DNS_SECTION("additionals"),
    {"retransmissions", kInt, "times the query was sent again within 5 s"},
    {"query_frame", kInt, "the query's frame"},
    {"response_frame", kInt, "the response's frame"},
    {"error", kText, "what was malformed or lost, query: or response:"},
};
#undef PCAPKIT_DNS_SECTION

[[maybe_unused]] const bool registered =
    Register({Kind::kDns, "dns", true, true, nullptr, {53, 5353, 5355, 0}, Make, kFields});

}  // namespace
}  // namespace pcapkit::analysis
