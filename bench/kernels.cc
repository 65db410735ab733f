// Google Benchmark kernels for the hot path: reading records, dissecting the core stacks,
// writing JSON records, reassembling, the flow table. Run by hand (bench/README.md), never as timed
// tests.
#include <benchmark/benchmark.h>

#include "engine/capture/reader.h"
#include "engine/flows/flow_table.h"
#include "engine/packet/dissector.h"
#include "engine/protocols/registry.h"
#include "formats/json_emitter.h"
#include "formats/record.h"
#include "pcapkit/ipsuite.h"
#include "pcapkit/reassembly.h"

using namespace pcapkit::ipsuite;

namespace {

Bytes TcpWithOptions() {
  return (Ethernet{} / Ipv4{} /
          Tcp{.dstport = 80,
              .flags = kPsh | kAck,
              .options = {{.kind = 1},
                          {.kind = 1},
                          {.kind = 8, .data = {0, 0, 0, 1, 0, 0, 0, 2}}}} /
          Bytes(100, 'x'))
      .Build();
}
Bytes UdpOverIpv6() {
  return (Ethernet{} / Ipv6{} / Udp{.srcport = 5353, .dstport = 53} / Bytes(40, 0)).Build();
}
Bytes VlanArp() {
  return (Ethernet{} / Vlan{.vid = 10} / Arp{.oper = 1}).Build();
}

void BM_ReadPcap(benchmark::State& state) {
  std::vector<CapturedFrame> records(10000, CapturedFrame{.data = TcpWithOptions()});
  Bytes file = PcapFile(records);
  for (auto _ : state) {
    std::unique_ptr<pcapkit::capture::Reader> reader;
    pcapkit::Raise(pcapkit::capture::Reader::FromSource(
        pcapkit::io::MemorySource(file.data(), file.size()), "bench", 1 << 20, &reader));
    pcapkit::capture::Batch batch;
    size_t n = 0;
    while (reader->Next(batch)) n += batch.frames.size();
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * int64_t(records.size()));
  state.SetBytesProcessed(state.iterations() * int64_t(file.size()));
}
BENCHMARK(BM_ReadPcap);

void Dissect(benchmark::State& state, const Bytes& frame) {
  pcapkit::Dissector dissector(pcapkit::protocols::Registry::Builtin(), {});
  pcapkit::capture::FrameRecord rec;
  rec.cap_len = rec.len = uint32_t(frame.size());
  rec.linktype = 1;
  pcapkit::Frame out;
  for (auto _ : state) {
    dissector.Dissect(rec, frame.data(), out);
    benchmark::DoNotOptimize(out.layer_count());
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_DissectEthIpv4TcpOptions(benchmark::State& s) {
  Dissect(s, TcpWithOptions());
}
void BM_DissectEthIpv6Udp(benchmark::State& s) {
  Dissect(s, UdpOverIpv6());
}
void BM_DissectEthVlanArp(benchmark::State& s) {
  Dissect(s, VlanArp());
}
BENCHMARK(BM_DissectEthIpv4TcpOptions);
BENCHMARK(BM_DissectEthIpv6Udp);
BENCHMARK(BM_DissectEthVlanArp);

// Each core dissector alone, on its own header (the registry's dissect function, as the
// walk calls it).
void BM_DissectOne(benchmark::State& state, pcapkit::ProtocolId id, Bytes header) {
  const auto& info = pcapkit::protocols::Registry::Builtin().Info(id);
  for (auto _ : state) {
    pcapkit::protocols::DissectResult r;
    info.dissect(header.data(), uint32_t(header.size()), r);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
Bytes Strip(const Bytes& frame, size_t n) {
  return Bytes(frame.begin() + long(n), frame.end());
}
BENCHMARK_CAPTURE(BM_DissectOne, ethernet, pcapkit::ProtocolId::kEthernet, TcpWithOptions());
BENCHMARK_CAPTURE(BM_DissectOne, vlan, pcapkit::ProtocolId::kVlan, Strip(VlanArp(), 14));
BENCHMARK_CAPTURE(BM_DissectOne, arp, pcapkit::ProtocolId::kArp, Strip(VlanArp(), 18));
BENCHMARK_CAPTURE(BM_DissectOne, ipv4, pcapkit::ProtocolId::kIpv4, Strip(TcpWithOptions(), 14));
BENCHMARK_CAPTURE(BM_DissectOne, ipv6, pcapkit::ProtocolId::kIpv6, Strip(UdpOverIpv6(), 14));
BENCHMARK_CAPTURE(BM_DissectOne, tcp, pcapkit::ProtocolId::kTcp, Strip(TcpWithOptions(), 34));
BENCHMARK_CAPTURE(BM_DissectOne, udp, pcapkit::ProtocolId::kUdp, Strip(UdpOverIpv6(), 54));
BENCHMARK_CAPTURE(BM_DissectOne, icmp, pcapkit::ProtocolId::kIcmp,
                  (Icmp{.type = 8, .rest = 1} / Bytes(16, 0)).Build());
BENCHMARK_CAPTURE(BM_DissectOne, icmpv6, pcapkit::ProtocolId::kIcmpv6,
                  Packet({Icmpv6{.type = 128, .body = Bytes(8, 0)}}).Build());

void BM_JsonRecord(benchmark::State& state) {
  Bytes frame = TcpWithOptions();
  const auto& registry = pcapkit::protocols::Registry::Builtin();
  pcapkit::Dissector dissector(registry, {});
  pcapkit::capture::FrameRecord rec;
  rec.cap_len = rec.len = uint32_t(frame.size());
  rec.linktype = 1;
  rec.time = {1600000000, 123456, 6};
  pcapkit::Frame f;
  dissector.Dissect(rec, frame.data(), f);
  pcapkit::formats::OutBuffer out(1 << 20);
  size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    pcapkit::formats::JsonEmitter e(&out);
    pcapkit::formats::WriteFrameRecord(f, registry, {}, {}, e);
    bytes += out.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(int64_t(bytes));
}
BENCHMARK(BM_JsonRecord);

}  // namespace

// Reassembly kernels: frames dissected once up front, then fed to a Reassembler (what the
// serial stateful stage costs per packet). items = frames fed.
std::vector<pcapkit::Frame> DissectAll(const std::vector<Bytes>& frames) {
  static pcapkit::Dissector dissector(pcapkit::protocols::Registry::Builtin(), {});
  std::vector<pcapkit::Frame> out(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    pcapkit::capture::FrameRecord rec;
    rec.number = i + 1;
    rec.time = {1500000000 + int64_t(i / 1000), 0, 6};
    rec.linktype = 1;
    rec.cap_len = rec.len = uint32_t(frames[i].size());
    dissector.Dissect(rec, frames[i].data(), out[i]);
  }
  return out;
}

void Feed(benchmark::State& state, const std::vector<Bytes>& frames, pcapkit::ReassemblyOptions o) {
  std::vector<pcapkit::Frame> dissected = DissectAll(frames);
  uint64_t bytes = 0;
  for (const Bytes& f : frames) bytes += f.size();
  for (auto _ : state) {
    size_t records = 0;
    pcapkit::Reassembler r(o, {[&](const pcapkit::Datagram&) { ++records; },
                               [&](const pcapkit::StreamData&) { ++records; }, nullptr});
    for (const pcapkit::Frame& f : dissected) r.Feed(f);
    r.Finish();
    benchmark::DoNotOptimize(records);
  }
  state.SetItemsProcessed(state.iterations() * int64_t(frames.size()));
  state.SetBytesProcessed(state.iterations() * int64_t(bytes));
}

// 64 connections interleaved, 1,400-byte segments in order.
void BM_TcpReassemblyInOrder(benchmark::State& state) {
  std::vector<Bytes> frames;
  std::vector<std::string> sources;
  for (int c = 0; c < 64; ++c) sources.push_back("10.0.0." + std::to_string(c + 1));
  for (uint32_t k = 0; k < 200; ++k)
    for (int c = 0; c < 64; ++c) {
      frames.push_back((Ethernet{} / Ipv4{.src = sources[size_t(c)]} /
                        Tcp{.srcport = uint16_t(40000 + c),
                            .dstport = 80,
                            .seq = 1000 + k * 1400,
                            .flags = kAck} /
                        Bytes(1400, 'd'))
                           .Build());
    }
  pcapkit::ReassemblyOptions o;
  o.tcp = true;
  Feed(state, frames, o);
}
BENCHMARK(BM_TcpReassemblyInOrder);

// Datagrams of 4 fragments, the last one first.
void BM_IpReassembly(benchmark::State& state) {
  std::vector<Bytes> frames;
  for (uint16_t id = 0; id < 2000; ++id)
    for (int k : {3, 0, 1, 2}) {
      frames.push_back(
          (Ethernet{} / Ipv4{.id = id, .mf = k != 3, .offset = uint16_t(k * 368), .protocol = 17} /
           Bytes(368, uint8_t(k)))
              .Build());
    }
  pcapkit::ReassemblyOptions o;
  o.ipv4 = true;
  Feed(state, frames, o);
}
BENCHMARK(BM_IpReassembly);

// The flow table alone: TCP packets of `state.range(0)` connections open at once,
// interleaved one by one (the mix has 16 k at its peak), found and counted. The packets
// are extracted once, as the parallel stage does; the loop is the serial stage's.
void BM_FlowTable(benchmark::State& state) {
  const int flows = int(state.range(0));
  const pcapkit::protocols::Registry& registry = pcapkit::protocols::Registry::Builtin();
  pcapkit::Dissector dissector(registry, {});
  std::vector<Bytes> frames;
  for (uint32_t k = 0; k < 8; ++k)
    for (int c = 0; c < flows; ++c) {
      frames.push_back((Ethernet{} / Ipv4{} /
                        Tcp{.srcport = uint16_t(1024 + c % 60000),
                            .dstport = uint16_t(80 + c / 60000),
                            .seq = 1000 + k * 100,
                            .flags = k == 0 ? kSyn : uint8_t(kPsh | kAck)} /
                        Bytes(100, 'd'))
                           .Build());
    }
  std::vector<pcapkit::flows::FlowPacket> packets(frames.size());
  pcapkit::Frame frame;
  for (size_t i = 0; i < frames.size(); ++i) {
    pcapkit::capture::FrameRecord rec;
    rec.number = i + 1;
    rec.time = {1000 + int64_t(i / 100000), uint32_t(i % 100000), 6};
    rec.linktype = 1;
    rec.cap_len = rec.len = uint32_t(frames[i].size());
    dissector.Dissect(rec, frames[i].data(), frame);
    pcapkit::flows::ExtractFlowPacket(frame, packets[i]);
  }
  pcapkit::FlowOptions o;
  o.memory = size_t(1) << 30;
  for (auto _ : state) {
    uint64_t ended = 0;
    pcapkit::flows::FlowTable table(o, registry, [&](const pcapkit::FlowRecord&) { ++ended; });
    size_t n = packets.size();
    for (size_t i = 0; i < n; ++i) {
      table.PrefetchAhead(packets.data(), i, n);
      table.Add(packets[i]);
    }
    table.Finish();
    benchmark::DoNotOptimize(ended);
  }
  state.SetItemsProcessed(state.iterations() * int64_t(packets.size()));
}
BENCHMARK(BM_FlowTable)->Arg(1000)->Arg(16000)->Arg(128000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
