// The HTTP/1.x analyser (engine/analysis/http1.cc) and the body reader it shares
// (engine/analysis/body.h), driven by hand through AnalysisHarness: pairing and
// pipelining, every way a body is framed, codings, limits, holes, upgrades, malformed
// input, and input cut into any pieces.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/analysis/body.h"
#include "testing/analysis_harness.h"

namespace {

using nlohmann::json;
using pcapkit::analysis::Handover;
using pcapkit::analysis::Kind;
using pcapkit::testing::AnalysisHarness;
using pcapkit::testing::Sha256Hex;
using namespace std::string_literals;

// zlib's deflate with `window_bits`: 31 gzip, 15 zlib, -15 raw.
std::string Compress(std::string_view data, int window_bits) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, uLong(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = uInt(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// Brotli without an encoder (only libbrotlidec is linked): uncompressed meta-blocks
// (RFC 7932 9.2), each MNIBBLES 4, MLEN-1 in 16 bits, ISUNCOMPRESSED; then an empty last
// meta-block.
std::string Brotli(std::string_view data) {
  std::string out;
  uint32_t bits = 0;
  int n = 0;
  auto put = [&](uint32_t v, int count) {
    bits |= v << n;
    n += count;
    while (n >= 8) {
      out += char(bits & 0xff);
      bits >>= 8;
      n -= 8;
    }
  };
  auto align = [&] {
    if (n > 0) put(0, 8 - n);
  };
  put(0, 1);  // WBITS: 16
  for (size_t at = 0; at < data.size(); at += 65536) {
    std::string_view block = data.substr(at, 65536);
    put(0, 1);  // ISLAST
    put(0, 2);  // MNIBBLES: 4
    put(uint32_t(block.size() - 1), 16);
    put(1, 1);  // ISUNCOMPRESSED
    align();
    out += block;
  }
  put(1, 1);  // ISLAST
  put(1, 1);  // ISLASTEMPTY
  align();
  return out;
}

// Copies: a missing member then reads as null (and fails the test) instead of asserting.
std::vector<json> R(const AnalysisHarness& h) {
  return h.records();
}

std::string Get(std::string_view uri) {
  return "GET " + std::string(uri) + " HTTP/1.1\r\nHost: example.com\r\n\r\n";
}

std::string Ok(std::string_view body, std::string_view extra = "") {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(extra) + "\r\n" + std::string(body);
}

// One GET whose response carries `body` coded as `coding`.
json Coded(std::string_view coding, const std::string& body) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, Get("/x"), 1);
  h.Data(1, Ok(body, "Content-Encoding: " + std::string(coding) + "\r\n"), 2);
  EXPECT_EQ(R(h).size(), 1u);
  return R(h).empty() ? json() : R(h)[0];
}

const std::string kText = "The quick brown fox jumps over the lazy dog. 0123456789\n";

// ---- Transactions.

TEST(AnalysisHttp, SimpleGet) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1\r\n\r\n", 3);
  EXPECT_TRUE(R(h).empty());
  h.Data(1, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello", 4);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["kind"], "http");
  EXPECT_EQ(r["first_frame"], 3);
  EXPECT_EQ(r["last_frame"], 4);
  EXPECT_EQ(r["trans_depth"], 1);
  json q = r["request"];
  EXPECT_EQ(q["method"], "GET");
  EXPECT_EQ(q["uri"], "/index.html?q=1");
  EXPECT_EQ(q["version"], "1.1");
  EXPECT_EQ(q["host"], "example.com");
  EXPECT_EQ(q["user_agent"], "t/1");
  EXPECT_EQ(q["headers"], json::parse(R"([{"name":"Host","value":"example.com"},
                                          {"name":"User-Agent","value":"t/1"}])"));
  EXPECT_EQ(q["body_len"], 0);
  EXPECT_FALSE(q.contains("body_sha256"));
  EXPECT_FALSE(q.contains("content_type"));
  json p = r["response"];
  EXPECT_EQ(p["status"], 200);
  EXPECT_EQ(p["reason"], "OK");
  EXPECT_EQ(p["version"], "1.1");
  EXPECT_EQ(p["headers"].size(), 2u);
  EXPECT_EQ(p["body_len"], 5);
  EXPECT_EQ(p["content_type"], "text/plain");
  EXPECT_EQ(p["decoded_len"], 5);
  EXPECT_EQ(p["body_sha256"], Sha256Hex("hello"));
  EXPECT_FALSE(p.contains("content_encoding"));
  EXPECT_FALSE(p.contains("body_file"));
  EXPECT_FALSE(r.contains("error"));
  EXPECT_FALSE(r.contains("informational"));
}

// Five pipelined GETs and their responses.
const std::string kPipelinedRequests =
    Get("/a") + Get("/bb") + "GET /c HTTP/1.0\r\n\r\n" + Get("/d") + Get("/e");
const std::string kPipelinedResponses =
    Ok("1") + Ok("22") + Ok("") + "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope" +
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";

void ExpectPipelined(std::vector<json> records) {
  ASSERT_EQ(records.size(), 5u);
  const char* uris[] = {"/a", "/bb", "/c", "/d", "/e"};
  int lens[] = {1, 2, 0, 4, 3};
  int status[] = {200, 200, 200, 404, 200};
  for (size_t i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(records[i]["trans_depth"], i + 1);
    EXPECT_EQ(records[i]["request"]["uri"], uris[i]);
    EXPECT_EQ(records[i]["response"]["status"], status[i]);
    EXPECT_EQ(records[i]["response"]["body_len"], lens[i]);
  }
  EXPECT_EQ(records[2]["request"]["version"], "1.0");
  EXPECT_EQ(records[3]["response"]["body_sha256"], Sha256Hex("nope"));
  EXPECT_EQ(records[4]["response"]["body_sha256"], Sha256Hex("abc"));
}

TEST(AnalysisHttp, PipelinedAwkwardSplits) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, kPipelinedRequests, 1);
  const std::string& r = kPipelinedResponses;
  // Cuts: between CR and LF of the status line, inside a header name, inside a body, at
  // the blank line's LF, in a chunk-size line, between a chunk's CR and LF.
  std::vector<size_t> cuts = {r.find('\n'),     r.find("Content-Le") + 7, r.find("\r\n\r\n") + 3,
                              r.find("22") + 1, r.find("3\r\nabc") + 2,   r.find("abc\r") + 4};
  size_t at = 0;
  for (size_t cut : cuts) {
    ASSERT_LT(at, cut);
    h.Data(1, r.substr(at, cut - at), 2);
    at = cut;
  }
  h.Data(1, r.substr(at), 3);
  ExpectPipelined(R(h));
  EXPECT_EQ(R(h)[4]["last_frame"], 3);
}

