// PPI, the Per-Packet Information header (LINKTYPE_PPI 192; CACE Technologies' PPI
// specification 1.0.10): a little-endian header (version 0, flags, the header's length,
// the DLT of the packet that follows), then field TLVs up to that length: a 16-bit type,
// a 16-bit length of the data (the 4-byte TLV header not counted), the data. With flag
// bit 0 set, each field starts on a 4-byte boundary. The 802.11-common field (type 2) is
// decoded; its flags say whether an 802.11 packet ends in its FCS, which picks the
// link-table key the packet is dissected by.
#include "engine/protocols/common.h"
#include "engine/protocols/wifi.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kFixedHeader = 8;
constexpr uint8_t kFlagAligned = 0x01;
constexpr uint16_t kCommon80211 = 2;
constexpr uint32_t kCommon80211Length = 20;
constexpr uint16_t kCommonFlagFcs = 0x0001;

// One field TLV of the list, or why the list ends.
struct Field {
  enum Status { kOk, kHeaderCut, kPastHeader } status;
  uint32_t at;  // of its TLV header
  uint16_t type, length;
};

// The field TLVs of the header p[0, hdr_len).
class FieldList {
 public:
  FieldList(const uint8_t* p, uint32_t hdr_len)
      : p_(p), end_(hdr_len), aligned_((p[1] & kFlagAligned) != 0) {}

  bool Next(Field& f) {
    if (done_ || at_ >= end_) return false;
    f.at = at_;
    if (end_ - at_ < 4) return Stop(Field::kHeaderCut, f);
    f.type = Le16(p_ + at_);
    f.length = Le16(p_ + at_ + 2);
    if (f.length > end_ - at_ - 4) return Stop(Field::kPastHeader, f);
    f.status = Field::kOk;
    at_ += 4 + f.length;
    if (aligned_) at_ = (at_ + 3) & ~3u;
    return true;
  }

 private:
  bool Stop(Field::Status status, Field& f) {
    f.status = status;
    done_ = true;
    return true;
  }

  const uint8_t* p_;
  uint32_t end_, at_ = kFixedHeader;
  bool aligned_;
  bool done_ = false;
};

// True when an 802.11-common field says the packet ends in its FCS: one of its own size,
// as the writer decodes it (and shows `fcs_present`).
bool HasFcs(const uint8_t* p, uint32_t hdr_len) {
  FieldList fields(p, hdr_len);
  Field f;
  while (fields.Next(f))
    if (f.status == Field::kOk && f.type == kCommon80211 && f.length == kCommon80211Length)
      return (Le16(p + f.at + 4 + 8) & kCommonFlagFcs) != 0;
  return false;
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < kFixedHeader) {
    out.error = "PPI: header truncated";
    return;
  }
  uint32_t hdr_len = Le16(p + 2), dlt = Le32(p + 4);
  if (p[0] != 0) {
    out.error = "PPI: version other than 0";
  } else if (hdr_len < kFixedHeader) {
    out.error = "PPI: header length below 8";
  } else if (hdr_len > len) {
    out.error = "PPI: header length past the frame";
  }
  if (out.error != nullptr) return;
  if (dlt == kLinkTypeWlan)
    Carry(out, hdr_len, len, Table::kRadioFrame, HasFcs(p, hdr_len) ? 1 : 0);
  else  // the link-type table spans 16 bits
    Carry(out, hdr_len, len, dlt <= 0xffff ? Table::kLinkType : Table::kNone, dlt);
}

const char* FieldName(uint64_t type) {
  switch (type) {
    case 2:
      return "802.11-Common";
    case 3:
      return "802.11n MAC Extensions";
    case 4:
      return "802.11n MAC+PHY Extensions";
    case 5:
      return "Spectrum Map";
    case 6:
      return "Process Info";
    case 7:
      return "Capture Info";
    case 8:
      return "Aggregation Extension";
    case 9:
      return "802.3 Extension";
  }
  return nullptr;
}

// The 802.11-common field: TSF timer, flags, rate, channel, FHSS, antenna signal and noise.
void WriteCommon80211(const uint8_t* v, Emitter& out) {
  out.Uint("tsft", Le64(v));
  uint16_t flags = Le16(v + 8);
  out.Uint("flags", flags);
  out.Bool("fcs_present", flags & kCommonFlagFcs);
  out.Bool("tsft_in_ms", flags & 0x0002);
  out.Bool("fcs_invalid", flags & 0x0004);
  out.Bool("phy_error", flags & 0x0008);
  out.Uint("rate", Le16(v + 10));
  out.Uint("channel_freq", Le16(v + 12));
  out.Uint("channel_flags", Le16(v + 14));
  out.Uint("fhss_hopset", v[16]);
  out.Uint("fhss_pattern", v[17]);
  out.Int("dbm_antsignal", int8_t(v[18]));
  out.Int("dbm_antnoise", int8_t(v[19]));
}

