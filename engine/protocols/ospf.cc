// OSPFv2 (RFC 2328) and OSPFv3 (RFC 5340), IP protocol 89: the common header, then Hello
// (with its neighbours), Database Description, Link State Request, Update and Ack, with
// the LSA headers they carry.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

// The layer holds the whole IP payload: bytes past the packet's length (a v2 cryptographic
// digest, an LLS block) are its `trailer`.
void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 16 || (p[0] != 2 && p[0] != 3)) {
    out.error = len < 16 ? "OSPF: header truncated" : "OSPF: unknown version";
    return;
  }
  uint32_t hdr = p[0] == 2 ? 24 : 16;
  uint32_t plen = Be16(p + 2);
  if (len < hdr || plen < hdr) {
    out.error = "OSPF: header truncated";
    return;
  }
  Carry(out, len, len, Table::kNone, 0);
}

// The fields of one 20-byte LSA header, in the enclosing object.
void LsaHeaderFields(const uint8_t* h, bool v3, Emitter& out) {
  out.Uint("age", Be16(h));
  if (v3) {
    out.Uint("type", Be16(h + 2));
  } else {
    out.Uint("options", h[2]);
    out.Uint("type", h[3]);
  }
  out.Ipv4("id", h + 4);
  out.Ipv4("adv_router", h + 8);
  out.Uint("seq", Be32(h + 12));
  out.Uint("checksum", Be16(h + 16));
  out.Uint("length", Be16(h + 18));
}

// Whole 20-byte LSA headers at p[0, n); returns the bytes they take.
uint32_t LsaHeaders(const uint8_t* p, uint32_t n, bool v3, Emitter& out) {
  out.BeginArray("lsa_headers");
  uint32_t i = 0;
  for (; i + 20 <= n; i += 20) {
    out.BeginObject();
    LsaHeaderFields(p + i, v3, out);
    out.EndObject();
  }
  out.EndArray();
  return i;
}

// Each message type's fields at b[0, n) (after the common header); each returns the bytes
// they take.
uint32_t WriteHello(const uint8_t* b, uint32_t n, bool v3, Emitter& out) {
  if (n < 20) return 0;
  if (v3) {  // the versions differ in the first 12 bytes only
    out.Uint("interface_id", Be32(b));
    out.Uint("priority", b[4]);
    out.Uint("options", Be32(b + 4) & 0xffffff);
    out.Uint("hello_interval", Be16(b + 8));
    out.Uint("dead_interval", Be16(b + 10));
  } else {
    out.Ipv4("network_mask", b);
    out.Uint("hello_interval", Be16(b + 4));
    out.Uint("options", b[6]);
    out.Uint("priority", b[7]);
    out.Uint("dead_interval", Be32(b + 8));
  }
  out.Ipv4("dr", b + 12);
  out.Ipv4("bdr", b + 16);
  out.BeginArray("neighbors");
  uint32_t i = 20;
  for (; i + 4 <= n; i += 4) out.Ipv4({}, b + i);
  out.EndArray();
  return i;
}

// v3's reserved bytes go with the fields beside them: the options' word, the flags'.
uint32_t WriteDatabaseDescription(const uint8_t* b, uint32_t n, bool v3, Emitter& out) {
  uint32_t fixed = v3 ? 12 : 8;
  if (n < fixed) return 0;
  out.Uint("mtu", Be16(b + (v3 ? 4 : 0)));
  out.Uint("options", v3 ? Be32(b) : b[2]);
  out.Uint("flags", v3 ? Be16(b + 6) : b[3]);
  out.Uint("dd_seq", Be32(b + (v3 ? 8 : 4)));
  return fixed + LsaHeaders(b + fixed, n - fixed, v3, out);
}

uint32_t WriteRequests(const uint8_t* b, uint32_t n, Emitter& out) {
  out.BeginArray("requests");
  uint32_t i = 0;
  for (; i + 12 <= n; i += 12) {
    out.BeginObject();
    out.Uint("type", Be32(b + i));  // v3: 16 reserved bits, then the type
    out.Ipv4("id", b + i + 4);
    out.Ipv4("adv_router", b + i + 8);
    out.EndObject();
  }
  out.EndArray();
  return i;
}

// The count, then each LSA: its header's fields and the rest of it as `body`.
uint32_t WriteUpdate(const uint8_t* b, uint32_t n, bool v3, Emitter& out) {
  if (n < 4) return 0;
  out.Uint("lsa_count", Be32(b));
  out.BeginArray("lsa_headers");
  uint32_t pos = 4;
  for (uint32_t k = 0; k < Be32(b) && pos + 20 <= n; ++k) {
    uint32_t lsa_len = Be16(b + pos + 18);
    uint32_t end = lsa_len < 20 ? pos + 20 : pos + lsa_len < n ? pos + lsa_len : n;
    out.BeginObject();
    LsaHeaderFields(b + pos, v3, out);
    out.Hex("body", b + pos + 20, end - pos - 20);
    out.EndObject();
    pos = end;
    if (lsa_len < 20) break;
  }
  out.EndArray();
  return pos;
}