TEST(AnalysisHttp, OneBytePiecesGiveTheSameRecords) {
  AnalysisHarness whole(Kind::kHttp), bytes(Kind::kHttp);
  whole.Data(0, kPipelinedRequests, 1);
  whole.Data(1, kPipelinedResponses, 1);
  for (char c : kPipelinedRequests) bytes.Data(0, std::string_view(&c, 1), 1);
  for (char c : kPipelinedResponses) bytes.Data(1, std::string_view(&c, 1), 1);
  ExpectPipelined(bytes.records());
  EXPECT_EQ(bytes.records(), whole.records());
}

TEST(AnalysisHttp, KeepAliveSequential) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, Get("/one"), 1);
  h.Data(1, Ok("first"), 2);
  ASSERT_EQ(R(h).size(), 1u);
  h.Data(0, "POST /two HTTP/1.1\r\nContent-Length: 3\r\nContent-Type: a/b\r\n\r\nxyz", 3);
  h.Data(1, Ok("second"), 4);
  ASSERT_EQ(R(h).size(), 2u);
  json r = R(h)[1];
  EXPECT_EQ(r["trans_depth"], 2);
  EXPECT_EQ(r["first_frame"], 3);
  EXPECT_EQ(r["last_frame"], 4);
  EXPECT_EQ(r["request"]["method"], "POST");
  EXPECT_EQ(r["request"]["body_len"], 3);
  EXPECT_EQ(r["request"]["content_type"], "a/b");
  EXPECT_EQ(r["request"]["body_sha256"], Sha256Hex("xyz"));
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex("second"));
}

TEST(AnalysisHttp, ChunkedWithExtensionsAndTrailers) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, Get("/c"), 1);
  h.Data(1,
         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
         "5;name=value\r\nhello\r\nA ; ext\r\n more text\r\n0\r\nX-Sum:  abc \r\n"
         "X-Other: 1\r\n\r\n",
         2);
  ASSERT_EQ(R(h).size(), 1u);
  json p = R(h)[0]["response"];
  EXPECT_EQ(p["body_len"], 15);
  EXPECT_EQ(p["body_sha256"], Sha256Hex("hello more text"));
  EXPECT_EQ(p["trailers"], json::parse(R"([{"name":"X-Sum","value":"abc"},
                                           {"name":"X-Other","value":"1"}])"));
}

TEST(AnalysisHttp, HeadNoContentNotModifiedHaveNoBody) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "HEAD /h HTTP/1.1\r\n\r\n" + Get("/204") + Get("/304") + Get("/last"), 1);
  h.Data(1,
         "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
         "HTTP/1.1 204 No Content\r\n\r\n"
         "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n" +
             Ok("ok"),
         2);
  ASSERT_EQ(R(h).size(), 4u);
  EXPECT_EQ(R(h)[0]["response"]["body_len"], 0);
  EXPECT_EQ(R(h)[1]["response"]["status"], 204);
  EXPECT_EQ(R(h)[2]["response"]["status"], 304);
  EXPECT_EQ(R(h)[2]["response"]["body_len"], 0);
  EXPECT_EQ(R(h)[3]["response"]["body_sha256"], Sha256Hex("ok"));
}

TEST(AnalysisHttp, ContinueThenFinal) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "POST /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n", 1);
  h.Data(1, "HTTP/1.1 100 Continue\r\n\r\n", 2);
  EXPECT_TRUE(R(h).empty());
  h.Data(0, "data", 3);
  h.Data(1, "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 4);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["informational"], json::parse("[100]"));
  EXPECT_EQ(r["response"]["status"], 201);
  EXPECT_EQ(r["response"]["reason"], "Created");
  EXPECT_EQ(r["request"]["body_sha256"], Sha256Hex("data"));
  EXPECT_EQ(r["last_frame"], 4);
}

TEST(AnalysisHttp, CloseDelimitedBodyEndsAtEnd) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "GET / HTTP/1.0\r\n\r\n", 1);
  h.Data(1, "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>", 2);
  h.Data(1, "</html>", 3);
  EXPECT_TRUE(R(h).empty());
  h.End(4);
  ASSERT_EQ(R(h).size(), 1u);
  json p = R(h)[0]["response"];
  EXPECT_EQ(p["version"], "1.0");
  EXPECT_EQ(p["body_len"], 13);
  EXPECT_EQ(p["body_sha256"], Sha256Hex("<html></html>"));
  EXPECT_EQ(R(h)[0]["last_frame"], 3);
}

TEST(AnalysisHttp, RequestWithoutResponseAtEnd) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, Get("/1") + Get("/2"), 1);
  h.Data(1, Ok("a"), 2);
  ASSERT_EQ(R(h).size(), 1u);
  h.End(3);
  ASSERT_EQ(R(h).size(), 2u);
  EXPECT_EQ(R(h)[1]["trans_depth"], 2);
  EXPECT_EQ(R(h)[1]["request"]["uri"], "/2");
  EXPECT_FALSE(R(h)[1].contains("response"));
  EXPECT_FALSE(R(h)[1].contains("error"));
}

TEST(AnalysisHttp, ResponseWithoutRequestAtEnd) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(1, Ok("abc"), 5);
  ASSERT_EQ(R(h).size(), 1u);
  EXPECT_FALSE(R(h)[0].contains("request"));
  EXPECT_EQ(R(h)[0]["first_frame"], 5);
  EXPECT_EQ(R(h)[0]["response"]["body_len"], 3);
}