void WriteField(const uint8_t* p, const Field& f, Emitter& out) {
  out.BeginObject();
  if (f.status == Field::kHeaderCut) {
    out.Plain("error", "field header cut by the end of the PPI header");
    return out.EndObject();
  }
  out.Enum("type", f.type, FieldName);
  out.Uint("length", f.length);
  const uint8_t* v = p + f.at + 4;
  if (f.status == Field::kPastHeader) {
    out.Plain("error", "field runs past the end of the PPI header");
  } else if (f.type == kCommon80211 && f.length == kCommon80211Length) {
    WriteCommon80211(v, out);
  } else if (f.length > 0) {
    out.Hex("data", v, f.length);
  }
  out.EndObject();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("version", p[0]);
  out.Uint("flags", p[1]);
  out.Bool("aligned", p[1] & kFlagAligned);
  out.Uint("length", Le16(p + 2));
  out.Uint("dlt", Le32(p + 4));
  out.BeginArray("fields");
  FieldList fields(p, l.hdr_len);
  Field f;
  while (fields.Next(f)) WriteField(p, f, out);
  out.EndArray();
}

constexpr FieldSpec kFields[] = {
    {"version", kInt, "PPI version (0)", "ppi.version"},
    {"flags", kInt, "header flags (bit 0: fields are 4-byte aligned)", "ppi.flags"},
    {"aligned", kBool, "flag bit 0: each field starts on a 4-byte boundary", "ppi.flags.alignment"},
    {"length", kInt, "header length: the 8 fixed bytes and the fields", "ppi.length"},
    {"dlt", kInt, "the link type (DLT) of the packet that follows", "ppi.dlt"},
    {"fields", kList, "the field TLVs, in order", nullptr},
    {"fields[].type", kInt,
     "field type: 2 802.11-common, 3 802.11n MAC, 4 802.11n MAC+PHY, 5 spectrum map, 6 process "
     "info, 7 capture info, 8 aggregation, 9 802.3...",
     "ppi.field_type"},
    {"fields[].type_name", kText, "`802.11-Common`, … (with --names)", nullptr},
    {"fields[].length", kInt, "bytes of the field's data (its 4-byte header not counted)",
     "ppi.field_len"},
    {"fields[].tsft", kInt, "802.11-common: TSF timer", "ppi.80211-common.tsft"},
    {"fields[].flags", kInt,
     "802.11-common: flags (0x1 FCS present, 0x2 TSF in ms, 0x4 FCS invalid, 0x8 PHY error)",
     "ppi.80211-common.flags"},
    {"fields[].fcs_present", kBool, "802.11-common: the 802.11 frame ends in its FCS",
     "ppi.80211-common.flags.fcs"},
    {"fields[].tsft_in_ms", kBool, "802.11-common: the TSF timer counts milliseconds",
     "ppi.80211-common.flags.tsft"},
    {"fields[].fcs_invalid", kBool, "802.11-common: the FCS check failed",
     "ppi.80211-common.flags.fcs-invalid"},
    {"fields[].phy_error", kBool, "802.11-common: a PHY error", "ppi.80211-common.flags.phy-err"},
    {"fields[].rate", kInt, "802.11-common: data rate in 500 kb/s units", nullptr},
    {"fields[].channel_freq", kInt, "802.11-common: channel frequency in MHz",
     "ppi.80211-common.chan.freq"},
    {"fields[].channel_flags", kInt, "802.11-common: channel flags (as radiotap's)",
     "ppi.80211-common.chan.flags"},
    {"fields[].fhss_hopset", kInt, "802.11-common: FHSS hop set", "ppi.80211-common.fhss.hopset"},
    {"fields[].fhss_pattern", kInt, "802.11-common: FHSS pattern", "ppi.80211-common.fhss.pattern"},
    {"fields[].dbm_antsignal", kInt, "802.11-common: antenna signal in dBm (signed)",
     "ppi.80211-common.dbm.antsignal"},
    {"fields[].dbm_antnoise", kInt, "802.11-common: antenna noise in dBm (signed)",
     "ppi.80211-common.dbm.antnoise"},
    {"fields[].data", kHex, "the data of a field of another type or size", nullptr},
    {"fields[].error", kText,
     "the field's header is cut, or its data runs past the PPI header: the list ends", nullptr},
};

}  // namespace

const Registration kRegistration("ppi", [](Registry& r) {
  r.Add({.name = "PPI",
         .key = "ppi",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "*(extension)* The Per-Packet Information header (link type 192), then the "
                    "packet by its DLT (an 802.11 frame ends in its FCS when the 802.11-common "
                    "field says so). A frame shorter than 8 bytes, a version other than 0, or "
                    "a header length below 8 or past the frame, is `raw` with an error; a field "
                    "cut by the header's end ends the list with an `error` entry."},
        {{Table::kLinkType, 192}});
});

}  // namespace pcapkit::protocols
