// pcapkit/bench.h: what `pcapkit bench` builds its table from. A job too short to time is
// repeated within each run and the figures are per pass; the in-process peak RSS is that
// of the run, not of the process's life; a process that fails is a result, not a throw.
#include "pcapkit/bench.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pcapkit/extractor.h"
#include "pcapkit/ipsuite.h"
#include "testing/capture_files.h"

using namespace pcapkit::ipsuite;
using namespace testutil;

namespace {

pcapkit::BenchJob SmallExtraction(int runs) {
  pcapkit::BenchJob job;
  job.options.input = WriteTemp(PcapFile(TcpFrames(5)), ".pcap");
  job.options.output = "/dev/null";
  job.options.format = pcapkit::OutputFormat::kNdjson;
  job.options.quiet = true;
  job.runs = runs;
  job.min_seconds = 0.02;
  return job;
}

TEST(Bench, ATinyCaptureIsRepeatedAndTimedPerPass) {
  pcapkit::BenchResult r = pcapkit::Bench(SmallExtraction(3));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.runs, 3);
  EXPECT_GT(r.repeats, 1u);  // five frames take far less than 20 ms
  EXPECT_GT(r.seconds, 0);
  EXPECT_GE(r.seconds * double(r.repeats), 0.02 * 0.5);  // one run lasted about min_seconds
  EXPECT_EQ(r.frames, 5u);
  EXPECT_GT(r.bytes, 0u);
}

// A large allocation before the job must not show as the job's peak: the high-water mark
// is reset before each timed run. (Compared with the RSS the run began with, which under
// AddressSanitizer still holds the freed block in its quarantine.)
TEST(Bench, InProcessPeakIsTheRunsNotTheProcesss) {
  constexpr size_t kBig = size_t(128) << 20;
  {
    std::vector<char> big(kBig, 1);
    volatile char sink = big[big.size() / 2];
    (void)sink;
  }
  pcapkit::BenchResult r = pcapkit::Bench(SmallExtraction(1));
  ASSERT_TRUE(r.ok) << r.error;
  if (!r.peak_rss_known) GTEST_SKIP() << "the kernel refused to reset VmHWM (clear_refs)";
  ASSERT_GT(r.rss_before_bytes, 0u);
  ASSERT_GE(r.peak_rss_bytes, r.rss_before_bytes);
  EXPECT_LT(r.peak_rss_bytes - r.rss_before_bytes, kBig / 2);
}

TEST(Bench, AProcessIsTimed) {
  pcapkit::BenchJob job;
  job.argv = {"/bin/sh", "-c", "exec true"};
  job.runs = 1;
  job.min_seconds = 0.01;
  pcapkit::BenchResult r = pcapkit::Bench(job);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_GE(r.repeats, 1u);
  EXPECT_GT(r.seconds, 0);
}

TEST(Bench, AFailingProcessIsAResultWithItsMessage) {
  pcapkit::BenchJob job;
  job.argv = {"/bin/sh", "-c", "echo 'tool is not installed (Debian: tool)' >&2; exit 3"};
  job.runs = 1;
  pcapkit::BenchResult r = pcapkit::Bench(job);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.error, "tool is not installed (Debian: tool) (exit status 3)");

  job.argv = {"/no/such/program"};
  r = pcapkit::Bench(job);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("/no/such/program"), std::string::npos) << r.error;
}

TEST(Bench, AMissingCaptureThrowsInProcess) {
  pcapkit::BenchJob job = SmallExtraction(1);
  job.options.input = "/no/such/capture.pcap";
  EXPECT_THROW(pcapkit::Bench(job), pcapkit::InputError);
}

TEST(Bench, RunCommandWritesStdoutWhereAsked) {
  std::string out = WriteTemp({}, ".txt");
  pcapkit::CommandResult r = pcapkit::RunCommand({"/bin/sh", "-c", "echo hello"}, out);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.exit_code, 0);
  std::FILE* f = std::fopen(out.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[16] = {};
  ASSERT_NE(std::fgets(buf, sizeof buf, f), nullptr);
  std::fclose(f);
  EXPECT_STREQ(buf, "hello\n");
}

}  // namespace
