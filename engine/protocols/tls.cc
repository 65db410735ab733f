// TLS and SSL 3.0 records (RFC 8446 / 5246), found on any TCP port by content: every
// whole record of the segment with its type, version and length; handshake messages by
// type; the ClientHello and ServerHello decoded (version, cipher suites, SNI, ALPN,
// supported versions). Encrypted records stay bytes.
#include <algorithm>
#include <string_view>

#include "engine/protocols/common.h"
#include "engine/util/tlv.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kMaxRecord = (1u << 14) + 2048;

bool RecordHeaderOk(const uint8_t* p) {
  return p[0] >= 20 && p[0] <= 24 && p[1] == 3 && p[2] <= 4 && Be16(p + 3) <= kMaxRecord;
}

bool Detect(const uint8_t* p, uint32_t len) {
  return len >= 5 && RecordHeaderOk(p);
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 5 || !RecordHeaderOk(p)) {
    out.error = "TLS: not a record header";
    return;
  }
  // Whole records only; a record continued in the next segment is counted but cut.
  Carry(out, len, len, Table::kNone, 0);
}

// RFC 8446 §4.2: extension type and length of the data, two bytes each.
constexpr util::TlvLayout kExtensionLayout = {.type_size = 2, .length_at = 2, .length_size = 2};
// RFC 6066 §3: server_name entries, a name type byte and a 2-byte length.
constexpr util::TlvLayout kServerNameLayout = {.type_size = 1, .length_at = 1, .length_size = 2};
// RFC 7301 §3.1: ALPN protocol names, each behind its 1-byte length.
constexpr util::TlvLayout kProtocolNameLayout = {.type_size = 0, .length_at = 0};

std::string_view AsText(const util::TlvEntry& e) {
  return std::string_view(reinterpret_cast<const char*>(e.value), e.value_len);
}

// server_name's list (after its 2-byte length). RFC 6066 allows one host_name; host names
// after it (hostile or broken clients) go to `extra_server_names` rather than repeat the
// member.
void ServerNames(const uint8_t* list, uint32_t n, Emitter& out) {
  util::TlvCursor names(list, n, kServerNameLayout);
  util::TlvEntry name;
  uint32_t host_names = 0;
  while (names.Next(name) && name.error == util::TlvError::kNone) {
    if (name.type != 0) continue;  // not a host_name
    if (host_names == 0) {
      out.Text("server_name", AsText(name));
    } else {
      if (host_names == 1) out.BeginArray("extra_server_names");
      out.Text({}, AsText(name));
    }
    ++host_names;
  }
  if (host_names > 1) out.EndArray();
}

// ALPN's list of protocol names (after its 2-byte length).
void Alpn(const uint8_t* list, uint32_t n, Emitter& out) {
  out.BeginArray("alpn");
  util::TlvCursor names(list, n, kProtocolNameLayout);
  util::TlvEntry name;
  while (names.Next(name) && name.error == util::TlvError::kNone) out.Text({}, AsText(name));
  out.EndArray();
}

// supported_versions: a list (ClientHello) or one version (ServerHello).
void SupportedVersions(const uint8_t* e, uint32_t elen, Emitter& out) {
  uint32_t first = 0, end = 0;  // the versions, two bytes each, lie in [first, end)
  if (elen == 2) {
    end = 2;
  } else if (elen >= 1) {  // a length byte, then the list
    first = 1;
    end = std::min<uint32_t>(elen, 1u + e[0]);
  }
  out.BeginArray("versions");
  for (uint32_t i = first; i + 2 <= end; i += 2) out.Uint({}, Be16(e + i));
  out.EndArray();
  if (!out.names()) return;
  out.BeginArray("version_names");
  for (uint32_t i = first; i + 2 <= end; i += 2)
    if (const char* name = TlsVersionName(Be16(e + i))) out.Plain({}, name);
  out.EndArray();
}

