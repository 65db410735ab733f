// DNS (RFC 1035) over UDP and TCP (with its 2-byte length prefix), mDNS and LLMNR: every
// section, names with compression, the common record types decoded (A, AAAA, CNAME, NS,
// PTR, MX, TXT, SOA, SRV, OPT/EDNS; others kept as hex). Dissect walks the whole message
// first, so a name running past the data or a compression loop makes the layer `raw`
// with an error instead of a half record.
#include <string>

#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kOverTcp = 1;  // aux: a 2-byte length precedes the message
constexpr int kMaxJumps = 64;     // compression pointers followed per name at most

// Reads the name at `pos`; appends it (dot-separated, "" for the root) to `out` when
// given, and sets `next` to the byte after the name where it started. False when the
// name is malformed.
bool ReadName(const uint8_t* msg, uint32_t len, uint32_t pos, std::string* out, uint32_t& next,
              const char*& error) {
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
      if (!jumped) next = pos + 2;
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
      if (!out->empty()) out->push_back('.');
      out->append(reinterpret_cast<const char*>(msg + pos + 1), l);
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

std::string Name(const uint8_t* m, uint32_t len, uint32_t pos, uint32_t& next) {
  std::string s;
  const char* error = nullptr;
  ReadName(m, len, pos, &s, next, error);  // validated already
  return s;
}

// RDATA of a record at m[at, at + rdlen): names inside it are read within those bounds.
void WriteRdata(const uint8_t* m, uint16_t type, uint32_t at, uint16_t rdlen, Emitter& out) {
  const uint8_t* d = m + at;
  uint32_t next = 0;
  const char* error = nullptr;
  std::string name;
  switch (type) {
    case 1:
      if (rdlen == 4) return out.Ipv4("data", d);
      break;
    case 28:
      if (rdlen == 16) return out.Ipv6("data", d);
      break;
    case 2:
    case 5:
    case 12:  // NS, CNAME, PTR
      if (ReadName(m, at + rdlen, at, &name, next, error)) return out.Text("data", name);
      break;
    case 15:  // MX
      if (rdlen >= 3 && ReadName(m, at + rdlen, at + 2, &name, next, error)) {
        out.Uint("preference", Be16(d));
        return out.Text("data", name);
      }
      break;
    case 33:  // SRV
      if (rdlen >= 7 && ReadName(m, at + rdlen, at + 6, &name, next, error)) {
        out.Uint("priority", Be16(d));
        out.Uint("weight", Be16(d + 2));
        out.Uint("port", Be16(d + 4));
        return out.Text("data", name);
      }
      break;
    case 16: {  // TXT: character-strings
      out.BeginArray("txt");
      uint32_t i = 0;
      while (i < rdlen && i + 1 + d[i] <= rdlen) {
        out.Text({}, std::string_view(reinterpret_cast<const char*>(d + i + 1), d[i]));
        i += 1u + d[i];
      }
      out.EndArray();
      return out.Hex("data", d, rdlen);
    }
    case 6: {  // SOA
      std::string rname;
      uint32_t after = 0;
      if (ReadName(m, at + rdlen, at, &name, next, error) &&
          ReadName(m, at + rdlen, next, &rname, after, error) && after + 20 <= at + rdlen) {
        out.Text("data", name);
        out.Text("rname", rname);
        out.Uint("serial", Be32(m + after));
        out.Uint("refresh", Be32(m + after + 4));
        out.Uint("retry", Be32(m + after + 8));
        out.Uint("expire", Be32(m + after + 12));
        out.Uint("minimum", Be32(m + after + 16));
        return;
      }
      break;
    }
  }
  out.Hex("data", d, rdlen);
}

void WriteRecords(const uint8_t* m, uint32_t len, uint32_t& pos, uint32_t count, const char* key,
                  Emitter& out) {
  out.BeginArray(key);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t next = 0;
    std::string name = Name(m, len, pos, next);
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
      out.Hex("data", m + next + 10, rdlen);
    } else {
      out.Enum("class", klass & 0x7fff, DnsClassName);
      if (klass & 0x8000) out.Bool("cache_flush", true);  // mDNS
      out.Uint("ttl", ttl);
      WriteRdata(m, type, next + 10, rdlen, out);
    }
    out.EndObject();
    pos = next + 10 + rdlen;
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
  out.Bool("ad", (flags & 0x0020) != 0);
  out.Bool("cd", (flags & 0x0010) != 0);
  out.Enum("rcode", flags & 15, DnsRcodeName);
  uint32_t pos = 12;
  out.BeginArray("questions");
  for (uint32_t q = 0, n = Be16(m + 4); q < n; ++q) {
    uint32_t next = 0;
    std::string name = Name(m, len, pos, next);
    out.BeginObject();
    out.Text("name", name);
    out.Enum("type", Be16(m + next), DnsTypeName);
    out.Enum("class", Be16(m + next + 2) & 0x7fff, DnsClassName);
    out.EndObject();
    pos = next + 4;
  }
  out.EndArray();
  WriteRecords(m, len, pos, Be16(m + 6), "answers", out);
  WriteRecords(m, len, pos, Be16(m + 8), "authorities", out);
  WriteRecords(m, len, pos, Be16(m + 10), "additionals", out);
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
  {section "[].do", kBool, "OPT: DNSSEC OK", "dns.resp.z.do"}
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
    PCAPKIT_DNS_RECORD_FIELDS("answers", "answer section"),
    PCAPKIT_DNS_RECORD_FIELDS("authorities", "authority section"),
    PCAPKIT_DNS_RECORD_FIELDS("additionals", "additional section"),
};

#undef PCAPKIT_DNS_RECORD_FIELDS

// One layout for both registrations (over UDP and over TCP).
constexpr const char* kSummary =
    "mDNS and LLMNR messages are read as DNS. OPT records (EDNS, type 41) carry "
    "`udp_payload_size`, `ext_rcode`, `version` and `do` instead of `class` and `ttl`. Names "
    "are followed through compression pointers (at most 64 per name); a loop, a label past the "
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
