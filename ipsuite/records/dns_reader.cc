// DNS records back to the messages they came from, compression pointers where they were.
// The builder's Dns layer compresses names its own way, so the message is written here,
// field by field as engine/protocols/dns.cc wrote them.
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {
namespace {

// A name's labels from its text in presentation form (dns.cc's AppendLabel: `\.`, `\\`,
// `\DDD`); false when the text is no such name.
bool ParseDnsName(std::string_view text, std::vector<std::string>& labels) {
  std::string label;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (label.empty() || label.size() > 63) return false;
      labels.push_back(std::move(label));
      label.clear();
      continue;
    }
    if (c == '\\' && i + 1 < text.size() && std::isdigit(uint8_t(text[i + 1]))) {  // \DDD
      int v = 0;
      for (size_t k = i + 1; k <= i + 3; ++k) {
        if (k >= text.size() || !std::isdigit(uint8_t(text[k]))) return false;
        v = v * 10 + (text[k] - '0');
      }
      if (v > 255) return false;
      label.push_back(char(v));
      i += 3;
      continue;
    }
    if (c == '\\') {
      if (++i == text.size()) return false;
      c = text[i];
    }
    label.push_back(c);
  }
  if (label.empty()) return text.empty();
  if (label.size() > 63) return false;
  labels.push_back(std::move(label));
  return true;
}

// The record's `pointers`: where each sits, and where it points.
std::map<size_t, uint16_t> Pointers(FieldReader& f) {
  std::map<size_t, uint16_t> pointers;
  simdjson::dom::array list;
  if (!f.Has("pointers")) return pointers;
  if (f.object()["pointers"].get_array().get(list) != simdjson::SUCCESS) {
    f.Fail("pointers", "not a list");
    return pointers;
  }
  for (simdjson::dom::element e : list) {
    simdjson::dom::array pair;
    uint64_t at, to;
    if (e.get_array().get(pair) != simdjson::SUCCESS || pair.size() != 2 ||
        pair.at(0).get(at) != simdjson::SUCCESS || pair.at(1).get(to) != simdjson::SUCCESS ||
        to > 0x3fff) {
      f.Fail("pointers", "holds an entry that is not an [at, to] pair, `to` below 16384");
      break;
    }
    pointers[at] = uint16_t(to);
  }
  return pointers;
}

// A DNS message as its record says it (engine/protocols/dns.cc): every name written as its
// labels, ending in a compression pointer where the record's `pointers` say one was.
class DnsMessage {
 public:
  explicit DnsMessage(FieldReader& f) : pointers_(Pointers(f)) {}

  Bytes b;

  // The name at `key`, written where the message has come to.
  void Name(FieldReader& f, std::string_view key) {
    std::vector<std::string> labels;
    if (!ParseDnsName(f.Text(key), labels)) return f.Fail(key, "not a domain name");
    for (size_t i = 0; i <= labels.size(); ++i) {
      auto pointer = pointers_.find(b.size());
      if (pointer != pointers_.end()) {
        Put16(b, uint16_t(0xc000 | pointer->second));
        used_.push_back({pointer->second, {labels.begin() + long(i), labels.end()}});
        pointers_.erase(pointer);
        return;
      }
      if (i == labels.size()) break;
      Put8(b, uint8_t(labels[i].size()));
      PutText(b, labels[i]);
    }
    Put8(b, 0);
  }

  // Once the message is whole: every pointer was placed, and points to the rest of its
  // name (a record edited since may say otherwise).
  void Check(FieldReader& f) {
    if (!pointers_.empty())
      return f.Fail("pointers", "a pointer at byte " + std::to_string(pointers_.begin()->first) +
                                    ", where no name is");
    for (const Used& u : used_) {
      std::vector<std::string> rest;
      if (!LabelsAt(u.to, rest) || rest != u.rest)
        return f.Fail("pointers", "the pointer to " + std::to_string(u.to) +
                                      " does not point to the rest of its name");
    }
  }

 private:
  struct Used {
    uint16_t to;
    std::vector<std::string> rest;  // the labels it stands for
  };

  // The labels of the name at `pos` in the message written.
  bool LabelsAt(size_t pos, std::vector<std::string>& labels) const {
    for (int jumps = 0; pos < b.size() && jumps < 64;) {
      uint8_t l = b[pos];
      if ((l & 0xc0) == 0xc0) {
        if (pos + 1 >= b.size()) return false;
        pos = size_t(l & 0x3f) << 8 | b[pos + 1];
        ++jumps;
      } else if (l == 0) {
        return true;
      } else if (l > 63 || pos + 1 + l > b.size()) {
        return false;
      } else {
        labels.emplace_back(reinterpret_cast<const char*>(&b[pos + 1]), l);
        pos += 1u + l;
      }
    }
    return false;
  }

  std::map<size_t, uint16_t> pointers_;  // at -> to, until placed
  std::vector<Used> used_;
};

