#include "formats/reassembly_fields.h"

namespace pcapkit::formats {

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
