// L2TP: version 2 over UDP port 1701 (RFC 2661) and version 3 over IP protocol 115
// (RFC 3931). Control messages list their AVPs; a version 2 data message carries a PPP
// frame, dissected as LINKTYPE_PPP.
#include "engine/protocols/common.h"
#include "engine/util/tlv.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kV3 = 1;         // aux: L2TPv3
constexpr uint32_t kV3Udp = 2;      // aux: ... over UDP
constexpr uint32_t kV3Control = 4;  // aux: ... a control message

// Version 2 (and the v3 control header shape): returns the header length, 0 on error.
uint32_t HeaderV2(const uint8_t* p, uint32_t len, const char*& error) {
  if (len < 6) {
    error = "L2TP: header truncated";
    return 0;
  }
  uint16_t flags = Be16(p);
  if ((flags & 15) != 2) {
    error = "L2TP: not version 2";
    return 0;
  }
  uint32_t hdr = 2;
  if (flags & 0x4000) hdr += 2;  // length
  hdr += 4;                      // tunnel and session ids
  if (flags & 0x0800) hdr += 4;  // Ns, Nr
  if (flags & 0x0200) {          // offset size + padding
    if (hdr + 2 > len) {
      error = "L2TP: header truncated";
      return 0;
    }
    hdr += 2u + Be16(p + hdr);
  }
  if (hdr > len) {
    error = "L2TP: header truncated";
    return 0;
  }
  return hdr;
}

void DissectIp(const uint8_t* p, uint32_t len, DissectResult& out);

void DissectUdp(const uint8_t* p, uint32_t len, DissectResult& out) {
  // L2TPv3 over UDP (RFC 3931 §4.1.2.1): a control message starts with its flags and
  // version 3; a data message with 2 bytes of flags/version 3, 2 reserved, then the
  // session id — so after 4 bytes it has the layout of L2TPv3 over IP.
  if (len >= 2 && (Be16(p) & 15) == 3) {
    if (Be16(p) & 0x8000) {
      Carry(out, len, len, Table::kNone, 0);
      out.aux = kV3 | kV3Udp | kV3Control;
    } else if (len >= 8) {
      Carry(out, 8, len, Table::kNone, 0);
      out.aux = kV3 | kV3Udp;
    } else {
      out.error = "L2TPv3: header truncated";
    }
    return;
  }
  const char* error = nullptr;
  uint32_t hdr = HeaderV2(p, len, error);
  if (!hdr) {
    out.error = error;
    return;
  }
  uint16_t flags = Be16(p);
  uint32_t end = len;
  if (flags & 0x4000) {
    uint32_t total = Be16(p + 2);
    if (total >= hdr && total < end) end = total;
  }
  if (flags & 0x8000) {
    Carry(out, end, end, Table::kNone, 0);  // control: the AVPs are the layer
  } else {
    Carry(out, hdr, end, Table::kLinkType, 9);  // data: a PPP frame
  }
}

void DissectIp(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 4) {
    out.error = "L2TPv3: session id truncated";
    return;
  }
  // Session 0 is a control message; data sessions use a cookie of configured length,
  // which the packet does not announce: their payload stays raw.
  Carry(out, Be32(p) == 0 ? len : 4, len, Table::kNone, 0);
  out.aux = kV3;
}

// RFC 2661 §4.1 (and RFC 3931 §5.1): flags and a 10-bit length of the whole AVP, the
// vendor id, the attribute type, then the value.
constexpr util::TlvLayout kAvpLayout = {.type_at = 4,
                                        .type_size = 2,
                                        .length_at = 0,
                                        .length_size = 2,
                                        .length_mask = 0x03ff,
                                        .length_counts = util::TlvLength::kEntry};

void Avps(const uint8_t* p, uint32_t n, Emitter& out) {
  out.BeginArray("avps");
  util::TlvCursor avps(p, n, kAvpLayout);
  util::TlvEntry a;
  while (avps.Next(a)) {
    uint16_t flags = Be16(a.header);
    out.BeginObject();
    out.Bool("mandatory", (flags & 0x8000) != 0);
    out.Bool("hidden", (flags & 0x4000) != 0);
    out.Uint("reserved", (flags >> 10) & 15);
    out.Uint("vendor", Be16(a.header + 2));
    out.Uint("type", a.type);
    if (a.error != util::TlvError::kNone) {
      out.Plain("error", "AVP length out of range");
    } else {
      out.Uint("len", a.size);
      out.Hex("value", a.value, a.value_len);
    }
    out.EndObject();
  }
  out.EndArray();
}

