// `ftp`: the control connection of FTP (RFC 959), as Zeek's ftp.log has it — one record
// per command, paired with its final reply, the user and current directory it ran under,
// and for a transfer (RETR, STOR, LIST, ...) what its data connection carried.
//
// Both directions are read line by line in any pieces (a line longer than max_head stops
// its direction); a reply may span lines (`123-` ... `123 `). Replies answer commands in
// order: 1xx ones are noted, the next one completes the command. A PORT, EPRT, PASV or
// EPSV that succeeds announces its data connection to the table (Context::expectations);
// the connection's analyser (ftp_data.h) reports back, and a transfer's record waits for
// it (a bounded number of records, in order) so that it can say what was moved. A 234
// reply to AUTH hands the connection over to TLS.
#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/analyser.h"
#include "engine/analysis/ftp_data.h"
#include "engine/analysis/ftp_record.h"
#include "engine/analysis/ftp_text.h"

namespace pcapkit::analysis {
namespace {

using ftp::Endpoint;
using ftp::Entry;
using ftp::IsDownload;
using ftp::IsUpload;
using ftp::Transfer;

constexpr size_t kMaxAwaiting = 64;             // commands awaiting their reply, at most
constexpr size_t kMaxWaiting = 16;              // answered records held for their data connection
constexpr size_t kMinBudget = size_t(1) << 20;  // text held by both, at least
constexpr size_t kMaxPreliminary = 8;
constexpr size_t kMaxAnnounced = 8;  // data connections announced and not yet claimed
constexpr size_t kMaxNote = 1024;

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// A reply line's code: three digits, the first 1 to 5, then a space, a hyphen or nothing.
bool ReplyCode(std::string_view line, uint16_t* code) {
  if (line.size() < 3 || line[0] < '1' || line[0] > '5' || !IsDigit(line[1]) || !IsDigit(line[2]) ||
      (line.size() > 3 && line[3] != ' ' && line[3] != '-'))
    return false;
  *code = uint16_t((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
  return true;
}

// After a hole the next line may be the tail of one cut: a command is believed only when
// it starts with a word of 3 or 4 letters.
bool LooksLikeCommand(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && ((line[n] | 0x20) >= 'a' && (line[n] | 0x20) <= 'z')) ++n;
  return n >= 3 && n <= 4 && (n == line.size() || line[n] == ' ');
}

bool ContainsNoCase(std::string_view text, std::string_view word) {
  return std::search(text.begin(), text.end(), word.begin(), word.end(),
                     [](char a, char b) { return (a | 0x20) == (b | 0x20); }) != text.end();
}

// The client opens with a command only FTP has, or the server greets with 220 and names
// FTP in its first line: an SMTP server greets with 220 too (even "220 ftp.example.com
// ESMTP"), and is left to the port rule.
bool Detect(int dir, std::span<const uint8_t> bytes) {
  std::string_view v(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (dir == 0) {
    if (v.starts_with("USER ") || v.starts_with("AUTH ")) return true;
    if (!v.starts_with("FEAT") && !v.starts_with("SYST")) return false;
    return v.size() == 4 || v[4] == '\r' || v[4] == '\n' || v[4] == ' ';
  }
  if (v.size() < 4 || !v.starts_with("220") || (v[3] != ' ' && v[3] != '-')) return false;
  std::string_view first = v.substr(0, v.find_first_of("\r\n"));
  return ContainsNoCase(first, "FTP") && !ContainsNoCase(first, "SMTP");
}

// A line's length without its LF and the CR before it, `piece` ending with the LF.
size_t LineLength(std::string_view begun, std::string_view piece) {
  size_t n = begun.size() + piece.size() - 1;
  char before = piece.size() >= 2 ? piece[piece.size() - 2] : begun.empty() ? '\0' : begun.back();
  return n > 0 && before == '\r' ? n - 1 : n;
}

class FtpAnalyser final : public Analyser {
 public:
  explicit FtpAnalyser(const Context& c) : c_(c), listener_(std::make_shared<Listener>(this)) {}
  FtpAnalyser(const FtpAnalyser&) = delete;  // the listener points here
  FtpAnalyser& operator=(const FtpAnalyser&) = delete;

  void Data(int dir, std::span<const uint8_t> bytes, const Position& at) override;
  void Gap(int dir, uint64_t len, const Position& at) override;
  void End(const Position& at) override;
  size_t held() const override;
  bool TakeHandover(Handover* out) override;

 private:
  // The data connections' analysers tell this when they end (weakly: it may be gone).
  struct Listener final : ftp::DataListener {
    explicit Listener(FtpAnalyser* a) : self(a) {}
    void DataEnded() override { self->Flush(false); }
    FtpAnalyser* self;
  };
  struct Side {
    std::string line;  // a line begun, its end not seen yet
    Position at;       // where it began
    bool after_gap = false;
    bool stopped = false;
  };

  void Line(int dir, std::string_view line, const Position& start, const Position& end);
  void Command(std::string_view line, const Position& at);
  void ReplyLine(std::string_view line, const Position& at);
  void Reply(uint16_t code, std::string_view text, const Position& at);
  void Complete(Entry& e, const Position& at);
  void Directory(Entry& e);
  void Announce(Entry& e, const Endpoint& endpoint, const Position& at);
  void Expect(const std::shared_ptr<Transfer>& transfer, const Endpoint& endpoint,
              const Position& at);
  void Flush(bool all);
  void Push(Entry e);
  void Recount(Entry& e);
  void Pop();
  void Bound();
  void Note(std::string_view what, const Position& at);
  void Stop(int dir, std::string_view why, const Position& at);
  void Keep(int dir, std::span<const uint8_t> bytes, const Position& at);
  size_t Budget() const { return std::max(kMinBudget, 4 * c_.limits->max_head); }

  Context c_;
  std::shared_ptr<Listener> listener_;
  Side side_[2];
  struct {
    bool open = false;  // a multi-line reply's first line came, not its last
    uint16_t code = 0;
    std::string text;
  } reply_;
  std::deque<Entry> queue_;  // in command order: the answered ones, then those awaiting
  size_t answered_ = 0;      // entries at the front that are answered
  size_t queue_bytes_ = 0;
  size_t orphans_ = 0;  // commands written unanswered whose replies are still to come
  std::deque<std::shared_ptr<Transfer>> announced_;  // oldest first
  std::shared_ptr<const std::string> user_, cwd_;
  std::string note_;  // what went wrong, for the next record
  Position note_at_;  // where it first did
  bool ended_ = false;
  bool switching_ = false;  // to TLS: what follows is kept for the handover
  Handover handover_;
};

// Lines end at LF (a CR before it is dropped); a piece without one is gathered.
void FtpAnalyser::Data(int dir, std::span<const uint8_t> bytes, const Position& at) {
  if (ended_) return;
  if (switching_) return Keep(dir, bytes, at);
  Side& s = side_[dir];
  const size_t max = c_.limits->max_head;
  while (!bytes.empty() && !s.stopped) {
    const void* lf = std::memchr(bytes.data(), '\n', bytes.size());
    size_t n = lf ? size_t(static_cast<const uint8_t*>(lf) - bytes.data()) + 1 : bytes.size();
    std::string_view piece(reinterpret_cast<const char*>(bytes.data()), n);
    bytes = bytes.subspan(n);
    const Position start = s.line.empty() ? at : s.at;
    // Without its end a line may still lose a CR: it is too long past max_head + 1.
    if ((lf ? LineLength(s.line, piece) : s.line.size() + n) > max + (lf ? 0 : 1))
      return Stop(dir, "line longer than " + std::to_string(max) + " bytes", at);
    if (!lf) {
      if (s.line.empty()) s.at = at;
      s.line.append(piece);
      return;
    }
    std::string_view line = piece;
    if (!s.line.empty()) line = s.line.append(piece);
    line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Line(dir, line, start, at);
    s.line.clear();
    if (switching_) return Keep(dir, bytes, at);
  }
}

void FtpAnalyser::Line(int dir, std::string_view line, const Position& start, const Position& end) {
  Side& s = side_[dir];
  const bool after_gap = s.after_gap;
  s.after_gap = false;
  if (dir == 1) return ReplyLine(line, end);
  // Telnet commands (IAC IP, IAC DM) may precede an ABOR (RFC 959 4.1.3).
  while (!line.empty() && uint8_t(line.front()) >= 0xf0) line.remove_prefix(1);
  if (line.empty() || (after_gap && !LooksLikeCommand(line))) return;
  Command(line, start);
}

void FtpAnalyser::Command(std::string_view line, const Position& at) {
  size_t space = line.find(' ');
  Entry e;
  e.has_command = true;
  e.command.assign(line.substr(0, space));
  for (char& ch : e.command)
    if (ch >= 'a' && ch <= 'z') ch = char(ch - 'a' + 'A');
  if (space != std::string_view::npos) e.arg.assign(line.substr(space + 1));
  e.first = e.last = at;
  e.user = user_;  // the USER given before this command
  if (e.command == "USER") user_ = std::make_shared<const std::string>(e.arg);
  if (e.command == "PORT") e.has_endpoint = ftp::ParseHostPort(e.arg, &e.endpoint);
  if (e.command == "EPRT") e.has_endpoint = ftp::ParseEprt(e.arg, &e.endpoint);
  Push(std::move(e));
  Bound();
}

void FtpAnalyser::Push(Entry e) {
  e.counted = Size(e);
  queue_bytes_ += e.counted;
  queue_.push_back(std::move(e));
}

void FtpAnalyser::Recount(Entry& e) {
  queue_bytes_ -= e.counted;
  e.counted = Size(e);
  queue_bytes_ += e.counted;
}

// A reply's lines are gathered (max_head bytes of text at most); a line that is no reply
// outside one is the rest of a reply a hole cut, or noise, and is passed over.
void FtpAnalyser::ReplyLine(std::string_view line, const Position& at) {
  uint16_t code = 0;
  const bool coded = ReplyCode(line, &code);
  if (!reply_.open) {
    if (!coded) return;
    if (line.size() > 3 && line[3] == '-') {
      reply_.open = true;
      reply_.code = code;
      reply_.text.assign(line.substr(4));
      return;
    }
    return Reply(code, line.size() > 4 ? line.substr(4) : std::string_view(), at);
  }
  const bool same = coded && code == reply_.code;
  if (same && (line.size() == 3 || line[3] == ' ')) {
    reply_.open = false;
    reply_.text.append("\n").append(line.size() > 4 ? line.substr(4) : std::string_view());
    std::string text = std::move(reply_.text);
    reply_.text = std::string();
    return Reply(code, text, at);
  }
  if (same) line.remove_prefix(4);  // "123-text": a continuation that repeats the code
  if (reply_.text.size() + 1 + line.size() > c_.limits->max_head)
    return Stop(1, "reply longer than " + std::to_string(c_.limits->max_head) + " bytes", at);
  reply_.text.append("\n").append(line);
}

// A reply answers the oldest command awaiting one; with none awaiting (the greeting, or
// its command was not captured) it is a record of its own.
void FtpAnalyser::Reply(uint16_t code, std::string_view text, const Position& at) {
  if (orphans_ > 0) {  // its command was written already, unanswered
    if (code >= 200) --orphans_;
    return;
  }
  const bool alone = answered_ == queue_.size();  // nothing to wait for: even a 1xx is final
  if (alone) {
    Entry e;
    e.first = at;
    Push(std::move(e));
  }
  Entry& e = queue_[answered_];
  // The newest data connection announced is the transfer's (each PASV or PORT is for
  // the next transfer); claimed at its first reply, when every earlier reply was read.
  if (e.has_command && (IsDownload(e.command) || IsUpload(e.command)) && !e.transfer &&
      !announced_.empty()) {
    e.transfer = std::move(announced_.back());
    announced_.clear();
  }
  if (code < 200 && !alone) {
    if (e.preliminary.size() < kMaxPreliminary) e.preliminary.push_back(code);
    return;
  }
  e.code = code;
  e.msg.assign(text);
  Complete(e, at);
}

// What a final reply changes: the directory, the data connection to come, the protocol.
void FtpAnalyser::Complete(Entry& e, const Position& at) {
  e.answered = true;
  e.last = at;
  const std::string& c = e.command;
  Endpoint endpoint;
  if (c == "PASV" && e.code == 227 && ftp::ParseHostPort(e.msg, &endpoint)) {
    Announce(e, endpoint, at);
  } else if (c == "EPSV" && e.code == 229 && ftp::ParseEpsvPort(e.msg, &endpoint.port)) {
    endpoint.ipv6 = c_.conversation->ipv6;  // the control connection's server
    std::memcpy(endpoint.host, c_.conversation->server, sizeof endpoint.host);
    Announce(e, endpoint, at);
  } else if ((c == "PORT" || c == "EPRT") && e.has_endpoint && e.code == 200) {
    Announce(e, e.endpoint, at);
  } else if (c == "AUTH" && e.code == 234) {  // RFC 4217: TLS starts after this reply
    switching_ = true;
    handover_.kind = Kind::kTls;
    handover_.rest[0].assign(side_[0].line.begin(), side_[0].line.end());
    handover_.at[0] = side_[0].at;
  } else if (c == "REIN" && e.code == 220) {
    user_.reset();
    cwd_.reset();
  }
  Directory(e);
  e.cwd = cwd_;
  e.error = std::move(note_);
  note_.clear();
  Recount(e);
  ++answered_;
  Flush(false);
}

// The current directory: what a 257 to PWD quotes, where a CWD or CDUP led (as the 250
// reply quotes it, when it does), unknown past max_head bytes.
void FtpAnalyser::Directory(Entry& e) {
  const std::string& c = e.command;
  std::string dir, quoted;
  if ((c == "PWD" || c == "XPWD") && e.code == 257) {
    if (!ftp::ParseQuoted(e.msg, &dir)) return;
  } else if ((c == "CWD" || c == "XCWD") && e.code == 250) {
    if (ftp::ParseQuoted(e.msg, &quoted) && quoted.starts_with('/'))
      dir = std::move(quoted);
    else
      dir = ftp::ChangeDirectory(cwd_ ? *cwd_ : std::string(), e.arg);
  } else if ((c == "CDUP" || c == "XCUP") && (e.code == 200 || e.code == 250)) {
    dir = ftp::ChangeDirectory(cwd_ ? *cwd_ : std::string(), "..");
  } else {
    return;
  }
  if (dir.empty() || dir.size() > c_.limits->max_head)
    cwd_.reset();
  else
    cwd_ = std::make_shared<const std::string>(std::move(dir));
}

// Tells the table of the data connection to come; its analyser reports to a Transfer
// the next transfer command claims.
// A 227 naming another host than the control connection's server (one behind NAT gives
// its private address, or 0.0.0.0) is expected at the server's address too.
void FtpAnalyser::Announce(Entry& e, const Endpoint& endpoint, const Position& at) {
  e.has_endpoint = true;
  e.endpoint = endpoint;
  if (c_.expectations == nullptr) return;
  auto transfer = std::make_shared<Transfer>();
  transfer->listener = listener_;
  Expect(transfer, endpoint, at);
  const Conversation& c = *c_.conversation;
  if (e.command == "PASV" && !c.ipv6 && std::memcmp(endpoint.host, c.server, 4) != 0) {
    Endpoint server = endpoint;
    std::memcpy(server.host, c.server, 4);
    Expect(transfer, server, at);
  }
  announced_.push_back(std::move(transfer));
  if (announced_.size() > kMaxAnnounced) announced_.pop_front();
}

void FtpAnalyser::Expect(const std::shared_ptr<Transfer>& transfer, const Endpoint& endpoint,
                         const Position& at) {
  Expectation x;
  x.ipv6 = endpoint.ipv6;
  std::memcpy(x.server, endpoint.host, sizeof x.server);
  x.port = endpoint.port;
  // Only the first connection reports: one to the other address gets a Transfer of its own.
  x.make = [transfer](const Context& c) {
    return ftp::MakeDataAnalyser(transfer->started ? std::make_shared<Transfer>() : transfer, c);
  };
  c_.expectations->Expect(std::move(x), at.time);
}

// Writes the answered records in order. One whose data connection has begun and not
// ended waits for it (unless `all`, or more than kMaxWaiting wait, or too many bytes).
void FtpAnalyser::Flush(bool all) {
  if (ended_ && !all) return;
  while (!queue_.empty() && (answered_ > 0 || all)) {
    const Transfer* t = queue_.front().transfer.get();
    const bool waiting = t && t->started && !t->ended;
    if (!all && waiting && answered_ <= kMaxWaiting && queue_bytes_ <= Budget()) break;
    Pop();
  }
}

void FtpAnalyser::Pop() {
  const Entry& e = queue_.front();
  c_.sink->Write(Kind::kFtp, *c_.conversation, e.first, e.last,
                 [&e](Emitter& out) { ftp::WriteFields(out, e); });
  queue_bytes_ -= e.counted;
  if (answered_ > 0) --answered_;
  queue_.pop_front();
}

// Too many commands awaiting a reply, or too many bytes held: the oldest go out, and an
// unanswered one's reply, when it comes, is passed over.
void FtpAnalyser::Bound() {
  while (!queue_.empty() && (queue_.size() - answered_ > kMaxAwaiting || queue_bytes_ > Budget())) {
    if (answered_ == 0) {
      queue_.front().error = "written before its reply: too many commands awaiting one";
      ++orphans_;
    }
    Pop();
  }
}

void FtpAnalyser::Note(std::string_view what, const Position& at) {
  if (note_.size() > kMaxNote) return;
  if (note_.empty()) note_at_ = at;
  if (!note_.empty()) note_ += "; ";
  note_ += what;
}

// Malformed input: the direction is read no further.
void FtpAnalyser::Stop(int dir, std::string_view why, const Position& at) {
  Side& s = side_[dir];
  s.stopped = true;
  s.line = std::string();
  if (dir == 1) {
    reply_.open = false;
    reply_.text = std::string();
  }
  Note(std::string(dir == 0 ? "client: " : "server: ") + std::string(why) +
           "; its lines from there on are not read",
       at);
}

// A hole loses the line it falls in, and what it held may have been commands or replies:
// the pairing after it may be off, and the next record says so.
void FtpAnalyser::Gap(int dir, uint64_t len, const Position& at) {
  Side& s = side_[dir];
  if (ended_ || switching_ || s.stopped) return;
  s.line = std::string();
  s.after_gap = true;
  if (dir == 1) {
    reply_.open = false;
    reply_.text = std::string();
  }
  Note(std::string(dir == 0 ? "client" : "server") + " stream: " + std::to_string(len) +
           " bytes not captured",
       at);
}

void FtpAnalyser::Keep(int dir, std::span<const uint8_t> bytes, const Position& at) {
  std::vector<uint8_t>& rest = handover_.rest[dir];
  if (rest.empty()) handover_.at[dir] = at;
  if (rest.size() + bytes.size() <= c_.limits->max_head)
    rest.insert(rest.end(), bytes.begin(), bytes.end());
}

bool FtpAnalyser::TakeHandover(Handover* out) {
  if (!switching_ || ended_) return false;
  *out = std::move(handover_);
  handover_ = Handover();
  return true;
}

// Every record still held is written: answered ones with what their data connection
// carried so far, the rest without a reply; then anything noted that no record took.
void FtpAnalyser::End(const Position& at) {
  if (ended_) return;
  if (reply_.open) Note("server: a reply cut by the end of the stream", at);
  Flush(true);
  ended_ = true;
  if (!note_.empty())
    c_.sink->Write(Kind::kFtp, *c_.conversation, note_at_, at,
                   [this](Emitter& out) { out.Text("error", note_); });
  note_.clear();
  announced_.clear();
}

size_t FtpAnalyser::held() const {
  return sizeof *this + side_[0].line.capacity() + side_[1].line.capacity() +
         reply_.text.capacity() + queue_bytes_ + note_.capacity() + handover_.rest[0].size() +
         handover_.rest[1].size() + (user_ ? user_->size() : 0) + (cwd_ ? cwd_->size() : 0) +
         announced_.size() * sizeof(Transfer);
}

std::unique_ptr<Analyser> Make(const Context& c) {
  return std::make_unique<FtpAnalyser>(c);
}

[[maybe_unused]] const bool registered =
    Register({Kind::kFtp, "ftp", true, false, Detect, {21, 0, 0, 0}, Make, ftp::Fields()});

}  // namespace
}  // namespace pcapkit::analysis