// The connection's end cuts a body of known length: what never came is counted (`gaps`,
// in body_len as every missing byte is), and it has no hash.
TEST(AnalysisHttp, BodyOfKnownLengthCutByTheEnd) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "POST /up HTTP/1.1\r\nContent-Length: 8\r\n\r\nab", 1);
  h.Data(1, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 2);
  h.End(3);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["response"]["body_len"], 10);
  EXPECT_EQ(r["response"]["gaps"], 7);
  EXPECT_FALSE(r["response"].contains("body_sha256"));
  EXPECT_EQ(r["request"]["body_len"], 8);
  EXPECT_EQ(r["request"]["gaps"], 6);
  EXPECT_FALSE(r["request"].contains("body_sha256"));
  EXPECT_FALSE(r.contains("error"));
}

// A chunked body the end cuts: the rest of the chunk in progress is known to be missing,
// how many chunks were to follow is not (`error`).
TEST(AnalysisHttp, ChunkedBodyCutByTheEnd) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  AnalysisHarness in_chunk(Kind::kHttp), between(Kind::kHttp);
  in_chunk.Data(0, Get("/"), 1);
  in_chunk.Data(1, head + "a\r\nabcd", 2);
  in_chunk.End(3);
  ASSERT_EQ(R(in_chunk).size(), 1u);
  json p = R(in_chunk)[0]["response"];
  EXPECT_EQ(p["body_len"], 10);
  EXPECT_EQ(p["gaps"], 6);
  EXPECT_FALSE(p.contains("body_sha256"));
  EXPECT_EQ(R(in_chunk)[0]["error"], "body cut by the end of the connection");

  between.Data(0, Get("/"), 1);
  between.Data(1, head + "3\r\nabc\r\n", 2);
  between.End(3);
  ASSERT_EQ(R(between).size(), 1u);
  p = R(between)[0]["response"];
  EXPECT_EQ(p["body_len"], 3);
  EXPECT_FALSE(p.contains("gaps"));
  EXPECT_FALSE(p.contains("body_sha256"));
  EXPECT_EQ(R(between)[0]["error"], "body cut by the end of the connection");
}

// The end cuts a head: what arrived of it is written (the start line, the whole field
// lines; no body_len, as there is no body to measure), with the error.
TEST(AnalysisHttp, HeadCutByTheEndKeepsWhatArrived) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "GET /a HTTP/1.1\r\nHost: example.com\r\nUser-Ag", 1);
  h.Data(1, "HTTP/1.1 200 OK\r\nServer: x\r\nDate: Thu, 10 Mar 2011 ", 2);
  h.End(3);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["request"], json::parse(R"({"method":"GET","uri":"/a","version":"1.1",
      "host":"example.com","headers":[{"name":"Host","value":"example.com"}]})"));
  EXPECT_EQ(r["response"], json::parse(R"({"status":200,"reason":"OK","version":"1.1",
      "headers":[{"name":"Server","value":"x"}]})"));
  EXPECT_EQ(r["error"], "request head incomplete; response head incomplete");
  EXPECT_EQ(r["last_frame"], 2);

  AnalysisHarness line(Kind::kHttp);  // not even the start line's end: nothing is guessed
  line.Data(1, "HTTP/1.1 20", 1);
  line.End(2);
  ASSERT_EQ(R(line).size(), 1u);
  EXPECT_FALSE(R(line)[0].contains("response"));
  EXPECT_EQ(R(line)[0]["error"], "response head incomplete");
}

// ---- Codings.

TEST(AnalysisHttp, Gzip) {
  json r = Coded("gzip", Compress(kText, 31));
  EXPECT_EQ(r["response"]["content_encoding"], "gzip");
  EXPECT_EQ(r["response"]["decoded_len"], kText.size());
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex(kText));
  EXPECT_EQ(r["response"]["body_len"], Compress(kText, 31).size());
}

TEST(AnalysisHttp, DeflateZlibAndRaw) {
  for (int bits : {15, -15}) {
    SCOPED_TRACE(bits);
    json r = Coded("deflate", Compress(kText, bits));
    EXPECT_EQ(r["response"]["decoded_len"], kText.size());
    EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex(kText));
    EXPECT_FALSE(r["response"].contains("decode_error"));
  }
}

TEST(AnalysisHttp, BrotliKnownBytes) {
  const std::string hello("\x0b\x02\x80hello\x03", 9);
  json r = Coded("br", hello);
  EXPECT_EQ(r["response"]["decoded_len"], 5);
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex("hello"));
  std::string big;
  for (int i = 0; i < 3000; ++i) big += kText;  // more than one meta-block
  r = Coded("br", Brotli(big));
  EXPECT_EQ(r["response"]["decoded_len"], big.size());
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex(big));
}

TEST(AnalysisHttp, Zstd) {
  json r = Coded("zstd", Zstd(kText));
  EXPECT_EQ(r["response"]["decoded_len"], kText.size());
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex(kText));
}

TEST(AnalysisHttp, CodingListUndoneInReverse) {
  // deflate applied first, then gzip, then br.
  json r = Coded("deflate, gzip,BR", Brotli(Compress(Compress(kText, 15), 31)));
  EXPECT_EQ(r["response"]["decoded_len"], kText.size());
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex(kText));
}

TEST(AnalysisHttp, TransferCodingBeforeChunked) {
  AnalysisHarness h(Kind::kHttp);
  std::string gz = Compress(kText, 31);
  char size[16];
  std::snprintf(size, sizeof size, "%zx", gz.size());
  h.Data(0, Get("/t"), 1);
  h.Data(1,
         "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" + std::string(size) +
             "\r\n" + gz + "\r\n0\r\n\r\n",
         2);
  ASSERT_EQ(R(h).size(), 1u);
  json p = R(h)[0]["response"];
  EXPECT_EQ(p["body_len"], gz.size());
  EXPECT_EQ(p["decoded_len"], kText.size());
  EXPECT_EQ(p["body_sha256"], Sha256Hex(kText));
  EXPECT_FALSE(p.contains("content_encoding"));
}

