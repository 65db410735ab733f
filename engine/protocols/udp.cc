// UDP (RFC 768). The length field bounds the payload (trailing bytes are padding); a
// length below 8 is malformed. Payload dispatch by port, lower first.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 8) {
    out.error = "UDP: header truncated";
    return;
  }
  uint32_t ulen = Be16(p + 4);
  if (ulen != 0 && ulen < 8) {
    out.error = "UDP: length field below 8";
    return;
  }
  uint32_t end = (ulen == 0 || ulen > len) ? len : ulen;  // 0: IPv6 jumbogram
  uint16_t sport = Be16(p), dport = Be16(p + 2);
  Carry(out, 8, end, Table::kUdpPort, sport < dport ? sport : dport);
  out.next_key2 = sport < dport ? dport : sport;
  out.has_key2 = true;
  out.aux = out.within_first_fragment ? 1 : 0;  // marked `fragment`
}

Udp View(const LayerContext& l) {
  return Udp(l.p, l.length, l.hdr_len);
}

constexpr FieldSpec kFields[] = {
    {"srcport", kInt, "source port", "udp.srcport",
     [](const LayerContext& l, Emitter& out) { out.Uint("srcport", View(l).srcport()); }},
    {"dstport", kInt, "destination port", "udp.dstport",
     [](const LayerContext& l, Emitter& out) { out.Uint("dstport", View(l).dstport()); }},
    {"len", kInt, "the length field: header and payload bytes", "udp.length",
     [](const LayerContext& l, Emitter& out) { out.Uint("len", View(l).length()); }},
    {"checksum", kInt, "as on the wire (not verified)", "udp.checksum",
     [](const LayerContext& l, Emitter& out) { out.Uint("checksum", View(l).checksum()); }},
    {"fragment", kBool,
     "present (true) when the datagram lies in the first fragment of a fragmented IP "
     "datagram: the rest of its payload is in the later fragments",
     nullptr,
     [](const LayerContext& l, Emitter& out) {
       if (l.aux != 0) out.Bool("fragment", true);
     }},
};

void Write(const LayerContext& l, Emitter& out) {
  WriteMembers(kFields, l, out);
}

}  // namespace

const Registration kRegistration("udp", [](Registry& r) {
  r.Add({.id = ProtocolId::kUdp,
         .name = "UDP",
         .key = "udp",
         .layer = LayerLevel::kTransport,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The length field bounds the payload (bytes after it are padding); a value "
                    "below 8 makes the layer `raw` with an error (0 is a jumbogram's: the payload "
                    "is what was captured). The payload is looked up by port, lower port first "
                    "(PyPCAPKit's rule); what no port names is `raw`. In the first fragment of a "
                    "fragmented datagram the layer is marked `fragment`."},
        {{Table::kIpProto, 17}});
});

}  // namespace pcapkit::protocols
