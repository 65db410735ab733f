// DNS (RFC 1035) over UDP and TCP (with its 2-byte length prefix), mDNS and LLMNR: every
// section, names with compression, the common record types decoded (A, AAAA, CNAME, NS,
// PTR, MX, TXT, SOA, SRV, OPT/EDNS; others kept as hex). Dissect walks the whole message
// first, so a name running past the data or a compression loop makes the layer `raw`
// with an error instead of a half record.
#include <string>
#include <utility>
#include <vector>

#include "engine/protocols/common.h"
#include "engine/util/utf8.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kOverTcp = 1;  // aux: a 2-byte length precedes the message
constexpr int kMaxJumps = 64;     // compression pointers followed per name at most

// A label in presentation form (RFC 1035 §5.1), so that a name's text says its labels
// exactly: a dot or backslash inside the label as `\.` and `\\`, a byte that is not UTF-8
// as `\DDD` (decimal).
void AppendLabel(const uint8_t* p, uint32_t n, std::string& out) {
  for (uint32_t i = 0; i < n;) {
    size_t k = util::Utf8Length(p + i, n - i);
    if (k == 0) {
      char ddd[5] = {'\\', char('0' + p[i] / 100), char('0' + p[i] / 10 % 10),
                     char('0' + p[i] % 10), 0};
      out.append(ddd);
      ++i;
      continue;
    }
    if (p[i] == '.' || p[i] == '\\') out.push_back('\\');
    out.append(reinterpret_cast<const char*>(p + i), k);
    i += uint32_t(k);
  }
}

// Reads the name at `pos`; appends it (dot-separated labels in presentation form, "" for
// the root) to `out` when given, and sets `next` to the byte after the name where it
// started, and `pointer` (when given and the name ends in one) to where its compression
// pointer is. False when the name is malformed.
bool ReadName(const uint8_t* msg, uint32_t len, uint32_t pos, std::string* out, uint32_t& next,
              const char*& error, uint32_t* pointer = nullptr) {
  int jumps = 0;
  bool jumped = false;
  size_t total = 0;
  while (true) {
    if (pos >= len) {
      error = "DNS: name runs past the message";
      return false;
    }
    uint8_t l = msg[pos];
    if ((l & 0xc0) == 0xc0) {
      if (pos + 1 >= len) {
        error = "DNS: name runs past the message";
        return false;
      }
      if (++jumps > kMaxJumps) {
        error = "DNS: name compression loop";
        return false;
      }
      if (!jumped) {
        next = pos + 2;
        if (pointer) *pointer = pos;
      }
      jumped = true;
      uint32_t target = uint32_t(l & 0x3f) << 8 | msg[pos + 1];
      pos = target;
      continue;
    }
    if (l & 0xc0) {
      error = "DNS: unknown label type";
      return false;
    }
    if (l == 0) {
      if (!jumped) next = pos + 1;
      return true;
    }
    if (pos + 1 + l > len) {
      error = "DNS: label runs past the message";
      return false;
    }
    total += l + 1u;
    if (total > 255) {
      error = "DNS: name longer than 255 bytes";
      return false;
    }
    if (out) {
      if (total > l + 1u) out->push_back('.');
      AppendLabel(msg + pos + 1, l, *out);
    }
    pos += 1u + l;
  }
}

// Checks the whole message; returns its length in bytes or 0 with `error` set.
uint32_t Validate(const uint8_t* m, uint32_t len, const char*& error) {
  if (len < 12) {
    error = "DNS: header truncated";
    return 0;
  }
  uint32_t pos = 12;
  uint32_t counts[4] = {Be16(m + 4), Be16(m + 6), Be16(m + 8), Be16(m + 10)};
  for (uint32_t q = 0; q < counts[0]; ++q) {
    if (!ReadName(m, len, pos, nullptr, pos, error)) return 0;
    if (pos + 4 > len) {
      error = "DNS: question runs past the message";
      return 0;
    }
    pos += 4;
  }
  for (int s = 1; s < 4; ++s) {
    for (uint32_t r = 0; r < counts[s]; ++r) {
      if (!ReadName(m, len, pos, nullptr, pos, error)) return 0;
      if (pos + 10 > len || pos + 10 + Be16(m + pos + 8) > len) {
        error = "DNS: resource record runs past the message";
        return 0;
      }
      pos += 10u + Be16(m + pos + 8);
    }
  }
  return pos;
}