TEST(AnalysisHttp, IdentityAndUnsupportedCodings) {
  json r = Coded("identity", "plain");
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex("plain"));
  r = Coded("compress", "xxxx");
  EXPECT_EQ(r["response"]["decode_error"], "unsupported content coding: compress");
  EXPECT_FALSE(r["response"].contains("body_sha256"));
  EXPECT_EQ(r["response"]["body_len"], 4);
}

TEST(AnalysisHttp, CorruptAndTruncatedCodedBodies) {
  json r = Coded("gzip", "this is not gzip");
  EXPECT_EQ(r["response"]["decode_error"], "gzip: incorrect header check");
  EXPECT_FALSE(r["response"].contains("body_sha256"));
  std::string gz = Compress(kText, 31);
  r = Coded("gzip", gz.substr(0, gz.size() - 6));
  EXPECT_EQ(r["response"]["decode_error"], "coded data ends early");
  EXPECT_FALSE(r["response"].contains("body_sha256"));
  r = Coded("zstd", "garbage!");
  EXPECT_EQ(r["response"]["decode_error"], "zstd: Unknown frame descriptor");
}

TEST(AnalysisHttp, GzipBombStopsAtMaxDecoded) {
  // 50 MB of zeros, compressed as it goes: neither side ever holds the plain text.
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::vector<unsigned char> zeros(1 << 16, 0), out(1 << 16);
  std::string bomb;
  for (int i = 0; i < 800; ++i) {
    z.next_in = zeros.data();
    z.avail_in = uInt(zeros.size());
    int flush = i == 799 ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = out.data();
      z.avail_out = uInt(out.size());
      deflate(&z, flush);
      bomb.append(reinterpret_cast<char*>(out.data()), out.size() - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  ASSERT_LT(bomb.size(), 100000u);

  AnalysisHarness h(Kind::kHttp);
  h.limits().max_decoded = 1 << 20;
  h.Data(0, Get("/bomb"), 1);
  h.Data(1,
         "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " +
             std::to_string(bomb.size()) + "\r\n\r\n",
         2);
  size_t most = 0;
  for (size_t at = 0; at < bomb.size(); at += 1400) {
    h.Data(1, std::string_view(bomb).substr(at, 1400), 3);
    most = std::max(most, h.analyser().held());
  }
  EXPECT_LT(most, size_t(512) << 10);
  ASSERT_EQ(R(h).size(), 1u);
  json p = R(h)[0]["response"];
  EXPECT_EQ(p["decoded_truncated"], true);
  EXPECT_EQ(p["decoded_len"], 1 << 20);
  EXPECT_EQ(p["body_len"], bomb.size());
  EXPECT_FALSE(p.contains("body_sha256"));
  EXPECT_FALSE(p.contains("body_truncated"));
}

TEST(AnalysisHttp, BodyPastMaxBodyIsCountedNotHashed) {
  AnalysisHarness h(Kind::kHttp, 80, true, true);
  h.limits().max_body = 10;
  h.Data(0, Get("/big"), 1);
  h.Data(1, Ok("0123456789abcdef"), 2);
  h.Data(0, Get("/fits"), 3);
  h.Data(1, Ok("0123456789"), 4);
  ASSERT_EQ(R(h).size(), 2u);
  json p = R(h)[0]["response"];
  EXPECT_EQ(p["body_len"], 16);
  EXPECT_EQ(p["body_truncated"], true);
  EXPECT_EQ(p["decoded_len"], 10);
  EXPECT_FALSE(p.contains("body_sha256"));
  EXPECT_FALSE(p.contains("body_file"));
  EXPECT_EQ(R(h)[1]["response"]["body_sha256"], Sha256Hex("0123456789"));
  EXPECT_FALSE(R(h)[1]["response"].contains("body_truncated"));
}

TEST(AnalysisHttp, BodiesAreStoredDecoded) {
  AnalysisHarness h(Kind::kHttp, 80, true, true);
  h.Data(0, "POST /p HTTP/1.1\r\nContent-Length: 4\r\n\r\nup!!", 1);
  h.Data(1, Ok(Compress(kText, 31), "Content-Encoding: gzip\r\n"), 2);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  std::string sha = Sha256Hex(kText);
  EXPECT_EQ(r["response"]["body_file"], sha);
  EXPECT_EQ(r["request"]["body_file"], Sha256Hex("up!!"));
  ASSERT_EQ(h.stored().count(sha), 1u);
  EXPECT_EQ(h.stored().at(sha), kText);
  EXPECT_EQ(h.stored().at(Sha256Hex("up!!")), "up!!");
  EXPECT_EQ(h.stored().size(), 2u);
}

// ---- Holes.

TEST(AnalysisHttp, GapInContentLengthBody) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, Get("/1") + Get("/2"), 1);
  h.Data(1, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 2);
  h.Gap(1, 4, 3);
  h.Data(1, "xyz" + Ok("next"), 4);
  ASSERT_EQ(R(h).size(), 2u);
  json p = R(h)[0]["response"];
  EXPECT_EQ(p["gaps"], 4);
  EXPECT_EQ(p["body_len"], 10);
  EXPECT_FALSE(p.contains("body_sha256"));
  EXPECT_EQ(R(h)[1]["response"]["body_sha256"], Sha256Hex("next"));
  EXPECT_FALSE(R(h)[1]["response"].contains("gaps"));
}

// A hole in a chunked body loses the framing: the response is cut there, and the next one
// is found at the start of the piece after the hole (as on 650HttpResponses.pcap).
TEST(AnalysisHttp, GapInChunkedBodyThenTheNextResponse) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, Get("/1") + Get("/2"), 1);
  h.Data(1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nabc", 2);
  h.Gap(1, 100, 3);
  h.Data(1, "HTTP/1.1 304 Not Modified\r\n\r\n", 4);
  ASSERT_EQ(R(h).size(), 2u);
  json p = R(h)[0]["response"];
  EXPECT_EQ(p["gaps"], 100);
  EXPECT_EQ(p["body_len"], 8);
  EXPECT_FALSE(p.contains("body_sha256"));
  EXPECT_EQ(R(h)[1]["response"]["status"], 304);
  EXPECT_EQ(R(h)[1]["first_frame"], 1);
  EXPECT_EQ(R(h)[1]["last_frame"], 4);
  h.End(5);
  EXPECT_EQ(R(h).size(), 2u);
}

