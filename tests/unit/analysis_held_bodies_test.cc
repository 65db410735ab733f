// Bodies held unhashed (analysis::HeldBodies) and records replayed from a
// formats::RecordTape: how `pcapkit analyse` moves the hashing of bodies without a coding
// off its serial stage. Whatever way a body comes, the record must be the one hashing as
// the bytes come gives (coded bodies are never held); the held blocks stay within their
// limit and are all given back.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/analysis/body.h"
#include "engine/protocols/registry.h"
#include "formats/json_emitter.h"
#include "formats/record_tape.h"
#include "formats/report_writer.h"
#include "testing/analysis_harness.h"
#include "testing/capture_files.h"

namespace {

using nlohmann::json;
using pcapkit::analysis::HeldBodies;
using pcapkit::analysis::Kind;
using pcapkit::testing::AnalysisHarness;
using pcapkit::testing::Sha256Hex;

std::string Gzip(std::string_view data) {
  testutil::Bytes gz = testutil::Gzip({data.begin(), data.end()});
  return std::string(gz.begin(), gz.end());
}

std::string Text(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) s += "line " + std::to_string(i * 7919 % 10007) + "\n";
  s.resize(n);
  return s;
}

std::string Head(size_t length, std::string_view coding = "") {
  std::string h = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(length) + "\r\n";
  if (!coding.empty()) h += "Content-Encoding: " + std::string(coding) + "\r\n";
  return h + "\r\n";
}

const std::string kGet = "GET /x HTTP/1.1\r\nHost: example.com\r\n\r\n";

// Feeds `body` to direction 1 in pieces of `piece` bytes, from frame `frame` on.
void Pieces(AnalysisHarness& h, std::string_view body, size_t piece, uint64_t frame) {
  for (size_t at = 0; at < body.size(); at += piece) h.Data(1, body.substr(at, piece), frame++);
}

struct Exchange {
  const char* name;
  size_t max_body;  // --max-body for every way of running it
  std::function<void(AnalysisHarness&)> feed;
};