// A record's data by type, from the members dns.cc's WriteRdata decodes it into; `rdata`
// where it kept the bytes.
void PutDnsRdata(DnsMessage& m, FieldReader& r, uint16_t type) {
  Bytes& b = m.b;
  if (r.Has("rdata")) return PutBytes(b, r.Hex("rdata"));
  std::string_view data = r.Text("data");
  if (type == 1 && data.find('.') != std::string_view::npos) {
    PutBytes(b, r.V4("data"));
  } else if (type == 28 && data.find(':') != std::string_view::npos) {
    PutBytes(b, r.V6("data"));
  } else if (type == 2 || type == 5 || type == 12) {  // NS, CNAME, PTR
    m.Name(r, "data");
  } else if (type == 15) {  // MX
    Put16(b, r.U16("preference"));
    m.Name(r, "data");
  } else if (type == 33) {  // SRV
    for (const char* key : {"priority", "weight", "port"}) Put16(b, r.U16(key));
    m.Name(r, "data");
  } else if (type == 6) {  // SOA
    m.Name(r, "data");
    m.Name(r, "rname");
    for (const char* key : {"serial", "refresh", "retry", "expire", "minimum"})
      Put32(b, r.U32(key));
  } else {
    PutBytes(b, r.Hex("data"));
  }
}

// A resource record; OPT's class and TTL carry EDNS fields (RFC 6891).
void PutDnsRecord(DnsMessage& m, FieldReader& r) {
  Bytes& b = m.b;
  m.Name(r, "name");
  uint16_t type = r.U16("type");
  Put16(b, type);
  if (type == 41) {
    Put16(b, r.U16("udp_payload_size"));
    Put32(b, uint32_t(r.U8("ext_rcode")) << 24 | uint32_t(r.U8("version")) << 16 |
                 (r.Bool("do") ? 0x8000u : 0u) | uint32_t(r.Uint("z", 0x7fff)));
  } else {
    bool cache_flush = r.Has("cache_flush") && r.Bool("cache_flush");
    Put16(b, uint16_t((cache_flush ? 0x8000 : 0) | r.Uint("class", 0x7fff)));
    Put32(b, r.U32("ttl"));
  }
  size_t at = b.size();
  Put16(b, 0);  // the data's length, once it is written
  if (type == 41) {
    PutBytes(b, r.Hex("data"));
  } else {
    PutDnsRdata(m, r, type);
  }
  size_t rdlength = b.size() - at - 2;
  if (rdlength > 0xffff) return r.Fail("data", "longer than 65535 bytes");
  b[at] = uint8_t(rdlength >> 8);
  b[at + 1] = uint8_t(rdlength);
}

// The header's flags word (RFC 1035 §4.1.1, RFC 2535's AD and CD).
uint16_t DnsFlags(FieldReader& f) {
  uint16_t flags = uint16_t(f.Uint("opcode", 15) << 11 | f.Uint("rcode", 15));
  const std::pair<const char*, uint16_t> bits[] = {{"qr", 0x8000}, {"aa", 0x0400}, {"tc", 0x0200},
                                                   {"rd", 0x0100}, {"ra", 0x0080}, {"z", 0x0040},
                                                   {"ad", 0x0020}, {"cd", 0x0010}};
  for (auto [key, bit] : bits)
    if (f.Bool(key)) flags |= bit;
  return flags;
}

}  // namespace

// The reader of the record key `dns`, listed with application_readers.cc's.
void ReadDns(FieldReader& f, Packet& p) {
  DnsMessage m(f);
  Put16(m.b, f.U16("id"));
  Put16(m.b, DnsFlags(f));
  m.b.resize(12, 0);  // the four counts, once the sections are written
  uint16_t counts[4] = {};
  f.EachObject("questions", [&](FieldReader& q) {
    m.Name(q, "name");
    Put16(m.b, q.U16("type"));
    bool unicast = q.Has("unicast_response") && q.Bool("unicast_response");
    Put16(m.b, uint16_t((unicast ? 0x8000 : 0) | q.Uint("class", 0x7fff)));
    ++counts[0];
  });
  const char* sections[] = {"answers", "authorities", "additionals"};
  for (int s = 0; s < 3; ++s)
    f.EachObject(sections[s], [&](FieldReader& r) {
      PutDnsRecord(m, r);
      ++counts[s + 1];
    });
  for (int i = 0; i < 4; ++i) {
    m.b[4 + 2 * i] = uint8_t(counts[i] >> 8);
    m.b[5 + 2 * i] = uint8_t(counts[i]);
  }
  m.Check(f);
  Bytes b;
  if (f.Has("length")) Put16(b, f.U16("length"));  // over TCP
  PutBytes(b, m.b);
  p.Append(Raw{std::move(b)});
}

}  // namespace pcapkit::ipsuite::records
