// The TCP reassembler's streaming mode (what `pcapkit analyse` consumes): each direction's
// bytes go out in order as soon as they are contiguous, holes only once they are certain,
// and no stream records are built.
#include <gtest/gtest.h>

#include <filesystem>

#include "pcapkit/pcapkit.h"
#include "testing/capture_files.h"
#include "testing/test_packets.h"

namespace {

using namespace pcapkit::ipsuite;
using namespace testutil;

const char* kC = "10.0.0.1";
const char* kS = "10.0.0.2";

CapturedFrame At(uint32_t sec, const Packet& ip) {
  return {.data = (Ethernet{} / ip).Build(), .sec = sec};
}
CapturedFrame Client(uint32_t sec, uint32_t seq, uint8_t flags, const std::string& data = "") {
  return At(sec, Ipv4Tcp(kC, kS, 40000, 80, seq, 5001, flags, Bytes(data.begin(), data.end())));
}
CapturedFrame Server(uint32_t sec, uint32_t seq, uint32_t ack, uint8_t flags,
                     const std::string& data = "") {
  return At(sec, Ipv4Tcp(kS, kC, 80, 40000, seq, ack, flags, Bytes(data.begin(), data.end())));
}

struct Piece {
  bool from_client;
  uint64_t offset;
  std::string data;
  uint64_t gap;
  std::vector<uint64_t> frames;
  bool operator==(const Piece&) const = default;
};

struct Streamed {
  std::vector<Piece> pieces;
  int records = 0;
  std::vector<pcapkit::StreamEnd> closed;
};

Streamed Stream(const std::vector<CapturedFrame>& records) {
  std::string path = WriteTemp(PcapFile(records), ".pcap");
  Streamed got;
  pcapkit::ReassemblyCallbacks cb;
  cb.stream = [&](const pcapkit::StreamData&) { ++got.records; };
  cb.piece = [&](const pcapkit::StreamPiece& p) {
    EXPECT_EQ(p.client.port, 40000);
    EXPECT_EQ(p.server.port, 80);
    got.pieces.push_back({p.from_client, p.offset, std::string(p.data.begin(), p.data.end()), p.gap,
                          std::vector<uint64_t>(p.frames.begin(), p.frames.end())});
  };
  cb.closed = [&](const pcapkit::ConnectionInfo& c) { got.closed.push_back(c.end); };
  {
    pcapkit::Extractor ex({.input = path});
    pcapkit::Reassembler r({.tcp = true}, cb);
    while (const pcapkit::Frame* f = ex.Next()) r.Feed(*f);
    r.Finish();
  }
  std::filesystem::remove(path);
  return got;
}

TEST(TcpStreaming, BytesGoOutInOrderAsSoonAsTheyAreContiguous) {
  // The second request segment (frame 4) comes before the first (frame 5): it waits for
  // it, then both go out, the held one with its own frame.
  Streamed got =
      Stream({Client(1, 1000, kSyn), Server(1, 5000, 1001, kSyn | kAck), Client(1, 1001, kAck),
              Client(2, 1006, kAck | kPsh, "world"), Client(2, 1001, kAck | kPsh, "hello"),
              Server(3, 5001, 1011, kAck | kPsh, "reply"), Client(4, 1011, kAck | kFin),
              Server(4, 5006, 1012, kAck | kFin), Client(4, 1012, kAck)});
  std::vector<Piece> want = {
      {true, 0, "hello", 0, {5}}, {true, 5, "world", 0, {4}}, {false, 0, "reply", 0, {6}}};
  EXPECT_EQ(got.pieces, want);
  EXPECT_EQ(got.records, 0) << "no stream records while streaming";
  EXPECT_EQ(got.closed, std::vector<pcapkit::StreamEnd>{pcapkit::StreamEnd::kFin});
}

TEST(TcpStreaming, AHoleGoesOutAsAGapOnceCertainNeverAsBytes) {
  // "bbbbb" (offset 5) is never captured; the server acknowledges past it, so the hole is
  // certain: a gap piece (placed at the connection's latest frame, the one that made it
  // certain), then the bytes after it.
  Streamed got = Stream({Client(1, 1000, kSyn), Server(1, 5000, 1001, kSyn | kAck),
                         Client(1, 1001, kAck), Client(2, 1001, kAck | kPsh, "aaaaa"),
                         Client(2, 1011, kAck | kPsh, "ccccc"), Server(3, 5001, 1016, kAck)});
  std::vector<Piece> want = {
      {true, 0, "aaaaa", 0, {4}}, {true, 5, "", 5, {6}}, {true, 10, "ccccc", 0, {5}}};
  EXPECT_EQ(got.pieces, want);
  // Without the acknowledgement the hole is given up only at the end of the capture.
  Streamed eof =
      Stream({Client(1, 1000, kSyn), Server(1, 5000, 1001, kSyn | kAck), Client(1, 1001, kAck),
              Client(2, 1001, kAck | kPsh, "aaaaa"), Client(2, 1011, kAck | kPsh, "ccccc")});
  want[1].frames = {5};  // the connection's last frame
  EXPECT_EQ(eof.pieces, want);
  EXPECT_EQ(eof.closed, std::vector<pcapkit::StreamEnd>{pcapkit::StreamEnd::kEof});
}

TEST(TcpStreaming, RetransmittedBytesGoOutOnce) {
  Streamed got =
      Stream({Client(1, 1000, kSyn), Server(1, 5000, 1001, kSyn | kAck),
              Client(2, 1001, kAck | kPsh, "hello"), Client(3, 1001, kAck | kPsh, "hello"),
              Client(3, 1001, kAck | kPsh, "hello wor"), Client(4, 1010, kAck | kPsh, "ld")});
  std::string all;
  for (const Piece& p : got.pieces) all += p.data;
  EXPECT_EQ(all, "hello world");
  EXPECT_EQ(got.pieces.size(), 3u);
}

}  // namespace
