// Google Benchmark kernels for the hot path: reading records, dissecting the core stacks,
// writing JSON records. Run by hand (bench/README.md), never as timed tests.
#include <benchmark/benchmark.h>

#include "engine/capture/reader.h"
#include "engine/packet/dissector.h"
#include "engine/protocols/registry.h"
#include "formats/json_emitter.h"
#include "formats/record.h"
#include "tests/support/packet_builder.h"

using namespace ipsuite;

namespace {

Bytes TcpWithOptions() {
  TcpSpec t;
  t.flags = 0x18;
  t.options = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
  Ipv4Spec ip;
  ip.protocol = 6;
  return Ethernet(kMacB, kMacA, 0x0800, Ipv4(ip, Tcp(t, Bytes(100, 'x'))));
}
Bytes UdpOverIpv6() {
  Ipv6Spec s;
  return Ethernet(kMacB, kMacA, 0x86dd, Ipv6(s, Udp(5353, 53, Bytes(40, 0))));
}
Bytes VlanArp() {
  return Ethernet(kMacB, kMacA, 0x8100,
                  Vlan(0, false, 10, 0x0806, Arp(1, kMacA, "10.0.0.1", Mac{}, "10.0.0.2")));
}

void BM_ReadPcap(benchmark::State& state) {
  std::vector<Record> records(10000, Record{TcpWithOptions()});
  Bytes file = PcapFile({}, records);
  for (auto _ : state) {
    auto reader = pcapkit::capture::Reader::FromSource(
        pcapkit::io::MemorySource(file.data(), file.size()), "bench", 1 << 20);
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
    benchmark::DoNotOptimize(out.layer_count_);
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
BENCHMARK_CAPTURE(BM_DissectOne, icmp, pcapkit::ProtocolId::kIcmp, Icmp(8, 0, 1, Bytes(16, 0)));
BENCHMARK_CAPTURE(BM_DissectOne, icmpv6, pcapkit::ProtocolId::kIcmpv6, Icmpv6(128, 0, Bytes(8, 0)));

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

BENCHMARK_MAIN();
