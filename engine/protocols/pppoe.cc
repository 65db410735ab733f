// PPPoE (RFC 2516): discovery (EtherType 0x8863, its tags) and session (0x8864) stages.
// A session carries PPP: the PPP protocol field is read here and its payload found in
// the PPP-protocol table (0x0021 IPv4, 0x0057 IPv6, ...).
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kSession = 1;  // aux

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 6 || p[0] != 0x11) {
    out.error = len < 6 ? "PPPoE: header truncated" : "PPPoE: unknown version/type";
    return;
  }
  uint32_t payload = Be16(p + 4);
  uint32_t end = 6 + payload > len ? len : 6 + payload;
  if (p[1] == 0x00) {  // session data: PPP follows
    if (end < 8) {
      out.error = "PPPoE: PPP protocol field truncated";
      return;
    }
    Carry(out, 8, end, Table::kPppProto, Be16(p + 6));
    out.aux = kSession;
  } else {
    Carry(out, end, end, Table::kNone, 0);  // discovery: tags are the layer
  }
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("version", p[0] >> 4);
  out.Uint("type", p[0] & 15);
  out.Uint("code", p[1]);
  out.Uint("session_id", Be16(p + 2));
  out.Uint("payload_len", Be16(p + 4));
  if (l.aux & kSession) {
    out.Uint("ppp_protocol", Be16(p + 6));
    return;
  }
  out.BeginArray("tags");
  uint32_t pos = 6;
  while (pos + 4 <= l.hdr_len) {
    uint16_t type = Be16(p + pos), tlen = Be16(p + pos + 2);
    if (type == 0) break;  // End-Of-List
    out.BeginObject();
    out.Uint("type", type);
    if (pos + 4 + tlen > l.hdr_len) {
      out.Plain("error", "tag runs past the payload");
      out.EndObject();
      break;
    }
    // Service-Name, AC-Name and error tags are text; others bytes.
    if (type == 0x0101 || type == 0x0102 || (type >= 0x0201 && type <= 0x0203))
      out.Text("value", std::string_view(reinterpret_cast<const char*>(p + pos + 4), tlen));
    else
      out.Hex("value", p + pos + 4, tlen);
    out.EndObject();
    pos += 4u + tlen;
  }
  out.EndArray();
}

constexpr FieldSpec kFields[] = {
    {"version", kInt, "1", nullptr},
    {"type", kInt, "1", nullptr},
    {"code", kInt,
     "0 session data; discovery: 0x09 PADI, 0x07 PADO, 0x19 PADR, 0x65 PADS, 0xa7 PADT",
     "pppoe.code"},
    {"session_id", kInt, "session id (0 until PADS assigns one)", "pppoe.session_id"},
    {"payload_len", kInt, "length field: bytes after the 6-byte header", "pppoe.payload_length"},
    {"ppp_protocol", kInt, "session stage: the PPP protocol of the payload", nullptr},
    {"tags", kList, "discovery stage: the tags, up to End-Of-List", nullptr},
    {"tags[].type", kInt, "tag type", nullptr},
    {"tags[].value", kText | kHex, "text for Service-Name, AC-Name and the error tags, else hex",
     nullptr},
    {"tags[].error", kText, "instead of `value` when the tag runs past the payload (the list ends)",
     nullptr},
};

}  // namespace

const Registration kRegistration("pppoe", [](Registry& r) {
  r.Add({.name = "PPPoE",
         .key = "pppoe",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "A session carries PPP: its protocol field is read here (`ppp_protocol`) and "
                    "the payload found by it."},
        {{Table::kEtherType, 0x8863}, {Table::kEtherType, 0x8864}});
});

}  // namespace pcapkit::protocols
