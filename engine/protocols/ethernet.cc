// Ethernet II and IEEE 802.3. A type field <= 1500 is a length: the frame is 802.3 and
// carries LLC (or, when the payload starts with 0xffff, Novell's raw IPX); the length also
// trims the padding. Values 1501..1535 are neither and end dissection.
//
// What follows the payload is the frame's padding (up to the 60-byte minimum) and trailer
// (beyond it: an FCS, a capture device's trailer). Where the payload ends only the layers
// below know, so the dissector says it once the stack is dissected (ethernet.h).
#include "engine/protocols/ethernet.h"

#include <algorithm>
#include <string_view>

#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 14) {
    out.error = "Ethernet: frame shorter than the 14-byte header";
    return;
  }
  uint16_t type = Be16(p + 12);
  if (type >= 0x0600) {
    Carry(out, 14, len, Table::kEtherType, type);
  } else if (type <= 1500) {
    uint32_t key = len >= 16 && p[14] == 0xff && p[15] == 0xff ? kEtherKeyNovellRaw : kEtherKeyLlc;
    Carry(out, 14, len, Table::kEtherType, key);
    if (out.payload_len > type) out.payload_len = type;
  } else {
    Carry(out, 14, len, Table::kNone, 0);
  }
  // Nothing trailing until the dissector says (ethernet.h).
  out.aux = out.hdr_len + out.payload_len;
  if (type <= 1500) out.aux |= kEthernetLengthField;
}

// `key`: {"len": n} and with --payload {"len": n, "data": hex}, as a `raw` layer writes.
void TrailingBytes(Emitter& out, std::string_view key, const uint8_t* p, uint32_t n, bool payload) {
  if (n == 0) return;
  out.BeginObject(key);
  out.Uint("len", n);
  if (payload) out.Hex("data", p, n);
  out.EndObject();
}

}  // namespace

void WriteTrailingBytes(const LayerContext& l, Emitter& out) {
  uint32_t used = std::min(l.aux & kEthernetUsedMask, l.length);
  uint32_t padding_end = used;
  if (!(l.aux & kEthernetUnpadded))
    padding_end = std::max(used, std::min(kEthernetMinFrame, l.length));
  TrailingBytes(out, "padding", l.p + used, padding_end - used, out.payload());
  TrailingBytes(out, "trailer", l.p + padding_end, l.length - padding_end, out.payload());
}

namespace {

void Write(const LayerContext& l, Emitter& out) {
  Ethernet eth(l.p, l.length, l.hdr_len);
  out.Mac("dst", eth.dst());
  out.Mac("src", eth.src());
  if (eth.type() <= 1500) {
    out.Uint("len", eth.type());
  } else {
    out.Enum("type", eth.type(), EtherTypeName);
  }
  WriteTrailingBytes(l, out);
}

constexpr FieldSpec kFields[] = {
    {"dst", kMac, "destination address", "eth.dst"},
    {"src", kMac, "source address", "eth.src"},
    {"type", kInt, "EtherType of the payload (Ethernet II frames)", "eth.type"},
    {"type_name", kText, "the EtherType's protocol, as pcapkit names it (with --names)"},
    {"len", kInt,
     "802.3 length field, for frames whose type field is at most 1500 (then `type` is absent "
     "and `llc` follows)",
     "eth.len"},
    PCAPKIT_TRAILING_BYTES_FIELDS,
};

}  // namespace

const Registration kRegistration("ethernet", [](Registry& r) {
  r.Add(
      {.id = ProtocolId::kEthernet,
       .name = "Ethernet",
       .key = "ethernet",
       .layer = LayerLevel::kLink,
       .dissect = Dissect,
       .write = Write,
       .fields = kFields,
       .summary = "The payload is bounded by the next header's own length (IPv4 total length, IPv6 "
                  "payload length, ARP's size, IPX's length, the 802.3 length). What follows the "
                  "innermost bounded payload (through VLAN tags and MPLS labels) belongs to the "
                  "frame, never to a `raw` layer: its `padding` up to the 60-byte minimum, its "
                  "`trailer` past it (an FCS, a capture device's trailer); a frame shorter than 60 "
                  "bytes on the wire was not padded, so all is trailer. Where tshark differs: "
                  "\"Differences from tshark\".",
       .pads = true},
      // 0x6558: transparent Ethernet bridging (inside GRE, Geneve).
      {{Table::kLinkType, 1}, {Table::kEtherType, 0x6558}});
});

}  // namespace pcapkit::protocols