// A hole cuts a request line (as a 96-byte snap length does): its method and target came,
// and are written with the hole; the requests after it are read.
TEST(AnalysisHttp, GapInRequestHead) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, Get("/1") + "GET /2 HT", 1);
  h.Gap(0, 30, 2);
  h.Data(0, Get("/3"), 3);
  h.Data(1, Ok("a") + Ok("b") + Ok("c"), 4);
  h.End(5);
  ASSERT_EQ(R(h).size(), 3u);
  EXPECT_EQ(R(h)[1]["request"], json::parse(R"({"method":"GET","uri":"/2","headers":[],
                                                 "gaps":30})"));
  EXPECT_EQ(R(h)[1]["response"]["body_sha256"], Sha256Hex("b"));
  EXPECT_EQ(R(h)[2]["request"]["uri"], "/3");
  EXPECT_EQ(R(h)[2]["response"]["body_sha256"], Sha256Hex("c"));
}

// Frames cut at a snap length: a head with a hole after its start line keeps what arrived.
TEST(AnalysisHttp, GapAfterTheStartLine) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "GET /images/sf.net_box.gif HTTP/1.1\r\nHost: sf.n", 1);
  h.Gap(0, 466, 1);
  h.Data(1, "HTTP/1.1 200 OK\r\nDate: Tue, 16", 2);
  h.Gap(1, 1418, 2);
  h.Data(1, "\x91\xf8 body", 3);
  h.End(4);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["request"], json::parse(R"({"method":"GET","uri":"/images/sf.net_box.gif",
                                          "version":"1.1","headers":[],"gaps":466})"));
  EXPECT_EQ(r["response"], json::parse(R"({"status":200,"reason":"OK","version":"1.1",
                                           "headers":[],"gaps":1425})"));
  EXPECT_FALSE(r.contains("error"));
}

// After a hole at a message's start (4KHttpRequests.pcap: client segments only, with
// holes), the bytes after it begin with a request line: they are read. The hole is a
// message of its own (only `gaps`).
TEST(AnalysisHttp, RequestsAfterAHoleAtAMessageBoundary) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, Get("/1"), 1);
  h.Gap(0, 796, 2);
  h.Data(0, Get("/3"), 3);
  h.End(4);
  ASSERT_EQ(R(h).size(), 3u);
  EXPECT_EQ(R(h)[1]["request"], json::parse(R"({"gaps":796})"));
  EXPECT_EQ(R(h)[2]["request"]["uri"], "/3");
  EXPECT_EQ(R(h)[2]["request"]["host"], "example.com");
  EXPECT_EQ(R(h)[2]["first_frame"], 3);
  EXPECT_FALSE(R(h)[2]["request"].contains("gaps"));
}

// After a hole, what does not start a message is passed over up to a line that does (the
// bytes passed over are the cut message's gaps), even when that line's first bytes and
// the rest come in different pieces.
TEST(AnalysisHttp, ResyncAtALineStart) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "POST /form HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 1);
  h.Gap(0, 10, 2);
  const std::string passed = "tail of a chunk\r\nGET it while you can\r\n0\r\n\r\n";
  h.Data(0, passed + "GE", 3);
  h.Data(0, "T /next HTTP/1.1\r\n\r\n", 4);
  h.End(5);
  ASSERT_EQ(R(h).size(), 2u);
  EXPECT_EQ(R(h)[0]["request"]["method"], "POST");
  EXPECT_EQ(R(h)[0]["request"]["body_len"], 5);
  EXPECT_EQ(R(h)[0]["request"]["gaps"], 10 + passed.size());  // the hole, what was passed over
  EXPECT_EQ(R(h)[1]["request"]["uri"], "/next");
  EXPECT_EQ(R(h)[1]["first_frame"], 3);  // its first bytes came in frame 3
  EXPECT_FALSE(R(h)[1]["request"].contains("gaps"));
}

// The search after a hole stops max_head bytes on: the direction is no longer read.
TEST(AnalysisHttp, ResyncGivesUpAfterMaxHead) {
  AnalysisHarness h(Kind::kHttp);
  h.limits().max_head = 1024;
  h.Data(0, Get("/1"), 1);
  h.Data(1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 2);
  h.Gap(1, 10, 3);
  for (int i = 0; i < 30; ++i) h.Data(1, std::string(99, 'x') + "\n", 4);
  h.Data(1, Ok("too late"), 5);
  h.Data(0, Get("/2"), 6);
  h.End(7);
  ASSERT_EQ(R(h).size(), 2u);
  json r = R(h)[0];
  EXPECT_EQ(r["error"], "no status line within max_head bytes after a hole");
  EXPECT_EQ(r["response"]["gaps"], 10 + 1100);
  EXPECT_FALSE(R(h)[1].contains("response"));
  EXPECT_LT(h.analyser().held(), 4096u);
}

// ---- HTTP/0.9.

// A request line without version is the whole request; the response is every byte up to
// the close (tunnels/mixed-vlan-mpls.pcap, Zeek's http_09.pcap).
TEST(AnalysisHttp, Http09) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "GET /\r\n\r\n", 1);
  h.Data(1, "<html>", 2);
  h.Data(1, "</html>\n", 3);
  EXPECT_TRUE(R(h).empty());
  h.End(4);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["request"], json::parse(R"({"method":"GET","uri":"/","version":"0.9",
                                          "headers":[],"body_len":0})"));
  EXPECT_EQ(r["response"]["version"], "0.9");
  EXPECT_EQ(r["response"]["body_len"], 14);
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex("<html></html>\n"));
  EXPECT_FALSE(r["response"].contains("status"));
  EXPECT_FALSE(r.contains("error"));
  EXPECT_EQ(r["last_frame"], 3);
}

