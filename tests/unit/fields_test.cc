// -e / --fields: flat reports (csv, tsv, ndjson) of selected fields, found wherever their
// protocol sits in the stack, with tshark's occurrence choice; and time_sec/time_nsec.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "formats/field_selection.h"
#include "formats/record.h"
#include "pcapkit/errors.h"
#include "pcapkit/ipsuite.h"
#include "pcapkit/options.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_packets.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using namespace testutil;
using nlohmann::json;
using pcapkit::OutputFormat;
using testutil::RunCli;

namespace {

Bytes Text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// A DNS query (RD set) with a question of type A for each name, one message.
Dns DnsQuery(const std::vector<std::string>& names) {
  Dns m{.id = 0x1234, .compress = false};
  for (const std::string& name : names) m.questions.push_back({.name = name});
  return m;
}

// The packet behind an Ethernet header.
Bytes Eth(const Packet& packet) {
  return (Ethernet{} / packet).Build();
}

// Frame 1: ARP. Frame 2: IPv4/TCP 1025 -> 80 with SYN. Frame 3: IPv4 in IPv4 (outer
// 192.0.2.1 -> 192.0.2.2, inner 10.1.1.1 -> 10.2.2.2) behind a VLAN tag, carrying UDP
// DNS with two questions. Frame 4: IPv6/UDP.
Bytes Capture() {
  Packet tunnelled = Vlan{.vid = 42} / Ipv4{.src = "192.0.2.1", .dst = "192.0.2.2"} /
                     Ipv4{.src = "10.1.1.1", .dst = "10.2.2.2"} /
                     Udp{.srcport = 5353, .dstport = 53} /
                     DnsQuery({"a.example", "b,\"q\".example"});
  return PcapFile(
      {{.data = (Ethernet{} / Arp{.oper = 1}).Build(), .sec = 100, .nsec = 5000},
       {.data = Eth(Ipv4Tcp("10.0.0.1", "10.0.0.2", 1025, 80, 7, 0, kSyn)),
        .sec = 101,
        .nsec = 250000000},
       {.data = Eth(tunnelled), .sec = 102},
       {.data = Eth(Ipv6{} / Udp{.srcport = 1, .dstport = 2}), .sec = 103, .nsec = 999999000}});
}

std::string Flat(OutputFormat format, std::vector<std::string> names,
                 pcapkit::FieldOccurrence occurrence = pcapkit::FieldOccurrence::kFirst,
                 bool header = true) {
  pcapkit::ExtractOptions o;
  o.fields.names = std::move(names);
  o.fields.occurrence = occurrence;
  o.fields.header = header;
  return testutil::RawReport(Capture(), format, o);
}

TEST(Fields, CsvFindsEachProtocolWhereverItSits) {
  EXPECT_EQ(Flat(OutputFormat::kCsv, {"number", "time_epoch", "ipv4.src", "tcp.srcport",
                                      "udp.dstport", "vlan.vid", "protocols"}),
            "number,time_epoch,ipv4.src,tcp.srcport,udp.dstport,vlan.vid,protocols\n"
            "1,100.000005,,,,,Ethernet:ARP\n"
            "2,101.250000,10.0.0.1,1025,,,Ethernet:IPv4:TCP\n"
            "3,102.000000,192.0.2.1,,53,42,Ethernet:VLAN:IPv4:IPv4:UDP:DNS\n"
            "4,103.999999,,,2,,Ethernet:IPv6:UDP\n");
}

TEST(Fields, OccurrenceFirstLastAll) {
  using pcapkit::FieldOccurrence;
  auto row3 = [](const std::string& csv) {
    size_t at = 0;
    for (int line = 0; line < 3; ++line) at = csv.find('\n', at) + 1;
    return csv.substr(at, csv.find('\n', at) - at);
  };
  EXPECT_EQ(row3(Flat(OutputFormat::kCsv, {"ipv4.src", "dns.questions.name"})),
            "192.0.2.1,a.example");
  EXPECT_EQ(
      row3(Flat(OutputFormat::kCsv, {"ipv4.src", "dns.questions.name"}, FieldOccurrence::kLast)),
      "10.1.1.1,\"b,\"\"q\"\".example\"");
  // All: joined by commas, the cell quoted as a whole (RFC 4180).
  EXPECT_EQ(
      row3(Flat(OutputFormat::kCsv, {"ipv4.src", "dns.questions.name"}, FieldOccurrence::kAll)),
      "\"192.0.2.1,10.1.1.1\",\"a.example,b,\"\"q\"\".example\"");
  std::vector<json> lines = testutil::NdjsonLines(
      Flat(OutputFormat::kNdjson, {"ipv4.src", "dns.questions.name"}, FieldOccurrence::kAll));
  EXPECT_EQ(lines[2]["ipv4.src"], json({"192.0.2.1", "10.1.1.1"}));
  EXPECT_EQ(lines[2]["dns.questions.name"], json({"a.example", "b,\"q\".example"}));
}

TEST(Fields, NdjsonIsFlatTypedAndLeavesOutWhatARecordLacks) {
  std::vector<json> lines = testutil::NdjsonLines(Flat(
      OutputFormat::kNdjson, {"number", "time_epoch", "tcp.flags.syn", "tcp.dstport", "ipv4.dst"}));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], json({{"number", 1}, {"time_epoch", 100.000005}}));
  EXPECT_EQ(lines[1]["tcp.flags.syn"], true);
  EXPECT_EQ(lines[1]["tcp.dstport"], 80);
  EXPECT_EQ(lines[1]["ipv4.dst"], "10.0.0.2");
  EXPECT_EQ(lines[1].size(), 5u);
  EXPECT_FALSE(lines[3].contains("ipv4.dst"));
}

