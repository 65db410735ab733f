// Wi-Fi records back to bytes: the radiotap header (its present words, then each field
// where the walk of engine/protocols/radiotap_walk.h places it, vendor namespaces, and the
// undecoded tail), the 802.11 MAC header with a management body, and the PPI header. An
// FCS is rebuilt when nothing follows the 802.11 layer (management, control, no-data
// frames); after a payload it would follow the next layers, which records cannot say.
#include "engine/protocols/radiotap_walk.h"
#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {
namespace {

using protocols::radiotap::FieldWalk;
using protocols::radiotap::Item;

void SetLe(Bytes& b, size_t at, uint64_t v, int size) {
  for (int i = 0; i < size; ++i) b[at + i] = uint8_t(v >> (8 * i));
}

void PutLe(Bytes& b, uint64_t v, int size) {
  for (int i = 0; i < size; ++i) b.push_back(uint8_t(v >> (8 * i)));
}

// A signed byte (dBm) as the record writes it.
uint8_t SignedByte(FieldReader& f, std::string_view key) {
  int64_t v = 0;
  if (f.ok() &&
      (f.object().at_key(key).get_int64().get(v) != simdjson::SUCCESS || v < -128 || v > 127))
    f.Fail(key, "not a signed byte");
  return uint8_t(int8_t(v));
}

// The members engine/protocols/radiotap.cc writes each field's bytes as.
struct Member {
  uint8_t bit;
  const char* key;
  uint8_t at, size;
  bool is_signed = false;
};
constexpr Member kMembers[] = {
    {0, "tsft", 0, 8},
    {1, "flags", 0, 1},
    {2, "rate", 0, 1},
    {3, "channel_freq", 0, 2},
    {3, "channel_flags", 2, 2},
    {4, "fhss_hopset", 0, 1},
    {4, "fhss_pattern", 1, 1},
    {5, "dbm_antsignal", 0, 1, true},
    {6, "dbm_antnoise", 0, 1, true},
    {7, "lock_quality", 0, 2},
    {8, "tx_attenuation", 0, 2},
    {9, "db_tx_attenuation", 0, 2},
    {10, "dbm_tx_power", 0, 1, true},
    {11, "antenna", 0, 1},
    {12, "db_antsignal", 0, 1},
    {13, "db_antnoise", 0, 1},
    {14, "rx_flags", 0, 2},
    {15, "tx_flags", 0, 2},
    {16, "rts_retries", 0, 1},
    {17, "data_retries", 0, 1},
    {18, "xchannel_flags", 0, 4},
    {18, "xchannel_freq", 4, 2},
    {18, "xchannel_channel", 6, 1},
    {18, "xchannel_maxpower", 7, 1},
    {19, "mcs_known", 0, 1},
    {19, "mcs_flags", 1, 1},
    {19, "mcs_index", 2, 1},
    {20, "ampdu_reference", 0, 4},
    {20, "ampdu_flags", 4, 2},
    {20, "ampdu_delim_crc", 6, 1},
    {21, "vht_known", 0, 2},
    {21, "vht_flags", 2, 1},
    {21, "vht_bandwidth", 3, 1},
    {21, "vht_coding", 8, 1},
    {21, "vht_group_id", 9, 1},
    {21, "vht_partial_aid", 10, 2},
    {22, "timestamp", 0, 8},
    {22, "timestamp_accuracy", 8, 2},
    {22, "timestamp_unit_position", 10, 1},
    {22, "timestamp_flags", 11, 1},
    {26, "zero_length_psdu_type", 0, 1},
    {27, "lsig_data1", 0, 2},
    {27, "lsig_data2", 2, 2},
};

void PutRadiotapField(FieldReader& f, uint32_t bit, Bytes& b, size_t at) {
  for (const Member& m : kMembers) {
    if (m.bit != bit) continue;
    uint64_t v =
        m.is_signed ? SignedByte(f, m.key) : f.Uint(m.key, ~uint64_t(0) >> (64 - 8 * m.size));
    SetLe(b, at + m.at, v, m.size);
  }
  if (bit == 21) {
    size_t user = 0;
    f.EachUint("vht_mcs_nss", [&](uint64_t v) {
      if (user < 4) b[at + 4 + user++] = uint8_t(v);
    });
  }
  static constexpr const char* kHexFields[] = {"he", "he_mu", "he_mu_user"};
  if (bit >= 23 && bit <= 25) {
    Bytes v = f.Hex(kHexFields[bit - 23]);
    if (f.ok() && v.size() != protocols::radiotap::kShapes[bit].size)
      return f.Fail(kHexFields[bit - 23], "not the field's size");
    std::copy(v.begin(), v.end(), b.begin() + long(at));
  }
}

struct Vendor {
  uint32_t oui;
  uint8_t sub_namespace;
  Bytes data;
};

// The vendor namespace the walk has reached, at `at`.
void PutVendor(FieldReader& f, const Vendor& v, Bytes& b, size_t at) {
  if (at + 6 + v.data.size() > b.size()) return f.Fail("vendor_namespaces", "past the header");
  b[at] = uint8_t(v.oui >> 16);
  b[at + 1] = uint8_t(v.oui >> 8);
  b[at + 2] = uint8_t(v.oui);
  b[at + 3] = v.sub_namespace;
  SetLe(b, at + 4, v.data.size(), 2);
  std::copy(v.data.begin(), v.data.end(), b.begin() + long(at + 6));
}

std::vector<Vendor> ReadVendors(FieldReader& f) {
  std::vector<Vendor> vendors;
  if (!f.Has("vendor_namespaces")) return vendors;
  f.EachObject("vendor_namespaces", [&](FieldReader& v) {
    Vendor vendor{.oui = uint32_t(v.Uint("oui", 0xffffff)), .sub_namespace = v.U8("sub_namespace")};
    uint16_t skip = v.U16("skip_length");
    if (v.Has("data")) vendor.data = v.Hex("data");
    if (v.ok() && vendor.data.size() != skip) v.Fail("skip_length", "not the data's length");
    vendors.push_back(std::move(vendor));
  });
  return vendors;
}

// The fields the walk places, as far as the record wrote them (its writer's rule: up to
// the first unknown or repeated field); the undecoded tail closes the header.
void PutRadiotapFields(FieldReader& f, uint32_t words, Bytes& b) {
  std::vector<Vendor> vendors = ReadVendors(f);
  FieldWalk walk(b.data(), uint32_t(b.size()), words);
  Item item;
  uint64_t seen = 0;
  size_t vendor = 0;
  protocols::radiotap::AlignmentGaps gaps(4 + 4 * words);
  Bytes pad = f.Has("align_pad") ? f.Hex("align_pad") : Bytes();
  size_t padded = 0;
  while (f.ok() && walk.Next(item)) {
    if (item.kind == Item::kVendor) gaps.Before(item);
    if (item.kind == Item::kVendor && vendor < vendors.size()) {
      PutVendor(f, vendors[vendor++], b, item.offset);
    } else if (item.kind == Item::kField && !((seen >> item.bit) & 1)) {
      seen |= uint64_t(1) << item.bit;
      protocols::radiotap::AlignmentGaps::Gap gap = gaps.Before(item);
      for (uint32_t at = gap.from; at < gap.to && padded < pad.size(); ++at) b[at] = pad[padded++];
      PutRadiotapField(f, item.bit, b, item.offset);
    } else if (item.kind != Item::kVendor) {
      break;
    }
  }
  if (padded < pad.size())
    return f.Fail("align_pad", "more bytes than the fields' alignment takes");
  if (!f.Has("undecoded")) return;
  Bytes tail = f.Hex("undecoded");
  if (tail.size() > b.size() - 4 - 4 * words) return f.Fail("undecoded", "longer than the header");
  std::copy(tail.begin(), tail.end(), b.end() - long(tail.size()));
}

void ReadRadiotap(FieldReader& f, Packet& p) {
  uint16_t length = f.U16("length");
  if (f.ok() && length < protocols::radiotap::kFixedHeader) return f.Fail("length", "below 8");
  Bytes b(length, 0);
  b[0] = f.U8("version");
  b[1] = f.U8("pad");
  SetLe(b, 2, length, 2);
  uint32_t words = 0;
  f.EachUint("present", [&](uint64_t w) {
    if (8 + 4 * words > length) return f.Fail("present", "past the header");
    SetLe(b, 4 + 4 * words++, w, 4);
  });
  if (!f.ok()) return;
  PutRadiotapFields(f, words, b);
  p.Append(Raw{std::move(b)});
}

// The fixed parameters of a management body, by subtype, in engine/protocols/
// wlan_management.cc's order.
void PutManagementFixed(FieldReader& f, uint8_t subtype, Bytes& b) {
  if (subtype == 5 || subtype == 8) {
    PutLe(b, f.Uint("timestamp", ~uint64_t(0)), 8);
    PutLe(b, f.U16("beacon_interval"), 2);
  }
  if (f.Has("capabilities")) PutLe(b, f.U16("capabilities"), 2);
  if (f.Has("listen_interval")) PutLe(b, f.U16("listen_interval"), 2);
  if (f.Has("current_ap")) PutBytes(b, f.MacAddress("current_ap"));
  if (f.Has("auth_algorithm")) {
    PutLe(b, f.U16("auth_algorithm"), 2);
    PutLe(b, f.U16("auth_seq"), 2);
  }
  if (f.Has("status_code")) PutLe(b, f.U16("status_code"), 2);
  if (f.Has("association_id")) PutLe(b, f.U16("association_id"), 2);
  if (f.Has("reason_code")) PutLe(b, f.U16("reason_code"), 2);
}

void PutTags(FieldReader& f, Bytes& b) {
  f.EachObject("tags", [&](FieldReader& t) {
    if (t.Has("error")) return t.Fail("error", "a malformed tag's bytes are in no record");
    uint8_t length = t.U8("length");
    Put8(b, t.U8("number"));
    Put8(b, length);
    size_t start = b.size();
    if (t.Has("ssid")) {
      PutText(b, t.Text("ssid"));
    } else if (t.Has("rates") || t.Has("extended_rates")) {
      t.EachUint(t.Has("rates") ? "rates" : "extended_rates",
                 [&](uint64_t v) { Put8(b, uint8_t(v)); });
    } else if (t.Has("channel")) {
      Put8(b, t.U8("channel"));
    } else if (t.Has("data")) {
      PutBytes(b, t.Hex("data"));
    }
    if (t.ok() && b.size() - start != length) t.Fail("length", "not the value's length");
  });
}

void PutManagementBody(FieldReader& f, uint8_t subtype, Bytes& b) {
  if (f.Has("category")) {
    Put8(b, f.U8("category"));
    if (f.Has("action")) PutBytes(b, f.Hex("action"));
  } else if (f.Has("body") || !f.Has("tags")) {
    if (f.Has("body")) PutBytes(b, f.Hex("body"));
  } else {
    PutManagementFixed(f, subtype, b);
    PutTags(f, b);
  }
}

void ReadWlan(FieldReader& f, Packet& p) {
  Bytes b;
  uint16_t fc = f.U16("fc");
  Put16(b, fc);  // as written: its two bytes in order
  PutLe(b, f.U16("duration"), 2);
  uint8_t type = (fc >> 10) & 3, subtype = uint8_t(fc >> 12);
  PutBytes(b, f.MacAddress("addr1"));
  for (const char* key : {"addr2", "addr3"})
    if (f.Has(key)) PutBytes(b, f.MacAddress(key));
  if (type == 0 || type == 2) PutLe(b, f.Uint("seq", 4095) << 4 | f.Uint("frag", 15), 2);
  if (f.Has("addr4")) PutBytes(b, f.MacAddress("addr4"));
  if (f.Has("qos")) PutLe(b, f.U16("qos"), 2);
  if (f.Has("htc")) PutLe(b, f.U32("htc"), 4);
  if (f.Has("iv")) PutBytes(b, f.Hex("iv"));
  if (type == 0 && !f.Has("iv")) PutManagementBody(f, subtype, b);
  if (f.Has("data")) PutBytes(b, f.Hex("data"));
  // The FCS is the layer's `after` bytes, after its payload (frame_builder.cc).
  p.Append(Raw{std::move(b)});
}

void PutPpiCommon(FieldReader& t, Bytes& b) {
  PutLe(b, t.Uint("tsft", ~uint64_t(0)), 8);
  for (const char* key : {"flags", "rate", "channel_freq", "channel_flags"})
    PutLe(b, t.U16(key), 2);
  Put8(b, t.U8("fhss_hopset"));
  Put8(b, t.U8("fhss_pattern"));
  Put8(b, SignedByte(t, "dbm_antsignal"));
  Put8(b, SignedByte(t, "dbm_antnoise"));
}

void ReadPpi(FieldReader& f, Packet& p) {
  Bytes b{f.U8("version"), f.U8("flags")};
  uint16_t length = f.U16("length");
  PutLe(b, length, 2);
  PutLe(b, f.U32("dlt"), 4);
  bool aligned = f.Bool("aligned");
  f.EachObject("fields", [&](FieldReader& t) {
    if (t.Has("error")) return t.Fail("error", "a malformed field's bytes are in no record");
    uint16_t size = t.U16("length");
    PutLe(b, t.U16("type"), 2);
    PutLe(b, size, 2);
    size_t start = b.size();
    if (t.Has("tsft")) {
      PutPpiCommon(t, b);
    } else if (t.Has("data")) {
      PutBytes(b, t.Hex("data"));
    }
    if (t.ok() && b.size() - start != size) t.Fail("length", "not the data's length");
    while (aligned && b.size() % 4 && b.size() < length) Put8(b, 0);
  });
  if (f.ok() && b.size() > length) return f.Fail("length", "shorter than the fields");
  b.resize(length, 0);
  p.Append(Raw{std::move(b)});
}

constexpr LayerReader kReaders[] = {
    {"ppi", ReadPpi},
    {"radiotap", ReadRadiotap},
    {"wlan", ReadWlan},
};

}  // namespace

std::span<const LayerReader> WifiReaders() {
  return kReaders;
}

}  // namespace pcapkit::ipsuite::records