TEST(AnalysisHttp, Http09ResponsesAndNot) {
  AnalysisHarness lf(Kind::kHttp);  // a bare LF, and a body whose first byte is an H
  lf.Data(0, "POST /zeek.html\n", 1);
  lf.Data(1, "H", 2);
  lf.Data(1, "TTP is not the start of a status line", 3);
  lf.End(4);
  ASSERT_EQ(R(lf).size(), 1u);
  EXPECT_EQ(R(lf)[0]["request"]["method"], "POST");
  EXPECT_EQ(R(lf)[0]["response"]["body_sha256"],
            Sha256Hex("HTTP is not the start of a status line"));

  AnalysisHarness hole(Kind::kHttp);  // a hole at its start is in its body
  hole.Data(0, "GET /\r\n", 1);
  hole.Gap(1, 10, 2);
  hole.Data(1, "</html>", 3);
  hole.End(4);
  ASSERT_EQ(R(hole).size(), 1u);
  EXPECT_EQ(R(hole)[0]["response"], json::parse(R"({"version":"0.9","body_len":17,"gaps":10})"));
  EXPECT_EQ(R(hole)[0]["first_frame"], 1);
  EXPECT_EQ(R(hole)[0]["last_frame"], 3);

  AnalysisHarness v1(Kind::kHttp);  // a server that answers in HTTP/1.0
  v1.Data(0, "GET /x\r\n", 1);
  v1.Data(1, "HTTP/1.0 400 Bad Request\r\nContent-Length: 2\r\n\r\nno", 2);
  ASSERT_EQ(R(v1).size(), 1u);
  EXPECT_EQ(R(v1)[0]["response"]["status"], 400);

  AnalysisHarness unknown(Kind::kHttp);  // a method the analyser does not know: no request
  unknown.Data(0, "T /zeek.html\n", 1);
  unknown.Data(1, "bad method\n", 2);
  unknown.End(3);
  ASSERT_EQ(R(unknown).size(), 1u);
  EXPECT_EQ(R(unknown)[0]["error"],
            "malformed request line; request head incomplete; malformed status line; "
            "response head incomplete");
  EXPECT_FALSE(R(unknown)[0].contains("request"));
}

// ---- Upgrades.

TEST(AnalysisHttp, SwitchingProtocolsEndsHttp) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 1);
  h.Data(0, "\x81\x05hello not http", 2);
  h.Data(1, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi", 3);
  h.Data(0, "GET /x HTTP/1.1\r\n\r\n", 4);
  h.End(5);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["upgrade"], "websocket");
  EXPECT_EQ(r["response"]["status"], 101);
  EXPECT_FALSE(r.contains("error"));
}

TEST(AnalysisHttp, RefusedUpgradeParsesTheHeldRequests) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "GET /a HTTP/1.1\r\nUpgrade: h2c\r\n\r\n" + Get("/b"), 1);
  h.Data(1, Ok("no") + Ok("b"), 2);
  ASSERT_EQ(R(h).size(), 2u);
  EXPECT_FALSE(R(h)[0].contains("upgrade"));
  EXPECT_EQ(R(h)[1]["request"]["uri"], "/b");
  EXPECT_EQ(R(h)[1]["response"]["body_sha256"], Sha256Hex("b"));
}

// ---- h2c: the upgrade to HTTP/2 hands the rest of the connection over.

const std::string kH2cRequest =
    "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade, HTTP2-Settings\r\n"
    "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n";
const std::string kSwitchingToH2c =
    "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
const std::string kServerSettings = "\0\0\0\4\0\0\0\0\0"s;

std::string Text(const std::vector<uint8_t>& v) {
  return {v.begin(), v.end()};
}

TEST(AnalysisHttp, H2cUpgradeHandsTheRestOver) {
  AnalysisHarness h(Kind::kHttp);
  Handover ho;
  h.Data(0, kH2cRequest, 1);
  EXPECT_FALSE(h.analyser().TakeHandover(&ho));
  h.Data(0, "PRI * HTTP/2.0\r\n", 2);  // held until the response decides
  h.Data(0, "\r\nSM\r\n\r\n", 3);
  EXPECT_FALSE(h.analyser().TakeHandover(&ho));
  h.Data(1, kSwitchingToH2c + kServerSettings, 4);
  h.Data(1, "more", 5);  // until the handover is taken, what comes is kept
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["upgrade"], "h2c");
  EXPECT_EQ(r["response"]["status"], 101);
  EXPECT_EQ(r["last_frame"], 4);
  EXPECT_FALSE(r.contains("error"));
  ASSERT_TRUE(h.analyser().TakeHandover(&ho));
  EXPECT_EQ(ho.kind, Kind::kHttp2);
  EXPECT_EQ(Text(ho.rest[0]), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  EXPECT_EQ(Text(ho.rest[1]), kServerSettings + "more");
  EXPECT_EQ(ho.at[0].frame, 2u);
  EXPECT_EQ(ho.at[1].frame, 4u);
  EXPECT_FALSE(h.analyser().TakeHandover(&ho));  // once
  EXPECT_LT(h.analyser().held(), 4096u);
  h.Data(0, Get("/after"), 6);
  h.End(7);
  EXPECT_EQ(R(h).size(), 1u);
}

TEST(AnalysisHttp, H2cUpgradeWithNothingAfterIt) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, kH2cRequest, 1);
  h.Data(1, kSwitchingToH2c, 2);
  Handover ho;
  ASSERT_TRUE(h.analyser().TakeHandover(&ho));
  EXPECT_EQ(ho.kind, Kind::kHttp2);
  EXPECT_TRUE(ho.rest[0].empty());
  EXPECT_TRUE(ho.rest[1].empty());
  EXPECT_EQ(ho.at[0].frame, 1u);  // where the rest would have started
  EXPECT_EQ(ho.at[1].frame, 2u);
}

