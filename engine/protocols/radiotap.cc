// Radiotap (LINKTYPE_IEEE802_11_RADIOTAP 127, radiotap.org): what a monitor-mode receiver
// knew about a frame, then the 802.11 frame. A little-endian header (version 0, pad, the
// header's length), a chain of 32-bit present words (bit 31: another word follows), then
// the fields the words name, in bit order, each aligned to its natural size counted from
// the header's start. Bit 29 of a word starts the radiotap namespace again (the next word
// names fields 0-28 anew: a second antenna's), bit 30 a vendor namespace: a 6-byte header
// (OUI, sub-namespace, skip length) and `skip length` bytes of the vendor's fields,
// which are skipped whole; bits in a word without either continue the namespace at +32.
// A field this file does not know the size of ends the walk (nothing after it can be
// placed), as it does in tshark. When the flags field says the frame ends in its FCS, the
// 802.11 frame is dissected by the table key that says so.
#include <cstdio>

#include "engine/protocols/common.h"
#include "engine/protocols/radiotap_walk.h"

namespace pcapkit::protocols {
namespace {

using radiotap::FieldWalk;
using radiotap::Item;
using radiotap::kFixedHeader;
using radiotap::PresentWords;

constexpr uint8_t kFlagFcsAtEnd = 0x10;
constexpr uint32_t kFlagsField = 1;

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < kFixedHeader) {
    out.error = "radiotap: header truncated";
    return;
  }
  uint32_t hdr_len = Le16(p + 2);
  if (p[0] != 0) {
    out.error = "radiotap: version other than 0";
  } else if (hdr_len < kFixedHeader) {
    out.error = "radiotap: header length below 8";
  } else if (hdr_len > len) {
    out.error = "radiotap: header length past the frame";
  } else if (PresentWords(p, hdr_len) == 0) {
    out.error = "radiotap: present flags run past the header";
  }
  if (out.error != nullptr) return;
  FieldWalk walk(p, hdr_len, PresentWords(p, hdr_len));
  Item item;
  uint8_t flags = 0;
  while (walk.Next(item)) {
    if (item.kind == Item::kPastHeader || item.kind == Item::kBadNamespace) {
      out.error = item.kind == Item::kPastHeader ? "radiotap: a field runs past the header"
                                                 : "radiotap: a word names two namespaces";
      return;
    }
    if (item.kind == Item::kField && item.bit == kFlagsField) flags = p[item.offset];
  }
  bool fcs = (flags & kFlagFcsAtEnd) != 0;
  Carry(out, hdr_len, len, Table::kRadioFrame, fcs ? 1 : 0);
}

void WriteFlags(uint8_t v, Emitter& out) {
  out.Uint("flags", v);
  out.Bool("cfp", v & 0x01);
  out.Bool("short_preamble", v & 0x02);
  out.Bool("wep", v & 0x04);
  out.Bool("fragmented", v & 0x08);
  out.Bool("fcs_at_end", v & 0x10);
  out.Bool("datapad", v & 0x20);
  out.Bool("bad_fcs", v & 0x40);
  out.Bool("short_gi", v & 0x80);
}

// The rate in 500 kb/s units, as megabits per second ("5.5").
void WriteRate(uint8_t v, Emitter& out) {
  out.Uint("rate", v);
  char text[8];
  int n = v % 2 ? std::snprintf(text, sizeof text, "%u.5", v / 2u)
                : std::snprintf(text, sizeof text, "%u", v / 2u);
  out.Number("rate_mbps", std::string_view(text, size_t(n)));
}

void WriteVht(const uint8_t* f, Emitter& out) {
  out.Uint("vht_known", Le16(f));
  out.Uint("vht_flags", f[2]);
  out.Uint("vht_bandwidth", f[3]);
  out.BeginArray("vht_mcs_nss");
  for (int user = 0; user < 4; ++user) out.Uint({}, f[4 + user]);
  out.EndArray();
  out.Uint("vht_coding", f[8]);
  out.Uint("vht_group_id", f[9]);
  out.Uint("vht_partial_aid", Le16(f + 10));
}

