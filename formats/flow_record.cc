#include "formats/flow_record.h"

#include <cinttypes>
#include <cstdio>
#include <string>

#include "engine/protocols/registry.h"
#include "engine/reassembly/inputs.h"
#include "engine/util/time_format.h"
#include "formats/record.h"

namespace pcapkit::formats {

namespace {

void Time(Emitter& out, std::string_view key, const Timestamp& t) {
  char buf[48];
  out.Plain(key, std::string_view(buf, size_t(util::WriteIsoTime(buf, t) - buf)));
}

// last - first in seconds, exact at the finer of the two resolutions (6 or 9 digits).
void Duration(Emitter& out, const Timestamp& first, const Timestamp& last) {
  int64_t ns = reassembly::ToNanos(last) - reassembly::ToNanos(first);
  if (ns < 0) ns = 0;  // a capture whose clock went back
  bool nano = first.digits > 6 || last.digits > 6;
  char buf[40];
  int n = nano ? std::snprintf(buf, sizeof buf, "%" PRId64 ".%09" PRId64, ns / 1000000000,
                               ns % 1000000000)
               : std::snprintf(buf, sizeof buf, "%" PRId64 ".%06" PRId64, ns / 1000000000,
                               (ns % 1000000000) / 1000);
  out.Number("duration", std::string_view(buf, size_t(n)));
}

using namespace protocols;  // FieldType bits
constexpr FieldSpec kFlowFields[] = {
    {"flow", kInt, "number in order of first appearance, from 0"},
    {"community_id", kText, "Community ID v1"},
    {"proto", kText, "tcp, udp, sctp, icmp, icmpv6, else the IP protocol number"},
    {"src", kIpv4 | kIpv6, "the originator"},
    {"srcport", kInt, "the originator's port (ICMP: as Community ID maps types)"},
    {"dst", kIpv4 | kIpv6, "the responder"},
    {"dstport", kInt, "the responder's port (ICMP: as Community ID maps types)"},
    {"first", kText, "capture time of the first packet"},
    {"last", kText, "capture time of the last packet"},
    {"duration", kNumber, "last - first in seconds"},
    {"first_frame", kInt, "frame number of the first packet"},
    {"last_frame", kInt, "frame number of the last packet"},
    {"orig_packets", kInt, "packets from the originator"},
    {"orig_bytes", kInt, "IP bytes from the originator"},
    {"orig_payload", kInt, "transport payload bytes from the originator"},
    {"resp_packets", kInt, "packets from the responder"},
    {"resp_bytes", kInt, "IP bytes from the responder"},
    {"resp_payload", kInt, "transport payload bytes from the responder"},
    {"history", kText, "TCP: Zeek's history letters"},
    {"state", kText, "TCP: Zeek's conn_state"},
    {"missed_bytes", kInt, "TCP: bytes proved sent but never captured"},
    {"end", kText, "fin, rst, timeout, evicted, reused or eof"},
    {"vlan", kInt, "the outermost VLAN id"},
    {"tunnel", kText, "the protocol chain outside the flow's IP layer"},
    {"service", kText, "the application protocol recognised on the flow"},
};

}  // namespace

constexpr FieldSpec kFrameFlowFields[] = {
    {"community_id", kText, "extract --flow-id only: the Community ID of the frame's IP flow"},
    {"flow", kInt, "extract --flow-id only: the number of the frame's IP flow"},
};

std::span<const protocols::FieldSpec> FrameFlowFields() {
  return kFrameFlowFields;
}

std::span<const protocols::FieldSpec> FlowFields() {
  return kFlowFields;
}

std::string FlowProtocolName(uint8_t proto) {
  switch (proto) {
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 132:
      return "sctp";
    case 1:
      return "icmp";
    case 58:
      return "icmpv6";
  }
  return std::to_string(proto);
}

void WriteFlowFields(const FlowRecord& r, Emitter& out) {
  out.Uint("flow", r.flow);
  out.Plain("community_id", r.community_id);
  out.Plain("proto", FlowProtocolName(r.proto));
  WriteAddress(out, "src", r.ipv6, r.src);
  if (r.has_ports) out.Uint("srcport", r.srcport);
  WriteAddress(out, "dst", r.ipv6, r.dst);
  if (r.has_ports) out.Uint("dstport", r.dstport);
  Time(out, "first", r.first);
  Time(out, "last", r.last);
  Duration(out, r.first, r.last);
  out.Uint("first_frame", r.first_frame);
  out.Uint("last_frame", r.last_frame);
  out.Uint("orig_packets", r.orig_packets);
  out.Uint("orig_bytes", r.orig_bytes);
  out.Uint("orig_payload", r.orig_payload);
  out.Uint("resp_packets", r.resp_packets);
  out.Uint("resp_bytes", r.resp_bytes);
  out.Uint("resp_payload", r.resp_payload);
  if (r.tcp) {
    out.Plain("history", r.history);
    out.Plain("state", r.state);
    out.Uint("missed_bytes", r.missed_bytes);
  }
  out.Plain("end", FlowEndName(r.end));
  if (r.vlan >= 0) out.Uint("vlan", uint64_t(r.vlan));
  if (!r.tunnel.empty()) out.Plain("tunnel", r.tunnel);
  if (!r.service.empty()) out.Plain("service", r.service);
}

}  // namespace pcapkit::formats
