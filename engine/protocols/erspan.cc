// Cisco ERSPAN inside GRE (draft-foschiano-erspan): GRE protocol 0x88BE carries type II
// (version 1, 8 bytes), 0x22EB type III (version 2, 12 bytes, then an 8-byte platform-
// specific subheader when the O flag is set); the mirrored Ethernet frame follows, dissected
// as a full stack. Type I has no header of its own: GRE (gre.cc) sends a frame whose
// flags and version are all zero straight to Ethernet, as Wireshark does.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

uint32_t HeaderLength(const uint8_t* p, uint32_t len) {
  uint32_t version = p[0] >> 4;
  if (version == 1) return 8;
  if (len < 12) return 12;
  return (Be16(p + 10) & 1) ? 20 : 12;
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 2) {
    out.error = "ERSPAN: header truncated";
    return;
  }
  uint32_t version = p[0] >> 4;
  if (version != 1 && version != 2) {
    out.error = "ERSPAN: unknown version";
    return;
  }
  uint32_t hdr = HeaderLength(p, len);
  if (hdr > len) {
    out.error = "ERSPAN: header truncated";
    return;
  }
  Carry(out, hdr, len, Table::kLinkType, 1);
}

// The platform-specific subheader of type III (8 bytes at p), by platform id.
void WritePlatform(const uint8_t* p, Emitter& out) {
  uint32_t w0 = Be32(p), w1 = Be32(p + 4);
  uint32_t id = w0 >> 26;
  out.BeginObject("platform");
  out.Uint("id", id);
  if (id == 1) {
    out.Uint("vsm_domain_id", w0 & 0xfff);
    out.Uint("port_index", w1);
  } else if (id == 3) {
    out.Uint("port_index", w0 & 0x3fff);
    out.Uint("timestamp_upper", w1);
  } else if (id == 5 || id == 6) {
    out.Uint("switch_id", (w0 >> 16) & 0x3ff);
    out.Uint("port_index", w0 & 0xffff);
    out.Uint("timestamp_seconds", w1);
  } else if (id == 7 || id == 0) {
    out.Uint("source_index", w0 & 0xfffff);
    out.Uint("timestamp_upper", w1);
  } else {
    out.Hex("rest", p, 8);
  }
  out.EndObject();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  uint16_t w0 = Be16(p), w1 = Be16(p + 2);
  uint32_t version = w0 >> 12;
  out.Uint("version", version);
  out.Uint("vlan_id", w0 & 0xfff);
  out.Uint("cos", w1 >> 13);
  out.Uint(version == 1 ? "encap" : "bso", (w1 >> 11) & 3);
  out.Bool("truncated", (w1 & 0x400) != 0);
  out.Uint("span_id", w1 & 0x3ff);
  if (version == 1) {
    out.Uint("reserved", Be32(p + 4) >> 20);
    out.Uint("index", Be32(p + 4) & 0xfffff);
    return;
  }
  out.Uint("timestamp", Be32(p + 4));
  out.Uint("sgt", Be16(p + 8));
  uint16_t w5 = Be16(p + 10);
  out.Bool("p", (w5 & 0x8000) != 0);
  out.Uint("ft", (w5 >> 10) & 0x1f);
  out.Uint("hw", (w5 >> 4) & 0x3f);
  out.Bool("direction", (w5 & 0x8) != 0);
  out.Uint("gra", (w5 >> 1) & 3);
  out.Bool("o", (w5 & 1) != 0);
  if (w5 & 1) WritePlatform(p + 12, out);
}

constexpr FieldSpec kFields[] = {
    {"version", kInt, "1 type II, 2 type III", "erspan.version"},
    {"vlan_id", kInt, "VLAN of the mirrored frame", "erspan.vlan"},
    {"cos", kInt, "class of service", "erspan.cos"},
    {"encap", kInt, "type II: how the frame was tagged (3: the tag is kept in the frame)",
     "erspan.encap"},
    {"bso", kInt, "type III: bad, short or oversized frame", "erspan.bso"},
    {"truncated", kBool, "the mirrored frame was cut to fit the MTU", "erspan.truncated"},
    {"span_id", kInt, "session id", "erspan.spanid"},
    {"reserved", kInt, "type II: the 12 reserved bits", "erspan.reserved"},
    {"index", kInt, "type II: port index, 20 bits", "erspan.index"},
    {"timestamp", kInt, "type III: timestamp, in units of `gra`", "erspan.timestamp"},
    {"sgt", kInt, "type III: security group tag", "erspan.sgt"},
    {"p", kBool, "type III: the payload is an Ethernet frame", nullptr},
    {"ft", kInt, "type III: frame type (0 Ethernet)", "erspan.ft"},
    {"hw", kInt, "type III: hardware id", "erspan.hw"},
    {"direction", kBool, "type III: true egress, false ingress", "erspan.direction"},
    {"gra", kInt, "type III: timestamp granularity (0 100 µs, 1 100 ns, 2 IEEE 1588)",
     "erspan.gra"},
    {"o", kBool, "type III: the platform-specific subheader follows", nullptr},
    {"platform", kObject, "type III with `o`: the platform-specific subheader", nullptr},
    {"platform.id", kInt, "platform id, 6 bits", "erspan.platid"},
    {"platform.vsm_domain_id", kInt, "platform 1: VSM domain id", "erspan.pid1.vsmid"},
    {"platform.port_index", kInt, "platforms 1, 3, 5, 6: port id or index", nullptr},
    {"platform.switch_id", kInt, "platforms 5, 6: switch id", "erspan.pid5.switchid"},
    {"platform.source_index", kInt, "platforms 0, 7: source index", "erspan.pid7.source_index"},
    {"platform.timestamp_upper", kInt, "platforms 0, 3, 7: upper 32 bits of the timestamp",
     nullptr},
    {"platform.timestamp_seconds", kInt, "platforms 5, 6: timestamp, seconds",
     "erspan.pid5.timestamp"},
    {"platform.rest", kHex, "other platforms: the 8 bytes", nullptr},
};

}  // namespace

const Registration kRegistration("erspan", [](Registry& r) {
  r.Add({.name = "ERSPAN",
         .key = "erspan",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "Types II and III by the header's version; the mirrored Ethernet frame "
                    "follows as a full stack. Type I (a GRE header with no flags) has no header: "
                    "its frame is GRE's payload directly."},
        {{Table::kEtherType, 0x88be}, {Table::kEtherType, 0x22eb}});
});

}  // namespace pcapkit::protocols
