#include "engine/analysis/tls_fingerprint.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "engine/util/hex.h"
#include "engine/util/tlv.h"

namespace pcapkit::analysis::tls {
namespace {

using Bytes = std::span<const uint8_t>;

uint16_t Be16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}

// Bounds-checked reads through a message body: a read past the end fails and leaves the
// output untouched.
class Reader {
 public:
  explicit Reader(Bytes b) : b_(b) {}
  size_t left() const { return b_.size() - pos_; }
  bool Take(size_t n, Bytes& out) {
    if (left() < n) return false;
    out = b_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool U8(uint8_t& v) {
    Bytes b;
    if (!Take(1, b)) return false;
    v = b[0];
    return true;
  }
  bool U16(uint16_t& v) {
    Bytes b;
    if (!Take(2, b)) return false;
    v = Be16(b.data());
    return true;
  }
  // A TLS vector: its length in `len_size` (1 or 2) bytes, then its bytes.
  bool Vec(int len_size, Bytes& out) {
    uint8_t l8 = 0;
    uint16_t l16 = 0;
    if (len_size == 1 ? !U8(l8) : !U16(l16)) return false;
    return Take(len_size == 1 ? l8 : l16, out);
  }

 private:
  Bytes b_;
  size_t pos_ = 0;
};

// RFC 8446 §4.2: extension type and length of the data, two bytes each.
constexpr util::TlvLayout kExtensionLayout = {.type_size = 2, .length_at = 2, .length_size = 2};

// The hello messages' extensions block; `each` sees every extension whole.
template <typename Each>
const char* Extensions(Bytes block, Each each) {
  util::TlvCursor cursor(block.data(), uint32_t(block.size()), kExtensionLayout);
  util::TlvEntry e;
  while (cursor.Next(e) && e.error == util::TlvError::kNone)
    each(uint16_t(e.type), Bytes(e.value, e.value_len));
  return cursor.error() == util::TlvError::kNone ? nullptr : "an extension runs past the hello";
}

void U16List(Bytes list, std::vector<uint16_t>& out) {
  for (size_t i = 0; i + 1 < list.size(); i += 2) out.push_back(Be16(&list[i]));
}

// RFC 6066 §3: the first host_name of server_name's list.
void ServerName(Bytes list, ClientHello& h) {
  Reader r(list);
  uint8_t type = 0;
  Bytes name;
  while (r.U8(type) && r.Vec(2, name)) {
    if (type != 0) continue;
    h.server_name.assign(reinterpret_cast<const char*>(name.data()), name.size());
    return;
  }
}

// RFC 7301 §3.1: protocol names, each behind its 1-byte length.
void Alpn(Bytes list, std::vector<std::string>& out) {
  Reader r(list);
  Bytes name;
  while (r.Vec(1, name)) out.emplace_back(reinterpret_cast<const char*>(name.data()), name.size());
}

void ClientExtension(uint16_t type, Bytes value, ClientHello& h) {
  Reader r(value);
  Bytes list;
  switch (type) {
    case 0:  // server_name: present is enough for JA4's "d", readable or not
      h.has_server_name = true;
      if (r.Vec(2, list)) ServerName(list, h);
      break;
    case 10:  // supported_groups (JA3's "elliptic curves")
      if (r.Vec(2, list)) U16List(list, h.groups);
      break;
    case 11:  // ec_point_formats
      if (r.Vec(1, list)) h.point_formats.assign(list.begin(), list.end());
      break;
    case 13:  // signature_algorithms
      if (r.Vec(2, list)) U16List(list, h.signature_algorithms);
      break;
    case 16:  // application_layer_protocol_negotiation
      if (r.Vec(2, list)) Alpn(list, h.alpn);
      break;
    case 43:  // supported_versions
      h.has_versions = true;
      if (r.Vec(1, list)) U16List(list, h.versions);
      break;
  }
}

// RFC 8446 §4.1.3: the random that marks a ServerHello as a HelloRetryRequest.
constexpr uint8_t kRetryRandom[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

void ServerExtension(uint16_t type, Bytes value, ServerHello& h) {
  Reader r(value);
  Bytes list;
  std::vector<std::string> names;
  if (type == 43 && value.size() == 2) h.selected_version = Be16(value.data());
  if (type == 16 && r.Vec(2, list)) {
    Alpn(list, names);
    h.has_alpn = !names.empty();
    if (h.has_alpn) h.alpn = names[0];
  }
}

// Decimal values without GREASE, '-'-joined: a JA3 field.
template <typename T>
std::string Ja3List(const std::vector<T>& values) {
  std::string out;
  for (T v : values) {
    if (sizeof(T) == 2 && IsGrease(uint16_t(v))) continue;
    if (!out.empty()) out += '-';
    out += std::to_string(v);
  }
  return out;
}

// 4-digit lower-case hex values, ','-joined: a JA4 list.
std::string Hex4List(const std::vector<uint16_t>& values) {
  std::string out;
  char buf[8];
  for (uint16_t v : values) {
    if (!out.empty()) out += ',';
    out.append(buf, size_t(std::snprintf(buf, sizeof buf, "%04x", v)));
  }
  return out;
}

std::vector<uint16_t> WithoutGrease(const std::vector<uint16_t>& values) {
  std::vector<uint16_t> out;
  for (uint16_t v : values)
    if (!IsGrease(v)) out.push_back(v);
  return out;
}

// JA4's version: "13", "12", ... "s3"; "00" for the unknown.
const char* Ja4Version(uint16_t v) {
  switch (v) {
    case 0x0304:
      return "13";
    case 0x0303:
      return "12";
    case 0x0302:
      return "11";
    case 0x0301:
      return "10";
    case 0x0300:
      return "s3";
    case 0x0002:
      return "s2";
    case 0xfeff:
      return "d1";
    case 0xfefd:
      return "d2";
    case 0xfefc:
      return "d3";
  }
  return "00";
}

bool IsAlnum(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// The first and last characters of the first ALPN value; of its hex form when either end
// is not alphanumeric; "00" without one.
std::string Ja4Alpn(const ClientHello& h) {
  if (h.alpn.empty() || h.alpn[0].empty()) return "00";
  const std::string& v = h.alpn[0];
  const uint8_t first = uint8_t(v.front()), last = uint8_t(v.back());
  if (IsAlnum(first) && IsAlnum(last)) return {char(first), char(last)};
  const std::string hex = util::Hex(reinterpret_cast<const uint8_t*>(v.data()), v.size());
  return {hex.front(), hex.back()};
}

std::string Hash12(const std::string& text) {
  std::string h = Sha256Hex({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  return h.substr(0, 12);
}

std::string Ja4Counts(size_t ciphers, size_t extensions) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02zu%02zu", std::min<size_t>(ciphers, 99),
                std::min<size_t>(extensions, 99));
  return buf;
}

std::string Digest(const EVP_MD* md, const void* p, size_t n) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (md == nullptr || EVP_Digest(p, n, out, &len, md, nullptr) != 1) return {};
  return util::Hex(out, len);
}

}  // namespace

const char* ParseClientHello(Bytes body, ClientHello& out) {
  Reader r(body);
  Bytes random, session, ciphers, compression, extensions;
  if (!r.U16(out.version) || !r.Take(32, random) || !r.Vec(1, session) || !r.Vec(2, ciphers))
    return "ClientHello cut short";
  U16List(ciphers, out.ciphers);
  if (!r.Vec(1, compression)) return "ClientHello cut short";
  if (r.left() == 0) return nullptr;  // no extensions at all (SSL 3.0, old TLS 1.0 clients)
  if (!r.Vec(2, extensions)) return "ClientHello extensions cut short";
  return Extensions(extensions, [&out](uint16_t type, Bytes value) {
    out.extensions.push_back(type);
    ClientExtension(type, value, out);
  });
}

const char* ParseServerHello(Bytes body, ServerHello& out) {
  Reader r(body);
  Bytes random, session, extensions;
  uint8_t compression = 0;
  if (!r.U16(out.version) || !r.Take(32, random) || !r.Vec(1, session) || !r.U16(out.cipher) ||
      !r.U8(compression))
    return "ServerHello cut short";
  out.retry = std::memcmp(random.data(), kRetryRandom, 32) == 0;
  if (r.left() == 0) return nullptr;
  if (!r.Vec(2, extensions)) return "ServerHello extensions cut short";
  return Extensions(extensions, [&out](uint16_t type, Bytes value) {
    out.extensions.push_back(type);
    ServerExtension(type, value, out);
  });
}

std::string VersionText(uint16_t version) {
  switch (version) {
    case 0x0002:
      return "SSLv2";
    case 0x0300:
      return "SSLv3";
    case 0x0301:
      return "TLSv1.0";
    case 0x0302:
      return "TLSv1.1";
    case 0x0303:
      return "TLSv1.2";
    case 0x0304:
      return "TLSv1.3";
  }
  char buf[8];
  return std::string(buf, size_t(std::snprintf(buf, sizeof buf, "0x%04x", version)));
}

uint16_t ClientMaxVersion(const ClientHello& hello) {
  std::vector<uint16_t> versions = WithoutGrease(hello.versions);
  if (!hello.has_versions || versions.empty()) return hello.version;
  return *std::max_element(versions.begin(), versions.end());
}

// SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats.
// (Appended piece by piece: GCC 12 warns falsely of overlapping copies (-Wrestrict) on a
// temporary string that operator+ inserts into.)
std::string Ja3String(const ClientHello& h) {
  std::string s = std::to_string(h.version);
  for (const std::vector<uint16_t>* list : {&h.ciphers, &h.extensions, &h.groups})
    s.append(",").append(Ja3List(*list));
  return s.append(",").append(Ja3List(h.point_formats));
}

// SSLVersion,Cipher,Extensions.
std::string Ja3sString(const ServerHello& h) {
  std::string s = std::to_string(h.version);
  return s.append(",").append(std::to_string(h.cipher)).append(",").append(Ja3List(h.extensions));
}

// JA4_a: t, version, d|i, counts, ALPN. JA4_b: the sorted ciphers. JA4_c: the sorted
// extensions but SNI and ALPN, then '_' and the signature algorithms in their order.
// GREASE is dropped everywhere; an empty list hashes to twelve zeros.
std::string Ja4(const ClientHello& h) {
  std::vector<uint16_t> ciphers = WithoutGrease(h.ciphers);
  std::vector<uint16_t> extensions = WithoutGrease(h.extensions);
  std::string a = "t";
  a.append(Ja4Version(ClientMaxVersion(h))).append(h.has_server_name ? "d" : "i");
  a.append(Ja4Counts(ciphers.size(), extensions.size())).append(Ja4Alpn(h));
  std::sort(ciphers.begin(), ciphers.end());
  std::erase_if(extensions, [](uint16_t e) { return e == 0x0000 || e == 0x0010; });
  std::sort(extensions.begin(), extensions.end());
  const std::string b = ciphers.empty() ? "000000000000" : Hash12(Hex4List(ciphers));
  std::string c = "000000000000";
  if (!extensions.empty()) {
    std::string text = Hex4List(extensions);
    std::vector<uint16_t> signatures = WithoutGrease(h.signature_algorithms);
    if (!signatures.empty()) text.append("_").append(Hex4List(signatures));
    c = Hash12(text);
  }
  return a.append("_").append(b).append("_").append(c);
}

std::string Md5Hex(std::string_view text) {
  return Digest(EVP_md5(), text.data(), text.size());
}

std::string Sha256Hex(Bytes bytes) {
  return Digest(EVP_sha256(), bytes.data(), bytes.size());
}

}  // namespace pcapkit::analysis::tls
