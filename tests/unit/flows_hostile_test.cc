// Flows under hostile traffic: floods of connections the memory budget must hold while
// every flow is still reported, and mass timeouts. Records go to a counting sink, so the
// tests hold no report in memory.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>

#include "engine/flows/flow_table.h"
#include "pcapkit/ipsuite.h"
#include "pcapkit/pcapkit.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;

// Counts NDJSON records, and those that end a given way.
class CountingSink : public pcapkit::OutputSink {
 public:
  void Write(std::string_view bytes) override {
    for (char c : bytes) {
      if (c != '\n') {
        line_.push_back(c);
        continue;
      }
      ++lines;
      size_t at = line_.find("\"end\":\"");
      if (at != std::string::npos) ++ends[line_.substr(at + 7, 3)];
      line_.clear();
    }
  }
  uint64_t lines = 0;
  std::map<std::string, uint64_t> ends;  // by the first three letters: "tim", "evi", "eof"

 private:
  std::string line_;
};

struct Result {
  pcapkit::ExtractSummary summary;
  std::shared_ptr<CountingSink> sink;
};

Result FollowFlows(const Bytes& pcap, size_t memory = 32 << 20) {
  pcapkit::ExtractOptions o;
  o.source = pcapkit::MemoryCapture(pcap);
  o.nofile = true;
  o.flows.enabled = true;
  o.flows.memory = memory;
  auto sink = std::make_shared<CountingSink>();
  o.flows_sink = sink;
  o.flows_format = pcapkit::OutputFormat::kNdjson;
  return {pcapkit::Extractor(o).Run(), sink};
}

// A SYN from 10.x.y.z:port to 192.0.2.1:80, a distinct 5-tuple for each `i`.
Bytes Syn(uint32_t i) {
  Bytes src = {10, uint8_t(i >> 24), uint8_t(i >> 16), uint8_t(i >> 8)};
  std::string dotted = std::to_string(src[0]) + "." + std::to_string(src[1]) + "." +
                       std::to_string(src[2]) + "." + std::to_string(src[3]);
  return (Ethernet{} / Ipv4{.src = dotted, .dst = "192.0.2.1"} /
          Tcp{.srcport = uint16_t(1024 + (i & 0xff)), .dstport = 80, .flags = kSyn})
      .Build();
}

// A capture built record by record into one buffer: a million small records held apart
// would leave the test process large (and every later child process's peak RSS with it).
class CaptureBuilder {
 public:
  CaptureBuilder() : bytes_(PcapFile({})) {}
  void Add(const CapturedFrame& f) {
    Bytes one = PcapFile({f});
    bytes_.insert(bytes_.end(), one.begin() + 24, one.end());  // past the file header
  }
  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

TEST(FlowsHostile, AMillionSynsStayInsideTheBudgetAndAreAllReported) {
  constexpr uint32_t kSyns = 1000000;
  CaptureBuilder capture;
  for (uint32_t i = 0; i < kSyns; ++i)
    capture.Add({.data = Syn(i), .sec = 1000 + i / 100000, .nsec = i % 100000 * 1000});
  size_t budget = 8 << 20;
  Result r = FollowFlows(capture.bytes(), budget);
  EXPECT_EQ(r.sink->lines, kSyns);
  EXPECT_EQ(r.summary.flows, kSyns);
  // The budget is used, not undershot: the table filled it before evicting.
  EXPECT_GE(r.summary.peak_flows, budget / pcapkit::flows::FlowTable::CostPerFlow() - 1);
  EXPECT_GT(r.summary.flows_evicted, kSyns / 2);
  EXPECT_EQ(r.sink->ends["evi"], r.summary.flows_evicted);
  EXPECT_EQ(r.sink->ends["eof"], kSyns - r.summary.flows_evicted);
}

TEST(FlowsHostile, AHundredThousandIdleFlowsTimeOutBeforeTheNextPacket) {
  constexpr uint32_t kFlows = 100000;
  std::vector<CapturedFrame> records;
  for (uint32_t i = 0; i < kFlows; ++i) {
    Packet p = Ethernet{} / Ipv4{} /
               Udp{.srcport = uint16_t(i % 60000 + 1), .dstport = uint16_t(i / 60000 + 1)} /
               Bytes(4, 0);
    records.push_back({.data = p.Build(), .sec = 1000, .nsec = i * 1000});
  }
  // UDP's timeout is 60 s: one packet 61 s later ends them all first.
  Packet late = Ethernet{} / Ipv4{} / Udp{.srcport = 9, .dstport = 9};
  records.push_back({.data = late.Build(), .sec = 1061, .nsec = 500000 * 1000});
  Result r = FollowFlows(PcapFile(records), kFlows * 2 * pcapkit::flows::FlowTable::CostPerFlow());
  EXPECT_EQ(r.sink->lines, kFlows + 1);
  EXPECT_EQ(r.sink->ends["tim"], kFlows);
  EXPECT_EQ(r.sink->ends["eof"], 1u);
  EXPECT_EQ(r.summary.peak_flows, kFlows);
}

}  // namespace