void DissectUdp(const uint8_t* p, uint32_t len, DissectResult& out) {
  const char* error = nullptr;
  uint32_t used = Validate(p, len, error);
  if (!used) {
    out.error = error;
    return;
  }
  // The message is the layer; bytes after it (rare) are left raw.
  Carry(out, used, len, Table::kNone, 0);
}

void DissectTcp(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 2) {
    out.error = "DNS: length prefix truncated";
    return;
  }
  uint32_t msg_len = Be16(p);
  if (msg_len + 2 > len) {
    // A message continued in later segments: without reassembly it cannot be read whole.
    out.error = "DNS: message continues past this segment";
    return;
  }
  const char* error = nullptr;
  if (!Validate(p + 2, msg_len, error)) {
    out.error = error;
    return;
  }
  Carry(out, 2 + msg_len, len, Table::kNone, 0);
  out.aux = kOverTcp;
}

// A message being written: where the names it decodes end in a compression pointer, and
// where those point (RFC 1035 §4.1.4), so that a record keeps the message's compression.
struct Message {
  const uint8_t* m;
  uint32_t len;
  std::vector<std::pair<uint32_t, uint32_t>> pointers;  // at, to

  // The name at `pos` within m[0, end); false when it is malformed there.
  bool Name(uint32_t pos, uint32_t end, std::string& name, uint32_t& next) {
    const char* error = nullptr;
    uint32_t at = UINT32_MAX;
    if (!ReadName(m, end, pos, &name, next, error, &at)) return false;
    if (at != UINT32_MAX) pointers.emplace_back(at, uint32_t(m[at] & 0x3f) << 8 | m[at + 1]);
    return true;
  }
};

// A name-bearing RDATA's members: the names and numbers it holds, when they make all of
// its bytes; false (and nothing written) otherwise.
bool WriteNamedRdata(Message& msg, uint16_t type, uint32_t at, uint16_t rdlen, Emitter& out) {
  const uint8_t* d = msg.m + at;
  uint32_t end = at + rdlen, next = 0, after = 0;
  size_t kept = msg.pointers.size();
  std::string name, rname;
  bool ok = false;
  switch (type) {
    case 2:
    case 5:
    case 12:  // NS, CNAME, PTR
      ok = msg.Name(at, end, name, next) && next == end;
      if (ok) out.Text("data", name);
      break;
    case 15:  // MX
      ok = rdlen >= 3 && msg.Name(at + 2, end, name, next) && next == end;
      if (ok) {
        out.Uint("preference", Be16(d));
        out.Text("data", name);
      }
      break;
    case 33:  // SRV
      ok = rdlen >= 7 && msg.Name(at + 6, end, name, next) && next == end;
      if (ok) {
        out.Uint("priority", Be16(d));
        out.Uint("weight", Be16(d + 2));
        out.Uint("port", Be16(d + 4));
        out.Text("data", name);
      }
      break;
    case 6:  // SOA
      ok = msg.Name(at, end, name, next) && msg.Name(next, end, rname, after) && after + 20 == end;
      if (ok) {
        const uint8_t* n = msg.m + after;
        out.Text("data", name);
        out.Text("rname", rname);
        out.Uint("serial", Be32(n));
        out.Uint("refresh", Be32(n + 4));
        out.Uint("retry", Be32(n + 8));
        out.Uint("expire", Be32(n + 12));
        out.Uint("minimum", Be32(n + 16));
      }
      break;
  }
  if (!ok) msg.pointers.resize(kept);
  return ok;
}

