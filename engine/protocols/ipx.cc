// Novell IPX: EtherType 0x8137, 802.2 SAP 0xe0 and "raw 802.3" frames (payload starting
// 0xffff). The 30-byte header: checksum, length, transport control, packet type, and the
// destination and source (network, node, socket).
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 30) {
    out.error = "IPX: header truncated";
    return;
  }
  uint32_t total = Be16(p + 2);
  if (total < 30) {
    out.error = "IPX: length below the header";
    return;
  }
  Carry(out, 30, total < len ? total : len, Table::kNone, 0);
}

void Address(const uint8_t* a, const char* key, Emitter& out) {
  out.BeginObject(key);
  out.Uint("network", Be32(a));
  out.Mac("node", a + 4);
  out.Uint("socket", Be16(a + 10));
  out.EndObject();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("checksum", Be16(p));
  out.Uint("len", Be16(p + 2));
  out.Uint("transport_control", p[4]);
  out.Uint("type", p[5]);
  Address(p + 6, "dst", out);
  Address(p + 18, "src", out);
}

constexpr FieldSpec kFields[] = {
    {"checksum", kInt, "as on the wire (0xffff: none)", "ipx.checksum"},
    {"len", kInt, "packet length, bytes", "ipx.len"},
    {"transport_control", kInt, "hops so far", nullptr},
    {"type", kInt, "packet type", "ipx.packet_type"},
    {"dst", kObject, "destination", nullptr},
    {"dst.network", kInt, "network number", "ipx.dst.net"},
    {"dst.node", kMac, "node address", "ipx.dst.node"},
    {"dst.socket", kInt, "socket", "ipx.dst.socket"},
    {"src", kObject, "source", nullptr},
    {"src.network", kInt, "network number", "ipx.src.net"},
    {"src.node", kMac, "node address", nullptr},
    {"src.socket", kInt, "socket", "ipx.src.socket"},
};

}  // namespace

const Registration kRegistration("ipx", [](Registry& r) {
  r.Add({.name = "IPX",
         .key = "ipx",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "Novell IPX, including raw 802.3 frames (an 802.3 payload starting 0xffff). "
                    "The length field bounds the payload."},
        {{Table::kEtherType, 0x8137},
         {Table::kEtherType, kEtherKeyNovellRaw},
         {Table::kLlcSap, 0xe0},
         {Table::kIpProto, 111},
         {Table::kBsdFamily, 23}});
});

}  // namespace pcapkit::protocols
