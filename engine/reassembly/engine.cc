#include "engine/reassembly/engine.h"

#include <algorithm>

namespace pcapkit {

const char* StatusName(ReassemblyStatus status) {
  switch (status) {
    case ReassemblyStatus::kComplete:
      return "complete";
    case ReassemblyStatus::kPartial:
      return "partial";
    case ReassemblyStatus::kTimedOut:
      return "timed-out";
    case ReassemblyStatus::kEvicted:
      return "evicted";
  }
  return "?";
}

const char* StreamEndName(StreamEnd end) {
  switch (end) {
    case StreamEnd::kFin:
      return "fin";
    case StreamEnd::kRst:
      return "rst";
    case StreamEnd::kTimeout:
      return "timeout";
    case StreamEnd::kEvicted:
      return "evicted";
    case StreamEnd::kLimit:
      return "limit";
    case StreamEnd::kMessage:
      return "message";
    case StreamEnd::kEof:
      return "eof";
    case StreamEnd::kReused:
      return "reused";
  }
  return "?";
}

namespace reassembly {

Status Engine::Check(const ReassemblyOptions& options) {
  if ((options.ipv4 || options.ipv6) && options.ip_memory < 4096)
    return Status::InvalidArgument("--ip-memory must be at least 4096 bytes");
  if (options.tcp && (options.tcp_memory < 4096 || options.tcp_buffer < 1))
    return Status::InvalidArgument(
        "--tcp-memory must be at least 4096 bytes and --tcp-buffer at least 1");
  if (options.ipv4_timeout <= 0 || options.ipv6_timeout <= 0 || options.tcp_timeout <= 0)
    return Status::InvalidArgument("reassembly timeouts must be positive");
  return Status::Ok();
}

Engine::Engine(const ReassemblyOptions& options, const Dissector* dissector,
               ReassemblyCallbacks callbacks)
    : options_(options), dissector_(dissector), callbacks_(std::move(callbacks)) {
  if (options.ipv4 || options.ipv6)
    ip_ =
        std::make_unique<IpReassembler>(options_, &stats_, [this](Datagram& d) { OnDatagram(d); });
  if (options.tcp)
    tcp_ = std::make_unique<TcpReassembler>(
        options_, &stats_, [this](StreamData& s) { OnStream(s); },
        [this](const ConnectionInfo& c) {
          if (callbacks_.closed) callbacks_.closed(c);
        },
        callbacks_.piece, callbacks_.opened);
}

Engine::~Engine() = default;

void Engine::Feed(const FrameInputs& in) {
  const Timestamp& t = in.has_fragment ? in.fragment.time : in.segment.time;
  now_ = std::max(now_, ToNanos(t));
  if (ip_) ip_->Expire(now_);
  if (tcp_) tcp_->Expire(now_);
  if (in.has_fragment && ip_) ip_->Add(in.fragment);
  if (in.has_segment && tcp_) tcp_->Add(in.segment);
}

void Engine::FeedAll(const FrameInputs* in, size_t n) {
  constexpr size_t kSlotAhead = 6, kEntryAhead = 3;
  for (size_t i = 0; i < n; ++i) {
    if (tcp_) {
      if (i + kSlotAhead < n && in[i + kSlotAhead].has_segment)
        tcp_->Prefetch(in[i + kSlotAhead].segment, false);
      if (i + kEntryAhead < n && in[i + kEntryAhead].has_segment)
        tcp_->Prefetch(in[i + kEntryAhead].segment, true);
    }
    Feed(in[i]);
  }
}

void Engine::Finish() {
  if (ip_) ip_->Finish();
  if (tcp_) tcp_->Finish();
}

void Engine::OnDatagram(Datagram& d) {
  bool complete = d.status == ReassemblyStatus::kComplete;
  if (complete && dissector_) {
    capture::FrameRecord r;
    r.number = d.index.empty() ? 0 : d.index.back();
    r.time = d.last;
    r.cap_len = r.len = uint32_t(d.payload.size());
    dissector_->DissectPayload(r, d.payload.data(), protocols::Table::kIpProto, d.protocol, 0,
                               false, datagram_packet_);
    d.packet = &datagram_packet_;
  }
  if (callbacks_.datagram) callbacks_.datagram(d);
  // A TCP segment that travelled in fragments joins its stream now.
  if (complete && tcp_ && d.protocol == 6 && dissector_) {
    TcpSegment s;
    if (SegmentOfPayload(datagram_packet_, d.ipv6, d.src, d.dst, s)) {
      now_ = std::max(now_, ToNanos(s.time));
      tcp_->Add(s);
    }
  }
}

void Engine::OnStream(StreamData& s) {
  if (s.status == ReassemblyStatus::kComplete && dissector_ && !s.payload.empty()) {
    capture::FrameRecord r;
    r.number = s.index.empty() ? 0 : s.index.back();
    r.time = s.last;
    r.cap_len = r.len = uint32_t(std::min<size_t>(s.payload.size(), UINT32_MAX));
    uint16_t lo = std::min(s.src.port, s.dst.port), hi = std::max(s.src.port, s.dst.port);
    dissector_->DissectPayload(r, s.payload.data(), protocols::Table::kTcpPort, lo, hi, true,
                               stream_packet_);
    s.packet = &stream_packet_;
  }
  if (callbacks_.stream) callbacks_.stream(s);
}

}  // namespace reassembly

// The public face: a Reassembler owns an Engine and a Dissector of its own.
struct Reassembler::Impl {
  Impl(const ReassemblyOptions& options, ReassemblyCallbacks callbacks)
      : dissector(protocols::Registry::Builtin(), DissectOptions{}),
        engine(options, &dissector, std::move(callbacks)) {}
  Dissector dissector;
  reassembly::Engine engine;
  reassembly::FrameInputs inputs;
};

Reassembler::Reassembler(const ReassemblyOptions& options, ReassemblyCallbacks callbacks) {
  Raise(reassembly::Engine::Check(options));  // the API boundary: a FormatError
  impl_ = std::make_unique<Impl>(options, std::move(callbacks));
}
Reassembler::~Reassembler() = default;

void Reassembler::Feed(const Frame& frame) {
  if (reassembly::ExtractInputs(frame, impl_->engine.wanted(), impl_->inputs))
    impl_->engine.Feed(impl_->inputs);
}

void Reassembler::Finish() {
  impl_->engine.Finish();
}

const ReassemblyStats& Reassembler::stats() const {
  return impl_->engine.stats();
}

}  // namespace pcapkit
