// Apple PKTAP (LINKTYPE_PKTAP 258; macOS writes its DLT_PKTAP, 149, into pcap files): a
// header in the capturing host's (little-endian) order naming the interface, the process
// and the link type of the packet that follows it. The fixed part is 108 bytes; a longer
// header's `hdrlen` covers fields added later (flow id, IP protocol, time stamp, UUIDs),
// kept as hex. A record of type 1 (a packet) is followed by a packet of link type `dlt`,
// dissected through the link-type table; other records carry nothing further.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kFixedHeader = 108;
constexpr uint32_t kRecordPacket = 1;
constexpr uint32_t kFlagIn = 0x1, kFlagOut = 0x2;

uint32_t Le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint16_t Le16(const uint8_t* p) {
  return uint16_t(p[0] | p[1] << 8);
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < kFixedHeader) {
    out.error = "PKTAP: header truncated";
    return;
  }
  uint32_t hdrlen = Le32(p), type = Le32(p + 4), dlt = Le32(p + 8);
  if (hdrlen < kFixedHeader) {
    out.error = "PKTAP: header length below 108";
    return;
  }
  if (hdrlen > len) {
    out.error = "PKTAP: header length past the frame";
    return;
  }
  bool packet = type == kRecordPacket && dlt < 0x10000;
  Carry(out, hdrlen, len, packet ? Table::kLinkType : Table::kNone, dlt);
}

// A NUL-padded name of `size` bytes, to its NUL.
void WriteName(const char* key, const uint8_t* p, uint32_t size, Emitter& out) {
  uint32_t n = 0;
  while (n < size && p[n] != 0) ++n;
  out.Text(key, std::string_view(reinterpret_cast<const char*>(p), n));
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("hdrlen", Le32(p));
  out.Uint("rectype", Le32(p + 4));
  out.Uint("dlt", Le32(p + 8));
  WriteName("ifname", p + 12, 24, out);
  uint32_t flags = Le32(p + 36);
  out.Uint("flags", flags);
  if ((flags & (kFlagIn | kFlagOut)) == kFlagIn) out.Plain("direction", "in");
  if ((flags & (kFlagIn | kFlagOut)) == kFlagOut) out.Plain("direction", "out");
  out.Uint("pfamily", Le32(p + 40));
  out.Uint("llhdrlen", Le32(p + 44));
  out.Uint("lltrlrlen", Le32(p + 48));
  out.Uint("pid", Le32(p + 52));
  WriteName("cmdname", p + 56, 20, out);
  out.Uint("svc_class", Le32(p + 76));
  out.Uint("iftype", Le16(p + 80));
  out.Uint("ifunit", Le16(p + 82));
  out.Uint("epid", Le32(p + 84));
  WriteName("ecmdname", p + 88, 20, out);
  if (l.hdr_len > kFixedHeader) out.Hex("ext", p + kFixedHeader, l.hdr_len - kFixedHeader);
}

constexpr FieldSpec kFields[] = {
    {"hdrlen", kInt, "header length (108, or more with later fields)", "pktap.hdrlen"},
    {"rectype", kInt, "record type: 1 a packet (then `dlt`'s packet follows), 0 none",
     "pktap.rectype"},
    {"dlt", kInt, "the link type (DLT) of the packet that follows", "pktap.dlt"},
    {"ifname", kText, "interface name, to its NUL", "pktap.ifname"},
    {"flags", kInt, "PTH_FLAG_* bits: 0x1 inbound, 0x2 outbound, ...", "pktap.flags"},
    {"direction", kText, "`in` or `out`, when exactly one of the two flags is set", nullptr},
    {"pfamily", kInt, "protocol family (2 IPv4, 30 IPv6)", "pktap.pfamily"},
    {"llhdrlen", kInt, "link-layer header length", "pktap.llhdrlen"},
    {"lltrlrlen", kInt, "link-layer trailer length", "pktap.lltrlrlen"},
    {"pid", kInt, "process id", "pktap.pid"},
    {"cmdname", kText, "process command name, to its NUL", "pktap.cmdname"},
    {"svc_class", kInt, "service class", "pktap.svc_class"},
    {"iftype", kInt, "interface type", "pktap.iftype"},
    {"ifunit", kInt, "interface unit", "pktap.ifunit"},
    {"epid", kInt, "effective process id", "pktap.epid"},
    {"ecmdname", kText, "effective command name, to its NUL", "pktap.ecmdname"},
    {"ext", kHex,
     "the header's bytes after the 108 above (flow id, IP protocol, time stamp, UUIDs)", nullptr},
};

}  // namespace

const Registration kRegistration("pktap", [](Registry& r) {
  r.Add({.name = "PKTAP",
         .key = "pktap",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "*(extension)* Apple's packet tap: interface, process and direction, then "
                    "the packet by its DLT. A frame shorter than the 108-byte header, or a "
                    "header length below 108 or past the frame, is `raw` with an error."},
        {{Table::kLinkType, 258}, {Table::kLinkType, 149}});
});

}  // namespace pcapkit::protocols
