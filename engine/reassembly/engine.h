// The reassembly state of one capture: the IP and TCP reassemblers behind one entry
// point fed in frame order. A datagram that completes is dissected as its upper layer,
// and when it carries TCP its segment goes on to the TCP reassembler like any other.
// Timeouts run on capture time: the latest timestamp fed so far.
#pragma once

#include <memory>

#include "engine/packet/dissector.h"
#include "engine/reassembly/inputs.h"
#include "engine/reassembly/ip_reassembler.h"
#include "engine/reassembly/tcp_reassembler.h"
#include "engine/util/status.h"
#include "pcapkit/reassembly.h"

namespace pcapkit::reassembly {

class Engine {
 public:
  // Options that cannot work (a zero budget) are InvalidArgument.
  static Status Check(const ReassemblyOptions& options);
  // `dissector` (may be null) dissects complete payloads into Datagram/StreamData::packet.
  // `options` have passed Check().
  Engine(const ReassemblyOptions& options, const Dissector* dissector,
         ReassemblyCallbacks callbacks);
  ~Engine();

  Wanted wanted() const { return {options_.ipv4, options_.ipv6, options_.tcp}; }
  void Feed(const FrameInputs& inputs);
  // Feeding a run of inputs: while input i is fed, the lookups of the next ones are
  // started (the connection table is a cache miss per segment otherwise).
  void FeedAll(const FrameInputs* inputs, size_t count);
  void Finish();
  const ReassemblyStats& stats() const { return stats_; }

 private:
  void OnDatagram(Datagram& d);
  void OnStream(StreamData& s);

  ReassemblyOptions options_;
  const Dissector* dissector_;
  ReassemblyCallbacks callbacks_;
  ReassemblyStats stats_;
  std::unique_ptr<IpReassembler> ip_;
  std::unique_ptr<TcpReassembler> tcp_;
  int64_t now_ = INT64_MIN;
  Frame datagram_packet_, stream_packet_;
};

}  // namespace pcapkit::reassembly