// Fields of two or more members, and those past the first 16 bits.
void WriteWideField(uint32_t bit, const uint8_t* f, Emitter& out) {
  switch (bit) {
    case 18:
      out.Uint("xchannel_flags", Le32(f));
      out.Uint("xchannel_freq", Le16(f + 4));
      out.Uint("xchannel_channel", f[6]);
      out.Uint("xchannel_maxpower", f[7]);
      return;
    case 19:
      out.Uint("mcs_known", f[0]);
      out.Uint("mcs_flags", f[1]);
      out.Uint("mcs_index", f[2]);
      return;
    case 20:
      out.Uint("ampdu_reference", Le32(f));
      out.Uint("ampdu_flags", Le16(f + 4));
      out.Uint("ampdu_delim_crc", f[6]);
      return;
    case 21:
      return WriteVht(f, out);
    case 22:
      out.Uint("timestamp", Le64(f));
      out.Uint("timestamp_accuracy", Le16(f + 8));
      out.Uint("timestamp_unit_position", f[10]);
      out.Uint("timestamp_flags", f[11]);
      return;
    case 23:
      return out.Hex("he", f, 12);
    case 24:
      return out.Hex("he_mu", f, 12);
    case 25:
      return out.Hex("he_mu_user", f, 6);
    case 26:
      return out.Uint("zero_length_psdu_type", f[0]);
    case 27:
      out.Uint("lsig_data1", Le16(f));
      out.Uint("lsig_data2", Le16(f + 2));
      return;
  }
}

void WriteField(uint32_t bit, const uint8_t* f, Emitter& out) {
  switch (bit) {
    case 0:
      return out.Uint("tsft", Le64(f));
    case 1:
      return WriteFlags(f[0], out);
    case 2:
      return WriteRate(f[0], out);
    case 3:
      out.Uint("channel_freq", Le16(f));
      out.Uint("channel_flags", Le16(f + 2));
      return;
    case 4:
      out.Uint("fhss_hopset", f[0]);
      out.Uint("fhss_pattern", f[1]);
      return;
    case 5:
      return out.Int("dbm_antsignal", int8_t(f[0]));
    case 6:
      return out.Int("dbm_antnoise", int8_t(f[0]));
    case 7:
      return out.Uint("lock_quality", Le16(f));
    case 8:
      return out.Uint("tx_attenuation", Le16(f));
    case 9:
      return out.Uint("db_tx_attenuation", Le16(f));
    case 10:
      return out.Int("dbm_tx_power", int8_t(f[0]));
    case 11:
      return out.Uint("antenna", f[0]);
    case 12:
      return out.Uint("db_antsignal", f[0]);
    case 13:
      return out.Uint("db_antnoise", f[0]);
    case 14:
      return out.Uint("rx_flags", Le16(f));
    case 15:
      return out.Uint("tx_flags", Le16(f));
    case 16:
      return out.Uint("rts_retries", f[0]);
    case 17:
      return out.Uint("data_retries", f[0]);
  }
  WriteWideField(bit, f, out);
}

// Fields of the radiotap namespace in order, up to the first one not decoded: of unknown
// size, or a second namespace's repeat of a field (another antenna's, which tshark lists
// again); the header's bytes from there on, or after the last field, are kept as hex.
void WriteFields(const LayerContext& l, uint32_t words, Emitter& out) {
  FieldWalk walk(l.p, l.hdr_len, words);
  Item item;
  uint64_t seen = 0;
  uint32_t end = 4 + 4 * words;
  radiotap::AlignmentGaps gaps(end);
  uint8_t pad[radiotap::AlignmentGaps::kMaxBytes];
  size_t padded = 0;
  bool nonzero = false;
  while (walk.Next(item)) {
    if (item.kind == Item::kField && (seen & (uint64_t(1) << item.bit)) == 0) {
      seen |= uint64_t(1) << item.bit;
      radiotap::AlignmentGaps::Gap gap = gaps.Before(item);
      for (uint32_t at = gap.from; at < gap.to && padded < sizeof pad; ++at)
        nonzero |= (pad[padded++] = l.p[at]) != 0;
      WriteField(item.bit, l.p + item.offset, out);
      end = item.offset + radiotap::kShapes[item.bit].size;
      continue;
    }
    if (item.kind == Item::kVendor) {  // WriteVendorNamespaces lists them
      gaps.Before(item);
      continue;
    }
    out.Uint("undecoded_field", item.bit);
    end = item.offset;
    break;
  }
  if (end < l.hdr_len) out.Hex("undecoded", l.p + end, l.hdr_len - end);
  if (nonzero) out.Hex("align_pad", pad, padded);
}

