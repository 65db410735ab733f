// The public I/O seam (pcapkit/io.h): captures from memory (dissected in place) or a
// callback, reports to a sink — each giving the same bytes as files do, and failing as
// the API promises when the user's source or sink fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "pcapkit/ipsuite.h"
#include "pcapkit/pcapkit.h"
#include "testing/capture_files.h"

namespace {

using namespace pcapkit::ipsuite;
using testutil::Gzip;
using testutil::WriteTemp;

// Frames of several kinds, enough for many 4 KiB batches.
Bytes Capture(size_t frames) {
  std::vector<CapturedFrame> records;
  for (size_t i = 0; i < frames; ++i) {
    Packet frame =
        i % 3 == 2
            ? Ethernet{} / Ipv6{} / Udp{.srcport = 1000, .dstport = 53} / Bytes(i % 50, 'u')
            : Ethernet{} / Ipv4{} / Tcp{.dstport = 80, .seq = uint32_t(i)} / Bytes(i % 300, 'a');
    records.push_back({.data = frame.Build(),
                       .sec = int64_t(1500000000 + i),
                       .nsec = uint32_t(i) * 1000});  // i µs
  }
  return PcapFile(records);
}

class StringSink : public pcapkit::OutputSink {
 public:
  void Write(std::string_view bytes) override {
    if (fail_after_ >= 0 && writes_++ >= fail_after_) throw std::runtime_error("disk on fire");
    text += bytes;
  }
  void Close() override { closed = true; }
  std::string name() const override { return "<test sink>"; }
  std::string text;
  bool closed = false;
  int fail_after_ = -1;  // writes accepted before the sink throws (-1: never)
  int writes_ = 0;
};

std::string FileReport(const Bytes& capture, pcapkit::OutputFormat format) {
  std::string in = WriteTemp(capture, ".pcap");
  std::string out = in + ".out";
  pcapkit::ExtractOptions o;
  o.input = in;
  o.output = out;
  o.format = format;
  o.quiet = true;
  pcapkit::Extractor(o).Run();
  std::ifstream f(out, std::ios::binary);
  std::stringstream text;
  text << f.rdbuf();
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  return text.str();
}

pcapkit::ExtractOptions ToSink(std::shared_ptr<pcapkit::CaptureSource> source,
                               std::shared_ptr<StringSink> sink, pcapkit::OutputFormat format) {
  pcapkit::ExtractOptions o;
  o.source = std::move(source);
  o.sink = std::move(sink);
  o.format = format;
  o.batch_bytes = 4096;
  o.quiet = true;
  return o;
}

TEST(IoSeam, MemoryCaptureToSinkWritesWhatFilesDo) {
  Bytes capture = Capture(3000);
  for (auto format : {pcapkit::OutputFormat::kJson, pcapkit::OutputFormat::kNdjson,
                      pcapkit::OutputFormat::kPcapng}) {
    auto sink = std::make_shared<StringSink>();
    for (auto strategy : {pcapkit::Strategy::kSequential, pcapkit::Strategy::kPipeline}) {
      sink->text.clear();
      pcapkit::ExtractOptions o = ToSink(pcapkit::MemoryCapture(capture), sink, format);
      o.strategy = strategy;
      o.threads = 2;
      pcapkit::ExtractSummary s = pcapkit::Extractor(o).Run();
      EXPECT_EQ(s.frames, 3000u);
      EXPECT_EQ(s.output, "<test sink>");
      EXPECT_TRUE(sink->closed);
      EXPECT_TRUE(sink->text == FileReport(capture, format)) << "format " << int(format);
    }
  }
}

TEST(IoSeam, MemoryCaptureIsDissectedWhereItLies) {
  Bytes capture = Capture(100);
  pcapkit::ExtractOptions o;
  o.source = pcapkit::MemoryCapture(capture, "in memory");
  pcapkit::Extractor ex(o);
  size_t frames = 0;
  while (const pcapkit::Frame* f = ex.Next()) {
    ++frames;
    // The frame's bytes are the caller's: nothing was copied.
    EXPECT_GE(f->data().data(), capture.data());
    EXPECT_LE(f->data().data() + f->cap_len(), capture.data() + capture.size());
  }
  EXPECT_EQ(frames, 100u);
}

TEST(IoSeam, CompressedMemoryCaptureIsDecompressed) {
  Bytes capture = Capture(500);
  auto plain = std::make_shared<StringSink>(), zipped = std::make_shared<StringSink>();
  pcapkit::Extractor(ToSink(pcapkit::MemoryCapture(capture), plain, pcapkit::OutputFormat::kNdjson))
      .Run();
  Bytes gz = Gzip(capture);
  pcapkit::Extractor(ToSink(pcapkit::MemoryCapture(gz), zipped, pcapkit::OutputFormat::kNdjson))
      .Run();
  EXPECT_FALSE(plain->text.empty());
  EXPECT_TRUE(plain->text == zipped->text);
}

TEST(IoSeam, CallbackCaptureStreamsInOddChunks) {
  Bytes capture = Capture(1000);
  size_t at = 0;
  auto read = [&](uint8_t* out, size_t n) {
    size_t k = std::min({n, size_t(7), capture.size() - at});
    std::copy_n(capture.begin() + long(at), k, out);
    at += k;
    return k;
  };
  auto sink = std::make_shared<StringSink>();
  pcapkit::ExtractSummary s = pcapkit::Extractor(ToSink(pcapkit::CallbackCapture(read), sink,
                                                        pcapkit::OutputFormat::kNdjson))
                                  .Run();
  EXPECT_EQ(s.frames, 1000u);
  EXPECT_TRUE(sink->text == FileReport(capture, pcapkit::OutputFormat::kNdjson));
}

TEST(IoSeam, AFailingSourceIsAnInputErrorAfterTheFramesBeforeIt) {
  Bytes capture = Capture(1000);
  size_t at = 0;
  auto read = [&](uint8_t* out, size_t n) -> size_t {
    if (at >= capture.size() / 2) throw std::runtime_error("connection reset");
    size_t k = std::min(n, size_t(1000));
    std::copy_n(capture.begin() + long(at), k, out);
    at += k;
    return k;
  };
  auto sink = std::make_shared<StringSink>();
  pcapkit::Extractor ex(
      ToSink(pcapkit::CallbackCapture(read, "socket"), sink, pcapkit::OutputFormat::kNdjson));
  try {
    ex.Run();
    FAIL() << "no InputError";
  } catch (const pcapkit::InputError& e) {
    EXPECT_EQ(e.file(), "socket");
    EXPECT_NE(std::string(e.what()).find("connection reset"), std::string::npos) << e.what();
  }
  // Every frame before the failure was written, and the report closed.
  EXPECT_GT(ex.summary().frames, 100u);
  EXPECT_LT(ex.summary().frames, 1000u);
  EXPECT_EQ(size_t(std::count(sink->text.begin(), sink->text.end(), '\n')), ex.summary().frames);
  EXPECT_TRUE(sink->closed);
}

TEST(IoSeam, AFailingSinkIsAnOutputErrorAndIsNotClosed) {
  Bytes capture = Capture(3000);
  auto sink = std::make_shared<StringSink>();
  sink->fail_after_ = 0;  // reports are written in large pieces: the first one fails
  for (auto strategy :
       {pcapkit::Strategy::kSequential, pcapkit::Strategy::kServer, pcapkit::Strategy::kPipeline}) {
    sink->writes_ = 0;
    pcapkit::ExtractOptions o =
        ToSink(pcapkit::MemoryCapture(capture), sink, pcapkit::OutputFormat::kJson);
    o.strategy = strategy;
    o.threads = 2;
    o.batch_bytes = 1024;
    try {
      pcapkit::Extractor(o).Run();
      FAIL() << "no OutputError, strategy " << int(strategy);
    } catch (const pcapkit::OutputError& e) {
      EXPECT_NE(std::string(e.what()).find("<test sink>: write failed: disk on fire"),
                std::string::npos)
          << e.what();
    }
    EXPECT_FALSE(sink->closed);
  }
}

TEST(IoSeam, ReassemblyReportToItsOwnSink) {
  // A TCP stream in three segments, one direction.
  std::vector<CapturedFrame> records;
  uint32_t seq = 100;
  for (const char* part : {"GET / HTTP/1.1\r\n", "Host: a\r\n", "\r\n"}) {
    Bytes data(part, part + std::strlen(part));
    records.push_back(
        {.data = (Ethernet{} / Ipv4{} / Tcp{.dstport = 80, .seq = seq, .flags = kPsh | kAck} / data)
                     .Build()});
    seq += uint32_t(data.size());
  }
  Bytes capture = PcapFile(records);
  auto frames = std::make_shared<StringSink>(), streams = std::make_shared<StringSink>();
  pcapkit::ExtractOptions o =
      ToSink(pcapkit::MemoryCapture(capture), frames, pcapkit::OutputFormat::kNdjson);
  o.reassembly.tcp = true;
  o.reassembly_sink = streams;
  pcapkit::ExtractSummary s = pcapkit::Extractor(o).Run();
  EXPECT_EQ(s.reassembly_output, "<test sink>");
  EXPECT_NE(streams->text.find("\"record\":\"stream\""), std::string::npos) << streams->text;
  EXPECT_TRUE(streams->closed);
  // Without a place for it, the reassembly report is refused before anything runs.
  o.reassembly_sink = nullptr;
  EXPECT_THROW(pcapkit::Extractor(o).Run(), pcapkit::FormatError);
}

TEST(IoSeam, ASinkNeedsAFormatAndOneReport) {
  Bytes capture = Capture(10);
  pcapkit::ExtractOptions o;
  o.source = pcapkit::MemoryCapture(capture);
  o.sink = std::make_shared<StringSink>();
  EXPECT_THROW(pcapkit::Extractor(o).Run(), pcapkit::FormatError);  // no format
  o.format = pcapkit::OutputFormat::kJson;
  o.files = true;
  EXPECT_THROW(pcapkit::Extractor(o).Run(), pcapkit::FormatError);  // -F
}

}  // namespace
