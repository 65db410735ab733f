// The real third-party captures of ../shared/corpus (read in place, never copied): every
// file reads without a crash, one record per frame as capinfos counts them; files damaged
// at the file level stop with the documented error after every earlier frame; files with
// damaged packets extract fully, with raw/error layers. Skipped without the corpus, except
// under CI=true, where that fails (testing/require.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pcapkit/extractor.h"
#include "testing/require.h"
#include "testing/strict_json.h"

namespace {

struct Entry {
  std::string path;
  std::string packets;  // a count, or "unreadable ..."
};

std::vector<Entry> Manifest() {
  std::vector<Entry> out;
  std::ifstream in(testutil::CorpusDir() + "/MANIFEST.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    Entry e;
    std::string bytes, sha;
    std::getline(ss, e.path, '\t');
    std::getline(ss, bytes, '\t');
    std::getline(ss, sha, '\t');
    std::getline(ss, e.packets, '\t');
    out.push_back(e);
  }
  return out;
}

// Files whose structure is damaged: (frames written, frame named by the error). capinfos
// reports "error after 2 packets" for the first, but its second record header declares a
// 1.4 GB record: pcapkit rejects that record as frame 2.
const std::map<std::string, std::pair<uint64_t, uint64_t>> kDamaged = {
    {"malformed/file_cut_mid_record_fuzz.pcap", {1, 2}},
    {"malformed/file_bad_caplen_tls_DER.pcap", {6, 7}},
    {"malformed/file_partial_trailing_rechdr_pgsql.pcap", {785, 786}},
};

class Corpus : public ::testing::Test {
 protected:
  void SetUp() override { PCAPKIT_REQUIRE_CORPUS(); }
};

TEST_F(Corpus, EveryCaptureReadsWithOneRecordPerFrame) {
  size_t files = 0, frames = 0, raw_errors = 0;
  for (const Entry& e : Manifest()) {
    SCOPED_TRACE(e.path);
    pcapkit::ExtractOptions o;
    o.input = testutil::CorpusDir() + "/" + e.path;
    uint64_t n = 0, errors = 0;
    bool failed = false;
    uint64_t failed_frame = 0;
    try {
      pcapkit::Extractor ex(o);
      while (const pcapkit::Frame* f = ex.Next()) {
        ++n;
        EXPECT_EQ(f->number(), n);
        for (size_t i = 0; i < f->layer_count(); ++i) {
          const pcapkit::LayerSpan& l = f->layer(i);
          // Layers never reach past the captured bytes.
          EXPECT_LE(uint64_t(l.offset) + l.length, f->cap_len());
          if (l.error) ++errors;
        }
      }
    } catch (const pcapkit::InputError& err) {
      failed = true;
      failed_frame = err.frame();
      EXPECT_NE(std::string(err.what()).find(e.path), std::string::npos) << err.what();
    }
    auto damaged = kDamaged.find(e.path);
    if (damaged != kDamaged.end()) {
      EXPECT_TRUE(failed);
      EXPECT_EQ(n, damaged->second.first);
      EXPECT_EQ(failed_frame, damaged->second.second);
    } else if (e.packets.rfind("unreadable", 0) == 0) {
      // Link types tshark refuses: pcapkit reads the frames and leaves them raw.
      EXPECT_FALSE(failed);
      EXPECT_GT(n, 0u);
    } else {
      EXPECT_FALSE(failed);
      EXPECT_EQ(std::to_string(n), e.packets);
    }
    ++files;
    frames += n;
    raw_errors += errors;
  }
  std::printf("corpus: %zu captures, %zu frames, %zu layers left raw with an error\n", files,
              frames, raw_errors);
  EXPECT_GT(files, 300u);
}

TEST_F(Corpus, DamagedPacketsExtractWithRawErrorLayers) {
  // Truncated IPv4 headers, bogus lengths: the frames are all written, the bad layer raw.
  for (const char* path : {"malformed/ip4-trunc.pcap", "ipv4/ip-bogus-header-len.pcap"}) {
    pcapkit::ExtractOptions o;
    o.input = testutil::CorpusDir() + "/" + path;
    pcapkit::Extractor ex(o);
    const pcapkit::Frame* f = ex.Next();
    ASSERT_NE(f, nullptr) << path;
    bool raw = false;
    for (size_t i = 0; i < f->layer_count(); ++i)
      raw |= f->layer(i).proto == pcapkit::ProtocolId::kRaw;
    EXPECT_TRUE(raw) << path << ": " << ex.ProtocolChain(*f);
  }
}

TEST_F(Corpus, EveryJsonReportParses) {
  std::string out = (std::filesystem::temp_directory_path() / "pcapkit-corpus.json").string();
  size_t checked = 0;
  for (const Entry& e : Manifest()) {
    SCOPED_TRACE(e.path);
    pcapkit::ExtractOptions o;
    o.input = testutil::CorpusDir() + "/" + e.path;
    o.output = out;
    o.format = pcapkit::OutputFormat::kJson;
    uint64_t written = 0;
    try {
      pcapkit::Extractor ex(o);
      written = ex.Run().frames;
    } catch (const pcapkit::InputError& err) {
      written = err.frame() > 0 ? err.frame() - 1 : 0;
    }
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json report;
    // Strictly: a record naming a member twice would lose one value in most readers.
    ASSERT_NO_THROW(report = testutil::StrictParse(text.str())) << e.path;
    size_t frames = 0;
    for (auto it = report.begin(); it != report.end(); ++it)
      frames += it.key().rfind("Frame ", 0) == 0;
    EXPECT_EQ(frames, written);
    ++checked;
  }
  std::filesystem::remove(out);
  EXPECT_GT(checked, 300u);
}

}  // namespace
