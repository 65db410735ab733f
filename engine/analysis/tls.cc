// `tls`: one record per TLS connection — the versions offered and chosen, SNI and ALPN, the
// cipher suites, the JA3, JA3S and JA4 fingerprints, the server's certificate chain (TLS
// 1.2 and before: TLS 1.3 encrypts it) and whether the handshake completed. Records are
// read from each direction's stream and handshake messages reassembled across records and
// segments; once a direction encrypts its handshake (after its ChangeCipherSpec, or after
// the ServerHello in TLS 1.3) only record types are looked at. The record is written when
// both directions are past their handshake (an encrypted Finished or application data in
// each), or at End.
#include <algorithm>
#include <string>
#include <vector>

#include "engine/analysis/analyser.h"
#include "engine/analysis/tls_fingerprint.h"
#include "engine/analysis/x509.h"

namespace pcapkit::analysis {
namespace {

using tls::Certificate;
using tls::ClientHello;
using tls::ServerHello;
using Bytes = std::span<const uint8_t>;

constexpr uint32_t kMaxRecord = (1u << 14) + 2048;  // RFC 5246 §6.2.3: ciphertext at most
constexpr uint32_t kMaxHandshake = 64u << 10;       // a handshake message we reassemble

enum ContentType : uint8_t {
  kChangeCipherSpec = 20,
  kAlert = 21,
  kHandshake = 22,
  kApplicationData = 23,
};

uint32_t Be24(const uint8_t* p) {
  return uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
}

// A record header: content type 20–24, version 3.0–3.4 (SSL 3.0 to TLS 1.3), a length a
// record may have.
bool RecordHeaderOk(const uint8_t* p) {
  return p[0] >= 20 && p[0] <= 24 && p[1] == 3 && p[2] <= 4 &&
         uint32_t(p[3] << 8 | p[4]) <= kMaxRecord;
}

// A connection starts with a handshake record: its type and version bytes are enough.
bool Detect(int, Bytes b) {
  if (b.size() < 3 || b[0] != kHandshake || b[1] != 3 || b[2] > 4) return false;
  return b.size() < 5 || ((b[3] << 8 | b[4]) > 0 && RecordHeaderOk(b.data()));
}

// One direction's stream: the record being read and the handshake bytes not yet a whole
// message.
struct Side {
  uint8_t header[5] = {};
  size_t header_len = 0;
  bool in_body = false;
  uint32_t body_left = 0;   // of the current record
  uint32_t record_len = 0;  // the current record's length
  uint8_t alert[2] = {};
  std::vector<uint8_t> handshake;
  bool ccs = false;        // ChangeCipherSpec sent: what follows is encrypted
  bool encrypted = false;  // its handshake messages are no longer plaintext
  bool done = false;       // its handshake is over: encrypted Finished or application data
  bool stopped = false;    // a gap or bytes that are not TLS: read no further
};

class TlsAnalyser final : public Analyser {
 public:
  explicit TlsAnalyser(const Context& c) : c_(c) {}

  void Data(int dir, Bytes bytes, const Position& at) override {
    Touch(at);
    if (written_) return;  // the rest is the session's encrypted traffic
    Records(dir, bytes);
    if (side_[0].done && side_[1].done) WriteRecord(true);
  }
  void Gap(int dir, uint64_t len, const Position& at) override {
    Touch(at);
    if (written_) return;
    gaps_ += len;
    Stop(dir, nullptr);  // where the next record starts is unknown
  }
  void End(const Position& at) override {
    Touch(at);
    if (!written_ && seen_) WriteRecord(false);
  }
  size_t held() const override;

 private:
  void Touch(const Position& at);
  void Records(int dir, Bytes bytes);
  bool RecordHeader(int dir, Bytes& bytes);
  void Body(int dir, Bytes chunk);
  void RecordEnd(int dir);
  void Handshakes(int dir);
  void Message(int dir, uint8_t type, Bytes body);
  void Certificates(Bytes body);
  void Stop(int dir, const char* error);
  void Error(int dir, const std::string& what);
  void WriteRecord(bool established);
  void WriteClient(Emitter& e) const;
  void WriteServer(Emitter& e) const;
  void WriteCertificates(Emitter& e) const;

