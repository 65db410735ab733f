// The field appenders of the public header, which every encoder writes with.
#include <cstring>

#include "ipsuite/wire.h"

namespace pcapkit::ipsuite {

void Put8(Bytes& b, uint8_t v) {
  b.push_back(v);
}

void Put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}

void Put32(Bytes& b, uint32_t v) {
  Put16(b, uint16_t(v >> 16));
  Put16(b, uint16_t(v));
}

// Resized then copied: GCC 12 at -O3 warns falsely on vector::insert of small ranges
// (GCC bug 107852).
void PutBytes(Bytes& b, const uint8_t* p, size_t n) {
  if (n == 0) return;
  size_t at = b.size();
  b.resize(at + n);
  std::memcpy(b.data() + at, p, n);
}

void PutBytes(Bytes& b, const Bytes& v) {
  PutBytes(b, v.data(), v.size());
}
void PutBytes(Bytes& b, const Mac& v) {
  PutBytes(b, v.bytes.data(), v.bytes.size());
}
void PutBytes(Bytes& b, const Ipv4Address& v) {
  PutBytes(b, v.bytes.data(), v.bytes.size());
}
void PutBytes(Bytes& b, const Ipv6Address& v) {
  PutBytes(b, v.bytes.data(), v.bytes.size());
}

void PutText(Bytes& b, std::string_view text) {
  PutBytes(b, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) PutBytes(out, p);
  return out;
}

}  // namespace pcapkit::ipsuite
