// IEEE 802.11 frames (link type 105) built byte by byte: data frames down LLC into IP and
// ARP by their To DS / From DS address roles, QoS and HT control, the four-address form,
// frames with no data, protected frames left raw, control frames, management frames with
// their fixed and tagged parameters, and the malformed ones (headers cut per type, a tag
// past the end).
#include <gtest/gtest.h>

#include "testing/test_util.h"
#include "testing/wifi_frames.h"

namespace {

using namespace testutil;
using nlohmann::json;
using pcapkit::ipsuite::PutBytes;

constexpr uint32_t kWlan = 105;

json Wlan(const Bytes& frame) {
  return testutil::DissectFrame(frame, kWlan);
}

TEST(Wlan, DataToTheApDownToUdp) {
  Bytes f = Concat({MacHeader(2, 0, 0x01, 77), Snap(0x0800, UdpPacket())});
  json r = Wlan(f);
  EXPECT_EQ(r["protocols"], "802.11:LLC:IPv4:UDP:Raw");
  json w = r["wlan"];
  EXPECT_EQ(w["fc"], 0x0801);
  EXPECT_EQ(w["type_subtype"], 0x20);
  EXPECT_EQ(w["type"], 2);
  EXPECT_EQ(w["subtype"], 0);
  EXPECT_EQ(w["to_ds"], true);
  EXPECT_EQ(w["from_ds"], false);
  EXPECT_EQ(w["ds"], 1);
  EXPECT_EQ(w["duration"], 44);
  // To DS: address 1 is the BSS, 2 the source, 3 the destination.
  EXPECT_EQ(w["ra"], "02:00:5e:10:00:01");
  EXPECT_EQ(w["bssid"], "02:00:5e:10:00:01");
  EXPECT_EQ(w["ta"], "02:00:5e:10:00:02");
  EXPECT_EQ(w["sa"], "02:00:5e:10:00:02");
  EXPECT_EQ(w["da"], "02:00:5e:10:00:03");
  EXPECT_EQ(w["seq"], 77);
  EXPECT_EQ(w["frag"], 0);
  EXPECT_FALSE(w.contains("qos"));
  EXPECT_EQ(w["llc"]["pid"], 0x0800);
}

TEST(Wlan, FromTheApCarryingArp) {
  pcapkit::ipsuite::Arp arp{};
  Bytes f = Concat({MacHeader(2, 0, 0x02), Snap(0x0806, pcapkit::ipsuite::Packet({arp}).Build())});
  json r = Wlan(f);
  EXPECT_EQ(r["protocols"], "802.11:LLC:ARP");
  json w = r["wlan"];
  EXPECT_EQ(w["da"], "02:00:5e:10:00:01");
  EXPECT_EQ(w["bssid"], "02:00:5e:10:00:02");
  EXPECT_EQ(w["sa"], "02:00:5e:10:00:03");
}

TEST(Wlan, QosDataWithHtControl) {
  Bytes f = MacHeader(2, 8, 0x80);  // order: +HTC
  PutLe(f, 0x00a6, 2);              // TID 6, ack policy 1 (no ack)
  PutLe(f, 0xdeadbeef, 4);
  PutBytes(f, Snap(0x0800, UdpPacket()));
  json r = Wlan(f);
  EXPECT_EQ(r["protocols"], "802.11:Raw");  // an A-MSDU: its subframes are not dissected
  json w = r["wlan"];
  EXPECT_EQ(w["qos"], 0xa6);
  EXPECT_EQ(w["qos_tid"], 6);
  EXPECT_EQ(w["qos_priority"], 6);
  EXPECT_EQ(w["qos_ack_policy"], 1);
  EXPECT_EQ(w["qos_amsdu"], true);
  EXPECT_EQ(w["htc"], 0xdeadbeef);
  EXPECT_EQ(w.count("llc"), 0u);
}

TEST(Wlan, QosDataPlain) {
  Bytes f = MacHeader(2, 8, 0x00);
  PutLe(f, 0x0005, 2);
  PutBytes(f,
           Snap(0x86dd, (pcapkit::ipsuite::Ipv6{} / pcapkit::ipsuite::Udp{.dstport = 9}).Build()));
  json r = Wlan(f);
  EXPECT_EQ(r["protocols"], "802.11:LLC:IPv6:UDP");
  EXPECT_EQ(r["wlan"]["qos_tid"], 5);
  EXPECT_EQ(r["wlan"]["qos_amsdu"], false);
  EXPECT_FALSE(r["wlan"].contains("htc"));
}

TEST(Wlan, FourAddresses) {
  Bytes f = MacHeader(2, 0, 0x03);
  PutBytes(f, kPeer);
  PutBytes(f, Snap(0x0800, UdpPacket()));
  json r = Wlan(f);
  EXPECT_EQ(r["protocols"], "802.11:LLC:IPv4:UDP:Raw");
  json w = r["wlan"];
  EXPECT_EQ(w["addr4"], "02:00:5e:10:00:04");
  EXPECT_EQ(w["da"], "02:00:5e:10:00:03");
  EXPECT_EQ(w["sa"], "02:00:5e:10:00:04");
  EXPECT_FALSE(w.contains("bssid"));
}

TEST(Wlan, NullDataHasNoPayload) {
  json r = Wlan(MacHeader(2, 4, 0x11));
  EXPECT_EQ(r["protocols"], "802.11");
  EXPECT_EQ(r["wlan"]["pwr_mgt"], true);
  Bytes qos_null = MacHeader(2, 12, 0x01);
  PutLe(qos_null, 0x0010, 2);
  EXPECT_EQ(Wlan(qos_null)["protocols"], "802.11");
}

TEST(Wlan, ProtectedFrameStaysRaw) {
  Bytes f = MacHeader(2, 0, 0x41);
  PutBytes(f, Bytes{0x05, 0x00, 0x00, 0x60, 0x01, 0x00, 0x00, 0x00});  // CCMP, key 1, PN 5
  PutBytes(f, Bytes(20, 0x5a));
  json r = Wlan(f);
  EXPECT_EQ(r["protocols"], "802.11:Raw");
  json w = r["wlan"];
  EXPECT_EQ(w["protected"], true);
  EXPECT_EQ(w["ext_iv"], true);
  EXPECT_EQ(w["key_id"], 1);
  EXPECT_EQ(w["pn"], 0x10005);
  EXPECT_EQ(w["raw"]["len"], 20);
  // WEP: a 4-byte IV.
  Bytes wep = MacHeader(2, 0, 0x40);
  PutBytes(wep, Bytes{1, 2, 3, 0x00, 9, 9, 9, 9});
  json v = Wlan(wep);
  EXPECT_EQ(v["wlan"]["iv"], "01020300");
  EXPECT_EQ(v["wlan"]["raw"]["len"], 4);
}

TEST(Wlan, ControlFrames) {
  Bytes ack{0xd4, 0x00, 0x00, 0x00};
  PutBytes(ack, kAp);
  json a = Wlan(ack)["wlan"];
  EXPECT_EQ(a["type_subtype"], 0x1d);
  EXPECT_EQ(a["ra"], "02:00:5e:10:00:01");
  EXPECT_FALSE(a.contains("ta"));
  Bytes rts{0xb4, 0x00, 0xf4, 0x01};
  PutBytes(rts, kAp);
  PutBytes(rts, kSta);
  json t = Wlan(rts)["wlan"];
  EXPECT_EQ(t["duration"], 500);
  EXPECT_EQ(t["ta"], "02:00:5e:10:00:02");
  Bytes pspoll{0xa4, 0x10, 0x01, 0xc0};
  PutBytes(pspoll, kAp);
  PutBytes(pspoll, kSta);
  json p = Wlan(pspoll)["wlan"];
  EXPECT_EQ(p["aid"], 1);
  EXPECT_EQ(p["bssid"], "02:00:5e:10:00:01");
  Bytes ba{0x94, 0x00, 0x00, 0x00};
  PutBytes(ba, kSta);
  PutBytes(ba, kAp);
  PutBytes(ba, Bytes{0x05, 0x00, 0x10, 0x00});
  EXPECT_EQ(Wlan(ba)["wlan"]["data"], "05001000");
}

Bytes Beacon(const Bytes& tags) {
  Bytes f = MacHeader(0, 8, 0);
  PutLe(f, 987654321, 8);
  PutLe(f, 100, 2);
  PutLe(f, 0x0431, 2);
  PutBytes(f, tags);
  return f;
}

TEST(Wlan, BeaconFixedAndTaggedParameters) {
  Bytes tags{0, 4, 'h', 'o', 'm', 'e', 1, 2, 0x82, 0x84, 3, 1, 6, 50, 1, 0x6c, 221, 2, 0xab, 0xcd};
  json r = Wlan(Beacon(tags));
  EXPECT_EQ(r["protocols"], "802.11");
  json w = r["wlan"];
  EXPECT_EQ(w["timestamp"], 987654321);
  EXPECT_EQ(w["beacon_interval"], 100);
  EXPECT_EQ(w["capabilities"], 0x0431);
  ASSERT_EQ(w["tags"].size(), 5u);
  EXPECT_EQ(w["tags"][0]["number"], 0);
  EXPECT_EQ(w["tags"][0]["ssid"], "home");
  EXPECT_EQ(w["tags"][1]["rates"], json::array({0x82, 0x84}));
  EXPECT_EQ(w["tags"][2]["channel"], 6);
  EXPECT_EQ(w["tags"][3]["extended_rates"], json::array({0x6c}));
  EXPECT_EQ(w["tags"][4]["data"], "abcd");
  EXPECT_EQ(w["bssid"], "02:00:5e:10:00:03");
}

TEST(Wlan, OtherManagementBodies) {
  Bytes deauth = MacHeader(0, 12, 0);
  PutLe(deauth, 7, 2);
  EXPECT_EQ(Wlan(deauth)["wlan"]["reason_code"], 7);
  Bytes auth = MacHeader(0, 11, 0);
  PutBytes(auth, Bytes{0, 0, 2, 0, 0, 0});
  json a = Wlan(auth)["wlan"];
  EXPECT_EQ(a["auth_seq"], 2);
  EXPECT_EQ(a["tags"].size(), 0u);
  Bytes action = MacHeader(0, 13, 0);
  PutBytes(action, Bytes{3, 0, 1});
  EXPECT_EQ(Wlan(action)["wlan"]["category"], 3);
  EXPECT_EQ(Wlan(action)["wlan"]["action"], "0001");
}

TEST(Wlan, MalformedFrames) {
  EXPECT_EQ(Wlan(Bytes{0x08})["raw"]["error"], "802.11: frame control truncated");
  Bytes data = MacHeader(2, 0, 0);
  EXPECT_EQ(Wlan(Bytes(data.begin(), data.begin() + 23))["raw"]["error"],
            "802.11: header truncated");
  Bytes rts{0xb4, 0x00, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(Wlan(rts)["raw"]["error"], "802.11: header truncated");
  Bytes qos = MacHeader(2, 8, 0);
  qos.push_back(0);
  EXPECT_EQ(Wlan(qos)["raw"]["error"], "802.11: header truncated");
  // A beacon whose fixed parameters are cut, and one whose tag runs past the end.
  Bytes cut = MacHeader(0, 8, 0);
  PutBytes(cut, Bytes{1, 2, 3});
  json c = Wlan(cut)["wlan"];
  EXPECT_EQ(c["body_error"], "fixed parameters cut by the end of the frame");
  EXPECT_EQ(c["body"], "010203");
  json t = Wlan(Beacon(Bytes{0, 2, 'a', 'b', 1, 200, 0x82}))["wlan"];
  ASSERT_EQ(t["tags"].size(), 2u);
  EXPECT_EQ(t["tags"][1]["length"], 200);
  EXPECT_EQ(t["tags"][1]["error"], "tag runs past the end of the frame");
  json h = Wlan(Beacon(Bytes{0, 0, 1}))["wlan"];
  EXPECT_EQ(h["tags"][1]["error"], "tag header cut by the end of the frame");
  // A protected frame too short for its security header: raw after the MAC header.
  Bytes prot = MacHeader(2, 0, 0x40);
  PutBytes(prot, Bytes{1, 2});
  EXPECT_EQ(Wlan(prot)["wlan"]["raw"]["len"], 2);
}

}  // namespace
