// libFuzzer target: the reassemblers fed with frames built from the input. Each record
// of the input makes one raw-IP frame — an IPv4 or IPv6 fragment, or a TCP segment over
// either — whose addresses, ids, offsets, sequence numbers and flags come from a few
// bytes, drawn from small sets so that keys collide and ranges overlap. Budgets are tiny
// (eviction runs constantly), timeouts short, policies vary; every record handed out is
// serialized and parsed back (fuzz/oracles.h), and the invariants are checked: memory
// never above its budget, complete datagrams exactly as long as they say.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "engine/capture/batch.h"
#include "engine/packet/dissector.h"
#include "formats/json_emitter.h"
#include "formats/reassembly_record.h"
#include "fuzz/byte_reader.h"
#include "fuzz/oracles.h"
#include "pcapkit/reassembly.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pcapkit;
  using fuzz::Put16;
  using fuzz::Put32;
  static const Dissector dissector(protocols::Registry::Builtin(), {});
  static const auto& registry = protocols::Registry::Builtin();
  if (size < 2) return 0;
  fuzz::ByteReader in{data, size};
  uint8_t mode = in.U8();
  ReassemblyOptions o;
  o.ipv4 = o.ipv6 = o.tcp = true;
  o.strict = true;
  o.tcp_messages = mode & 1;
  o.overlap = (mode & 2) ? OverlapPolicy::kLast : OverlapPolicy::kFirst;
  o.ip_memory = 4096 << (mode >> 2 & 3);
  o.tcp_memory = 4096 << (mode >> 4 & 3);
  o.tcp_buffer = size_t(64) << (mode >> 6);
  o.ipv4_timeout = 2;
  o.ipv6_timeout = 3;
  o.tcp_timeout = 5;
  formats::OutBuffer out;
  ReassemblyCallbacks cb;
  cb.datagram = [&](const Datagram& d) {
    if (d.status == ReassemblyStatus::kComplete && int64_t(d.payload.size()) != d.total_length)
      std::abort();
    formats::JsonEmitter e(&out);
    e.BeginObject();
    formats::WriteDatagramFields(d, registry, {true}, e);
    e.EndObject();
    fuzz::CheckJson({out.data(), out.size()}, "a datagram record");
    out.clear();
  };
  cb.stream = [&](const StreamData& s) {
    formats::JsonEmitter e(&out);
    e.BeginObject();
    formats::WriteStreamFields(s, registry, {true}, e);
    e.EndObject();
    fuzz::CheckJson({out.data(), out.size()}, "a stream record");
    out.clear();
  };
  Reassembler reassembler(o, cb);
  int64_t sec = 1000;
  uint64_t number = 0;
  std::vector<uint8_t> frame;
  while (in.n > 0) {
    uint8_t kind = in.U8();
    sec += in.U8() >> 5;  // 0..7 seconds later
    uint8_t addr = kind >> 5 & 3;
    uint8_t len = in.U8();
    bool v6 = kind & 1;
    bool tcp = kind & 2;
    size_t ip_hdr = v6 ? 40 : 20;
    size_t l4 = tcp ? 20 : (v6 ? 8 : 0);  // TCP header, or IPv6's Fragment header
    frame.assign(ip_hdr + l4 + len, 0);
    uint16_t frag_field = 0;
    uint32_t id = 0;
    if (!tcp) {
      id = in.U8() & 3;
      frag_field = in.U16();  // offset (13 bits) and MF
    }
    if (v6) {
      frame[0] = 0x60;
      Put16(frame, 4, uint16_t(l4 + len));
      frame[6] = tcp ? 6 : 44;
      frame[7] = 64;
      frame[23] = uint8_t(1 + addr);
      frame[39] = uint8_t(1 + (addr >> 1));
      frame[8] = frame[24] = 0x20;
      if (!tcp) {
        frame[40] = 17;
        Put16(frame, 42, uint16_t((frag_field & 0x1fff) << 3 | (frag_field >> 13 & 1)));
        Put32(frame, 44, id);
      }
    } else {
      frame[0] = 0x45;
      Put16(frame, 2, uint16_t(ip_hdr + l4 + len));
      Put16(frame, 4, uint16_t(id));
      Put16(frame, 6, tcp ? 0x4000 : uint16_t(frag_field & 0x3fff));
      frame[8] = 64;
      frame[9] = tcp ? 6 : 17;
      frame[12] = 10;
      frame[15] = uint8_t(1 + addr);
      frame[16] = 10;
      frame[19] = uint8_t(1 + (addr >> 1));
    }
    if (tcp) {
      size_t t = ip_hdr;
      Put16(frame, t, uint16_t(1000 + (kind >> 2 & 1)));
      Put16(frame, t + 2, 80);
      // Sequence numbers near a few bases (one by the wrap) so segments overlap.
      static const uint32_t kBases[] = {0, 1000, 0xffffff00u, 0x7fffffffu};
      Put32(frame, t + 4, kBases[kind >> 3 & 3] + in.U16());
      Put32(frame, t + 8, kBases[kind >> 4 & 3] + in.U16());
      frame[t + 12] = 0x50;
      frame[t + 13] = in.U8() & 0x1f;
    }
    for (size_t i = ip_hdr + l4; i < frame.size(); ++i) frame[i] = in.U8();
    capture::FrameRecord rec;
    rec.number = ++number;
    rec.time = {sec, 0, 6};
    rec.linktype = 101;  // raw IP
    rec.cap_len = rec.len = uint32_t(frame.size());
    Frame f;
    dissector.Dissect(rec, frame.data(), f);
    reassembler.Feed(f);
  }
  reassembler.Finish();
  const ReassemblyStats& st = reassembler.stats();
  if (st.peak_ip_memory > o.ip_memory || st.peak_tcp_memory > o.tcp_memory) std::abort();
  return 0;
}
