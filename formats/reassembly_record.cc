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

namespace {

using namespace protocols;  // FieldType bits

constexpr FieldSpec kDatagramFields[] = {
    {"record", kText, "datagram"},
    {"protocol", kText, "ipv4 or ipv6"},
    {"completed", kBool, "every byte arrived"},
    {"status", kText, "complete, partial, timed-out or evicted"},
    {"id", kObject, "the datagram's key"},
    {"id.src", kIpv4 | kIpv6, "source address"},
    {"id.dst", kIpv4 | kIpv6, "destination address"},
    {"id.id", kInt, "IPv4 identification / IPv6 Fragment header id"},
    {"id.proto", kInt, "IPv4 protocol / the first fragment's next header"},
    {"index", kList, "frame numbers of the fragments, in arrival order"},
    {"index[]", kInt, "a frame number"},
    {"first_time", kText, "capture time of the first fragment"},
    {"last_time", kText, "capture time of the last fragment"},
    {"len", kInt, "payload bytes the last fragment announced (absent while unknown)"},
    {"received", kInt, "payload bytes received"},
    {"conflict", kBool, "overlapping fragments carried different bytes"},
    {"oversize", kBool, "a fragment reached past 65,535 bytes"},
    {"header", kHex, "the offset-0 fragment's IP header (empty when it never came)"},
    {"payload", kHex, "complete only: the datagram's payload"},
    {"packet", kObject, "complete only: the payload dissected, layers nested"},
    {"runs", kList, "incomplete only: what arrived"},
    {"runs[].offset", kInt, "bytes into the payload"},
    {"runs[].len", kInt, "bytes"},
    {"runs[].data", kHex, "the bytes"},
    {"gaps", kList, "incomplete only: what did not arrive"},
    {"gaps[].offset", kInt, "bytes into the payload"},
    {"gaps[].len", kInt, "bytes"},
};

constexpr FieldSpec kStreamFields[] = {
    {"record", kText, "stream"},
    {"protocol", kText, "tcp"},
    {"completed", kBool, "the record has no gap"},
    {"status", kText, "complete, partial, timed-out or evicted"},
    {"end", kText, "fin, rst, timeout, evicted, limit, message, eof or reused"},
    {"id", kObject, "the direction's endpoints"},
    {"id.src", kIpv4 | kIpv6, "the direction's sender"},
    {"id.srcport", kInt, "its port"},
    {"id.dst", kIpv4 | kIpv6, "the receiver"},
    {"id.dstport", kInt, "its port"},
    {"id.ack", kInt, "--tcp-messages: the ACK number the run shares"},
    {"connection", kInt, "1-based connection number, in order of appearance"},
    {"direction", kText, "client-to-server or server-to-client"},
    {"part", kInt, "1-based record number within this direction"},
    {"index", kList, "frames whose bytes are in the record, and SYN/FIN/RST frames"},
    {"index[]", kInt, "a frame number"},
    {"first_time", kText, "capture time of the first byte's frame"},
    {"last_time", kText, "capture time of the last byte's frame"},
    {"seq", kInt, "wire sequence number where the record starts"},
    {"offset", kInt, "the same place as a byte offset in the direction's stream"},
    {"len", kInt, "bytes received in the record"},
    {"conflict", kBool, "a retransmission or overlap disagreed with bytes still held"},
    {"payload", kHex, "complete only: every byte, in order"},
    {"packet", kObject, "complete only: the payload dissected, layers nested"},
    {"runs", kList, "incomplete only: contiguous runs received"},
    {"runs[].seq", kInt, "wire sequence number of the run"},
    {"runs[].len", kInt, "bytes"},
    {"runs[].data", kHex, "the bytes"},
    {"gaps", kList, "incomplete only: missing ranges"},
    {"gaps[].seq", kInt, "wire sequence number of the gap"},
    {"gaps[].len", kInt, "bytes"},
};

constexpr FieldSpec kSummaryFields[] = {
    {"record", kText, "summary"},
    {"strict", kBool, "--strict was given"},
    {"records", kInt, "records written"},
    {"ip", kObject, "IP fragment reassembly (with --ipv4 or --ipv6)"},
    {"ip.fragments", kInt, "fragments seen"},
    {"ip.datagrams", kInt, "datagrams"},
    {"ip.complete", kInt, "datagrams complete"},
    {"ip.partial", kInt, "datagrams partial"},
    {"ip.timed_out", kInt, "datagrams timed out"},
    {"ip.evicted", kInt, "datagrams evicted"},
    {"ip.peak_memory", kInt, "bytes"},
    {"tcp", kObject, "TCP stream reassembly (with --tcp)"},
    {"tcp.segments", kInt, "segments seen"},
    {"tcp.connections", kInt, "connections"},
    {"tcp.streams", kInt, "stream records"},
    {"tcp.complete", kInt, "stream records complete"},
    {"tcp.retransmissions", kInt, "segments whose bytes had all arrived"},
    {"tcp.gap_bytes", kInt, "bytes never received"},
    {"tcp.timed_out", kInt, "connections timed out"},
    {"tcp.evicted", kInt, "connections evicted"},
    {"tcp.after_close", kInt, "segments with data after the close, ignored"},
    {"tcp.peak_memory", kInt, "bytes"},
    {"conflicts", kInt, "overlaps that disagreed"},
    {"incomplete_total", kInt, "incomplete records"},
    {"incomplete", kList, "up to 1,000 incomplete records"},
    {"incomplete[].protocol", kText, "ipv4, ipv6 or tcp"},
    {"incomplete[].src", kText, "address (TCP: with its port)"},
    {"incomplete[].dst", kText, "address (TCP: with its port)"},
    {"incomplete[].id", kInt, "IP: the datagram's id"},
    {"incomplete[].connection", kInt, "TCP: the connection number"},
    {"incomplete[].status", kText, "partial, timed-out or evicted"},
    {"incomplete[].end", kText, "TCP: why the record ended"},
    {"incomplete[].first_frame", kInt, "frame number"},
    {"incomplete[].last_frame", kInt, "frame number"},
    {"incomplete[].frames", kInt, "frames"},
    {"incomplete[].received", kInt, "bytes"},
    {"incomplete[].missing", kInt, "bytes"},
};

constexpr ReassemblyCatalogue kCatalogues[] = {
    {"datagram", "an IP datagram rebuilt from fragments", kDatagramFields, "packet"},
    {"stream", "in-order bytes of one direction of a TCP connection", kStreamFields, "packet"},
    {"summary", "the report's last record: counts, and what was not output", kSummaryFields,
     nullptr},
};

}  // namespace

std::span<const ReassemblyCatalogue> ReassemblyCatalogues() {
  return kCatalogues;
}

}  // namespace pcapkit::formats
