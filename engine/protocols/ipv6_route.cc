// IPv6 Routing header (IP protocol 43): type 0 (deprecated source route) and type 2
// (Mobile IPv6) carry address lists; type 4 is the Segment Routing Header (RFC 8754).
#include "engine/protocols/ipv6_ext.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 8) {
    out.error = "IPv6_Route: header truncated";
    return;
  }
  DissectExtensionHeader(p, len, out, "IPv6_Route: header truncated");
}

// Where an RPL source route's addresses end (RFC 6554): `pad` bytes before the header's
// end, each address 16 - cmpr_i bytes but the last, 16 - cmpr_e.
uint32_t RplEnd(const uint8_t* p, uint32_t hdr_len) {
  uint32_t pad = p[5] >> 4;
  return hdr_len > 8 + pad ? hdr_len - pad : 8;
}

// The size of the RPL address at `pos`, or 0 when none fits.
uint32_t RplAddressSize(const uint8_t* p, uint32_t pos, uint32_t end) {
  uint32_t cmpr_i = p[4] >> 4, cmpr_e = p[4] & 15;
  uint32_t size = end - pos == 16 - cmpr_e ? 16 - cmpr_e : 16 - cmpr_i;
  return size == 0 || pos + size > end ? 0 : size;
}

// Whether the RPL addresses fill the header up to zero padding: else the header is `data`,
// so that its record keeps every byte.
bool RplTiles(const uint8_t* p, uint32_t hdr_len) {
  uint32_t pos = 8, end = RplEnd(p, hdr_len);
  while (pos < end) {
    uint32_t size = RplAddressSize(p, pos, end);
    if (size == 0) return false;
    pos += size;
  }
  return AllZero(p + end, hdr_len - end);
}

void WriteRpl(const uint8_t* p, uint32_t hdr_len, Emitter& out) {
  out.Uint("cmpr_i", p[4] >> 4);
  out.Uint("cmpr_e", p[4] & 15);
  out.Uint("pad", p[5] >> 4);
  out.Uint("reserved", uint32_t(p[5] & 15) << 16 | Be16(p + 6));
  out.BeginArray("addresses");  // the bytes each address keeps, hex
  uint32_t end = RplEnd(p, hdr_len);
  for (uint32_t pos = 8, size; pos < end; pos += size) {
    size = RplAddressSize(p, pos, end);
    out.Hex({}, p + pos, size);
  }
  out.EndArray();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("next", p[0]);
  out.Uint("length", l.hdr_len);
  out.Uint("type", p[2]);
  out.Uint("seg_left", p[3]);
  bool whole_addresses = (l.hdr_len - 8) % 16 == 0;
  if ((p[2] == 0 || p[2] == 2) && whole_addresses) {
    out.Uint("reserved", Be32(p + 4));
    out.BeginArray("ip");
    for (uint32_t i = 8; i + 16 <= l.hdr_len; i += 16) out.Ipv6({}, p + i);
    out.EndArray();
  } else if (p[2] == 4 && whole_addresses) {
    out.Uint("last_entry", p[4]);
    out.Uint("flags", p[5]);
    out.Uint("tag", Be16(p + 6));
    out.BeginArray("segments");
    for (uint32_t i = 8; i + 16 <= l.hdr_len; i += 16) out.Ipv6({}, p + i);
    out.EndArray();
  } else if (p[2] == 3 && RplTiles(p, l.hdr_len)) {
    WriteRpl(p, l.hdr_len, out);
  } else {
    out.Hex("data", p + 4, l.hdr_len - 4);
  }
}

constexpr FieldSpec kFields[] = {
    {"next", kInt, "next header", "ipv6.routing.nxt"},
    {"length", kInt, "bytes of the whole header", "ipv6.routing.len_oct"},
    {"type", kInt, "routing type", "ipv6.routing.type"},
    {"seg_left", kInt, "segments left", "ipv6.routing.segleft"},
    {"reserved", kInt,
     "types 0 and 2: the 32 reserved bits; type 3: the 20 after pad. As on the wire", nullptr},
    {"ip", kList, "types 0 and 2: the addresses", nullptr},
    {"ip[]", kIpv6, "an address", "ipv6.routing.src.addr, ipv6.routing.mipv6.home_address"},
    {"last_entry", kInt, "type 4 (SRH): index of the last segment", "ipv6.routing.srh.last_entry"},
    {"flags", kInt, "type 4 (SRH): flags", "ipv6.routing.srh.flags"},
    {"tag", kInt, "type 4 (SRH): tag", nullptr},
    {"segments", kList, "type 4 (SRH): the segment list, as on the wire (last segment first)",
     nullptr},
    {"segments[]", kIpv6, "a segment", "ipv6.routing.srh.addr"},
    {"cmpr_i", kInt, "type 3 (RPL): prefix bytes elided from each address but the last", nullptr},
    {"cmpr_e", kInt, "type 3 (RPL): prefix bytes elided from the last address", nullptr},
    {"pad", kInt, "type 3 (RPL): padding bytes after the addresses", nullptr},
    {"addresses", kList, "type 3 (RPL): the addresses", nullptr},
    {"addresses[]", kHex, "the bytes an address keeps after its elided prefix", nullptr},
    {"data", kHex,
     "other types, and addresses that do not fill the header: the header after its first 4 "
     "bytes",
     nullptr},
};

}  // namespace

const Registration kRegistration("ipv6_route", [](Registry& r) {
  r.Add({.name = "IPv6_Route",
         .key = "ipv6_route",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary =
             "Type 0 (the deprecated source route) and type 2 (Mobile IPv6) carry address lists; "
             "type 4 is the Segment Routing Header (RFC 8754); type 3 the RPL source route (RFC "
             "6554), whose addresses share an elided prefix with the IPv6 destination."},
        {{Table::kIpProto, 43}});
});

}  // namespace pcapkit::protocols
