// libFuzzer target: the flow table fed with frames built from the input. Each record of
// the input makes one raw-IP frame (fuzz/ip_packets.h) at a time drawn from it, so that
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
#include "fuzz/ip_packets.h"
#include "fuzz/oracles.h"

using pcapkit::fuzz::ByteReader;
using pcapkit::fuzz::MakePacket;
using pcapkit::fuzz::Tunnel;

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