void WriteVendorNamespaces(const LayerContext& l, uint32_t words, Emitter& out) {
  FieldWalk walk(l.p, l.hdr_len, words);
  Item item;
  uint64_t seen = 0;
  bool any = false;
  while (walk.Next(item)) {
    if (item.kind == Item::kUnknown || (item.kind == Item::kField && (seen >> item.bit) & 1))
      break;  // the rest is in `undecoded`
    if (item.kind == Item::kField) seen |= uint64_t(1) << item.bit;
    if (item.kind != Item::kVendor) continue;
    if (!any) out.BeginArray("vendor_namespaces");
    any = true;
    const uint8_t* v = l.p + item.offset;
    out.BeginObject();
    out.Uint("oui", uint32_t(v[0]) << 16 | uint32_t(v[1]) << 8 | v[2]);
    out.Uint("sub_namespace", v[3]);
    out.Uint("skip_length", Le16(v + 4));
    if (Le16(v + 4) > 0) out.Hex("data", v + 6, Le16(v + 4));
    out.EndObject();
  }
  if (any) out.EndArray();
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  uint32_t words = PresentWords(p, l.hdr_len);
  out.Uint("version", p[0]);
  out.Uint("pad", p[1]);
  out.Uint("length", Le16(p + 2));
  out.BeginArray("present");
  for (uint32_t i = 0; i < words; ++i) out.Uint({}, Le32(p + 4 + 4 * i));
  out.EndArray();
  WriteFields(l, words, out);
  WriteVendorNamespaces(l, words, out);
}