TEST(Fields, AnObjectOrListSelectedWholeIsItsJson) {
  std::vector<json> lines =
      testutil::NdjsonLines(Flat(OutputFormat::kNdjson, {"tcp.flags", "tcp.flags.ack"}));
  EXPECT_EQ(lines[1]["tcp.flags"]["syn"], true);
  EXPECT_EQ(lines[1]["tcp.flags"].size(), 8u);
  EXPECT_EQ(lines[1]["tcp.flags.ack"], false);
  std::string csv = Flat(OutputFormat::kCsv, {"dns.questions"}, pcapkit::FieldOccurrence::kFirst,
                         /*header=*/false);
  std::string row = csv.substr(csv.find("\"["));
  row = row.substr(0, row.find('\n'));
  // The cell unquoted is the list as JSON.
  std::string cell;
  for (size_t i = 1; i + 1 < row.size(); ++i) {
    cell += row[i];
    if (row[i] == '"') ++i;
  }
  json questions = json::parse(cell);
  ASSERT_EQ(questions.size(), 2u);
  EXPECT_EQ(questions[1]["name"], "b,\"q\".example");
}

TEST(Fields, TsvEscapesAndNoHeader) {
  Bytes file = PcapFile({{.data = Eth(Ipv4{} / Udp{.srcport = 5353, .dstport = 53} /
                                      DnsQuery({"tab\there.new\nline.bad\xff"})),
                          .sec = 1}});
  pcapkit::ExtractOptions o;
  o.fields.names = {"number", "dns.questions.name"};
  o.fields.header = false;
  // The DNS name writes its byte 0xff as \255 (zone-file escaping), whose backslash TSV
  // doubles as it does its own escapes'.
  EXPECT_EQ(testutil::RawReport(file, OutputFormat::kTsv, o),
            "1\ttab\\there.new\\nline.bad\\\\255\n");
  o.fields.header = true;
  EXPECT_EQ(testutil::RawReport(file, OutputFormat::kCsv, o),
            "number,dns.questions.name\n1,\"tab\there.new\nline.bad\\255\"\n");
}