// The extensions, up to the first that runs past the hello.
void Extensions(const uint8_t* p, uint32_t n, Emitter& out) {
  out.BeginArray("extensions");
  util::TlvCursor extensions(p, n, kExtensionLayout);
  util::TlvEntry e;
  while (extensions.Next(e) && e.error == util::TlvError::kNone) {
    out.BeginObject();
    out.Enum("type", e.type, TlsExtensionName);
    out.Uint("len", e.value_len);
    if (e.type == 0 && e.value_len >= 5) {
      ServerNames(e.value + 2, e.value_len - 2, out);
    } else if (e.type == 16 && e.value_len >= 2) {
      Alpn(e.value + 2, e.value_len - 2, out);
    } else if (e.type == 43) {
      SupportedVersions(e.value, e.value_len, out);
    }
    out.EndObject();
  }
  out.EndArray();
}

// The ClientHello's cipher suites, and with --names their names beside them (a suite
// OpenSSL does not know has none: the two lists then differ in length).
void CipherSuites(const uint8_t* p, uint32_t n, Emitter& out) {
  out.BeginArray("cipher_suites");
  for (uint32_t i = 0; i + 1 < n; i += 2) out.Uint({}, Be16(p + i));
  out.EndArray();
  if (!out.names()) return;
  out.BeginArray("cipher_suite_names");
  for (uint32_t i = 0; i + 1 < n; i += 2)
    if (const char* name = TlsCipherSuiteName(Be16(p + i))) out.Plain({}, name);
  out.EndArray();
}

// ClientHello (1) and ServerHello (2) bodies; false when the body is cut short.
bool Hello(uint8_t type, const uint8_t* b, uint32_t n, Emitter& out) {
  if (n < 35) return false;
  out.Enum("version", Be16(b), TlsVersionName);
  out.Hex("random", b + 2, 32);
  uint32_t pos = 34;
  uint8_t sid = b[pos];
  if (pos + 1 + sid > n) return false;
  out.Hex("session_id", b + pos + 1, sid);
  pos += 1u + sid;
  if (type == 1) {
    if (pos + 2 > n) return false;
    uint16_t cs = Be16(b + pos);
    if (pos + 2 + cs > n) return false;
    CipherSuites(b + pos + 2, cs, out);
    pos += 2u + cs;
    if (pos + 1 > n || pos + 1 + b[pos] > n) return false;
    pos += 1u + b[pos];  // compression methods
  } else {
    if (pos + 3 > n) return false;
    out.Enum("cipher_suite", Be16(b + pos), TlsCipherSuiteName);
    pos += 3;  // suite, compression method
  }
  if (pos + 2 <= n) {
    uint16_t elen = Be16(b + pos);
    Extensions(b + pos + 2, std::min<uint32_t>(elen, n - pos - 2), out);
  }
  return true;
}

void Write(const LayerContext& l, Emitter& out) {
  out.BeginArray("records");
  uint32_t pos = 0;
  while (pos + 5 <= l.length && RecordHeaderOk(l.p + pos)) {
    const uint8_t* r = l.p + pos;
    uint32_t rlen = Be16(r + 3);
    uint32_t avail = std::min(rlen, l.length - pos - 5);
    out.BeginObject();
    out.Enum("content_type", r[0], TlsContentTypeName);
    out.Enum("version", Be16(r + 1), TlsVersionName);
    out.Uint("length", rlen);
    if (avail < rlen) out.Bool("truncated", true);
    if (r[0] == 22 && avail >= 4) {  // handshake
      const uint8_t* h = r + 5;
      uint32_t hlen = uint32_t(h[1]) << 16 | uint32_t(h[2]) << 8 | h[3];
      out.BeginObject("handshake");
      out.Enum("type", h[0], TlsHandshakeTypeName);
      out.Uint("length", hlen);
      if ((h[0] == 1 || h[0] == 2) && !Hello(h[0], h + 4, std::min(hlen, avail - 4), out))
        out.Plain("error", "hello cut short");
      out.EndObject();
    }
    if (out.payload()) out.Hex("data", r + 5, avail);
    out.EndObject();
    pos += 5 + rlen;
  }
  out.EndArray();
  if (pos >= l.length) return;
  out.Uint("trailing_len", l.length - pos);
  if (out.payload()) out.Hex("trailing_data", l.p + pos, l.length - pos);
}