TEST(AnalysisHttp, OtherUpgradesHandNothingOver) {
  Handover ho;
  AnalysisHarness ws(Kind::kHttp);
  ws.Data(0, "GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 1);
  ws.Data(1, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi", 2);
  EXPECT_FALSE(ws.analyser().TakeHandover(&ho));
  ASSERT_EQ(R(ws).size(), 1u);
  EXPECT_EQ(R(ws)[0]["upgrade"], "websocket");

  AnalysisHarness unasked(Kind::kHttp);  // h2c the client did not ask for
  unasked.Data(0, "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 1);
  unasked.Data(1, kSwitchingToH2c + kServerSettings, 2);
  EXPECT_FALSE(unasked.analyser().TakeHandover(&ho));
  EXPECT_EQ(ho.kind, Kind::kUnknown);
  EXPECT_TRUE(ho.rest[1].empty());

  AnalysisHarness refused(Kind::kHttp);
  refused.Data(0, kH2cRequest + Get("/b"), 1);
  refused.Data(1, Ok("no") + Ok("b"), 2);
  EXPECT_FALSE(refused.analyser().TakeHandover(&ho));
  ASSERT_EQ(R(refused).size(), 2u);
  EXPECT_EQ(R(refused)[1]["request"]["uri"], "/b");
}

TEST(AnalysisHttp, H2cBytesPastMaxHeadAreNotHandedOver) {
  Handover ho;
  AnalysisHarness client(Kind::kHttp);
  client.limits().max_head = 1024;
  client.Data(0, kH2cRequest + std::string(2000, 'x'), 1);
  client.Data(1, kSwitchingToH2c, 2);
  EXPECT_FALSE(client.analyser().TakeHandover(&ho));
  ASSERT_EQ(R(client).size(), 1u);
  EXPECT_EQ(R(client)[0]["upgrade"], "h2c");
  EXPECT_EQ(R(client)[0]["error"], "h2c: the client's bytes after the upgrade were not all kept");

  AnalysisHarness server(Kind::kHttp);
  server.limits().max_head = 1024;
  server.Data(0, kH2cRequest, 1);
  server.Data(1, kSwitchingToH2c + std::string(2000, 'y'), 2);
  EXPECT_FALSE(server.analyser().TakeHandover(&ho));
  ASSERT_EQ(R(server).size(), 1u);
  EXPECT_EQ(R(server)[0]["error"], "h2c: the server's bytes after the 101 were not all kept");
  EXPECT_LT(server.analyser().held(), 4096u);
}

TEST(AnalysisHttp, ConnectTunnel) {
  AnalysisHarness h(Kind::kHttp, 3128);
  h.Data(0, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 1);
  h.Data(1, "HTTP/1.1 200 Connection established\r\n\r\n", 2);
  h.Data(0, "\x16\x03\x01 tls bytes", 3);
  h.End(4);
  ASSERT_EQ(R(h).size(), 1u);
  EXPECT_EQ(R(h)[0]["upgrade"], "CONNECT");
  EXPECT_EQ(R(h)[0]["request"]["uri"], "example.com:443");
  EXPECT_EQ(R(h)[0]["response"]["body_len"], 0);
}

// ---- Malformed input.

TEST(AnalysisHttp, MalformedRequestLine) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "GET\r\nHost: x\r\n\r\n", 1);
  h.Data(1, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 2);
  ASSERT_EQ(R(h).size(), 1u);
  EXPECT_EQ(R(h)[0]["error"], "malformed request line");
  EXPECT_FALSE(R(h)[0].contains("request"));
  EXPECT_EQ(R(h)[0]["response"]["status"], 400);
}

// A NUL before a message is skipped (a TCP keep-alive byte taken as the stream's first, on
// many-protocols.pcap, made the method "\0GET"); inside a method it is no token character.
TEST(AnalysisHttp, NulBeforeAndInAMethod) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "\0"s, 1);
  h.Data(0, Get("/ping") + "\0"s + Get("/two"), 2);
  h.End(3);
  ASSERT_EQ(R(h).size(), 2u);
  EXPECT_EQ(R(h)[0]["request"]["method"], "GET");
  EXPECT_EQ(R(h)[0]["first_frame"], 2);
  EXPECT_EQ(R(h)[1]["request"]["uri"], "/two");

  AnalysisHarness in(Kind::kHttp);
  in.Data(0, "G\0ET / HTTP/1.1\r\n\r\n"s, 1);
  in.End(2);
  ASSERT_EQ(R(in).size(), 1u);
  EXPECT_EQ(R(in)[0]["error"], "malformed request line");
  EXPECT_FALSE(R(in)[0].contains("request"));
}

TEST(AnalysisHttp, MalformedStatusLineAndHeader) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, Get("/"), 1);
  h.Data(1, "HTTP/1.1 2x0 Huh\r\n\r\n", 2);
  ASSERT_EQ(R(h).size(), 1u);
  EXPECT_EQ(R(h)[0]["error"], "malformed status line");
  EXPECT_EQ(R(h)[0]["request"]["uri"], "/");

  AnalysisHarness g(Kind::kHttp);
  g.Data(0, "GET / HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n", 1);
  g.End(2);
  ASSERT_EQ(R(g).size(), 1u);
  EXPECT_EQ(R(g)[0]["error"], "malformed header field");
  EXPECT_EQ(R(g)[0]["request"]["headers"].size(), 1u);
}

TEST(AnalysisHttp, HeadLongerThanMaxHead) {
  AnalysisHarness h(Kind::kHttp);
  h.limits().max_head = 1024;
  h.Data(0, "GET / HTTP/1.1\r\nX-Long: " + std::string(2000, 'a') + "\r\n\r\n", 1);
  h.End(2);
  ASSERT_EQ(R(h).size(), 1u);
  EXPECT_EQ(R(h)[0]["error"], "request head longer than max_head");
  EXPECT_LT(h.analyser().held(), size_t(64) << 10);
}

