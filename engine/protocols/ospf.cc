// OSPFv2 (RFC 2328) and OSPFv3 (RFC 5340), IP protocol 89: the common header, then Hello
// (with its neighbours), Database Description, Link State Request, Update and Ack, with
// the LSA headers they carry.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

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
  uint32_t end = plen < len ? plen : len;
  Carry(out, end, end, Table::kNone, 0);
}

// One 20-byte LSA header as an object (an element of the enclosing list).
void LsaHeader(const uint8_t* h, bool v3, Emitter& out) {
  out.BeginObject();
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
  out.EndObject();
}

void LsaHeaders(const uint8_t* p, uint32_t n, bool v3, Emitter& out, const char* key) {
  out.BeginArray(key);
  for (uint32_t i = 0; i + 20 <= n; i += 20) LsaHeader(p + i, v3, out);
  out.EndArray();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  bool v3 = p[0] == 3;
  uint32_t hdr = v3 ? 16 : 24;
  out.Uint("version", p[0]);
  out.Uint("type", p[1]);
  out.Uint("len", Be16(p + 2));
  out.Ipv4("router_id", p + 4);
  out.Ipv4("area_id", p + 8);
  out.Uint("checksum", Be16(p + 12));
  if (v3) {
    out.Uint("instance_id", p[14]);
  } else {
    out.Uint("autype", Be16(p + 14));
    out.Hex("auth", p + 16, 8);
  }
  const uint8_t* b = p + hdr;
  uint32_t n = l.hdr_len - hdr;
  switch (p[1]) {
    case 1:  // Hello: the versions differ in the first 12 bytes only
      if (n < 20) break;
      if (v3) {
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
      for (uint32_t i = 20; i + 4 <= n; i += 4) out.Ipv4({}, b + i);
      out.EndArray();
      break;
    case 2: {  // Database Description
      uint32_t fixed = v3 ? 12 : 8;
      if (n < fixed) break;
      out.Uint("mtu", Be16(b + (v3 ? 4 : 0)));
      out.Uint("options", v3 ? Be32(b) & 0xffffff : b[2]);
      out.Uint("flags", b[v3 ? 7 : 3]);
      out.Uint("dd_seq", Be32(b + (v3 ? 8 : 4)));
      LsaHeaders(b + fixed, n - fixed, v3, out, "lsa_headers");
      break;
    }
    case 3:  // Link State Request
      out.BeginArray("requests");
      for (uint32_t i = 0; i + 12 <= n; i += 12) {
        out.BeginObject();
        out.Uint("type", v3 ? Be16(b + i + 2) : Be32(b + i));
        out.Ipv4("id", b + i + 4);
        out.Ipv4("adv_router", b + i + 8);
        out.EndObject();
      }
      out.EndArray();
      break;
    case 4:  // Link State Update: the count, and each LSA's header
      if (n >= 4) {
        out.Uint("lsa_count", Be32(b));
        out.BeginArray("lsa_headers");
        uint32_t pos = 4;
        for (uint32_t k = 0; k < Be32(b) && pos + 20 <= n; ++k) {
          uint32_t lsa_len = Be16(b + pos + 18);
          LsaHeader(b + pos, v3, out);
          if (lsa_len < 20) break;
          pos += lsa_len;
        }
        out.EndArray();
      }
      break;
    case 5:  // Link State Ack
      LsaHeaders(b, n, v3, out, "lsa_headers");
      break;
  }
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
    {"network_mask", kIpv4, "Hello, v2: network mask", "ospf.hello.network_mask"},
    {"interface_id", kInt, "Hello, v3: interface id", nullptr},
    {"hello_interval", kInt, "Hello: seconds between hellos", "ospf.hello.hello_interval"},
    {"options", kInt, "Hello, DB description: option bits", nullptr},
    {"priority", kInt, "Hello: router priority", "ospf.hello.router_priority"},
    {"dead_interval", kInt, "Hello: seconds before a silent neighbour is declared down", nullptr},
    {"dr", kIpv4, "Hello: designated router", "ospf.hello.designated_router"},
    {"bdr", kIpv4, "Hello: backup designated router", nullptr},
    {"neighbors", kList, "Hello: router ids of the neighbours heard from", nullptr},
    {"neighbors[]", kIpv4, "a router id", nullptr},
    {"mtu", kInt, "DB description: interface MTU, bytes", nullptr},
    {"flags", kInt, "DB description: I, M and MS bits", nullptr},
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
    {"requests", kList, "LS request: the LSAs requested", nullptr},
    {"requests[].type", kInt, "LS type", nullptr},
    {"requests[].id", kIpv4, "link state id", nullptr},
    {"requests[].adv_router", kIpv4, "advertising router", nullptr},
    {"lsa_count", kInt, "LS update: number of LSAs", nullptr},
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
             "update lists the header of each LSA it carries (`lsa_headers`), not their bodies."},
        {{Table::kIpProto, 89}});
});

}  // namespace pcapkit::protocols