// RDATA of a record at m[at, at + rdlen): names inside it are read within those bounds. A
// name-bearing type whose names do not make the whole RDATA is `rdata`, its bytes.
void WriteRdata(Message& msg, uint16_t type, uint32_t at, uint16_t rdlen, Emitter& out) {
  const uint8_t* d = msg.m + at;
  switch (type) {
    case 1:
      if (rdlen == 4) return out.Ipv4("data", d);
      break;
    case 28:
      if (rdlen == 16) return out.Ipv6("data", d);
      break;
    case 2:
    case 5:
    case 12:
    case 15:
    case 33:
    case 6:
      if (!WriteNamedRdata(msg, type, at, rdlen, out)) out.Hex("rdata", d, rdlen);
      return;
    case 16: {  // TXT: character-strings
      out.BeginArray("txt");
      uint32_t i = 0;
      while (i < rdlen && i + 1 + d[i] <= rdlen) {
        out.Text({}, std::string_view(reinterpret_cast<const char*>(d + i + 1), d[i]));
        i += 1u + d[i];
      }
      out.EndArray();
      break;
    }
  }
  out.Hex("data", d, rdlen);
}

void WriteRecords(Message& msg, uint32_t& pos, uint32_t count, const char* key, Emitter& out) {
  const uint8_t* m = msg.m;
  out.BeginArray(key);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t next = 0;
    std::string name;
    msg.Name(pos, msg.len, name, next);  // validated already
    uint16_t type = Be16(m + next), klass = Be16(m + next + 2);
    uint32_t ttl = Be32(m + next + 4);
    uint16_t rdlen = Be16(m + next + 8);
    out.BeginObject();
    out.Text("name", name);
    out.Enum("type", type, DnsTypeName);
    if (type == 41) {  // OPT: class and TTL carry EDNS fields (RFC 6891)
      out.Uint("udp_payload_size", klass);
      out.Uint("ext_rcode", ttl >> 24);
      out.Uint("version", (ttl >> 16) & 0xff);
      out.Bool("do", (ttl & 0x8000) != 0);
      out.Uint("z", ttl & 0x7fff);
      out.Hex("data", m + next + 10, rdlen);
    } else {
      out.Enum("class", klass & 0x7fff, DnsClassName);
      if (klass & 0x8000) out.Bool("cache_flush", true);  // mDNS
      out.Uint("ttl", ttl);
      WriteRdata(msg, type, next + 10, rdlen, out);
    }
    out.EndObject();
    pos = next + 10 + rdlen;
  }
  out.EndArray();
}

void WriteQuestions(Message& msg, uint32_t& pos, uint32_t count, Emitter& out) {
  out.BeginArray("questions");
  for (uint32_t q = 0; q < count; ++q) {
    uint32_t next = 0;
    std::string name;
    msg.Name(pos, msg.len, name, next);  // validated already
    uint16_t klass = Be16(msg.m + next + 2);
    out.BeginObject();
    out.Text("name", name);
    out.Enum("type", Be16(msg.m + next), DnsTypeName);
    out.Enum("class", klass & 0x7fff, DnsClassName);
    if (klass & 0x8000) out.Bool("unicast_response", true);  // mDNS
    out.EndObject();
    pos = next + 4;
  }
  out.EndArray();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* m = l.p;
  uint32_t len = l.hdr_len;
  if (l.aux & kOverTcp) {
    out.Uint("length", Be16(m));
    m += 2;
    len -= 2;
  }
  uint16_t flags = Be16(m + 2);
  out.Uint("id", Be16(m));
  out.Bool("qr", (flags & 0x8000) != 0);
  out.Enum("opcode", (flags >> 11) & 15, DnsOpcodeName);
  out.Bool("aa", (flags & 0x0400) != 0);
  out.Bool("tc", (flags & 0x0200) != 0);
  out.Bool("rd", (flags & 0x0100) != 0);
  out.Bool("ra", (flags & 0x0080) != 0);
  out.Bool("z", (flags & 0x0040) != 0);
  out.Bool("ad", (flags & 0x0020) != 0);
  out.Bool("cd", (flags & 0x0010) != 0);
  out.Enum("rcode", flags & 15, DnsRcodeName);
  Message msg{m, len, {}};
  uint32_t pos = 12;
  WriteQuestions(msg, pos, Be16(m + 4), out);
  WriteRecords(msg, pos, Be16(m + 6), "answers", out);
  WriteRecords(msg, pos, Be16(m + 8), "authorities", out);
  WriteRecords(msg, pos, Be16(m + 10), "additionals", out);
  if (msg.pointers.empty()) return;
  out.BeginArray("pointers");
  for (auto [at, to] : msg.pointers) {
    out.BeginArray();
    out.Uint({}, at);
    out.Uint({}, to);
    out.EndArray();
  }
  out.EndArray();
}