TEST(Fields, UnknownDuplicateAndMalformedNamesAreUsageErrors) {
  auto message = [](std::vector<std::string> names) -> std::string {
    try {
      Flat(OutputFormat::kCsv, std::move(names));
    } catch (const pcapkit::FormatError& e) {
      return e.what();
    }
    return "";
  };
  std::string ip = message({"ip.src"});
  EXPECT_NE(ip.find("unknown field 'ip.src'"), std::string::npos) << ip;
  EXPECT_NE(ip.find("ipv4.src"), std::string::npos) << ip;
  EXPECT_NE(ip.find("ipv6.src"), std::string::npos) << ip;
  EXPECT_NE(message({"tcp.srcprt"}).find("tcp.srcport"), std::string::npos);
  EXPECT_NE(message({"number", "number"}).find("twice"), std::string::npos);
  EXPECT_NE(message({"tcp..srcport"}).find("not a field name"), std::string::npos);
  EXPECT_NE(message({"numbr"}).find("number"), std::string::npos);
}

TEST(Fields, SplitTimeKeepsEveryNanosecond) {
  // 1418145369.924505488 is 1418145369.9245055 as a JSON double.
  Bytes file = PcapFile({{.data = Eth(Ipv4Udp("10.0.0.1", "10.0.0.2", 1, 2, {})),
                          .sec = 1418145369,
                          .nsec = 924505488}},
                        {.nanosecond = true});
  pcapkit::ExtractOptions o;
  o.fields.names = {"time_sec", "time_nsec", "time_epoch"};
  EXPECT_EQ(testutil::RawReport(file, OutputFormat::kCsv, o),
            "time_sec,time_nsec,time_epoch\n1418145369,924505488,1418145369.924505488\n");
  // Whole records have them too; a µs file's fraction in ns; a fraction of a second or
  // more (invalid) carried, as time_epoch carries it.
  // A fraction of 1,500,000 µs: a file no writer of ours writes.
  Bytes us = RawPcapFile(
      {},
      {{.data = Eth(Ipv4Udp("10.0.0.1", "10.0.0.2", 1, 2, {})), .sec = 10, .nsec = 5000},
       {.data = Eth(Ipv4Udp("10.0.0.1", "10.0.0.2", 1, 2, {})), .sec = 10, .nsec = 1500000000u}});
  json lines = testutil::JsonReport(us, OutputFormat::kNdjson);
  EXPECT_EQ(lines[0]["time_sec"], 10);
  EXPECT_EQ(lines[0]["time_nsec"], 5000);
  EXPECT_EQ(lines[1]["time_sec"], 11);
  EXPECT_EQ(lines[1]["time_nsec"], 500000000);
  EXPECT_EQ(lines[1]["time_epoch"].dump(), "11.5");
}

// Each of the frame's own members selected alone, of which -e writes only the selected
// ones: the value of the whole record's member.
TEST(Fields, EachFrameMemberAloneIsTheWholeRecordsValue) {
  PcapngBlocks w(Endian::kLittle);
  w.Section(Endian::kLittle)
      .Interface(1, 0, -1, 0, "eth0", "the uplink")
      .Enhanced(0, 1, Eth(Ipv4Udp("10.0.0.1", "10.0.0.2", 1, 2, {})), -1, {{1, Text("a comment")}});
  json whole = testutil::JsonReport(w.bytes(), OutputFormat::kNdjson).at(0);
  size_t compared = 0;
  for (const pcapkit::protocols::FieldSpec& f : pcapkit::formats::FrameFields()) {
    std::string name = f.path;
    if (name.find('[') != std::string::npos) continue;  // the items of `comment`
    pcapkit::ExtractOptions o;
    o.fields.names = {name};
    o.fields.occurrence = pcapkit::FieldOccurrence::kAll;  // every cell a list
    json row = testutil::JsonReport(w.bytes(), OutputFormat::kNdjson, o).at(0);
    if (name == "file") {  // a member of records from several inputs only
      EXPECT_EQ(row, json::object());
      continue;
    }
    json value = whole.at(name);
    EXPECT_EQ(row, json({{name, value.is_array() ? value : json::array({value})}})) << name;
    ++compared;
  }
  EXPECT_EQ(compared, 14u);
}

