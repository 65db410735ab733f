#include "formats/reassembly_record.h"

#include "engine/util/time_format.h"
#include "pcapkit/layers.h"

namespace pcapkit::formats {

namespace {

void Times(Emitter& out, const Timestamp& first, const Timestamp& last) {
  char buf[48];
  out.Plain("first_time", std::string_view(buf, size_t(util::WriteIsoTime(buf, first) - buf)));
  out.Plain("last_time", std::string_view(buf, size_t(util::WriteIsoTime(buf, last) - buf)));
}

void Index(Emitter& out, std::span<const uint64_t> index) {
  out.BeginArray("index");
  for (uint64_t f : index) out.Uint({}, f);
  out.EndArray();
}

uint64_t Received(const std::vector<Run>& runs) {
  uint64_t n = 0;
  for (const Run& r : runs) n += r.data.size();
  return n;
}

std::string Endpoint(bool ipv6, const uint8_t* addr, int port) {
  std::string a = ipv6 ? FormatIpv6(addr) : FormatIpv4(addr);
  if (port < 0) return a;
  return (ipv6 ? "[" + a + "]" : a) + ":" + std::to_string(port);
}

}  // namespace

void WriteDatagramFields(const Datagram& d, const protocols::Registry& registry,
                         const RecordOptions& options, Emitter& out) {
  out.Plain("record", "datagram");
  out.Plain("protocol", d.ipv6 ? "ipv6" : "ipv4");
  bool complete = d.status == ReassemblyStatus::kComplete;
  out.Bool("completed", complete);
  out.Plain("status", StatusName(d.status));
  out.BeginObject("id");
  WriteAddress(out, "src", d.ipv6, d.src);
  WriteAddress(out, "dst", d.ipv6, d.dst);
  out.Uint("id", d.id);
  out.Uint("proto", d.protocol);
  out.EndObject();
  Index(out, d.index);
  Times(out, d.first, d.last);
  if (d.total_length >= 0) out.Uint("len", uint64_t(d.total_length));
  out.Uint("received", Received(d.runs));
  out.Bool("conflict", d.conflict);
  out.Bool("oversize", d.oversize);
  out.Hex("header", d.header.data(), d.header.size());
  if (complete) {
    out.Hex("payload", d.payload.data(), d.payload.size());
    if (d.packet) {
      out.BeginObject("packet");
      WriteLayers(*d.packet, registry, options, out);
      out.EndObject();
    }
    return;
  }
  out.BeginArray("runs");
  for (const Run& r : d.runs) {
    out.BeginObject();
    out.Uint("offset", r.seq);
    out.Uint("len", r.data.size());
    out.Hex("data", r.data.data(), r.data.size());
    out.EndObject();
  }
  out.EndArray();
  out.BeginArray("gaps");
  for (const Gap& g : d.gaps) {
    out.BeginObject();
    out.Uint("offset", g.seq);
    out.Uint("len", g.len);
    out.EndObject();
  }
  out.EndArray();
}

void WriteStreamFields(const StreamData& s, const protocols::Registry& registry,
                       const RecordOptions& options, Emitter& out) {
  out.Plain("record", "stream");
  out.Plain("protocol", "tcp");
  bool complete = s.status == ReassemblyStatus::kComplete;
  out.Bool("completed", complete);
  out.Plain("status", StatusName(s.status));
  out.Plain("end", StreamEndName(s.end));
  out.BeginObject("id");
  WriteAddress(out, "src", s.ipv6, s.src.addr);
  out.Uint("srcport", s.src.port);
  WriteAddress(out, "dst", s.ipv6, s.dst.addr);
  out.Uint("dstport", s.dst.port);
  if (s.has_ack) out.Uint("ack", s.ack);
  out.EndObject();
  out.Uint("connection", s.connection);
  out.Plain("direction", s.from_client ? "client-to-server" : "server-to-client");
  out.Uint("part", s.part);
  Index(out, s.index);
  Times(out, s.first, s.last);
  out.Uint("seq", s.seq);
  out.Uint("offset", s.offset);
  out.Uint("len", Received(s.runs));
  out.Bool("conflict", s.conflict);
  if (complete) {
    out.Hex("payload", s.payload.data(), s.payload.size());
    if (s.packet) {
      out.BeginObject("packet");
      WriteLayers(*s.packet, registry, options, out);
      out.EndObject();
    }
    return;
  }
  out.BeginArray("runs");
  for (const Run& r : s.runs) {
    out.BeginObject();
    out.Uint("seq", r.seq);
    out.Uint("len", r.data.size());
    out.Hex("data", r.data.data(), r.data.size());
    out.EndObject();
  }
  out.EndArray();
  out.BeginArray("gaps");
  for (const Gap& g : s.gaps) {
    out.BeginObject();
    out.Uint("seq", g.seq);
    out.Uint("len", g.len);
    out.EndObject();
  }
  out.EndArray();
}

IncompleteEntry DescribeIncomplete(const Datagram& d) {
  IncompleteEntry e;
  e.protocol = d.ipv6 ? "ipv6" : "ipv4";
  e.src = Endpoint(d.ipv6, d.src, -1);
  e.dst = Endpoint(d.ipv6, d.dst, -1);
  e.id = d.id;
  e.status = StatusName(d.status);
  e.first_frame = d.index.empty() ? 0 : d.index.front();
  e.last_frame = d.index.empty() ? 0 : d.index.back();
  e.frames = d.index.size();
  e.received = Received(d.runs);
  for (const Gap& g : d.gaps) e.missing += g.len;
  return e;
}

IncompleteEntry DescribeIncomplete(const StreamData& s) {
  IncompleteEntry e;
  e.protocol = "tcp";
  e.src = Endpoint(s.ipv6, s.src.addr, s.src.port);
  e.dst = Endpoint(s.ipv6, s.dst.addr, s.dst.port);
  e.id = s.connection;
  e.status = StatusName(s.status);
  e.end = StreamEndName(s.end);
  e.first_frame = s.index.empty() ? 0 : s.index.front();
  e.last_frame = s.index.empty() ? 0 : s.index.back();
  e.frames = s.index.size();
  e.received = Received(s.runs);
  for (const Gap& g : s.gaps) e.missing += g.len;
  return e;
}

void WriteSummaryFields(const ReassemblyOptions& o, const ReassemblyStats& st, uint64_t records,
                        const std::vector<IncompleteEntry>& incomplete, uint64_t incomplete_total,
                        Emitter& out) {
  out.Plain("record", "summary");
  out.Bool("strict", o.strict);
  out.Uint("records", records);
  if (o.ipv4 || o.ipv6) {
    out.BeginObject("ip");
    out.Uint("fragments", st.fragments);
    out.Uint("datagrams", st.datagrams);
    out.Uint("complete", st.datagrams_complete);
    out.Uint("partial", st.datagrams_partial);
    out.Uint("timed_out", st.datagrams_timed_out);
    out.Uint("evicted", st.datagrams_evicted);
    out.Uint("peak_memory", st.peak_ip_memory);
    out.EndObject();
  }
  if (o.tcp) {
    out.BeginObject("tcp");
    out.Uint("segments", st.segments);
    out.Uint("connections", st.connections);
    out.Uint("streams", st.streams);
    out.Uint("complete", st.streams_complete);
    out.Uint("retransmissions", st.retransmissions);
    out.Uint("gap_bytes", st.gap_bytes);
    out.Uint("timed_out", st.connections_timed_out);
    out.Uint("evicted", st.connections_evicted);
    out.Uint("after_close", st.after_close);
    out.Uint("peak_memory", st.peak_tcp_memory);
    out.EndObject();
  }
  out.Uint("conflicts", st.conflicts);
  out.Uint("incomplete_total", incomplete_total);
  out.BeginArray("incomplete");
  for (const IncompleteEntry& e : incomplete) {
    out.BeginObject();
    out.Plain("protocol", e.protocol);
    out.Text("src", e.src);
    out.Text("dst", e.dst);
    out.Uint(e.protocol == "tcp" ? "connection" : "id", e.id);
    out.Plain("status", e.status);
    if (!e.end.empty()) out.Plain("end", e.end);
    out.Uint("first_frame", e.first_frame);
    out.Uint("last_frame", e.last_frame);
    out.Uint("frames", e.frames);
    out.Uint("received", e.received);
    out.Uint("missing", e.missing);
    out.EndObject();
  }
  out.EndArray();
}

}  // namespace pcapkit::formats