// The rows of one resource-record section: answers, authorities and additionals share one
// record layout, stated here once.
// clang-format off
#define PCAPKIT_DNS_RECORD_FIELDS(section, records)                                             \
  {section, kList, records, nullptr},                                                           \
  {section "[].name", kText, "owner name (`\"\"` for the root)", "dns.resp.name"},              \
  {section "[].type", kInt, "record type", "dns.resp.type"},                                    \
  {section "[].type_name", kText, "`A`, `AAAA`, `MX`, … (with --names)", nullptr},              \
  {section "[].class", kInt, "class, without mDNS's cache-flush bit", "dns.resp.class"},        \
  {section "[].class_name", kText, "`IN`, `CH`, … (with --names)", nullptr},                    \
  {section "[].cache_flush", kBool, "mDNS: true when the cache-flush bit is set",               \
   "dns.resp.cache_flush"},                                                                     \
  {section "[].ttl", kInt, "time to live, seconds", "dns.resp.ttl"},                            \
  {section "[].data", kIpv4 | kIpv6 | kText | kHex,                                             \
   "A: IPv4; AAAA: IPv6; NS, CNAME, PTR: the name; MX: the exchange; SRV: the target; "         \
   "SOA: the primary server (mname); TXT, OPT (its options) and other types: hex", nullptr},    \
  {section "[].rdata", kHex,                                                                    \
   "NS, CNAME, PTR, MX, SRV, SOA whose names do not make the whole record data: its bytes "     \
   "(instead of `data` and the members decoded from it)", nullptr},                             \
  {section "[].preference", kInt, "MX: preference", "dns.mx.preference"},                       \
  {section "[].priority", kInt, "SRV: priority", "dns.srv.priority"},                           \
  {section "[].weight", kInt, "SRV: weight", "dns.srv.weight"},                                 \
  {section "[].port", kInt, "SRV: port", "dns.srv.port"},                                       \
  {section "[].txt", kList, "TXT: the character-strings", nullptr},                             \
  {section "[].txt[]", kText, "a character-string", "dns.txt"},                                 \
  {section "[].rname", kText, "SOA: mailbox of the responsible person", "dns.soa.rname"},       \
  {section "[].serial", kInt, "SOA: serial number", "dns.soa.serial_number"},                   \
  {section "[].refresh", kInt, "SOA: refresh interval, seconds", "dns.soa.refresh_interval"},   \
  {section "[].retry", kInt, "SOA: retry interval, seconds", "dns.soa.retry_interval"},         \
  {section "[].expire", kInt, "SOA: expiry limit, seconds", "dns.soa.expire_limit"},            \
  {section "[].minimum", kInt, "SOA: minimum (negative-caching) TTL, seconds",                  \
   "dns.soa.minimum_ttl"},                                                                      \
  {section "[].udp_payload_size", kInt, "OPT: the sender's UDP payload size, bytes",            \
   "dns.rr.udp_payload_size"},                                                                  \
  {section "[].ext_rcode", kInt, "OPT: upper 8 bits of the extended rcode",                     \
   "dns.resp.ext_rcode"},                                                                       \
  {section "[].version", kInt, "OPT: EDNS version", "dns.resp.edns0_version"},                  \
  {section "[].do", kBool, "OPT: DNSSEC OK", "dns.resp.z.do"},                                 \
  {section "[].z", kInt, "OPT: the 15 bits after DO (0)", nullptr}
// clang-format on

