// Community ID v1, as the spec (corelight/community-id-spec) and its reference
// implementation (corelight/pycommunityid) define it. The ICMP tables mirror Zeek's
// ICMP4_counterpart / ICMP6_counterpart, which the spec names as the authority.
#include "engine/flows/community_id.h"

#include <openssl/evp.h>

#include <cstring>

namespace pcapkit::flows {
namespace {

constexpr uint8_t kIcmp = 1;
constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;
constexpr uint8_t kIcmp6 = 58;
constexpr uint8_t kSctp = 132;

// Only these protocols put a port pair into the hash; every other one is keyed by its
// addresses and protocol number alone (the spec's "Other IP-borne protocols").
bool HasPorts(uint8_t proto) {
  return proto == kTcp || proto == kUdp || proto == kSctp || proto == kIcmp || proto == kIcmp6;
}

// ICMPv4 request/response pairs (Zeek's ICMP4_counterpart): echo 8/0, timestamp 13/14,
// information 15/16, router solicitation/advertisement 10/9, address mask 17/18.
// Returns -1 for a type without a counterpart. The spec repo's own community-id.py
// omits advert->solicit (9->10); Zeek and pycommunityid both map it, and the spec points
// at those two, so it is mapped here.
int Icmp4Counterpart(uint16_t type) {
  switch (type) {
    case 8:
      return 0;
    case 0:
      return 8;
    case 13:
      return 14;
    case 14:
      return 13;
    case 15:
      return 16;
    case 16:
      return 15;
    case 10:
      return 9;
    case 9:
      return 10;
    case 17:
      return 18;
    case 18:
      return 17;
    default:
      return -1;
  }
}

// ICMPv6 pairs (Zeek's ICMP6_counterpart): echo 128/129, MLD query/report 130/131,
// router solicitation/advertisement 133/134, neighbor solicitation/advertisement
// 135/136, node information query/response ("WRU") 139/140, home agent address
// discovery 144/145.
int Icmp6Counterpart(uint16_t type) {
  switch (type) {
    case 128:
      return 129;
    case 129:
      return 128;
    case 130:
      return 131;
    case 131:
      return 130;
    case 133:
      return 134;
    case 134:
      return 133;
    case 135:
      return 136;
    case 136:
      return 135;
    case 139:
      return 140;
    case 140:
      return 139;
    case 144:
      return 145;
    case 145:
      return 144;
    default:
      return -1;
  }
}

// ICMP types and codes become "ports": a type with a counterpart is keyed by
// (type, counterpart) so request and response land on the same ordered tuple; any other
// type keeps (type, code) and is one-way. The table follows the protocol number, not the
// address family, as pycommunityid does.
CommunityIdPorts MapPorts(const CommunityIdInput& in) {
  CommunityIdPorts p{in.srcport, in.dstport, false};
  if (in.proto != kIcmp && in.proto != kIcmp6) return p;
  int other = in.proto == kIcmp ? Icmp4Counterpart(in.srcport) : Icmp6Counterpart(in.srcport);
  if (other < 0) {
    p.one_way = true;  // (type, code) as sent
  } else {
    p.dst = static_cast<uint16_t>(other);
  }
  return p;
}

void PutU16(uint8_t* at, uint16_t v) {
  at[0] = static_cast<uint8_t>(v >> 8);
  at[1] = static_cast<uint8_t>(v & 0xff);
}

// Assembles the hashed bytes: seed, the ordered addresses, protocol, a zero pad byte
// and, for port protocols, the ordered ports, all in network order (the spec keeps the
// input 32-bit aligned: 12 or 36 bytes with ports, 8 or 32 without). Returns the length.
size_t BuildHashInput(const CommunityIdInput& in, uint16_t seed, uint8_t* buf) {
  const size_t alen = in.ipv6 ? 16 : 4;
  const bool ports = HasPorts(in.proto);
  const CommunityIdPorts p = MapPorts(in);
  // Addresses compare as big-endian byte strings, i.e. numerically; equal addresses
  // leave the decision to the ports (port-less tuples then need no order at all).
  const int cmp = std::memcmp(in.src, in.dst, alen);
  const bool ordered = p.one_way || cmp < 0 || (cmp == 0 && ports && p.src < p.dst);
  const uint8_t* first = ordered ? in.src : in.dst;
  const uint8_t* second = ordered ? in.dst : in.src;
  size_t n = 0;
  PutU16(buf + n, seed);
  n += 2;
  std::memcpy(buf + n, first, alen);
  n += alen;
  std::memcpy(buf + n, second, alen);
  n += alen;
  buf[n++] = in.proto;
  buf[n++] = 0;
  if (ports) {
    PutU16(buf + n, ordered ? p.src : p.dst);
    PutU16(buf + n + 2, ordered ? p.dst : p.src);
    n += 4;
  }
  return n;
}

}  // namespace

CommunityIdPorts PortsOf(const CommunityIdInput& in) {
  return MapPorts(in);
}

namespace {
// SHA-1 through EVP (SHA1_Init and friends are deprecated in OpenSSL 3), with the
// algorithm fetched once and one context per thread: the one-shot EVP_Digest looks the
// algorithm up and allocates a context on every call, which cost more than the hash of a
// flow's 40 bytes.
class Sha1 {
 public:
  Sha1() : md_(EVP_MD_fetch(nullptr, "SHA1", nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~Sha1() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Sha1(const Sha1&) = delete;
  Sha1& operator=(const Sha1&) = delete;

  void Digest(const uint8_t* data, size_t n, uint8_t out[20]) {
    unsigned int len = 0;
    if (md_ != nullptr && ctx_ != nullptr && EVP_DigestInit_ex2(ctx_, md_, nullptr) == 1 &&
        EVP_DigestUpdate(ctx_, data, n) == 1 && EVP_DigestFinal_ex(ctx_, out, &len) == 1)
      return;
    EVP_Digest(data, n, out, &len, EVP_sha1(), nullptr);  // the slow way still works
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};
}  // namespace

void CommunityIdDigest(const CommunityIdInput& in, uint16_t seed, uint8_t digest[20]) {
  uint8_t buf[2 + 16 + 16 + 2 + 4];
  const size_t n = BuildHashInput(in, seed, buf);
  thread_local Sha1 sha1;
  sha1.Digest(buf, n, digest);
}

size_t CommunityId(const CommunityIdInput& in, uint16_t seed, char* out) {
  uint8_t digest[20];
  CommunityIdDigest(in, seed, digest);
  out[0] = '1';
  out[1] = ':';
  // Standard alphabet with '=' padding; 20 bytes give 28 characters and a NUL.
  const int b64 = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out + 2), digest, 20);
  return 2 + static_cast<size_t>(b64);
}

std::string CommunityIdHex(const CommunityIdInput& in, uint16_t seed) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint8_t digest[20];
  CommunityIdDigest(in, seed, digest);
  std::string s = "1:";
  s.reserve(42);
  for (uint8_t b : digest) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 0xf]);
  }
  return s;
}

}  // namespace pcapkit::flows