// An L2TPv3 control message header (flags, length, connection id, Ns, Nr) and its AVPs.
void WriteV3Control(const uint8_t* c, uint32_t n, Emitter& out) {
  out.Uint("flags", Be16(c));
  out.Uint("length", Be16(c + 2));
  out.Uint("connection", Be32(c + 4));
  out.Uint("ns", Be16(c + 8));
  out.Uint("nr", Be16(c + 10));
  Avps(c + 12, n - 12, out);
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  if (l.aux & kV3) {
    out.Uint("version", 3);
    if (l.aux & kV3Udp) {
      if (l.aux & kV3Control) {
        out.Plain("type", "control");
        if (l.hdr_len >= 12) WriteV3Control(p, l.hdr_len, out);
      } else {
        out.Uint("flags", Be16(p));
        out.Uint("reserved", Be16(p + 2));
        out.Uint("session", Be32(p + 4));
      }
      return;
    }
    uint32_t session = Be32(p);
    out.Uint("session", session);
    // Over IP, session 0 is a control message whose header follows the session id.
    if (session == 0 && l.hdr_len >= 16) WriteV3Control(p + 4, l.hdr_len - 4, out);
    return;
  }
  uint16_t flags = Be16(p);
  out.Plain("type", (flags & 0x8000) ? "control" : "data");
  out.Uint("version", flags & 15);
  out.Uint("flags", flags);
  uint32_t pos = 2;
  if (flags & 0x4000) {
    out.Uint("length", Be16(p + pos));
    pos += 2;
  }
  out.Uint("tunnel", Be16(p + pos));
  out.Uint("session", Be16(p + pos + 2));
  pos += 4;
  if (flags & 0x0800) {
    out.Uint("ns", Be16(p + pos));
    out.Uint("nr", Be16(p + pos + 2));
    pos += 4;
  }
  if (flags & 0x0200) {
    out.Uint("offset", Be16(p + pos));
    pos += 2u + Be16(p + pos);
  }
  if (flags & 0x8000) Avps(p + pos, l.hdr_len - pos, out);
}

constexpr FieldSpec kFields[] = {
    {"type", kText, "\"control\" or \"data\" (v2; v3 over UDP: control messages only)",
     "l2tp.type =control"},
    {"version", kInt, "2 or 3", nullptr},
    {"flags", kInt,
     "the first 16 bits whole, flags and version (v2; v3 control messages, and data over UDP)",
     nullptr},
    {"reserved", kInt, "v3 data over UDP: the 16 reserved bits before the session id", nullptr},
    {"length", kInt, "the length field (v2 when present; v3 control messages)", "l2tp.length"},
    {"tunnel", kInt, "v2: tunnel id", "l2tp.tunnel"},
    {"session", kInt, "session id (v2; v3 data messages, and session 0 over IP)", "l2tp.session"},
    {"connection", kInt, "v3 control messages: control connection id", nullptr},
    {"ns", kInt, "sequence number sent (when present)", "l2tp.Ns"},
    {"nr", kInt, "sequence number expected (when present)", "l2tp.Nr"},
    {"offset", kInt, "v2: offset size (when present)", nullptr},
    {"avps", kList, "control messages: one entry per AVP", nullptr},
    {"avps[].mandatory", kBool, "the mandatory bit", nullptr},
    {"avps[].hidden", kBool, "the hidden bit", nullptr},
    {"avps[].reserved", kInt, "the 4 reserved bits before the length (0)", nullptr},
    {"avps[].vendor", kInt, "vendor id", nullptr},
    {"avps[].type", kInt, "attribute type", "l2tp.avp.type"},
    {"avps[].error", kText, "an AVP length out of range: the list's last entry", nullptr},
    {"avps[].len", kInt, "bytes of the AVP, its 6-byte header included", nullptr},
    {"avps[].value", kHex, "the attribute value", nullptr},
};

constexpr const char* kSummary =
    "Version 2 over UDP port 1701 (RFC 2661) and version 3 over IP protocol 115 or UDP (RFC "
    "3931). v2: `type`, `version`, `flags` (the first 16 bits whole), then `length`, `tunnel`, "
    "`session`, `ns`, `nr`, `offset` (each when present); control messages list their `avps`; a "
    "data message carries a PPP frame. v3 over IP: `version` 3, `session`; for session 0 "
    "(control) `flags`, `length`, `connection`, `ns`, `nr`, `avps`. v3 over UDP: `version` 3, "
    "then `flags`, `reserved`, `session` (data), or `type` \"control\", `flags`, `length`, "
    "`connection`, `ns`, `nr`, `avps`. A malformed AVP ends `avps` with an entry carrying "
    "`error`.";

}  // namespace

const Registration kRegistration("l2tp", [](Registry& r) {
  r.Add({.name = "L2TP",
         .key = "l2tp",
         .layer = LayerLevel::kLink,
         .dissect = DissectUdp,
         .write = Write,
         .fields = kFields,
         .summary = kSummary},
        {{Table::kUdpPort, 1701}});
  r.Add({.name = "L2TP",
         .key = "l2tp",
         .layer = LayerLevel::kLink,
         .dissect = DissectIp,
         .write = Write,
         .fields = kFields,
         .summary = kSummary},
        {{Table::kIpProto, 115}});
});

}  // namespace pcapkit::protocols
