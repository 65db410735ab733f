// Radiotap (link type 127) headers built byte by byte: the common fields and their
// alignment, the FCS flag (the 802.11 frame's last 4 bytes are its FCS), MCS, VHT and
// A-MPDU status, present chains of several words (a second radiotap namespace, a vendor
// namespace skipped whole), a field whose size is unknown, and the malformed headers.
#include <gtest/gtest.h>

#include "testing/test_util.h"
#include "testing/wifi_frames.h"

namespace {

using namespace testutil;
using nlohmann::json;

constexpr uint32_t kRadiotap = 127;

// A QoS data frame to the AP (To DS), carrying LLC/SNAP and an IPv4/UDP packet.
Bytes QosData() {
  Bytes f = MacHeader(2, 8, 0x01);
  PutLe(f, 0x0005, 2);
  pcapkit::ipsuite::PutBytes(f, Snap(0x0800, UdpPacket()));
  return f;
}

// TSFT, flags, rate, channel, antenna signal and noise, antenna: the 8-byte header, then
// 8 + 1 + 1 + 4 (at 18: aligned to 2 without padding) + 1 + 1 + 1 bytes.
Bytes CommonFields(uint8_t flags) {
  Bytes f;
  PutLe(f, 1234567890, 8);  // TSFT at 8: aligned
  f.push_back(flags);
  f.push_back(11);    // 5.5 Mb/s
  PutLe(f, 2437, 2);  // channel at 18: aligned to 2
  PutLe(f, 0x00a0, 2);
  f.push_back(0xc4);  // -60 dBm
  f.push_back(0xa1);  // -95 dBm
  f.push_back(1);
  return f;
}

constexpr uint32_t kCommonPresent = 0x0000086f;

TEST(Radiotap, CommonFieldsThenTheFrame) {
  Bytes frame = Concat({Radiotap({kCommonPresent}, CommonFields(0)), QosData()});
  json r = testutil::DissectFrame(frame, kRadiotap);
  EXPECT_EQ(r["protocols"], "Radiotap:802.11:LLC:IPv4:UDP:Raw");
  json h = r["radiotap"];
  EXPECT_EQ(h["version"], 0);
  EXPECT_EQ(h["length"], 25);
  EXPECT_EQ(h["present"], json::array({kCommonPresent}));
  EXPECT_EQ(h["tsft"], 1234567890);
  EXPECT_EQ(h["flags"], 0);
  EXPECT_EQ(h["fcs_at_end"], false);
  EXPECT_EQ(h["rate"], 11);
  EXPECT_EQ(h["rate_mbps"], 5.5);
  EXPECT_EQ(h["channel_freq"], 2437);
  EXPECT_EQ(h["channel_flags"], 0xa0);
  EXPECT_EQ(h["dbm_antsignal"], -60);
  EXPECT_EQ(h["dbm_antnoise"], -95);
  EXPECT_EQ(h["antenna"], 1);
  EXPECT_FALSE(h["wlan"].contains("fcs"));
}

TEST(Radiotap, FcsAtEndIsNotPayload) {
  Bytes frame = Concat(
      {Radiotap({kCommonPresent}, CommonFields(0x10)), QosData(), Bytes{0x11, 0x22, 0x33, 0x44}});
  json r = testutil::DissectFrame(frame, kRadiotap);
  EXPECT_EQ(r["protocols"], "Radiotap:802.11:LLC:IPv4:UDP:Raw");
  EXPECT_EQ(r["radiotap"]["fcs_at_end"], true);
  json w = r["radiotap"]["wlan"];
  EXPECT_EQ(w["fcs"], 0x44332211);
  // The UDP payload is its 3 bytes, not 7.
  EXPECT_EQ(w["llc"]["ipv4"]["udp"]["raw"]["len"], 3);
}

TEST(Radiotap, BadFcsFlag) {
  Bytes frame = Concat({Radiotap({0x2}, Bytes{0x50}), QosData(), Bytes{0, 0, 0, 0}});
  json r = testutil::DissectFrame(frame, kRadiotap);
  EXPECT_EQ(r["radiotap"]["bad_fcs"], true);
  EXPECT_EQ(r["radiotap"]["wlan"]["fcs"], 0);
}

TEST(Radiotap, McsVhtAndAmpdu) {
  // Flags (8), MCS (9..11), pad to 12, A-MPDU (12..19), VHT (20..31).
  Bytes f{0x00, 0x1f, 0x01, 0x07};
  PutLe(f, 42, 4);
  PutLe(f, 0x0004, 2);
  f.push_back(0x00);
  f.push_back(0x00);
  PutLe(f, 0x0044, 2);
  Bytes vht{0x04, 0x04, 0x92, 0x00, 0x00, 0x00, 0x01, 0x05};
  pcapkit::ipsuite::PutBytes(f, vht);
  PutLe(f, 0x1234, 2);
  json h =
      testutil::DissectFrame(Concat({Radiotap({0x00380002}, f), QosData()}), kRadiotap)["radiotap"];
  EXPECT_EQ(h["mcs_known"], 0x1f);
  EXPECT_EQ(h["mcs_flags"], 1);
  EXPECT_EQ(h["mcs_index"], 7);
  EXPECT_EQ(h["ampdu_reference"], 42);
  EXPECT_EQ(h["ampdu_flags"], 4);
  EXPECT_EQ(h["vht_known"], 0x44);
  EXPECT_EQ(h["vht_bandwidth"], 4);
  EXPECT_EQ(h["vht_mcs_nss"], json::array({0x92, 0, 0, 0}));
  EXPECT_EQ(h["vht_coding"], 1);
  EXPECT_EQ(h["vht_group_id"], 5);
  EXPECT_EQ(h["vht_partial_aid"], 0x1234);
  EXPECT_EQ(h["wlan"]["type_subtype"], 0x28);
}

// FHSS is aligned to 2 (as Linux and Wireshark place it): after the 1-byte flags a pad
// byte comes first, and the field after it moves along.
TEST(Radiotap, FhssIsAlignedToTwo) {
  Bytes f{0x00, 0x00, 0x11, 0x22, 0xc4};  // flags, pad, hop set, hop pattern, signal
  json h = DissectFrame(Concat({Radiotap({0x32}, f), QosData()}), kRadiotap)["radiotap"];
  EXPECT_EQ(h["fhss_hopset"], 0x11);
  EXPECT_EQ(h["fhss_pattern"], 0x22);
  EXPECT_EQ(h["dbm_antsignal"], -60);
}

// Alignment bytes are zeros by the specification, but captures hold others: they are kept,
// in order, so that `pcapkit build` gives the header back (absent when all are zeros).
TEST(Radiotap, NonZeroAlignmentBytesAreKept) {
  Bytes f{0x00, 0x7f, 0x11, 0x22, 0xc4};  // flags, a pad byte of 0x7f, hop set and pattern
  json h = DissectFrame(Concat({Radiotap({0x32}, f), QosData()}), kRadiotap)["radiotap"];
  EXPECT_EQ(h["align_pad"], "7f");
  EXPECT_EQ(h["fhss_hopset"], 0x11);
  json zero = DissectFrame(Concat({Radiotap({0x32}, Bytes{0, 0, 0x11, 0x22, 0xc4}), QosData()}),
                           kRadiotap)["radiotap"];
  EXPECT_FALSE(zero.contains("align_pad"));
}

// The FCS after the 802.11 frame's payload is outside the 802.11 layer: its `after`
// bytes (the value is `fcs`).
TEST(Radiotap, TheFcsIsThe80211LayersTrailingBytes) {
  Bytes frame = Concat(
      {Radiotap({kCommonPresent}, CommonFields(0x10)), QosData(), Bytes{0x11, 0x22, 0x33, 0x44}});
  pcapkit::ExtractOptions o;
  o.payload = true;
  json w = testutil::DissectFrame(frame, kRadiotap, o)["radiotap"]["wlan"];
  EXPECT_EQ(w["after"], json({{"len", 4}, {"data", "11223344"}}));
  EXPECT_FALSE(w["llc"].contains("after"));
}

TEST(Radiotap, ASecondNamespaceRepeatingAFieldEndsTheWalk) {
  // Word 0: TSFT, flags, signal, then the radiotap namespace again; word 1: signal and
  // antenna, then a vendor namespace; word 2 (the vendor's): its bit 0.
  Bytes f;  // TSFT at 16: aligned
  PutLe(f, 7, 8);
  f.push_back(0x10);  // flags: FCS at end
  f.push_back(0xc4);
  f.push_back(0xb0);  // the second antenna's signal
  f.push_back(2);     // its antenna; the vendor header follows at 28, aligned to 2
  Bytes vendor{0x00, 0x11, 0x22, 3, 4, 0, 0xde, 0xad, 0xbe, 0xef};
  pcapkit::ipsuite::PutBytes(f, vendor);
  Bytes frame =
      Concat({Radiotap({0xa0000023, 0xc0000820, 0x00000001}, f), QosData(), Bytes{1, 2, 3, 4}});
  json r = testutil::DissectFrame(frame, kRadiotap);
  EXPECT_EQ(r["protocols"], "Radiotap:802.11:LLC:IPv4:UDP:Raw");
  json h = r["radiotap"];
  EXPECT_EQ(h["present"].size(), 3u);
  EXPECT_EQ(h["tsft"], 7);
  EXPECT_EQ(h["dbm_antsignal"], -60);  // the first namespace's
  // The second namespace repeats a field: the walk ends there, the rest kept as hex (so a
  // rebuild keeps it), the vendor namespace after it included.
  EXPECT_FALSE(h.contains("antenna"));
  EXPECT_EQ(h["undecoded_field"], 5);
  EXPECT_EQ(h["undecoded"], "b002001122030400deadbeef");
  EXPECT_FALSE(h.contains("vendor_namespaces"));
  EXPECT_EQ(h["wlan"]["fcs"], 0x04030201);
}

TEST(Radiotap, UnknownFieldStopsTheWalkNotTheFrame) {
  // Word 0: flags and ext; word 1: bit 32 + 3 of the radiotap namespace, unknown here.
  Bytes frame = Concat({Radiotap({0x80000002, 0x00000008}, Bytes{0x00, 0, 0, 0}), QosData()});
  json r = testutil::DissectFrame(frame, kRadiotap);
  EXPECT_EQ(r["protocols"], "Radiotap:802.11:LLC:IPv4:UDP:Raw");
  EXPECT_EQ(r["radiotap"]["undecoded_field"], 35);
  EXPECT_EQ(r["radiotap"]["flags"], 0);
}

TEST(Radiotap, MalformedHeaders) {
  Bytes good = Concat({Radiotap({kCommonPresent}, CommonFields(0)), QosData()});
  auto error = [](const Bytes& b) {
    json r = testutil::DissectFrame(b, kRadiotap);
    EXPECT_EQ(r["protocols"], "Raw");
    return r["raw"].value("error", "");
  };
  EXPECT_EQ(error(Bytes(good.begin(), good.begin() + 7)), "radiotap: header truncated");
  Bytes version = good;
  version[0] = 1;
  EXPECT_EQ(error(version), "radiotap: version other than 0");
  Bytes small = good;
  small[2] = 4;
  EXPECT_EQ(error(small), "radiotap: header length below 8");
  Bytes past = good;
  past[2] = 0xff;
  past[3] = 0xff;
  EXPECT_EQ(error(past), "radiotap: header length past the frame");
  // Every word says another follows, up to the header's end.
  Bytes chain = Concat({Radiotap({0x80000000, 0x80000000}, {}), QosData()});
  EXPECT_EQ(error(chain), "radiotap: present flags run past the header");
  // TSFT needs 8 bytes at 8; the header ends at 12.
  Bytes field = Concat({Radiotap({0x1}, Bytes{0, 0, 0, 0}), QosData()});
  EXPECT_EQ(error(field), "radiotap: a field runs past the header");
  // Bits 29 and 30 together.
  Bytes both = Concat({Radiotap({0xe0000000, 0}, {}), QosData()});
  EXPECT_EQ(error(both), "radiotap: a word names two namespaces");
  // A vendor namespace whose skip length runs past the header.
  Bytes vendor = Concat({Radiotap({0xc0000000, 0}, Bytes{0, 0x11, 0x22, 0, 0xff, 0}), QosData()});
  EXPECT_EQ(error(vendor), "radiotap: a field runs past the header");
}

TEST(Radiotap, HeaderAloneAndCutFrames) {
  json alone = testutil::DissectFrame(Radiotap({0x2}, Bytes{0}), kRadiotap);
  EXPECT_EQ(alone["protocols"], "Radiotap");
  // An 802.11 frame too short for its header: raw with the 802.11 error.
  json cut =
      testutil::DissectFrame(Concat({Radiotap({0x2}, Bytes{0}), Bytes{0xd4, 0, 0, 0}}), kRadiotap);
  EXPECT_EQ(cut["protocols"], "Radiotap:Raw");
  EXPECT_EQ(cut["radiotap"]["raw"]["error"], "802.11: header truncated");
  // With the FCS flag, fewer than 4 bytes after the header.
  json fcs = testutil::DissectFrame(Concat({Radiotap({0x2}, Bytes{0x10}), Bytes{1, 2}}), kRadiotap);
  EXPECT_EQ(fcs["radiotap"]["raw"]["error"], "802.11: frame shorter than its FCS");
}

}  // namespace
