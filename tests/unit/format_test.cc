// The JSON writer and the record contract: escaping, UTF-8, times, report shapes.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "engine/util/hex.h"
#include "engine/util/time_format.h"
#include "formats/json_emitter.h"
#include "pcapkit/ipsuite.h"
#include "pcapkit/layers.h"
#include "testing/capture_files.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using nlohmann::json;
using testutil::Endian;
using testutil::PcapngBlocks;

namespace {

std::string Iso(int64_t sec, uint64_t frac, uint8_t digits) {
  char buf[64];
  return std::string(buf, pcapkit::util::WriteIsoTime(buf, {sec, frac, digits}));
}
std::string Epoch(int64_t sec, uint64_t frac, uint8_t digits) {
  char buf[64];
  return std::string(buf, pcapkit::util::WriteEpoch(buf, {sec, frac, digits}));
}

TEST(Time, IsoUtcAtTheFileResolution) {
  EXPECT_EQ(Iso(1511106545, 471719, 6), "2017-11-19T15:49:05.471719Z");
  EXPECT_EQ(Iso(1511106545, 5, 9), "2017-11-19T15:49:05.000000005Z");
  EXPECT_EQ(Iso(0, 0, 6), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(Iso(2147483648, 0, 6), "2038-01-19T03:14:08.000000Z");
  EXPECT_EQ(Iso(4294967295, 999999, 6), "2106-02-07T06:28:15.999999Z");
  EXPECT_EQ(Iso(951782400, 0, 0), "2000-02-29T00:00:00Z");
  EXPECT_EQ(Iso(-1, 0, 3), "1969-12-31T23:59:59.000Z");
}

TEST(Time, EpochKeepsEveryDecimal) {
  EXPECT_EQ(Epoch(1511106545, 5000, 6), "1511106545.005000");  // PyPCAPKit wrote .5000
  EXPECT_EQ(Epoch(7, 1, 9), "7.000000001");
  EXPECT_EQ(Epoch(-6, 999999, 6), "-5.000001");
  EXPECT_EQ(Epoch(12, 0, 0), "12");
}

std::string JsonText(std::string_view s) {
  pcapkit::formats::OutBuffer out;
  pcapkit::formats::AppendJsonString(out, s);
  return std::string(out.view());
}

TEST(Json, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonText("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonText(std::string_view("\n\t\r\x01\0", 5)), R"("\n\t\r\u0001\u0000")");
}

TEST(Json, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(JsonText("caf\xc3\xa9"), "\"caf\xc3\xa9\"");            // valid stays
  EXPECT_EQ(JsonText("\xff\xfe"), R"("\ufffd\ufffd")");             // invalid bytes
  EXPECT_EQ(JsonText("\xc0\xaf"), R"("\ufffd\ufffd")");             // overlong '/'
  EXPECT_EQ(JsonText("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");   // surrogate
  EXPECT_EQ(JsonText("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");  // U+1F600
  EXPECT_EQ(JsonText("\xe2\x82"), R"("\ufffd\ufffd")");             // cut sequence
  // Whatever the bytes, the result parses as JSON.
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(char(i));
  EXPECT_NO_THROW(json::parse(JsonText(all)));
}

TEST(Json, EmitterNestsObjectsAndArrays) {
  pcapkit::formats::OutBuffer buf;
  pcapkit::formats::JsonEmitter e(&buf);
  e.BeginObject();
  e.Uint("a", 1);
  e.BeginArray("b");
  e.Int({}, -2);
  e.BeginObject();
  e.Bool("c", true);
  e.EndObject();
  e.EndArray();
  e.Text("d", "x");
  e.EndObject();
  EXPECT_EQ(buf.view(), R"({"a":1,"b":[-2,{"c":true}],"d":"x"})");
}

// Keys are copied in word-sized pieces by length class (under 4, 4-7, 8-16, longer):
// every length writes exactly its bytes, whatever lies around them.
TEST(Json, EmitterWritesKeysOfEveryLength) {
  std::string names;
  for (int i = 0; i < 48; ++i) names.push_back(char('a' + i % 26));
  for (size_t n = 1; n <= 40; ++n) {
    pcapkit::formats::OutBuffer buf;
    buf.Append("#");  // the key lands at an odd offset
    pcapkit::formats::JsonEmitter e(&buf);
    e.BeginObject();
    e.Uint(std::string_view(names).substr(1, n), n);
    e.Bool(std::string_view(names).substr(7, n), false);
    e.EndObject();
    std::string a = names.substr(1, n), b = names.substr(7, n);
    EXPECT_EQ(buf.view(), "#{\"" + a + "\":" + std::to_string(n) + ",\"" + b + "\":false}")
        << "length " << n;
  }
}

TEST(Report, JsonHasGlobalHeaderThenNumberedFrames) {
  Bytes frame = (Ethernet{} / Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build();
  json r = testutil::JsonReport(PcapFile({{.data = frame, .sec = 1500000000, .nsec = 5000},
                                          {.data = frame, .sec = 1500000001, .nsec = 6000}}),
                                pcapkit::OutputFormat::kJson);
  std::vector<std::string> keys;
  for (auto it = r.begin(); it != r.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(r.size(), 3u);
  EXPECT_TRUE(r.contains("Global Header"));
  EXPECT_EQ(r["Global Header"]["linktype"], 1);
  EXPECT_EQ(r["Global Header"]["magic_number"], "d4c3b2a1");
  json f = r["Frame 2"];
  EXPECT_EQ(f["number"], 2);
  EXPECT_EQ(f["time"], "2017-07-14T02:40:01.000006Z");
  EXPECT_EQ(f["cap_len"], frame.size());
  EXPECT_EQ(f["len"], frame.size());
  EXPECT_EQ(f["interface"], 0);
  EXPECT_EQ(f["linktype"], 1);
  EXPECT_EQ(f["protocols"], "Ethernet:IPv4:UDP");
}

TEST(Report, JsonOfPcapngListsBlocksInFileOrder) {
  PcapngBlocks w;
  w.Section(Endian::kLittle).Interface(1, 0, -1, 0, "eth0").Enhanced(0, 1000001, Bytes(14, 0));
  w.Interface(101).Enhanced(1, 2, (Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build());
  json r = testutil::JsonReport(w.bytes(), pcapkit::OutputFormat::kJson);
  std::string text = r.dump();
  EXPECT_EQ(r["Interface Description 1"]["if_name"], "eth0");
  EXPECT_EQ(r["Interface Description 2"]["linktype"], 101);
  EXPECT_EQ(r["Frame 2"]["interface"], 1);
  EXPECT_EQ(r["Frame 2"]["linktype"], 101);
  EXPECT_EQ(r["Frame 1"]["time_epoch"], 1.000001);
}

TEST(Report, PayloadOptionWritesRawBytesAsHex) {
  Bytes frame = (Ethernet{} / Ipv4{} / Udp{.srcport = 1, .dstport = 2} / Bytes{0xde, 0xad}).Build();
  pcapkit::ExtractOptions o;
  EXPECT_FALSE(
      testutil::DissectFrame(frame, 1, o)["ethernet"]["ipv4"]["udp"]["raw"].contains("data"));
  o.payload = true;
  EXPECT_EQ(testutil::DissectFrame(frame, 1, o)["ethernet"]["ipv4"]["udp"]["raw"]["data"], "dead");
}

TEST(Report, NoKeyAppearsTwiceInAnObject) {
  Bytes frame =
      (Ethernet{} / Vlan{.vid = 5} / Ipv4{.options = {{.kind = 0x94, .data = {0, 0}}}} /
       Tcp{.dstport = 80,
           .options = {{.kind = 1}, {.kind = 1}, {.kind = 8, .data = {0, 0, 0, 1, 0, 0, 0, 2}}}} /
       Bytes{1})
          .Build();
  std::string raw =
      testutil::RawReport(PcapFile({{.data = frame}}), pcapkit::OutputFormat::kNdjson);
  // Count keys per object while parsing: a duplicate would make the parsed object smaller.
  std::vector<size_t> keys;
  size_t duplicates = 0;
  auto cb = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) keys.push_back(0);
    if (event == json::parse_event_t::key) ++keys.back();
    if (event == json::parse_event_t::object_end) {
      if (parsed.size() != keys.back()) ++duplicates;
      keys.pop_back();
    }
    return true;
  };
  json parsed = json::parse(raw, cb);
  EXPECT_EQ(duplicates, 0u) << raw;
  EXPECT_EQ(parsed["protocols"], "Ethernet:VLAN:IPv4:TCP:Raw");
}

TEST(Hex, MacAndAddresses) {
  uint8_t mac[6] = {0xaa, 0xbb, 0xcc, 0x00, 0x01, 0xff};
  EXPECT_EQ(pcapkit::FormatMac(mac), "aa:bb:cc:00:01:ff");
  EXPECT_EQ(pcapkit::FormatIpv6(Ipv6Address("::").bytes.data()), "::");
  EXPECT_EQ(pcapkit::FormatIpv6(Ipv6Address("::1").bytes.data()), "::1");
  EXPECT_EQ(pcapkit::FormatIpv6(Ipv6Address("1::").bytes.data()), "1::");
  EXPECT_EQ(pcapkit::FormatIpv6(Ipv6Address("2001:db8:0:1:1:1:1:1").bytes.data()),
            "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(pcapkit::FormatIpv6(Ipv6Address("2001:0:0:1:0:0:0:1").bytes.data()), "2001:0:0:1::1");
  EXPECT_EQ(pcapkit::FormatIpv6(Ipv6Address("fe80::abcd:ef").bytes.data()), "fe80::abcd:ef");
  EXPECT_EQ(pcapkit::FormatIpv4(Ipv4Address("255.0.10.1").bytes.data()), "255.0.10.1");
}

// Every byte value in every position of an address, and nothing written past the 15 bytes
// the longest address takes.
TEST(Hex, Ipv4TextOfEveryByteValue) {
  for (unsigned v = 0; v < 256; ++v) {
    uint8_t a[4] = {uint8_t(v), uint8_t(255 - v), uint8_t(v / 16), uint8_t(v * 7)};
    std::string want;
    for (uint8_t b : a) want += (want.empty() ? "" : ".") + std::to_string(b);
    char buf[32];
    std::memset(buf, '#', sizeof buf);
    char* end = pcapkit::util::WriteIpv4(buf, a);
    EXPECT_EQ(std::string(buf, end), want);
    EXPECT_EQ(std::string(buf + 15, buf + 32), std::string(17, '#')) << want;
  }
}

}  // namespace
