// Application-layer and UDP-tunnel records back to layers. The builder's own layers (Dns,
// HttpRequest, Vxlan, ...) write what they compute their own way (name compression,
// header spacing, reserved bits as zeros), so each reader here writes the protocol's bytes
// itself, field by field as engine/protocols/<key>.cc wrote them, into a Raw layer; the
// child layer the record nests (a VXLAN frame's Ethernet, an HTTP body's raw) follows.
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {

namespace {

void Put24(Bytes& b, uint32_t v) {
  Put8(b, uint8_t(v >> 16));
  Put16(b, uint16_t(v));
}

// The [name, value] pairs of texts at `key`, each given to `pair`.
template <class F>
void EachTextPair(FieldReader& f, std::string_view key, F&& pair) {
  simdjson::dom::array list;
  if (!f.ok() || f.object()[key].get_array().get(list) != simdjson::SUCCESS)
    return f.Fail(key, "not a list");
  for (simdjson::dom::element e : list) {
    std::string_view name, value;
    simdjson::dom::array items;
    if (e.get_array().get(items) != simdjson::SUCCESS || items.size() != 2 ||
        items.at(0).get(name) != simdjson::SUCCESS || items.at(1).get(value) != simdjson::SUCCESS)
      return f.Fail(key, "holds an entry that is not a [name, value] pair of texts");
    pair(name, value);
  }
}

// Bytes `extract --payload` keeps beside what a record decodes from them.
Bytes PayloadBytes(FieldReader& f, std::string_view key) {
  if (!f.Has(key)) {
    f.Fail(key, "missing: extract with --payload keeps the bytes");
    return {};
  }
  return f.Hex(key);
}

// ---- Tunnels ----

void ReadVxlan(FieldReader& f, Packet& p) {
  Bytes b;
  Put8(b, f.U8("flags"));
  Put24(b, uint32_t(f.Uint("reserved", 0xffffff)));
  Put24(b, uint32_t(f.Uint("vni", 0xffffff)));
  Put8(b, f.U8("reserved2"));
  p.Append(Raw{std::move(b)});
}

void ReadGeneve(FieldReader& f, Packet& p) {
  Bytes b;
  uint64_t opt_len = f.Uint("opt_len", 63 * 4);
  if (opt_len % 4 != 0) return f.Fail("opt_len", "not a multiple of 4");
  Put8(b, uint8_t(f.Uint("version", 3) << 6 | opt_len / 4));
  Put8(b, uint8_t((f.Bool("oam") ? 0x80 : 0) | (f.Bool("critical") ? 0x40 : 0) |
                  f.Uint("reserved", 0x3f)));
  Put16(b, f.U16("protocol"));
  Put24(b, uint32_t(f.Uint("vni", 0xffffff)));
  Put8(b, f.U8("reserved2"));
  if (opt_len > 0) {
    Bytes options = f.Hex("options");
    if (f.ok() && options.size() != opt_len) return f.Fail("options", "not `opt_len` bytes");
    PutBytes(b, options);
  }
  p.Append(Raw{std::move(b)});
}

// Teredo's indicators, as engine/protocols/teredo.cc wrote them; the IPv6 packet follows.
void ReadTeredo(FieldReader& f, Packet& p) {
  Bytes b;
  if (f.Has("auth_nonce")) {
    Bytes id = f.Has("auth_id") ? f.Hex("auth_id") : Bytes{};
    Bytes value = f.Has("auth_value") ? f.Hex("auth_value") : Bytes{};
    Put16(b, 1);
    Put8(b, f.U8("auth_id_len"));
    Put8(b, f.U8("auth_value_len"));
    if (f.ok() && (id.size() != b[2] || value.size() != b[3]))
      return f.Fail("auth_id_len", "the identifier or value is not of its length");
    PutBytes(b, id);
    PutBytes(b, value);
    PutBytes(b, f.Hex("auth_nonce"));
    PutBytes(b, f.Hex("auth_confirmation"));
  }
  if (f.Has("origin_port_obfuscated")) {
    Put16(b, 0);
    Put16(b, f.U16("origin_port_obfuscated"));
    PutBytes(b, f.V4("origin_addr_obfuscated"));
  }
  p.Append(Raw{std::move(b)});
}

// GTP-U's header, optional fields and extension headers; a G-PDU's packet follows.
void ReadGtpu(FieldReader& f, Packet& p) {
  Bytes b;
  PutGtpv1Header(f, b);
  if (f.Has("data")) PutBytes(b, f.Hex("data"));
  p.Append(Raw{std::move(b)});
}

// L2TP AVPs (RFC 2661 §4.1): flags and 10-bit length, vendor, type, value.
void PutAvps(FieldReader& f, Bytes& b) {
  f.EachObject("avps", [&](FieldReader& a) {
    if (a.Has("error")) return a.Fail("error", "a malformed AVP's bytes are in no record");
    uint16_t len = uint16_t(a.Uint("len", 0x3ff));
    Bytes value = a.Hex("value");
    if (a.ok() && value.size() + 6 != len)
      return a.Fail("len", "the AVP's value does not make its length");
    Put16(b, uint16_t((a.Bool("mandatory") ? 0x8000 : 0) | (a.Bool("hidden") ? 0x4000 : 0) |
                      a.Uint("reserved", 15) << 10 | len));
    Put16(b, a.U16("vendor"));
    Put16(b, a.U16("type"));
    PutBytes(b, value);
  });
}

// An L2TPv3 control message header after its flags (RFC 3931 §3.2.1), then the AVPs.
void PutV3Control(FieldReader& f, Bytes& b) {
  if (!f.Has("length"))
    return f.Fail("length", "missing: a control header cut short is in no record");
  Put16(b, f.U16("flags"));
  Put16(b, f.U16("length"));
  Put32(b, f.U32("connection"));
  Put16(b, f.U16("ns"));
  Put16(b, f.U16("nr"));
  PutAvps(f, b);
}

// Version 2: the flags say which optional fields follow.
void PutL2tpV2(FieldReader& f, Bytes& b) {
  uint16_t flags = f.U16("flags");
  Put16(b, flags);
  if (flags & 0x4000) Put16(b, f.U16("length"));
  Put16(b, f.U16("tunnel"));
  Put16(b, f.U16("session"));
  if (flags & 0x0800) {
    Put16(b, f.U16("ns"));
    Put16(b, f.U16("nr"));
  }
  if (flags & 0x0200) {
    uint16_t offset = f.U16("offset");
    if (offset != 0) return f.Fail("offset", "the offset padding's bytes are in no record");
    Put16(b, offset);
  }
  if (flags & 0x8000) PutAvps(f, b);
}

// engine/protocols/l2tp.cc: v2; v3 over UDP, a control message (`type`) or data (`reserved`);
// v3 over IP, the session id first, then for session 0 a control message.
void ReadL2tp(FieldReader& f, Packet& p) {
  Bytes b;
  if (f.Uint("version", 15) == 2) {
    PutL2tpV2(f, b);
  } else if (f.Has("type")) {
    PutV3Control(f, b);
  } else if (f.Has("reserved")) {
    Put16(b, f.U16("flags"));
    Put16(b, f.U16("reserved"));
    Put32(b, f.U32("session"));
  } else {
    uint32_t session = f.U32("session");
    Put32(b, session);
    if (session == 0) PutV3Control(f, b);
  }
  p.Append(Raw{std::move(b)});
}

// ---- DHCP ----

// A NUL-padded field of `size` bytes: its text, or all its bytes when the record kept them.
void PutPadded(FieldReader& f, Bytes& b, std::string_view key, std::string_view data_key,
               size_t size) {
  Bytes field;
  if (f.Has(data_key)) {
    field = f.Hex(data_key);
  } else {
    PutText(field, f.Text(key));
  }
  if (field.size() > size) return f.Fail(key, "longer than its " + std::to_string(size) + " bytes");
  field.resize(size, 0);
  PutBytes(b, field);
}

// The fixed BOOTP fields (RFC 2131 §2), 236 bytes.
void PutDhcpFixed(FieldReader& f, Bytes& b) {
  uint8_t htype = f.U8("htype"), hlen = f.U8("hlen");
  Put8(b, f.U8("op"));
  Put8(b, htype);
  Put8(b, hlen);
  Put8(b, f.U8("hops"));
  Put32(b, f.U32("xid"));
  Put16(b, f.U16("secs"));
  Put16(b, uint16_t((f.Bool("broadcast") ? 0x8000 : 0) | f.Uint("reserved", 0x7fff)));
  for (const char* key : {"ciaddr", "yiaddr", "siaddr", "giaddr"}) PutBytes(b, f.V4(key));
  Bytes chaddr;
  if (htype == 1 && hlen == 6 && f.Text("chaddr").size() == 17) {
    PutBytes(chaddr, f.MacAddress("chaddr"));
  } else {
    chaddr = f.Hex("chaddr");
  }
  if (chaddr.size() > 16) return f.Fail("chaddr", "longer than 16 bytes");
  chaddr.resize(16, 0);
  PutBytes(b, chaddr);
  PutPadded(f, b, "sname", "sname_data", 64);
  PutPadded(f, b, "file", "file_data", 128);
}

// An option's value from the members its code decodes into (dhcp.cc's WriteOptionValue).
Bytes DhcpOptionValue(FieldReader& o) {
  Bytes v;
  if (o.Has("message_type")) {
    Put8(v, o.U8("message_type"));
  } else if (o.Has("address")) {
    PutBytes(v, o.V4("address"));
  } else if (o.Has("addresses")) {
    o.EachText("addresses", [&](std::string_view a) {
      Ipv4Address address;
      if (inet_pton(AF_INET, std::string(a).c_str(), address.bytes.data()) != 1)
        return o.Fail("addresses", "holds a text that is not an IPv4 address");
      PutBytes(v, address);
    });
  } else if (o.Has("seconds")) {
    Put32(v, o.U32("seconds"));
  } else if (o.Has("text")) {
    PutText(v, o.Text("text"));
  } else if (o.Has("parameters")) {
    o.EachUint("parameters", [&](uint64_t code) {
      if (code > 255) return o.Fail("parameters", "holds a code above 255");
      Put8(v, uint8_t(code));
    });
  } else {
    v = o.Hex("data");
  }
  return v;
}

void PutDhcpOptions(FieldReader& f, Bytes& b) {
  Put32(b, 0x63825363);  // the magic cookie
  f.EachObject("options", [&](FieldReader& o) {
    if (o.Has("error")) return o.Fail("error", "a malformed option's bytes are in no record");
    if (o.Has("pads")) b.resize(b.size() + o.Uint("pads", 255), 0);
    uint8_t code = o.U8("code");
    uint8_t len = o.U8("len");
    Bytes value = DhcpOptionValue(o);
    if (o.ok() && value.size() != len)
      return o.Fail("len", "the option's members do not make its length");
    Put8(b, code);
    Put8(b, len);
    PutBytes(b, value);
  });
}

void ReadDhcp(FieldReader& f, Packet& p) {
  Bytes b;
  PutDhcpFixed(f, b);
  if (f.Has("options")) PutDhcpOptions(f, b);
  if (f.Has("padding")) {
    FieldReader padding = f.Object("padding");
    PutBytes(b, PayloadBytes(padding, "data"));
  }
  p.Append(Raw{std::move(b)});
}

// DHCPv6 options (RFC 8415 §21.1); a container's fixed part is its `data`, its own options
// follow.
void PutDhcpv6Options(FieldReader& f, Bytes& b) {
  f.EachObject("options", [&](FieldReader& o) {
    if (o.Has("error")) return o.Fail("error", "a malformed option's bytes are in no record");
    Put16(b, o.U16("code"));
    uint16_t len = o.U16("len");
    Put16(b, len);
    size_t start = b.size();
    PutBytes(b, o.Hex("data"));
    if (o.Has("options")) PutDhcpv6Options(o, b);
    if (o.ok() && b.size() - start != len)
      o.Fail("len", "the option's members do not make its length");
  });
}

void ReadDhcpv6(FieldReader& f, Packet& p) {
  Bytes b;
  uint8_t type = f.U8("msg_type");
  Put8(b, type);
  if (type == 12 || type == 13) {  // relay messages
    Put8(b, f.U8("hop_count"));
    PutBytes(b, f.V6("link_address"));
    PutBytes(b, f.V6("peer_address"));
  } else {
    Put24(b, uint32_t(f.Uint("xid", 0xffffff)));
  }
  PutDhcpv6Options(f, b);
  p.Append(Raw{std::move(b)});
}

// ---- Text protocols ----

// The bytes a record kept where its members do not say them exactly (`key`), else those
// `said` makes of the members.
template <class Say>
void ReadText(FieldReader& f, Packet& p, std::string_view key, Say said) {
  Bytes b;
  if (f.Has(key)) {
    b = f.Hex(key);
  } else {
    std::string text;
    said(text);
    PutText(b, text);
  }
  p.Append(Raw{std::move(b)});
}

// A status code's three digits.
std::string Code(FieldReader& f, std::string_view key) {
  return std::to_string(1000 + f.Uint(key, 999)).substr(1);
}

// FTP lines (engine/protocols/ftp.cc): a reply's code, `-` or a space and its text, or a
// command and, when it has one, a space and its argument; each line ends in CRLF.
void ReadFtp(FieldReader& f, Packet& p) {
  ReadText(f, p, "data", [&](std::string& text) {
    f.EachObject("lines", [&](FieldReader& l) {
      if (l.Text("type") == "response") {
        text += Code(l, "code") + (l.Bool("more") ? "-" : " ");
      } else {
        text += l.Text("command");
        if (!l.Text("arg").empty()) text += " ";
      }
      text += l.Text("arg");
      text += "\r\n";
    });
  });
}

// HTTP/1.x's start line and header block (engine/protocols/http.cc): `name: value` lines
// ending in CRLF, then the empty line; a block cut by the segment's end stops after its
// last line's text. The body follows as the record's `raw`.
void ReadHttp(FieldReader& f, Packet& p) {
  ReadText(f, p, "header_data", [&](std::string& text) {
    if (f.Text("type") == "response") {
      text = std::string(f.Text("version")) + " " + Code(f, "status") + " " +
             std::string(f.Text("reason"));
    } else {
      text = std::string(f.Text("method")) + " " + std::string(f.Text("uri")) + " " +
             std::string(f.Text("version"));
    }
    text += "\r\n";
    bool first = true;
    EachTextPair(f, "headers", [&](std::string_view name, std::string_view value) {
      if (!first) text += "\r\n";
      first = false;
      text += std::string(name) + ": " + std::string(value);
    });
    if (f.Bool("headers_complete")) text += first ? "\r\n" : "\r\n\r\n";
  });
}

// ---- Binary protocols kept as bytes ----

// What follows the last TLS record or HTTP/2 frame: `trailing_len` bytes.
void PutTrailing(FieldReader& f, Bytes& b) {
  if (!f.Has("trailing_len")) return;
  Bytes trailing = PayloadBytes(f, "trailing_data");
  if (f.ok() && trailing.size() != f.Uint("trailing_len", UINT32_MAX))
    return f.Fail("trailing_data", "not `trailing_len` bytes");
  PutBytes(b, trailing);
}

// TLS records (engine/protocols/tls.cc): type, version, length, then the bytes; bytes
// after the last record header that are not a record.
void ReadTls(FieldReader& f, Packet& p) {
  Bytes b;
  f.EachObject("records", [&](FieldReader& r) {
    uint16_t length = r.U16("length");
    Put8(b, r.U8("content_type"));
    Put16(b, r.U16("version"));
    Put16(b, length);
    Bytes data = PayloadBytes(r, "data");
    bool truncated = r.Has("truncated") && r.Bool("truncated");
    if (r.ok() && (truncated ? data.size() >= length : data.size() != length))
      return r.Fail("data", "not the record's `length` bytes");
    PutBytes(b, data);
  });
  PutTrailing(f, b);
  p.Append(Raw{std::move(b)});
}

// HTTP/2 frames (engine/protocols/http2.cc): the connection preface, then each frame's
// header and payload; the decoded members (HPACK's headers) are not needed.
void ReadHttp2(FieldReader& f, Packet& p) {
  Bytes b;
  if (f.Bool("preface")) PutText(b, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  f.EachObject("frames", [&](FieldReader& r) {
    uint32_t length = uint32_t(r.Uint("length", 0xffffff));
    Put24(b, length);
    Put8(b, r.U8("type"));
    Put8(b, r.U8("flags"));
    Put32(b, uint32_t(r.Uint("reserved", 1) << 31 | r.Uint("stream_id", 0x7fffffff)));
    Bytes payload = PayloadBytes(r, "payload");
    bool truncated = r.Has("truncated") && r.Bool("truncated");
    if (r.ok() && (truncated ? payload.size() >= length : payload.size() != length))
      return r.Fail("payload", "not the frame's `length` bytes");
    PutBytes(b, payload);
  });
  PutTrailing(f, b);
  p.Append(Raw{std::move(b)});
}

constexpr LayerReader kReaders[] = {
    {"dhcp", ReadDhcp},     {"dhcpv6", ReadDhcpv6}, {"dns", ReadDns},   {"ftp", ReadFtp},
    {"geneve", ReadGeneve}, {"gtpu", ReadGtpu},     {"http", ReadHttp}, {"http2", ReadHttp2},
    {"l2tp", ReadL2tp},     {"teredo", ReadTeredo}, {"tls", ReadTls},   {"vxlan", ReadVxlan},
};

}  // namespace

std::span<const LayerReader> ApplicationReaders() {
  return kReaders;
}

}  // namespace pcapkit::ipsuite::records