constexpr FieldSpec kFields[] = {
    {"records", kList, "every record starting in the segment", nullptr},
    {"records[].content_type", kInt, "record content type", "tls.record.content_type"},
    {"records[].content_type_name", kText, "`handshake`, `application_data`, … (with --names)"},
    {"records[].version", kInt, "record version", "tls.record.version"},
    {"records[].version_name", kText, "`TLS 1.2`, … (with --names)"},
    {"records[].length", kInt, "record length", "tls.record.length"},
    {"records[].truncated", kBool, "true when the record continues past the segment", nullptr},
    {"records[].handshake", kObject, "content type 22: the handshake message", nullptr},
    {"records[].handshake.type", kInt, "handshake type", "tls.handshake.type"},
    {"records[].handshake.type_name", kText, "`client_hello`, `certificate`, … (with --names)"},
    {"records[].handshake.length", kInt, "handshake length", nullptr},
    {"records[].handshake.version", kInt, "ClientHello, ServerHello: version", nullptr},
    {"records[].handshake.version_name", kText, "`TLS 1.2`, … (with --names)"},
    {"records[].handshake.random", kHex, "ClientHello, ServerHello: random", nullptr},
    {"records[].handshake.session_id", kHex, "ClientHello, ServerHello: session id", nullptr},
    {"records[].handshake.cipher_suites", kList, "ClientHello: the cipher suites", nullptr},
    {"records[].handshake.cipher_suites[]", kInt, "a cipher suite", nullptr},
    {"records[].handshake.cipher_suite_names", kList,
     "with --names: the names of the suites OpenSSL knows (IANA's), in order"},
    {"records[].handshake.cipher_suite_names[]", kText, "a cipher suite's name"},
    {"records[].handshake.cipher_suite", kInt, "ServerHello: the cipher suite", nullptr},
    {"records[].handshake.cipher_suite_name", kText,
     "`TLS_AES_128_GCM_SHA256`, … (with --names, when OpenSSL knows the suite)"},
    {"records[].handshake.extensions", kList, "ClientHello, ServerHello: the extensions", nullptr},
    {"records[].handshake.extensions[].type", kInt, "extension type", nullptr},
    {"records[].handshake.extensions[].type_name", kText,
     "`server_name`, `key_share`, … (with --names)"},
    {"records[].handshake.extensions[].len", kInt, "bytes of the extension data", nullptr},
    {"records[].handshake.extensions[].server_name", kText, "SNI: the first host_name",
     "tls.handshake.extensions_server_name"},
    {"records[].handshake.extensions[].extra_server_names", kList,
     "SNI: further host names, which RFC 6066 forbids", nullptr},
    {"records[].handshake.extensions[].extra_server_names[]", kText, "a host name", nullptr},
    {"records[].handshake.extensions[].alpn", kList, "ALPN: the protocol names", nullptr},
    {"records[].handshake.extensions[].alpn[]", kText, "a protocol name", nullptr},
    {"records[].handshake.extensions[].versions", kList, "supported_versions: the versions",
     nullptr},
    {"records[].handshake.extensions[].versions[]", kInt, "a version", nullptr},
    {"records[].handshake.extensions[].version_names", kList, "with --names: their names"},
    {"records[].handshake.extensions[].version_names[]", kText, "`TLS 1.3`, `GREASE`, …"},
    {"records[].handshake.error", kText, "a hello cut by the segment's end", nullptr},
    {"records[].data", kHex,
     "the record's bytes after its header, as far as the segment holds them, only with "
     "`--payload`",
     nullptr},
    {"trailing_len", kInt, "bytes after the last whole record header that are not a record",
     nullptr},
    {"trailing_data", kHex, "those bytes, only with `--payload`", nullptr},
};

}  // namespace

const Registration kRegistration("tls", [](Registry& r) {
  r.AddDetected(
      {.name = "TLS",
       .key = "tls",
       .layer = LayerLevel::kApplication,
       .dissect = Dissect,
       .write = Write,
       .fields = kFields,
       .summary = "TLS and SSL 3.0 records, on any TCP port, found by content (record "
                  "type 20–24, version 3.x): every record of the segment with its "
                  "type, version and length; handshake messages by type; the "
                  "ClientHello and ServerHello decoded. With `--payload` each record's bytes "
                  "too (`data`).",
       .detect = Detect,
       .detect_order = 20},
      Table::kTcpPort);
});

}  // namespace pcapkit::protocols
