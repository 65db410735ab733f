// libFuzzer target: the flow table fed with frames built from the input. Each record of
// the input makes one raw-IP frame — IPv4 or IPv6, carrying TCP, UDP, ICMP, ICMPv6, SCTP
// or GRE, sometimes a fragment, sometimes inside an IPv4 tunnel — whose addresses, ports,
// sequence numbers, flags and times come from a few bytes drawn from small sets, so that
// flows collide, reuse their 5-tuples and time out. The budget is tiny (eviction runs
// constantly). Every record handed out is serialized and parsed back (fuzz/oracles.h), and
// the invariants are checked: memory never above its budget, every flow reported exactly
// once, every packet counted in exactly one flow.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "engine/capture/batch.h"
#include "engine/flows/flow_table.h"
#include "engine/packet/dissector.h"
#include "formats/flow_record.h"
#include "formats/json_emitter.h"
#include "fuzz/byte_reader.h"
#include "fuzz/oracles.h"

namespace {

using pcapkit::fuzz::ByteReader;
using pcapkit::fuzz::Put16;

constexpr uint8_t kProtocols[] = {6, 6, 17, 1, 58, 132, 47, 6};

// The IP header (and the transport's first 20 bytes) of one frame from `in`.
std::vector<uint8_t> MakePacket(ByteReader& in, uint8_t kind) {
  bool v6 = kind & 1;
  uint8_t proto = kProtocols[kind >> 1 & 7];
  uint8_t len = in.U8() & 0x3f;
  size_t ip_hdr = v6 ? 40 : 20;
  std::vector<uint8_t> p(ip_hdr + 20 + len, 0);
  uint8_t a = in.U8();
  if (v6) {
    p[0] = 0x60;
    Put16(p, 4, uint16_t(20 + len));
    p[6] = proto;
    p[8] = p[24] = 0x20;
    p[23] = uint8_t(1 + (a & 3));
    p[39] = uint8_t(1 + (a >> 2 & 3));
  } else {
    p[0] = 0x45;
    Put16(p, 2, uint16_t(ip_hdr + 20 + len));
    Put16(p, 4, uint16_t(a >> 4 & 3));
    if (kind & 0x80) Put16(p, 6, uint16_t((a & 0x40) ? 0x2000 : 0) | uint16_t(a >> 7) * 2);
    p[8] = 64;
    p[9] = proto;
    p[12] = p[16] = 10;
    p[15] = uint8_t(1 + (a & 3));
    p[19] = uint8_t(1 + (a >> 2 & 3));
  }
  size_t t = ip_hdr;
  uint8_t ports = in.U8();
  Put16(p, t, uint16_t(1000 + (ports & 3)));
  Put16(p, t + 2, uint16_t(80 + (ports >> 2 & 1)));
  if (proto == 1 || proto == 58) {  // types from the counterpart tables, and others
    static const uint8_t kTypes[] = {8, 0, 3, 11, 128, 129, 135, 136};
    p[t] = kTypes[ports >> 3 & 7];
    p[t + 1] = ports >> 6;
  }
  static const uint32_t kBases[] = {0, 1000, 0xffffff00u, 0x7fffffffu};
  uint32_t seq = kBases[ports >> 3 & 3] + in.U16();
  uint32_t ack = kBases[ports >> 5 & 3] + in.U16();
  for (int i = 0; i < 4; ++i) {
    p[t + 4 + i] = uint8_t(seq >> (24 - 8 * i));
    p[t + 8 + i] = uint8_t(ack >> (24 - 8 * i));
  }
  p[t + 12] = 0x50;
  p[t + 13] = in.U8() & 0x3f;
  for (size_t i = t + 20; i < p.size(); ++i) p[i] = in.U8();
  return p;
}

// The packet inside an IPv4 tunnel (protocol 4 or 41).
std::vector<uint8_t> Tunnel(const std::vector<uint8_t>& inner) {
  std::vector<uint8_t> p(20, 0);
  p[0] = 0x45;
  Put16(p, 2, uint16_t(20 + inner.size()));
  p[8] = 64;
  p[9] = (inner[0] >> 4) == 6 ? 41 : 4;
  p[12] = p[16] = 192;
  p[15] = 1;
  p[19] = 2;
  p.insert(p.end(), inner.begin(), inner.end());
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pcapkit;
  static const Dissector dissector(protocols::Registry::Builtin(), {});
  static const auto& registry = protocols::Registry::Builtin();
  if (size < 2) return 0;
  ByteReader in{data, size};
  uint8_t mode = in.U8();
  FlowOptions o;
  o.enabled = true;
  o.timeout = mode & 1 ? 3 : 0;
  o.memory = flows::FlowTable::CostPerFlow() * (2 + (mode >> 1 & 15));
  formats::OutBuffer out;
  std::vector<uint8_t> reported;
  uint64_t counted = 0;
  flows::FlowTable table(o, registry, [&](const FlowRecord& r) {
    if (r.flow >= reported.size()) reported.resize(r.flow + 1, 0);
    if (reported[r.flow]++) fuzz::Fail("a flow reported twice");
    counted += r.orig_packets + r.resp_packets;
    formats::JsonEmitter e(&out);
    e.BeginObject();
    formats::WriteFlowFields(r, e);
    e.EndObject();
    fuzz::CheckJson({out.data(), out.size()}, "a flow record");
    out.clear();
  });
  int64_t sec = 1000;
  uint64_t number = 0, packets = 0;
  Frame frame;
  flows::FlowPacket packet;
  while (in.n > 0) {
    uint8_t kind = in.U8();
    sec += int64_t(in.U8() >> 4) - 3;  // 3 seconds back to 12 later: clocks go back too
    std::vector<uint8_t> bytes = MakePacket(in, kind);
    if (kind & 0x40) bytes = Tunnel(bytes);
    capture::FrameRecord rec;
    rec.number = ++number;
    rec.time = {sec, 0, 6};
    rec.linktype = 101;  // raw IP
    rec.cap_len = rec.len = uint32_t(bytes.size());
    dissector.Dissect(rec, bytes.data(), frame);
    if (!flows::ExtractFlowPacket(frame, packet)) continue;
    table.Add(packet);
    ++packets;
    if (table.flows() * flows::FlowTable::CostPerFlow() > o.memory)
      fuzz::Fail("flow table above its budget");
  }
  table.Finish();
  if (table.flows() != 0) fuzz::Fail("flows left after Finish");
  for (uint8_t seen : reported)
    if (seen != 1) fuzz::Fail("a flow number never reported");
  if (counted != packets) fuzz::Fail("packets counted in no flow, or in two");
  return 0;
}
