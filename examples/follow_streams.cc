// Follow TCP streams and rebuild fragmented datagrams with the C++ API: frames from an
// Extractor go to a Reassembler, whose callbacks get each datagram and each direction's
// bytes — with the gaps the capture has, never filled in.
//
//   ./build/examples/follow_streams capture.pcap
#include <cstdio>

#include "pcapkit/pcapkit.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CAPTURE\n", argv[0]);
    return 2;
  }
  try {
    pcapkit::ReassemblyOptions options;
    options.ipv4 = options.ipv6 = options.tcp = true;
    pcapkit::ReassemblyCallbacks callbacks;
    callbacks.datagram = [](const pcapkit::Datagram& d) {
      std::printf("datagram id %u from %zu fragments: %s, %zu bytes%s\n", d.id, d.index.size(),
                  pcapkit::StatusName(d.status), d.payload.size(),
                  d.conflict ? " (overlaps disagreed)" : "");
    };
    callbacks.stream = [](const pcapkit::StreamData& s) {
      size_t received = 0, missing = 0;
      for (const auto& run : s.runs) received += run.data.size();
      for (const auto& gap : s.gaps) missing += gap.len;
      std::printf("connection %llu %s part %u: %zu bytes, %zu missing, ended by %s\n",
                  static_cast<unsigned long long>(s.connection),
                  s.from_client ? "client->server" : "server->client", s.part, received, missing,
                  pcapkit::StreamEndName(s.end));
    };
    callbacks.closed = [](const pcapkit::ConnectionInfo& c) {
      std::printf("connection %llu closed (%s): %llu bytes up, %llu down\n",
                  static_cast<unsigned long long>(c.connection), pcapkit::StreamEndName(c.end),
                  static_cast<unsigned long long>(c.client_bytes),
                  static_cast<unsigned long long>(c.server_bytes));
    };
    pcapkit::Extractor extractor({.input = argv[1]});
    pcapkit::Reassembler reassembler(options, callbacks);
    while (const pcapkit::Frame* frame = extractor.Next()) reassembler.Feed(*frame);
    reassembler.Finish();
  } catch (const pcapkit::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