uint32_t WriteMessage(uint8_t type, const uint8_t* b, uint32_t n, bool v3, Emitter& out) {
  switch (type) {
    case 1:
      return WriteHello(b, n, v3, out);
    case 2:
      return WriteDatabaseDescription(b, n, v3, out);
    case 3:
      return WriteRequests(b, n, out);
    case 4:
      return WriteUpdate(b, n, v3, out);
    case 5:
      return LsaHeaders(b, n, v3, out);
  }
  return 0;
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  bool v3 = p[0] == 3;
  uint32_t hdr = v3 ? 16 : 24, plen = Be16(p + 2);
  uint32_t end = plen < l.hdr_len ? plen : l.hdr_len;
  out.Uint("version", p[0]);
  out.Uint("type", p[1]);
  out.Uint("len", plen);
  out.Ipv4("router_id", p + 4);
  out.Ipv4("area_id", p + 8);
  out.Uint("checksum", Be16(p + 12));
  if (v3) {
    out.Uint("instance_id", p[14]);
    out.Uint("reserved", p[15]);
  } else {
    out.Uint("autype", Be16(p + 14));
    out.Hex("auth", p + 16, 8);
  }
  uint32_t used = hdr + WriteMessage(p[1], p + hdr, end - hdr, v3, out);
  if (used < end) out.Hex("data", p + used, end - used);
  if (end < l.hdr_len) out.Hex("trailer", p + end, l.hdr_len - end);
}

constexpr FieldSpec kFields[] = {
    {"version", kInt, "2 or 3", "ospf.version"},
    {"type", kInt, "1 Hello, 2 DB description, 3 LS request, 4 LS update, 5 LS ack", "ospf.msg"},
    {"len", kInt, "packet length field, bytes", "ospf.packet_length"},
    {"router_id", kIpv4, "router id of the sender", "ospf.srcrouter"},
    {"area_id", kIpv4, "area id", "ospf.area_id"},
    {"checksum", kInt, "as on the wire", "ospf.checksum"},
    {"autype", kInt, "v2: authentication type", nullptr},
    {"auth", kHex, "v2: authentication data", nullptr},
    {"instance_id", kInt, "v3: instance id", nullptr},
    {"reserved", kInt, "v3: the reserved byte after the instance id", nullptr},
    {"network_mask", kIpv4, "Hello, v2: network mask", "ospf.hello.network_mask"},
    {"interface_id", kInt, "Hello, v3: interface id", nullptr},
    {"hello_interval", kInt, "Hello: seconds between hellos", "ospf.hello.hello_interval"},
    {"options", kInt,
     "Hello, DB description: option bits (v3 DB description: the 32-bit word, its reserved "
     "first byte included)",
     nullptr},
    {"priority", kInt, "Hello: router priority", "ospf.hello.router_priority"},
    {"dead_interval", kInt, "Hello: seconds before a silent neighbour is declared down", nullptr},
    {"dr", kIpv4, "Hello: designated router", "ospf.hello.designated_router"},
    {"bdr", kIpv4, "Hello: backup designated router", nullptr},
    {"neighbors", kList, "Hello: router ids of the neighbours heard from", nullptr},
    {"neighbors[]", kIpv4, "a router id", nullptr},
    {"mtu", kInt, "DB description: interface MTU, bytes", nullptr},
    {"flags", kInt,
     "DB description: I, M and MS bits (v3: the 16 bits after the MTU, the reserved byte "
     "included)",
     nullptr},
    {"dd_seq", kInt, "DB description: sequence number", nullptr},
    {"lsa_headers", kList, "DB description, LS update, LS ack: LSA headers", nullptr},
    {"lsa_headers[].age", kInt, "LS age, seconds", nullptr},
    {"lsa_headers[].options", kInt, "v2: option bits", nullptr},
    {"lsa_headers[].type", kInt, "LS type", nullptr},
    {"lsa_headers[].id", kIpv4, "link state id", nullptr},
    {"lsa_headers[].adv_router", kIpv4, "advertising router", nullptr},
    {"lsa_headers[].seq", kInt, "LS sequence number", nullptr},
    {"lsa_headers[].checksum", kInt, "as on the wire", nullptr},
    {"lsa_headers[].length", kInt, "bytes of the LSA, header included", nullptr},
    {"lsa_headers[].body", kHex,
     "LS update: the LSA after its header, as far as the packet holds it", nullptr},
    {"requests", kList, "LS request: the LSAs requested", nullptr},
    {"requests[].type", kInt, "LS type (v3: the 32-bit word, its 16 reserved bits included)",
     nullptr},
    {"requests[].id", kIpv4, "link state id", nullptr},
    {"requests[].adv_router", kIpv4, "advertising router", nullptr},
    {"lsa_count", kInt, "LS update: number of LSAs", nullptr},
    {"data", kHex,
     "the bytes of the packet the fields above leave out: another type's body, a cut entry",
     nullptr},
    {"trailer", kHex,
     "the bytes after the packet's length: a v2 cryptographic digest (autype 2), an LLS block "
     "(RFC 5613)",
     nullptr},
};

}  // namespace

const Registration kRegistration("ospf", [](Registry& r) {
  r.Add({.name = "OSPF",
         .key = "ospf",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary =
             "OSPFv2 and OSPFv3: the common header, then the fields of its message type. An LS "
             "update lists each LSA it carries by its header's fields (`lsa_headers`), the rest "
             "of it as `body`."},
        {{Table::kIpProto, 89}});
});

}  // namespace pcapkit::protocols
