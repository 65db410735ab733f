// PPI (link type 192) headers built byte by byte: the 802.11-common field and its FCS
// flag, an aligned header with a second field, another DLT's packet, and the malformed
// ones (a cut header, a length below 8 or past the frame, a field past the header).
#include <gtest/gtest.h>

#include "testing/test_util.h"
#include "testing/wifi_frames.h"

namespace {

using namespace testutil;
using nlohmann::json;
using pcapkit::ipsuite::PutBytes;

constexpr uint32_t kPpi = 192;

// The header and its fields (type, data); with `aligned`, each field padded to 4 bytes.
Bytes Ppi(uint32_t dlt, std::initializer_list<std::pair<uint16_t, Bytes>> fields,
          bool aligned = false) {
  Bytes b{0, uint8_t(aligned ? 1 : 0), 0, 0};
  PutLe(b, dlt, 4);
  for (const auto& [type, data] : fields) {
    PutLe(b, type, 2);
    PutLe(b, data.size(), 2);
    PutBytes(b, data);
    while (aligned && b.size() % 4) b.push_back(0);
  }
  b[2] = uint8_t(b.size());
  b[3] = uint8_t(b.size() >> 8);
  return b;
}

Bytes Common80211(uint16_t flags) {
  Bytes v;
  PutLe(v, 123456789, 8);
  PutLe(v, flags, 2);
  PutLe(v, 22, 2);
  PutLe(v, 2437, 2);
  PutLe(v, 0x00a0, 2);
  PutBytes(v, Bytes{0, 0, 0xd8, 0xa1});  // FHSS, -40 dBm, -95 dBm
  return v;
}

Bytes DataFrame() {
  return Concat({MacHeader(2, 0, 0x01), Snap(0x0800, UdpPacket())});
}

TEST(Ppi, CommonFieldThenThe80211Frame) {
  json r = testutil::DissectFrame(Concat({Ppi(105, {{2, Common80211(0)}}), DataFrame()}), kPpi);
  EXPECT_EQ(r["protocols"], "PPI:802.11:LLC:IPv4:UDP:Raw");
  json h = r["ppi"];
  EXPECT_EQ(h["version"], 0);
  EXPECT_EQ(h["aligned"], false);
  EXPECT_EQ(h["length"], 32);
  EXPECT_EQ(h["dlt"], 105);
  ASSERT_EQ(h["fields"].size(), 1u);
  json c = h["fields"][0];
  EXPECT_EQ(c["type"], 2);
  EXPECT_EQ(c["length"], 20);
  EXPECT_EQ(c["tsft"], 123456789);
  EXPECT_EQ(c["rate"], 22);
  EXPECT_EQ(c["channel_freq"], 2437);
  EXPECT_EQ(c["dbm_antsignal"], -40);
  EXPECT_EQ(c["dbm_antnoise"], -95);
  EXPECT_EQ(c["fcs_present"], false);
  EXPECT_FALSE(h["wlan"].contains("fcs"));
}

TEST(Ppi, FcsFlagTrimsTheFrame) {
  Bytes b = Concat({Ppi(105, {{2, Common80211(1)}}), DataFrame(), Bytes{9, 8, 7, 6}});
  json r = testutil::DissectFrame(b, kPpi);
  EXPECT_EQ(r["protocols"], "PPI:802.11:LLC:IPv4:UDP:Raw");
  EXPECT_EQ(r["ppi"]["fields"][0]["fcs_present"], true);
  EXPECT_EQ(r["ppi"]["wlan"]["fcs"], 0x06070809);
}

TEST(Ppi, AlignedFieldsAndAnotherType) {
  Bytes b = Concat({Ppi(105, {{4, Bytes(5, 0xee)}, {2, Common80211(0)}}, true), DataFrame()});
  json r = testutil::DissectFrame(b, kPpi);
  EXPECT_EQ(r["protocols"], "PPI:802.11:LLC:IPv4:UDP:Raw");
  json h = r["ppi"];
  EXPECT_EQ(h["aligned"], true);
  ASSERT_EQ(h["fields"].size(), 2u);
  EXPECT_EQ(h["fields"][0]["type"], 4);
  EXPECT_EQ(h["fields"][0]["data"], "eeeeeeeeee");
  EXPECT_EQ(h["fields"][1]["tsft"], 123456789);
}

TEST(Ppi, AnotherDlt) {
  using namespace pcapkit::ipsuite;
  Bytes eth = (Ethernet{} / Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build();
  json r = testutil::DissectFrame(Concat({Ppi(1, {}), eth}), kPpi);
  EXPECT_EQ(r["protocols"], "PPI:Ethernet:IPv4:UDP");
  EXPECT_EQ(r["ppi"]["fields"].size(), 0u);
}

TEST(Ppi, MalformedHeaders) {
  Bytes good = Concat({Ppi(105, {{2, Common80211(0)}}), DataFrame()});
  auto error = [](const Bytes& b) {
    json r = testutil::DissectFrame(b, kPpi);
    EXPECT_EQ(r["protocols"], "Raw");
    return r["raw"].value("error", "");
  };
  EXPECT_EQ(error(Bytes(good.begin(), good.begin() + 7)), "PPI: header truncated");
  Bytes version = good;
  version[0] = 1;
  EXPECT_EQ(error(version), "PPI: version other than 0");
  Bytes small = good;
  small[2] = 6;
  EXPECT_EQ(error(small), "PPI: header length below 8");
  Bytes past = good;
  past[3] = 0x10;
  EXPECT_EQ(error(past), "PPI: header length past the frame");
  // The field says 20 bytes; the header ends 10 bytes into them: the list ends in an error,
  // the packet after the header is still dissected.
  Bytes cut = good;
  cut[2] = 22;
  Bytes lies = Concat({Bytes(cut.begin(), cut.begin() + 22), DataFrame()});
  json r = testutil::DissectFrame(lies, kPpi);
  EXPECT_EQ(r["protocols"], "PPI:802.11:LLC:IPv4:UDP:Raw");
  EXPECT_EQ(r["ppi"]["fields"][0]["error"], "field runs past the end of the PPI header");
  // A header that ends 2 bytes into a field's header.
  Bytes two = Concat({Ppi(105, {}), Bytes{2, 0}});
  two[2] = 10;
  json t = testutil::DissectFrame(Concat({two, DataFrame()}), kPpi);
  EXPECT_EQ(t["ppi"]["fields"][0]["error"], "field header cut by the end of the PPI header");
}

}  // namespace