std::vector<Exchange> Exchanges() {
  static const std::string text = Text(50'000), gz = Gzip(text);
  return {
      {"identity, one piece", 16 << 20,
       [](AnalysisHarness& h) { h.Data(1, Head(text.size()) + text, 2); }},
      {"identity in 5,000-byte pieces", 16 << 20,
       [](AnalysisHarness& h) {
         h.Data(1, Head(text.size()), 2);
         Pieces(h, text, 5000, 3);
       }},
      {"gzip in 7-byte pieces", 16 << 20,
       [](AnalysisHarness& h) {
         h.Data(1, Head(gz.size(), "gzip"), 2);
         Pieces(h, gz, 7, 3);
       }},
      {"a hole inside a gzip body", 16 << 20,
       [](AnalysisHarness& h) {
         h.Data(1, Head(gz.size(), "gzip") + gz.substr(0, 3000), 2);
         h.Gap(1, 1000, 3);
         h.Data(1, gz.substr(4000), 4);
       }},
      {"a body that begins with a hole", 16 << 20,
       [](AnalysisHarness& h) {
         h.Data(1, Head(text.size()), 2);
         h.Gap(1, 100, 3);
         h.Data(1, text.substr(100), 4);
       }},
      {"past --max-body", 10'000,
       [](AnalysisHarness& h) { Pieces(h, Head(gz.size(), "gzip") + gz, 999, 2); }},
      {"past --max-body, identity", 10'000,
       [](AnalysisHarness& h) { h.Data(1, Head(text.size()) + text, 2); }},
      {"chunked deflate with a trailer", 16 << 20,
       [](AnalysisHarness& h) {
         h.Data(1,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n",
                2);
         for (size_t at = 0; at < gz.size(); at += 4000) {
           std::string chunk = gz.substr(at, 4000);
           char size[16];
           std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
           h.Data(1, size + chunk + "\r\n", 3 + at / 4000);
         }
         h.Data(1, "0\r\nX-Trailer: t\r\n\r\n", 90);
       }},
      {"unsupported coding", 16 << 20,
       [](AnalysisHarness& h) { h.Data(1, Head(5, "compress") + "hello", 2); }},
      {"corrupt gzip", 16 << 20,
       [](AnalysisHarness& h) { h.Data(1, Head(16, "gzip") + "this is not gzip", 2); }},
      {"empty coded body", 16 << 20, [](AnalysisHarness& h) { h.Data(1, Head(0, "gzip"), 2); }},
      {"gzip cut by the end of the capture", 16 << 20,
       [](AnalysisHarness& h) { h.Data(1, Head(gz.size(), "gzip") + gz.substr(0, 5000), 2); }},
  };
}

size_t Out(const HeldBodies& pool) {
  return pool.blocks ? pool.blocks->out() : 0;
}

// The exchange's records as written, bodies hashed as they come (`pool` null) or held in
// `pool`.
std::vector<std::string> Records(const Exchange& x, HeldBodies* pool) {
  AnalysisHarness h(Kind::kHttp);
  h.limits().max_body = x.max_body;
  h.limits().held_bodies = pool;
  h.set_tape(pool != nullptr);
  h.Data(0, kGet, 1);
  x.feed(h);
  h.End(100);
  return h.texts();
}

TEST(HeldBodies, GiveTheRecordsThatDecodingAsBytesComeGives) {
  for (const Exchange& x : Exchanges()) {
    SCOPED_TRACE(x.name);
    std::vector<std::string> streamed = Records(x, nullptr);
    ASSERT_EQ(streamed.size(), 1u);
    HeldBodies roomy;  // every body fits
    EXPECT_EQ(Records(x, &roomy), streamed);
    EXPECT_EQ(Out(roomy), 0u);
    // Two blocks: the pieced identity body passes them mid-body.
    HeldBodies tight{.limit = 2 * pcapkit::analysis::BlockPool::kBlock};
    EXPECT_EQ(Records(x, &tight), streamed);
    EXPECT_EQ(Out(tight), 0u);
  }
}

// A body is held (its blocks charged to the pool) until its record is written, which
// hashes it; a body that finds no room is hashed as it comes from there on; a coded body
// is never held (its decoders' state is the analysers' budget's to count).
TEST(HeldBodies, HeldUntilTheRecordThenGivenBack) {
  constexpr size_t kBlock = pcapkit::analysis::BlockPool::kBlock;
  std::string body = Text(3 * kBlock);
  HeldBodies pool{.limit = 2 * kBlock};
  AnalysisHarness h(Kind::kHttp);
  h.limits().held_bodies = &pool;
  h.set_tape(true);
  h.Data(0, kGet + kGet + kGet, 1);
  h.Data(1, Head(body.size()) + body.substr(0, 3000), 2);
  EXPECT_EQ(Out(pool), kBlock);
  h.Data(1, body.substr(3000, kBlock), 3);
  EXPECT_EQ(Out(pool), 2 * kBlock);
  h.Data(1, body.substr(3000 + kBlock) + Head(3) + "ab", 4);  // no room: hashed from here
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(Out(pool), kBlock);  // the second body is held
  h.Data(1, "c", 5);
  ASSERT_EQ(h.records().size(), 2u);
  EXPECT_EQ(Out(pool), 0u);  // and given back when its record was written
  EXPECT_EQ(h.records()[0]["response"]["body_sha256"], Sha256Hex(body));
  EXPECT_EQ(h.records()[1]["response"]["body_sha256"], Sha256Hex("abc"));
  EXPECT_EQ(h.records()[1]["response"]["decoded_len"], 3);
  std::string gz = Gzip(body);
  h.Data(1, Head(gz.size(), "gzip") + gz.substr(0, 100), 6);
  EXPECT_EQ(Out(pool), 0u);
  h.Data(1, gz.substr(100), 7);
  ASSERT_EQ(h.records().size(), 3u);
  EXPECT_EQ(h.records()[2]["response"]["body_sha256"], Sha256Hex(body));
}

// A Deferred that counts its computations and writes two parts apart.
class Counted final : public pcapkit::Deferred {
 public:
  int computed = 0;
  void Compute() override { ++computed; }
  void Write(pcapkit::Emitter& out, int part) const override {
    out.Uint(part == 0 ? "first_part" : "second_part", part == 0 ? 11 : 22);
  }
};

const char* NameOfSeven(uint64_t v) {
  return v == 7 ? "seven" : nullptr;
}

// Every kind of call, as a record writes it.
void EveryCall(pcapkit::Emitter& e, const std::shared_ptr<pcapkit::Deferred>& later) {
  const uint8_t mac[6] = {1, 2, 3, 4, 5, 6}, v4[4] = {10, 0, 0, 1},
                v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  e.Uint("u", 18446744073709551615ull);
  e.Int("i", -42);
  e.Bool("b", true);
  e.Text("t", std::string_view("a\"b\\\n\xff", 6));
  e.Plain("p", "plain");
  e.Number("n", "1.000000001");
  e.Hex("h", v6, 3);
  e.Mac("m", mac);
  e.Ipv4("a4", v4);
  e.Ipv6("a6", v6);
  e.Enum("type", 7, NameOfSeven);
  e.Enum("other", 8, NameOfSeven);
  e.Defer(later, 0);
  e.BeginObject("o");
  e.BeginArray("list");
  e.Uint({}, 1);
  e.Text({}, "");
  e.EndArray();
  e.Defer(later, 1);
  e.EndObject();
}

std::string Written(const pcapkit::formats::ReportWriter& w,
                    const pcapkit::formats::ReportWriter::Body& body, bool first) {
  pcapkit::formats::OutBuffer out;
  w.Record("Transaction 3", body, first, out);
  return std::string(out.view());
}

TEST(RecordTape, ReplaysEveryCallAsWrittenInEveryFormat) {
  const auto& registry = pcapkit::protocols::Registry::Builtin();
  for (auto format : {pcapkit::OutputFormat::kJson, pcapkit::OutputFormat::kNdjson,
                      pcapkit::OutputFormat::kPlist, pcapkit::OutputFormat::kTree}) {
    SCOPED_TRACE(int(format));
    auto writer = pcapkit::formats::MakeReportWriter(format, registry, {false, nullptr, true});
    auto direct_later = std::make_shared<Counted>();
    std::string direct = Written(
        *writer, [&](pcapkit::Emitter& e) { EveryCall(e, direct_later); }, false);
    EXPECT_EQ(direct_later->computed, 2);  // an emitter that does not defer computes at once

    pcapkit::formats::RecordTape tape;
    auto later = std::make_shared<Counted>();
    tape.BeginRecord({2, true});
    tape.Uint("other_record", 1);
    tape.BeginRecord({3, false});
    EveryCall(tape, later);
    EXPECT_EQ(later->computed, 0);  // the tape only keeps it
    tape.ComputeDeferred();
    EXPECT_EQ(later->computed, 1);  // once, though the record places two parts
    ASSERT_EQ(tape.records(), 2u);
    EXPECT_EQ(tape.entry(1).number, 3u);
    EXPECT_FALSE(tape.entry(1).first);
    std::string replayed = Written(
        *writer, [&](pcapkit::Emitter& e) { tape.Replay(1, e); }, false);
    EXPECT_EQ(replayed, direct);
    EXPECT_NE(replayed.find("22"), std::string::npos);
    EXPECT_EQ(replayed.find("other_record"), std::string::npos);
  }
}

// An enumeration is replayed as one, so an emitter that adds names (a flat report's
// `type_name` column) still gets them.
TEST(RecordTape, EnumerationsKeepTheirNames) {
  auto later = std::make_shared<Counted>();
  pcapkit::formats::OutBuffer direct, replayed;
  pcapkit::formats::JsonEmitter a(&direct), b(&replayed);
  a.set_names(true);
  b.set_names(true);
  a.BeginObject();
  EveryCall(a, later);
  a.EndObject();
  pcapkit::formats::RecordTape tape;
  tape.BeginRecord({1, true});
  EveryCall(tape, later);
  b.BeginObject();
  tape.Replay(0, b);
  b.EndObject();
  EXPECT_EQ(replayed.view(), direct.view());
  EXPECT_NE(replayed.view().find("\"type_name\":\"seven\""), std::string::npos);
}

}  // namespace
