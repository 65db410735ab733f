// Application-layer encoders: DNS messages with compressed names, HTTP/1.x messages.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "ipsuite/wire.h"

namespace pcapkit::ipsuite {

DnsResource DnsResource::A(std::string name, Ipv4Address address, uint32_t ttl) {
  return {std::move(name), 1, 1, ttl, Bytes(address.bytes.begin(), address.bytes.end())};
}

DnsResource DnsResource::Aaaa(std::string name, Ipv6Address address, uint32_t ttl) {
  return {std::move(name), 28, 1, ttl, Bytes(address.bytes.begin(), address.bytes.end())};
}

DnsResource DnsResource::Name(std::string name, uint16_t type, std::string target, uint32_t ttl) {
  return {std::move(name), type, 1, ttl, {}, std::move(target)};
}

Bytes HttpChunked(const std::vector<Bytes>& chunks,
                  const std::vector<std::pair<std::string, std::string>>& trailers) {
  Bytes b;
  char size[20];
  for (const Bytes& chunk : chunks) {
    if (chunk.empty()) continue;  // an empty chunk would end the body
    PutText(b,
            std::string_view(size, size_t(snprintf(size, sizeof size, "%zx\r\n", chunk.size()))));
    PutBytes(b, chunk);
    PutText(b, "\r\n");
  }
  PutText(b, "0\r\n");
  for (const auto& [name, value] : trailers) PutText(b, name + ": " + value + "\r\n");
  PutText(b, "\r\n");
  return b;
}

namespace wire {
namespace {

// Writes domain names, pointing back at any suffix already written (RFC 1035 §4.1.4).
class NameWriter {
 public:
  explicit NameWriter(bool compress) : compress_(compress) {}

  void Put(Bytes& b, std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    while (!name.empty()) {
      if (compress_) {
        auto known = written_.find(std::string(name));
        if (known != written_.end()) {
          Put16(b, uint16_t(0xc000 | known->second));
          return;
        }
        if (b.size() < 0x4000) written_.emplace(std::string(name), uint16_t(b.size()));
      }
      size_t dot = name.find('.');
      std::string_view label = name.substr(0, dot);
      if (label.empty() || label.size() > 63)
        throw BuildError("ipsuite: DNS: a label of \"" + std::string(name) +
                         "\" is empty or longer than 63 bytes");
      Put8(b, uint8_t(label.size()));
      PutText(b, label);
      name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    }
    Put8(b, 0);
  }

 private:
  bool compress_;
  std::map<std::string, uint16_t, std::less<>> written_;  // name (a suffix) -> offset
};

void PutResources(Bytes& b, NameWriter& names, const std::vector<DnsResource>& resources) {
  for (const DnsResource& r : resources) {
    names.Put(b, r.name);
    Put16(b, r.type);
    Put16(b, r.rclass);
    Put32(b, r.ttl);
    size_t length_at = b.size();
    Put16(b, 0);
    PutBytes(b, r.rdata);
    if (r.target) names.Put(b, *r.target);
    Set16(b, length_at, r.rdlength ? *r.rdlength : uint16_t(b.size() - length_at - 2));
  }
}

uint16_t Count(std::optional<uint16_t> given, size_t size) {
  return given ? *given : uint16_t(size);
}

// Equal but for case (HTTP's field names).
bool SameText(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(uint8_t(x)) == std::tolower(uint8_t(y));
         });
}

// Headers in order, with Content-Length added for a body that says nothing of its length.
void PutHeaders(Bytes& b, const std::vector<std::pair<std::string, std::string>>& headers,
                const Bytes& body) {
  bool framed = false;
  for (const auto& [name, value] : headers) {
    PutText(b, name + ": " + value + "\r\n");
    framed = framed || SameText(name, "content-length") || SameText(name, "transfer-encoding");
  }
  if (!body.empty() && !framed)
    PutText(b, "Content-Length: " + std::to_string(body.size()) + "\r\n");
  PutText(b, "\r\n");
  PutBytes(b, body);
}

}  // namespace

Bytes Encode(const Dns& d, const Context&) {
  if (d.opcode > 15 || d.rcode > 15) throw BuildError("ipsuite: DNS: opcode or rcode above 15");
  Bytes b;
  Put16(b, d.id);
  Put8(b, uint8_t((d.qr ? 0x80 : 0) | d.opcode << 3 | (d.aa ? 4 : 0) | (d.tc ? 2 : 0) |
                  (d.rd ? 1 : 0)));
  Put8(b, uint8_t((d.ra ? 0x80 : 0) | (d.z ? 0x40 : 0) | (d.ad ? 0x20 : 0) | (d.cd ? 0x10 : 0) |
                  d.rcode));
  Put16(b, Count(d.qdcount, d.questions.size()));
  Put16(b, Count(d.ancount, d.answers.size()));
  Put16(b, Count(d.nscount, d.authorities.size()));
  Put16(b, Count(d.arcount, d.additionals.size()));
  NameWriter names(d.compress);
  for (const DnsQuestion& q : d.questions) {
    names.Put(b, q.name);
    Put16(b, q.type);
    Put16(b, q.qclass);
  }
  PutResources(b, names, d.answers);
  PutResources(b, names, d.authorities);
  PutResources(b, names, d.additionals);
  return b;
}

Bytes Encode(const HttpRequest& r, const Context&) {
  Bytes b;
  PutText(b, r.method + " " + r.uri + " " + r.version + "\r\n");
  PutHeaders(b, r.headers, r.body);
  return b;
}

Bytes Encode(const HttpResponse& r, const Context&) {
  Bytes b;
  PutText(b, r.version + " " + std::to_string(r.status) + " " + r.reason + "\r\n");
  PutHeaders(b, r.headers, r.body);
  return b;
}

}  // namespace wire
}  // namespace pcapkit::ipsuite
