// Management frame bodies (IEEE 802.11-2020 §9.3.3): each subtype's fixed parameters, in
// order, then a list of elements (one-byte id, one-byte length, value) to the frame's end.
// Action frames carry a category and an action body of their own, written as hex.
#include "engine/protocols/wlan_management.h"

#include "engine/protocols/wifi.h"
#include "engine/util/utf8.h"

namespace pcapkit::protocols {
namespace {

enum Subtype : uint8_t {
  kAssocRequest = 0,
  kAssocResponse = 1,
  kReassocRequest = 2,
  kReassocResponse = 3,
  kProbeRequest = 4,
  kProbeResponse = 5,
  kBeacon = 8,
  kAtim = 9,
  kDisassoc = 10,
  kAuthentication = 11,
  kDeauth = 12,
  kAction = 13,
  kActionNoAck = 14,
};

constexpr uint8_t kSsid = 0, kRates = 1, kDsParameters = 3, kExtendedRates = 50;

// Bytes of the fixed parameters; -1 for a subtype whose body is not read (reserved ones,
// action frames: written as hex).
int FixedLength(uint8_t subtype) {
  switch (subtype) {
    case kAssocRequest:
      return 4;
    case kAssocResponse:
    case kReassocResponse:
    case kAuthentication:
      return 6;
    case kReassocRequest:
      return 10;
    case kProbeRequest:
    case kAtim:
      return 0;
    case kProbeResponse:
    case kBeacon:
      return 12;
    case kDisassoc:
    case kDeauth:
      return 2;
  }
  return -1;
}

void WriteFixed(uint8_t subtype, const uint8_t* b, Emitter& out) {
  switch (subtype) {
    case kAssocRequest:
    case kReassocRequest:
      out.Uint("capabilities", Le16(b));
      out.Uint("listen_interval", Le16(b + 2));
      if (subtype == kReassocRequest) out.Mac("current_ap", b + 4);
      return;
    case kAssocResponse:
    case kReassocResponse:
      out.Uint("capabilities", Le16(b));
      out.Uint("status_code", Le16(b + 2));
      out.Uint("association_id", Le16(b + 4));
      return;
    case kProbeResponse:
    case kBeacon:
      out.Uint("timestamp", Le64(b));
      out.Uint("beacon_interval", Le16(b + 8));
      out.Uint("capabilities", Le16(b + 10));
      return;
    case kDisassoc:
    case kDeauth:
      return out.Uint("reason_code", Le16(b));
    case kAuthentication:
      out.Uint("auth_algorithm", Le16(b));
      out.Uint("auth_seq", Le16(b + 2));
      out.Uint("status_code", Le16(b + 4));
      return;
  }
}

void WriteRates(const char* key, const uint8_t* v, uint32_t n, Emitter& out) {
  out.BeginArray(key);
  for (uint32_t i = 0; i < n; ++i) out.Uint({}, v[i]);
  out.EndArray();
}

void WriteTagValue(uint8_t id, const uint8_t* v, uint32_t n, Emitter& out) {
  if (id == kSsid && util::IsUtf8(v, n)) {
    out.Text("ssid", std::string_view(reinterpret_cast<const char*>(v), n));
  } else if (id == kRates || id == kExtendedRates) {
    WriteRates(id == kRates ? "rates" : "extended_rates", v, n, out);
  } else if (id == kDsParameters && n == 1) {
    out.Uint("channel", v[0]);
  } else if (n > 0) {
    out.Hex("data", v, n);
  }
}

void WriteTags(const uint8_t* b, uint32_t n, Emitter& out) {
  out.BeginArray("tags");
  for (uint32_t at = 0; at < n;) {
    out.BeginObject();
    if (n - at < 2) {
      out.Plain("error", "tag header cut by the end of the frame");
      out.EndObject();
      break;
    }
    uint8_t id = b[at], size = b[at + 1];
    out.Uint("number", id);
    out.Uint("length", size);
    if (size > n - at - 2) {
      out.Plain("error", "tag runs past the end of the frame");
      out.EndObject();
      break;
    }
    WriteTagValue(id, b + at + 2, size, out);
    out.EndObject();
    at += 2 + size;
  }
  out.EndArray();
}

}  // namespace

void WriteManagementBody(uint8_t subtype, const uint8_t* b, uint32_t n, Emitter& out) {
  int fixed = FixedLength(subtype);
  if (subtype == kAction || subtype == kActionNoAck) {
    if (n >= 1) out.Uint("category", b[0]);
    if (n > 1) out.Hex("action", b + 1, n - 1);
    return;
  }
  if (fixed < 0 || uint32_t(fixed) > n) {
    if (fixed >= 0) out.Plain("body_error", "fixed parameters cut by the end of the frame");
    if (n > 0) out.Hex("body", b, n);
    return;
  }
  WriteFixed(subtype, b, out);
  WriteTags(b + fixed, n - uint32_t(fixed), out);
}

}  // namespace pcapkit::protocols