constexpr FieldSpec kFields[] = {
    {"version", kInt, "header revision (0)", "radiotap.version"},
    {"pad", kInt, "the padding byte", "radiotap.pad"},
    {"length", kInt, "header length: present words, fields and vendor namespaces",
     "radiotap.length"},
    {"present", kList, "the present words, in order (bit 31: another follows)", nullptr},
    {"present[]", kInt, "a present word", "radiotap.present.word"},
    {"align_pad", kHex,
     "the bytes that align the fields, in order, when one of them is not zero (absent "
     "otherwise: they are zeros)",
     nullptr},
    {"tsft", kInt, "TSFT: the MAC's 64-bit timer when the frame's first bit arrived, in µs",
     "radiotap.mactime"},
    {"flags", kInt, "Flags: the byte whose bits follow", "radiotap.flags"},
    {"cfp", kBool, "Flags 0x01: sent during the contention-free period", "radiotap.flags.cfp"},
    {"short_preamble", kBool, "Flags 0x02: short preamble", "radiotap.flags.preamble"},
    {"wep", kBool, "Flags 0x04: sent or received encrypted", "radiotap.flags.wep"},
    {"fragmented", kBool, "Flags 0x08: sent or received as fragments", "radiotap.flags.frag"},
    {"fcs_at_end", kBool, "Flags 0x10: the 802.11 frame ends in its 4-byte FCS",
     "radiotap.flags.fcs"},
    {"datapad", kBool, "Flags 0x20: padding between the 802.11 header and body",
     "radiotap.flags.datapad"},
    {"bad_fcs", kBool, "Flags 0x40: the frame failed its FCS check", "radiotap.flags.badfcs"},
    {"short_gi", kBool, "Flags 0x80: short guard interval (HT)", "radiotap.flags.shortgi"},
    {"rate", kInt, "Rate: the legacy data rate in 500 kb/s units", nullptr},
    {"rate_mbps", kNumber, "Rate in Mb/s (`5.5`)", "radiotap.datarate"},
    {"channel_freq", kInt, "Channel: frequency in MHz", "radiotap.channel.freq"},
    {"channel_flags", kInt,
     "Channel: flags (0x0010 turbo, 0x0020 CCK, 0x0040 OFDM, 0x0080 2 GHz, "
     "0x0100 5 GHz, ...)",
     "radiotap.channel.flags"},
    {"fhss_hopset", kInt, "FHSS: hop set", "radiotap.fhss.hopset"},
    {"fhss_pattern", kInt, "FHSS: hop pattern", "radiotap.fhss.pattern"},
    {"dbm_antsignal", kInt, "antenna signal in dBm (signed)", "radiotap.dbm_antsignal"},
    {"dbm_antnoise", kInt, "antenna noise in dBm (signed)", "radiotap.dbm_antnoise"},
    {"lock_quality", kInt, "Barker code lock quality", "radiotap.quality"},
    {"tx_attenuation", kInt, "transmit power below the maximum, unitless",
     "radiotap.txattenuation"},
    {"db_tx_attenuation", kInt, "transmit power below the maximum, dB",
     "radiotap.db_txattenuation"},
    {"dbm_tx_power", kInt, "transmit power in dBm (signed)", "radiotap.txpower"},
    {"antenna", kInt, "antenna index", "radiotap.antenna"},
    {"db_antsignal", kInt, "antenna signal in dB above an arbitrary reference",
     "radiotap.db_antsignal"},
    {"db_antnoise", kInt, "antenna noise in dB above an arbitrary reference",
     "radiotap.db_antnoise"},
    {"rx_flags", kInt, "RX flags (0x0002 bad PLCP)", "radiotap.rxflags"},
    {"tx_flags", kInt, "TX flags", "radiotap.txflags"},
    {"rts_retries", kInt, "RTS retries", nullptr},
    {"data_retries", kInt, "data retries", "radiotap.data_retries"},
    {"xchannel_flags", kInt, "XChannel: flags (32 bits)", "radiotap.xchannel.flags"},
    {"xchannel_freq", kInt, "XChannel: frequency in MHz", "radiotap.xchannel.freq"},
    {"xchannel_channel", kInt, "XChannel: channel number", "radiotap.xchannel.channel"},
    {"xchannel_maxpower", kInt, "XChannel: maximum power", nullptr},
    {"mcs_known", kInt, "MCS: which of the flags' members are known", "radiotap.mcs.known"},
    {"mcs_flags", kInt, "MCS: bandwidth (bits 0-1), guard interval, format, FEC, STBC, Ness",
     nullptr},
    {"mcs_index", kInt, "MCS: the MCS index", "radiotap.mcs.index"},
    {"ampdu_reference", kInt, "A-MPDU status: reference number", "radiotap.ampdu.reference"},
    {"ampdu_flags", kInt, "A-MPDU status: flags", "radiotap.ampdu.flags"},
    {"ampdu_delim_crc", kInt, "A-MPDU status: delimiter CRC value", nullptr},
    {"vht_known", kInt, "VHT: which members are known", nullptr},
    {"vht_flags", kInt, "VHT: STBC, TXOP_PS, GI, LDPC extra, beamformed", nullptr},
    {"vht_bandwidth", kInt, "VHT: the bandwidth code (0 20 MHz, 1 40, 4 80, 11 160...)", nullptr},
    {"vht_mcs_nss", kList, "VHT: per user, MCS (high nibble) and NSS (low nibble)", nullptr},
    {"vht_mcs_nss[]", kInt, "one user's MCS and NSS byte", nullptr},
    {"vht_coding", kInt, "VHT: per user, LDPC (1) or BCC (0), a bit each", nullptr},
    {"vht_group_id", kInt, "VHT: group id", nullptr},
    {"vht_partial_aid", kInt, "VHT: partial AID", nullptr},
    {"timestamp", kInt, "timestamp field: the time stamp", "radiotap.timestamp.ts"},
    {"timestamp_accuracy", kInt, "timestamp field: accuracy", nullptr},
    {"timestamp_unit_position", kInt, "timestamp field: unit and sampling position", nullptr},
    {"timestamp_flags", kInt, "timestamp field: flags", nullptr},
    {"he", kHex, "HE: the six 16-bit data words", nullptr},
    {"he_mu", kHex, "HE-MU: its 12 bytes", nullptr},
    {"he_mu_user", kHex, "HE-MU-other-user: its 6 bytes", nullptr},
    {"zero_length_psdu_type", kInt, "0-length PSDU: why no PSDU was captured",
     "radiotap.0_len_psdu.type"},
    {"lsig_data1", kInt, "L-SIG: which members are known", "radiotap.l_sig.data1"},
    {"lsig_data2", kInt, "L-SIG: rate and length", "radiotap.l_sig.data2"},
    {"undecoded_field", kInt,
     "the bit of the first field not written: of a size not known here (or the TLV list, bit "
     "28), or a later namespace's repeat of a field (another antenna's); the walk ends there",
     nullptr},
    {"undecoded", kHex,
     "the header's bytes from the first field not written (or after the last field) to its end",
     nullptr},
    {"vendor_namespaces", kList, "the vendor namespaces, in order", nullptr},
    {"vendor_namespaces[].oui", kInt, "the vendor's OUI", "radiotap.vendor_oui"},
    {"vendor_namespaces[].sub_namespace", kInt, "the vendor's sub-namespace",
     "radiotap.vendor_subns"},
    {"vendor_namespaces[].skip_length", kInt, "bytes of the vendor's fields",
     "radiotap.vendor_data_len"},
    {"vendor_namespaces[].data", kHex, "the vendor's fields", nullptr},
};

}  // namespace

const Registration kRegistration("radiotap", [](Registry& r) {
  r.Add(
      {.name = "Radiotap",
       .key = "radiotap",
       .layer = LayerLevel::kLink,
       .dissect = Dissect,
       .write = Write,
       .fields = kFields,
       .summary = "*(extension)* The radio header of monitor-mode captures (link type 127), then "
                  "the 802.11 frame, ending in its FCS when `fcs_at_end`. Fields of a second "
                  "radiotap namespace (another antenna's) are not written. A frame shorter than 8 "
                  "bytes, a version other than 0, a header length below 8 or past the frame, a "
                  "present chain or a field running past the header, or a word naming both "
                  "namespaces, is `raw` with an error."},
      {{Table::kLinkType, 127}});
});

}  // namespace pcapkit::protocols