constexpr FieldSpec kFields[] = {
    {"length", kInt, "TCP only: the 2-byte length prefix, bytes", "dns.length"},
    {"id", kInt, "transaction id", "dns.id"},
    {"qr", kBool, "a response", "dns.flags.response"},
    {"opcode", kInt, "kind of query (0 standard)", "dns.flags.opcode"},
    {"opcode_name", kText, "`QUERY`, `NOTIFY`, `UPDATE`, … (with --names)"},
    {"aa", kBool, "authoritative answer", "dns.flags.authoritative"},
    {"tc", kBool, "truncated", "dns.flags.truncated"},
    {"rd", kBool, "recursion desired", "dns.flags.recdesired"},
    {"ra", kBool, "recursion available", "dns.flags.recavail"},
    {"z", kBool, "the reserved bit (0)", "dns.flags.z"},
    {"ad", kBool, "authentic data", "dns.flags.authenticated"},
    {"cd", kBool, "checking disabled", "dns.flags.checkdisable"},
    {"rcode", kInt, "response code", "dns.flags.rcode"},
    {"rcode_name", kText, "`NOERROR`, `NXDOMAIN`, … (with --names)"},
    {"questions", kList, "question section", nullptr},
    {"questions[].name", kText, "queried name (`\"\"` for the root)", "dns.qry.name"},
    {"questions[].type", kInt, "queried type", "dns.qry.type"},
    {"questions[].type_name", kText, "`A`, `AAAA`, … (with --names)"},
    {"questions[].class", kInt, "class, without mDNS's unicast-response bit", "dns.qry.class"},
    {"questions[].class_name", kText, "`IN`, … (with --names)"},
    {"questions[].unicast_response", kBool, "mDNS: true when the unicast-response bit is set",
     "dns.qry.qu"},
    PCAPKIT_DNS_RECORD_FIELDS("answers", "answer section"),
    PCAPKIT_DNS_RECORD_FIELDS("authorities", "authority section"),
    PCAPKIT_DNS_RECORD_FIELDS("additionals", "additional section"),
    {"pointers", kList,
     "where the names end in a compression pointer: one [at, to] pair per name, bytes from the "
     "message's start (after TCP's length prefix); absent when none",
     nullptr},
    {"pointers[][]", kInt, "where the pointer is, then where it points", nullptr},
};

#undef PCAPKIT_DNS_RECORD_FIELDS

// One layout for both registrations (over UDP and over TCP).
constexpr const char* kSummary =
    "mDNS and LLMNR messages are read as DNS. OPT records (EDNS, type 41) carry "
    "`udp_payload_size`, `ext_rcode`, `version`, `do` and `z` instead of `class` and `ttl`. "
    "Names are dot-separated labels in presentation form (RFC 1035 §5.1: a dot or backslash "
    "inside a label as `\\.` and `\\\\`, a byte that is not UTF-8 as `\\DDD`), followed through "
    "compression pointers (at most 64 per name), which `pointers` lists; a loop, a label past the "
    "message or a name over 255 bytes makes the layer `raw` with an `error`. A TCP message "
    "continued in a later segment is `raw` with `\"DNS: message continues past this segment\"` "
    "(whole messages need TCP reassembly).";

}  // namespace

const Registration kRegistration("dns", [](Registry& r) {
  // Two registry entries, one layout: the TCP form only adds the length prefix.
  r.Add({.name = "DNS",
         .key = "dns",
         .layer = LayerLevel::kApplication,
         .dissect = DissectUdp,
         .write = Write,
         .fields = kFields,
         .summary = kSummary},
        {{Table::kUdpPort, 53}, {Table::kUdpPort, 5353}, {Table::kUdpPort, 5355}});
  r.Add({.name = "DNS",
         .key = "dns",
         .layer = LayerLevel::kApplication,
         .dissect = DissectTcp,
         .write = Write,
         .fields = kFields,
         .summary = kSummary},
        {{Table::kTcpPort, 53}, {Table::kTcpPort, 5353}});
});

}  // namespace pcapkit::protocols