// The selection finds a member by its name, of any length, and no other: names of 1 to 24
// letters, each against itself and against itself with one letter changed.
TEST(Fields, TheSelectionMatchesWholeNamesOfEveryLength) {
  std::vector<std::string> paths;
  for (size_t n = 1; n <= 24; ++n) paths.push_back(std::string(n - 1, 'a') + "z");
  std::vector<pcapkit::protocols::FieldSpec> specs;
  for (const std::string& p : paths) specs.push_back({p.c_str(), pcapkit::protocols::kInt, ""});
  pcapkit::FieldOptions o;
  o.names = paths;
  std::shared_ptr<const pcapkit::formats::FieldSelection> s;
  ASSERT_TRUE(pcapkit::formats::FieldSelection::Make(o, {specs}, &s).ok());
  const uint32_t root = pcapkit::formats::FieldSelection::kRoot, none = s->kNone;
  for (const std::string& p : paths) {
    uint32_t node = s->Child(root, p);
    ASSERT_NE(node, none) << p;
    EXPECT_EQ(s->names().at(s->node(node).column), p);
    for (size_t i = 0; i < p.size(); ++i) {
      std::string other = p;
      other[i] = other[i] == 'a' ? 'b' : 'y';
      EXPECT_EQ(s->Child(root, other), none) << other;
    }
  }
}

// pcapng's context on every frame record: the section, the interface's names, the
// packet's comments (cut at a NUL, as tshark reads them); none of it for pcap; and the
// pcapng writer keeps comments and names.
TEST(Pcapng, FramesCarryTheirSectionInterfaceNamesAndComments) {
  for (Endian e : {Endian::kLittle, Endian::kBig}) {
    Bytes frame = Eth(Ipv4Udp("10.0.0.1", "10.0.0.2", 1, 2, {}));
    PcapngBlocks w(e);
    w.Section(e)
        .Interface(1, 0, -1, 0, "eth0", "the uplink")
        .Enhanced(0, 1, frame, -1, {{1, Text("first")}, {1, Text("two, \"quoted\"")}})
        .Section(e)
        .Interface(1)
        .Enhanced(0, 2, frame, -1, {{2, Bytes(4, 0)}, {1, Text("ends\0garbage")}})
        .Enhanced(0, 3, frame);
    json lines = testutil::JsonReport(w.bytes(), OutputFormat::kNdjson);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0]["section"], 1);
    EXPECT_EQ(lines[0]["interface_name"], "eth0");
    EXPECT_EQ(lines[0]["interface_description"], "the uplink");
    EXPECT_EQ(lines[0]["comment"], json({"first", "two, \"quoted\""}));
    EXPECT_EQ(lines[1]["section"], 2);
    EXPECT_FALSE(lines[1].contains("interface_name"));
    EXPECT_EQ(lines[1]["comment"], json({"ends"}));
    EXPECT_FALSE(lines[2].contains("comment"));

    pcapkit::ExtractOptions o;
    o.fields.names = {"number", "section", "interface_name", "comment"};
    o.fields.occurrence = pcapkit::FieldOccurrence::kAll;
    EXPECT_EQ(testutil::RawReport(w.bytes(), OutputFormat::kCsv, o),
              "number,section,interface_name,comment\n"
              "1,1,eth0,\"first,two, \"\"quoted\"\"\"\n2,2,,ends\n3,2,,\n");

    // Written as pcapng again (in the other byte order too) and read back: the same.
    for (bool big : {false, true}) {
      pcapkit::ExtractOptions out;
      out.big_endian = big;
      std::string copy = testutil::RawReport(w.bytes(), OutputFormat::kPcapng, out);
      json again = testutil::JsonReport(Bytes(copy.begin(), copy.end()), OutputFormat::kNdjson);
      ASSERT_EQ(again.size(), 3u);
      for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(again[i].value("comment", json()), lines[i].value("comment", json())) << i;
        EXPECT_EQ(again[i].value("interface_name", json()),
                  lines[i].value("interface_name", json()))
            << i;
      }
    }
  }
  json pcap = testutil::JsonReport(Capture(), OutputFormat::kNdjson);
  EXPECT_FALSE(pcap[1].contains("section"));
  EXPECT_FALSE(pcap[1].contains("comment"));
}