  Context c_;
  Side side_[2];
  int client_dir_ = -1;  // the direction the ClientHello came in (-1: no hello yet)
  bool seen_ = false, written_ = false;
  Position first_, last_;
  bool has_client_ = false, has_server_ = false, has_certificates_ = false;
  bool client_whole_ = false, server_whole_ = false;  // the hello parsed to its end
  ClientHello client_;
  ServerHello server_;
  std::vector<Certificate> certificates_;
  bool has_alert_ = false;
  uint8_t alert_[2] = {};
  uint64_t gaps_ = 0;
  std::string error_;  // the first thing that was not TLS
};

void TlsAnalyser::Touch(const Position& at) {
  if (!seen_) first_ = at;
  seen_ = true;
  if (at.frame >= last_.frame) last_ = at;
}

size_t TlsAnalyser::held() const {
  size_t n = sizeof *this + side_[0].handshake.capacity() + side_[1].handshake.capacity();
  // The ClientHello's lists: up to a 64 KiB message's worth from a hostile client.
  n += 2 * (client_.ciphers.size() + client_.extensions.size() + client_.groups.size() +
            client_.signature_algorithms.size() + client_.versions.size()) +
       client_.point_formats.size() + client_.server_name.size();
  for (const std::string& name : client_.alpn) n += sizeof name + name.size();
  for (const Certificate& cert : certificates_) {
    n += sizeof cert + cert.subject.size() + cert.issuer.size();
    for (const std::string& san : cert.sans) n += sizeof san + san.size();
  }
  return n;
}

// Reads no further in `dir`: a gap (`error` null) or bytes that are not TLS.
void TlsAnalyser::Stop(int dir, const char* error) {
  Side& s = side_[dir];
  if (error != nullptr && !s.stopped) Error(dir, error);
  s.stopped = true;
  s.handshake = std::vector<uint8_t>();  // `= {}` would keep the capacity
}

void TlsAnalyser::Error(int dir, const std::string& what) {
  if (error_.empty()) error_ = (dir == 0 ? "client: " : "server: ") + what;
}

void TlsAnalyser::Records(int dir, Bytes bytes) {
  Side& s = side_[dir];
  while (!bytes.empty() && !s.stopped) {
    if (!s.in_body) {
      if (!RecordHeader(dir, bytes)) return;
      continue;
    }
    const size_t take = std::min<size_t>(s.body_left, bytes.size());
    Body(dir, bytes.first(take));
    bytes = bytes.subspan(take);
    s.body_left -= uint32_t(take);
    if (s.body_left == 0) RecordEnd(dir);
  }
}

// Gathers the 5-byte header, which may itself be cut between segments. False when the
// stream is not TLS.
bool TlsAnalyser::RecordHeader(int dir, Bytes& bytes) {
  Side& s = side_[dir];
  const size_t take = std::min(sizeof s.header - s.header_len, bytes.size());
  std::copy_n(bytes.begin(), take, s.header + s.header_len);
  s.header_len += take;
  bytes = bytes.subspan(take);
  if (s.header_len < sizeof s.header) return true;
  s.header_len = 0;
  if (!RecordHeaderOk(s.header)) {
    Stop(dir, "not a TLS record header");
    return false;
  }
  s.in_body = true;
  s.record_len = s.body_left = uint32_t(s.header[3]) << 8 | s.header[4];
  if (s.body_left == 0) RecordEnd(dir);
  return true;
}

void TlsAnalyser::Body(int dir, Bytes chunk) {
  Side& s = side_[dir];
  switch (s.header[0]) {
    case kHandshake:
      if (s.encrypted) {
        s.done = true;  // the first encrypted handshake message is the Finished
        return;
      }
      s.handshake.insert(s.handshake.end(), chunk.begin(), chunk.end());
      return Handshakes(dir);
    case kAlert: {
      const size_t at = s.record_len - s.body_left;  // where in the record `chunk` starts
      for (size_t i = 0; i < chunk.size() && at + i < 2; ++i) s.alert[at + i] = chunk[i];
      return;
    }
    case kApplicationData:
      s.done = true;
      return;
  }
}

void TlsAnalyser::RecordEnd(int dir) {
  Side& s = side_[dir];
  s.in_body = false;
  if (s.header[0] == kChangeCipherSpec) s.ccs = s.encrypted = true;
  // A plaintext alert is two bytes; an encrypted one (after ChangeCipherSpec) is longer.
  if (s.header[0] == kAlert && s.record_len == 2 && !s.ccs && !has_alert_) {
    has_alert_ = true;
    std::copy_n(s.alert, 2, alert_);
  }
}

// Every whole message in the direction's handshake bytes; a message longer than we
// reassemble ends the direction's reading.
void TlsAnalyser::Handshakes(int dir) {
  Side& s = side_[dir];
  size_t pos = 0;
  while (s.handshake.size() - pos >= 4 && !s.stopped && !s.encrypted) {
    const uint8_t* h = s.handshake.data() + pos;
    const uint32_t len = Be24(h + 1);
    if (len > kMaxHandshake) {
      Error(dir, "a handshake message of " + std::to_string(len) + " bytes (over " +
                     std::to_string(kMaxHandshake) + ")");
      return Stop(dir, nullptr);
    }
    if (s.handshake.size() - pos - 4 < len) break;
    Message(dir, h[0], Bytes(h + 4, len));
    pos += 4 + len;
  }
  if (s.stopped) return;
  if (s.encrypted) return s.handshake.clear();  // TLS 1.3: what follows the ServerHello
  s.handshake.erase(s.handshake.begin(), s.handshake.begin() + ptrdiff_t(pos));
}

// The messages we read: the first ClientHello, the ServerHello (after a
// HelloRetryRequest, the second), the server's first Certificate.
//
// The hellos say who is who: a capture that starts after the SYN (its first packet the
// server's) has the directions the other way round, and the ServerHello must still count.
void TlsAnalyser::Message(int dir, uint8_t type, Bytes body) {
  if ((type == 1 || type == 2) && client_dir_ < 0) client_dir_ = type == 1 ? dir : 1 - dir;
  bool from_server = client_dir_ >= 0 && dir != client_dir_;
  if (type == 1 && !from_server && !has_client_) {
    has_client_ = true;
    const char* error = tls::ParseClientHello(body, client_);
    client_whole_ = error == nullptr;
    if (error != nullptr) Error(dir, error);
  } else if (type == 2 && from_server && (!has_server_ || server_.retry)) {
    has_server_ = true;
    server_ = {};
    const char* error = tls::ParseServerHello(body, server_);
    server_whole_ = error == nullptr;
    if (error != nullptr) Error(dir, error);
    // TLS 1.3 encrypts all of the server's handshake after its ServerHello.
    if (!server_.retry && server_.selected_version == 0x0304) side_[dir].encrypted = true;
  } else if (type == 11 && from_server && !has_certificates_) {
    has_certificates_ = true;
    Certificates(body);
  }
}

// RFC 5246 §7.4.2: a 3-byte list length, then each certificate's DER behind its 3-byte
// length.
void TlsAnalyser::Certificates(Bytes body) {
  if (body.size() < 3 || Be24(body.data()) > body.size() - 3) {
    return Error(1, "Certificate message cut short");
  }
  Bytes list = body.subspan(3, Be24(body.data()));
  while (!list.empty()) {
    if (list.size() < 3 || Be24(list.data()) > list.size() - 3) {
      return Error(1, "Certificate message cut short");
    }
    const uint32_t len = Be24(list.data());
    certificates_.push_back(tls::ParseCertificate(list.subspan(3, len)));
    list = list.subspan(3 + len);
  }
}

void TlsAnalyser::WriteClient(Emitter& e) const {
  e.BeginArray("client_versions");
  if (client_.has_versions) {
    for (uint16_t v : client_.versions)
      if (!tls::IsGrease(v)) e.Plain({}, tls::VersionText(v));
  } else {
    e.Plain({}, tls::VersionText(client_.version));
  }
  e.EndArray();
  if (!client_.server_name.empty()) e.Text("server_name", client_.server_name);
  if (!client_.alpn.empty()) {
    e.BeginArray("alpn");
    for (const std::string& name : client_.alpn) e.Text({}, name);
    e.EndArray();
  }
  e.BeginArray("cipher_suites");
  for (uint16_t suite : client_.ciphers) e.Uint({}, suite);
  e.EndArray();
  // A fingerprint of part of a hello is no client's fingerprint (tshark gives none either).
  if (!client_whole_) return;
  const std::string ja3 = tls::Ja3String(client_);
  e.Plain("ja3_string", ja3);
  const std::string md5 = tls::Md5Hex(ja3);
  if (!md5.empty()) e.Plain("ja3", md5);
  e.Plain("ja4", tls::Ja4(client_));
}

void TlsAnalyser::WriteServer(Emitter& e) const {
  if (server_.has_alpn) e.Text("alpn_chosen", server_.alpn);
  e.Uint("cipher_suite", server_.cipher);
  if (!server_whole_) return;
  const std::string ja3s = tls::Ja3sString(server_);
  e.Plain("ja3s_string", ja3s);
  const std::string md5 = tls::Md5Hex(ja3s);
  if (!md5.empty()) e.Plain("ja3s", md5);
}

void TlsAnalyser::WriteCertificates(Emitter& e) const {
  e.BeginArray("certificates");
  for (const Certificate& cert : certificates_) {
    e.BeginObject();
    if (cert.error.empty()) {
      e.Text("subject", cert.subject);
      e.Text("issuer", cert.issuer);
      e.Plain("not_before", cert.not_before);
      e.Plain("not_after", cert.not_after);
      e.Plain("serial", cert.serial);
      e.BeginArray("sans");
      for (const std::string& san : cert.sans) e.Text({}, san);
      e.EndArray();
    }
    e.Plain("sha256", cert.sha256);
    if (!cert.error.empty()) e.Plain("error", cert.error);
    e.EndObject();
  }
  e.EndArray();
}

void TlsAnalyser::WriteRecord(bool established) {
  written_ = true;
  side_[0].handshake = std::vector<uint8_t>();
  side_[1].handshake = std::vector<uint8_t>();
  c_.sink->Write(Kind::kTls, *c_.conversation, first_, last_, [&](Emitter& e) {
    if (has_server_) {
      const uint16_t v = server_.selected_version ? server_.selected_version : server_.version;
      e.Plain("version", tls::VersionText(v));
    }
    if (has_client_) WriteClient(e);
    if (has_server_) WriteServer(e);
    if (has_certificates_) WriteCertificates(e);
    e.Bool("established", established);
    if (has_alert_) {
      e.BeginObject("alert");
      e.Uint("level", alert_[0]);
      e.Uint("description", alert_[1]);
      e.EndObject();
    }
    if (gaps_) e.Uint("gaps", gaps_);
    if (!error_.empty()) e.Plain("error", error_);
  });
  certificates_.clear();
}

std::unique_ptr<Analyser> Make(const Context& c) {
  return std::make_unique<TlsAnalyser>(c);
}

using protocols::kBool, protocols::kInt, protocols::kText, protocols::kList, protocols::kObject;
constexpr protocols::FieldSpec kFields[] = {
    {"version", kText, "the negotiated version"},
    {"client_versions", kList, "the versions the ClientHello offers"},
    {"client_versions[]", kText, "a version"},
    {"server_name", kText, "SNI's host name"},
    {"alpn", kList, "the application protocols offered"},
    {"alpn[]", kText, "a protocol"},
    {"alpn_chosen", kText, "the one the server chose"},
    {"cipher_suites", kList, "the cipher suites offered, as sent"},
    {"cipher_suites[]", kInt, "a cipher suite"},
    {"cipher_suite", kInt, "the one chosen"},
    {"ja3_string", kText, "JA3 of the ClientHello"},
    {"ja3", kText, "the MD5 of ja3_string, in hex"},
    {"ja3s_string", kText, "JA3S of the ServerHello"},
    {"ja3s", kText, "the MD5 of ja3s_string, in hex"},
    {"ja4", kText, "FoxIO's JA4 client fingerprint"},
    {"certificates", kList, "the server's certificate chain, in order"},
    {"certificates[].subject", kText, "RFC 2253"},
    {"certificates[].issuer", kText, "RFC 2253"},
    {"certificates[].not_before", kText, "ISO 8601 UTC"},
    {"certificates[].not_after", kText, "ISO 8601 UTC"},
    {"certificates[].serial", kText, "hex of the DER integer"},
    {"certificates[].sans", kList, "DNS names and IP addresses, in order"},
    {"certificates[].sans[]", kText, "a name or address"},
    {"certificates[].sha256", kText, "SHA-256 of the DER, in hex"},
    {"certificates[].error", kText, "why the certificate did not parse"},
    {"established", kBool, "both directions were past their handshake"},
    {"alert", kObject, "the first plaintext alert"},
    {"alert.level", kInt, "the alert's level"},
    {"alert.description", kInt, "the alert's description"},
    {"gaps", kInt, "bytes missing, both directions"},
    {"error", kText, "the first fault, client: or server:"},
};

[[maybe_unused]] const bool registered =
    Register({Kind::kTls, "tls", true, false, Detect, {443, 8443, 993, 995}, Make, kFields});

}  // namespace
}  // namespace pcapkit::analysis