TEST(AnalysisHttp, ConflictingContentLength) {
  AnalysisHarness h(Kind::kHttp);
  h.Data(0, "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 1);
  h.End(2);
  ASSERT_EQ(R(h).size(), 1u);
  EXPECT_EQ(R(h)[0]["error"], "malformed Content-Length");
}

// Messages, garbage and holes in random pieces on both sides, HTTP/0.9 among them: nothing
// breaks, what is held stays bounded, and every record is whole JSON with a depth.
TEST(AnalysisHttp, RandomPiecesAndHolesStayBounded) {
  const std::string parts[] = {
      Get("/a"),
      "GET /0.9\r\n",
      "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
      Ok("body"),
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
      "HTTP/1.1 304 Not Modified\r\n\r\n",
      "garbage\nGET it\r\nHTTP/1.1 9",
      "HTT",
      "\r\n"};
  uint32_t seed = 12345;
  auto next = [&seed](uint32_t n) {
    seed = seed * 1103515245 + 12345;
    return (seed >> 8) % n;
  };
  for (int run = 0; run < 200; ++run) {
    AnalysisHarness h(Kind::kHttp);
    h.limits().max_head = 256;
    for (int op = 0; op < 60; ++op) {
      int dir = int(next(2));
      if (next(6) == 0) {
        h.Gap(dir, 1 + next(300), op);
        continue;
      }
      const std::string& part = parts[next(std::size(parts))];
      size_t cut = next(uint32_t(part.size()) + 1);
      h.Data(dir, std::string_view(part).substr(0, cut), op);
      if (cut < part.size()) h.Data(dir, std::string_view(part).substr(cut), op);
      ASSERT_LT(h.analyser().held(), size_t(64) << 10);
    }
    h.End(99);
    for (const json& r : R(h)) ASSERT_TRUE(r.contains("trans_depth"));
  }
}

TEST(AnalysisHttp, Detect) {
  const pcapkit::analysis::AnalyserInfo* info = nullptr;
  for (const auto& a : pcapkit::analysis::Analysers())
    if (a.kind == Kind::kHttp) info = &a;
  ASSERT_NE(info, nullptr);
  EXPECT_STREQ(info->name, "http");
  EXPECT_TRUE(info->tcp);
  EXPECT_FALSE(info->udp);
  EXPECT_EQ(info->ports[0], 80);
  auto detect = [&](int dir, std::string_view s) {
    return info->detect(dir, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  };
  EXPECT_TRUE(detect(0, "GET / HTTP/1.1\r\n"));
  EXPECT_TRUE(detect(0, "PROPFIND "));
  EXPECT_TRUE(detect(0, "GE"));  // not decidable yet
  EXPECT_FALSE(detect(0, "GETX / HTTP/1.1\r\n"));
  EXPECT_FALSE(detect(0, "PRI * HTTP/2.0\r\n"));
  EXPECT_FALSE(detect(0, "get / HTTP/1.1"));
  EXPECT_FALSE(detect(0, ""));
  EXPECT_FALSE(detect(1, "GET / HTTP/1.1\r\n"));
  EXPECT_TRUE(detect(1, "HTTP/1.1 200 OK\r\n"));
  EXPECT_TRUE(detect(1, "HTTP/"));
  EXPECT_FALSE(detect(1, "HTTP/2 200"));
  EXPECT_FALSE(detect(1, "HTTP/1.1x"));
  EXPECT_FALSE(detect(1, "SSH-2.0-OpenSSH"));
}

// ---- The body reader alone.

struct Reader {
  pcapkit::analysis::Limits limits;
  pcapkit::analysis::BodyReader body{limits, nullptr};
  pcapkit::analysis::BodySummary Run(std::string_view coding, std::string_view data,
                                     bool complete = true) {
    body.Begin(coding);
    for (size_t i = 0; i < data.size(); i += 7)
      body.Data({reinterpret_cast<const uint8_t*>(data.data()) + i,
                 std::min<size_t>(7, data.size() - i)});
    pcapkit::analysis::BodySummary s;
    body.Finish(complete, s);
    return s;
  }
};

std::string Hex(const uint8_t* p) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) s += {kDigits[p[i] >> 4], kDigits[p[i] & 15]};
  return s;
}

TEST(AnalysisBody, PiecesAndReuse) {
  Reader r;
  auto s = r.Run("", kText);
  EXPECT_TRUE(s.hashed);
  EXPECT_EQ(Hex(s.sha256), Sha256Hex(kText));
  EXPECT_EQ(s.body_len, kText.size());
  s = r.Run("x-gzip", Compress("again", 31));
  EXPECT_TRUE(s.hashed);
  EXPECT_EQ(Hex(s.sha256), Sha256Hex("again"));
  EXPECT_EQ(s.decoded_len, 5u);
  EXPECT_EQ(r.body.held(), 0u);  // nothing kept between messages
}

TEST(AnalysisBody, IncompleteEmptyAndGzipMembers) {
  Reader r;
  auto s = r.Run("", "partial", false);
  EXPECT_FALSE(s.hashed);
  EXPECT_EQ(s.body_len, 7u);
  s = r.Run("gzip", "");
  EXPECT_FALSE(s.hashed);
  EXPECT_TRUE(s.decode_error.empty());
  s = r.Run("gzip", Compress("one ", 31) + Compress("two", 31));
  EXPECT_EQ(Hex(s.sha256), Sha256Hex("one two"));
  s = r.Run("gzip, identity, gzip, gzip, gzip, gzip", "x");
  EXPECT_EQ(s.decode_error, "more than 4 content codings");
}

TEST(AnalysisBody, GapStopsHashing) {
  Reader r;
  r.body.Begin("");
  r.body.Data({reinterpret_cast<const uint8_t*>("ab"), 2});
  r.body.Gap(3);
  r.body.Data({reinterpret_cast<const uint8_t*>("cd"), 2});
  pcapkit::analysis::BodySummary s;
  r.body.Finish(true, s);
  EXPECT_FALSE(s.hashed);
  EXPECT_EQ(s.gaps, 3u);
  EXPECT_EQ(s.body_len, 7u);
  EXPECT_EQ(s.decoded_len, 2u);
}

}  // namespace