// The command line: every verb that writes records takes -e; csv needs it; the formats
// of whole records refuse it; the strategies write the same rows.
TEST(FieldsCli, VerbsFormatsAndStrategies) {
  std::string in = WriteTemp(Capture(), ".pcap");
  auto csv = RunCli({"extract", in, "-o", "-", "-f", "csv", "-e", "number", "--fields",
                     "ipv4.src,udp.srcport", "-q"});
  ASSERT_EQ(csv.status, 0) << csv.err;
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')), "number,ipv4.src,udp.srcport");
  for (const char* engine : {"server", "pipeline"}) {
    auto other = RunCli({"extract", in, "-o", "-", "-f", "csv", "-e", "number", "--fields",
                         "ipv4.src,udp.srcport", "-q", "-E", engine, "--threads", "2"});
    EXPECT_EQ(other.out, csv.out) << engine;
  }
  std::string upper = WriteTemp({}, ".CSV");  // extensions name formats in any case
  auto inferred = RunCli({"extract", in, "-o", upper, "-e", "number", "-q"});
  EXPECT_EQ(inferred.status, 0) << inferred.err;

  auto bare = RunCli({"extract", in, "-o", "-", "-f", "csv"});
  EXPECT_EQ(bare.status, 2);
  EXPECT_NE(bare.err.find("give -e FIELD"), std::string::npos) << bare.err;
  auto json_e = RunCli({"extract", in, "-o", "-", "-f", "json", "-e", "number"});
  EXPECT_EQ(json_e.status, 2);
  auto unknown = RunCli({"extract", in, "-o", "-", "-f", "csv", "-e", "ip.src"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("ipv4.src"), std::string::npos) << unknown.err;
  auto occurrence =
      RunCli({"extract", in, "-o", "-", "-f", "csv", "-e", "number", "--occurrence", "some"});
  EXPECT_EQ(occurrence.status, 2);

  auto flows = RunCli({"flows", in, "-o", "-", "-f", "csv", "-e", "proto", "-e", "src", "-e",
                       "orig_packets", "--no-header"});
  ASSERT_EQ(flows.status, 0) << flows.err;
  EXPECT_NE(flows.out.find("tcp,10.0.0.1,1\n"), std::string::npos) << flows.out;
  auto bad_flow = RunCli({"flows", in, "-o", "-", "-f", "csv", "-e", "proto", "-e", "srcprt"});
  EXPECT_EQ(bad_flow.status, 2);
  EXPECT_NE(bad_flow.err.find("srcport"), std::string::npos) << bad_flow.err;
}

}  // namespace

// `pcapkit fields flow --json` lists the flow record's members in the shape a protocol's
// fields take, as the table does.
TEST(FieldsCli, RecordMembersAsJson) {
  auto listed = RunCli({"fields", "flow", "--json"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  json flow = json::parse(listed.out);
  ASSERT_EQ(flow.size(), 1u);
  EXPECT_EQ(flow[0]["key"], "flow");
  json first = flow[0]["fields"][0];
  EXPECT_EQ(first["path"], "flow");
  EXPECT_EQ(first["type"], "int");
  auto table = RunCli({"fields", "flow"});
  size_t rows = size_t(std::count(table.out.begin(), table.out.end(), '\n')) - 1;  // a header
  EXPECT_EQ(flow[0]["fields"].size(), rows);
}
