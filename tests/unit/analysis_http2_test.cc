// The HTTP/2 analyser (engine/analysis/http2.cc), driven by hand through AnalysisHarness:
// frames built here, header blocks encoded by nghttp2's HPACK deflater (one per
// direction, so dynamic-table references really occur), fed in any pieces. Streams one
// after another and interleaved, CONTINUATION, padding, codings, resets, pushes, settings,
// holes, malformed input, and the h2c upgrade handed over from the HTTP/1 analyser.
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>
#include <zlib.h>

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "testing/analysis_harness.h"

namespace {

using nlohmann::json;
using pcapkit::analysis::Handover;
using pcapkit::analysis::Kind;
using pcapkit::testing::AnalysisHarness;
using pcapkit::testing::Sha256Hex;
using namespace std::string_literals;

std::string Gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
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

// Copies: a missing member then reads as null (and fails the test) instead of asserting.
std::vector<json> R(const AnalysisHarness& h) {
  return h.records();
}

using Fields = std::vector<std::pair<std::string, std::string>>;

// One direction's HPACK encoder.
class Encoder {
 public:
  explicit Encoder(size_t table = 4096) { nghttp2_hd_deflate_new(&d_, table); }
  ~Encoder() { nghttp2_hd_deflate_del(d_); }
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;
  std::string Encode(const Fields& fields) {
    std::vector<nghttp2_nv> nva;
    for (const auto& [n, v] : fields)
      nva.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(n.data())),
                     reinterpret_cast<uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                     NGHTTP2_NV_FLAG_NONE});
    std::string out(nghttp2_hd_deflate_bound(d_, nva.data(), nva.size()), '\0');
    ssize_t n = nghttp2_hd_deflate_hd(d_, reinterpret_cast<uint8_t*>(out.data()), out.size(),
                                      nva.data(), nva.size());
    EXPECT_GE(n, 0);
    out.resize(n > 0 ? size_t(n) : 0);
    return out;
  }
  nghttp2_hd_deflater* get() { return d_; }

 private:
  nghttp2_hd_deflater* d_ = nullptr;
};

constexpr uint8_t kData = 0, kHeaders = 1, kRst = 3, kSettings = 4, kPush = 5, kGoAway = 7,
                  kCont = 9;
constexpr uint8_t kEndStream = 1, kEndHeaders = 4, kPadded = 8, kPriority = 0x20;
const std::string kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

std::string Be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

// Parts joined in order: a braced list is evaluated left to right, as the encoders must
// be called in the order their blocks go on the wire (the operands of `+` are not).
std::string J(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) out += p;
  return out;
}

std::string Frame(uint8_t type, uint8_t flags, uint32_t stream, std::string_view payload) {
  size_t n = payload.size();
  return std::string{char(n >> 16), char(n >> 8), char(n), char(type), char(flags)} + Be32(stream) +
         std::string(payload);
}

std::string Settings(const std::vector<std::pair<uint16_t, uint32_t>>& s = {}) {
  std::string p;
  for (auto [id, v] : s) p += std::string{char(id >> 8), char(id)} + Be32(v);
  return Frame(kSettings, 0, 0, p);
}

std::string Data(uint32_t stream, std::string_view data, bool end = false) {
  return Frame(kData, end ? kEndStream : 0, stream, data);
}

Fields Get(std::string path) {
  return {{":method", "GET"},         {":scheme", "https"},  {":authority", "example.com"},
          {":path", std::move(path)}, {"user-agent", "t/1"}, {"accept", "*/*"}};
}

Fields Status(std::string status, Fields more = {}) {
  Fields f = {{":status", std::move(status)}};
  f.insert(f.end(), more.begin(), more.end());
  return f;
}

// A connection's two directions: their encoders, and HEADERS frames made with them.
struct Conn {
  explicit Conn(size_t server_table = 4096) : server(server_table) {}
  Encoder client, server;
  std::string Headers(int dir, uint32_t stream, const Fields& f, bool end) {
    std::string block = (dir ? server : client).Encode(f);
    return Frame(kHeaders, kEndHeaders | (end ? kEndStream : 0), stream, block);
  }
  std::string Request(uint32_t stream, const std::string& path, bool end = true) {
    return Headers(0, stream, Get(path), end);
  }
  std::string Response(uint32_t stream, const Fields& f, bool end = false) {
    return Headers(1, stream, f, end);
  }
};

const json kRequestHeaders =
    json::parse(R"([{"name":"user-agent","value":"t/1"},{"name":"accept","value":"*/*"}])");

// ---- Streams.

TEST(AnalysisHttp2, PriorKnowledgeGetWithBody) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  h.Data(0, kPreface + Settings() + c.Request(1, "/index.html"), 3);
  h.Data(1, Settings() + c.Response(1, Status("200", {{"content-type", "text/plain"}})), 4);
  EXPECT_TRUE(R(h).empty());
  h.Data(1, Data(1, "hello", true), 5);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["kind"], "http2");
  EXPECT_EQ(r["first_frame"], 3);
  EXPECT_EQ(r["last_frame"], 5);
  EXPECT_EQ(r["stream_id"], 1);
  json q = r["request"];
  EXPECT_EQ(q["method"], "GET");
  EXPECT_EQ(q["scheme"], "https");
  EXPECT_EQ(q["authority"], "example.com");
  EXPECT_EQ(q["path"], "/index.html");
  EXPECT_EQ(q["headers"], kRequestHeaders);
  EXPECT_EQ(q["body_len"], 0);
  EXPECT_FALSE(q.contains("body_sha256"));
  json p = r["response"];
  EXPECT_EQ(p["status"], 200);
  EXPECT_EQ(p["headers"], json::parse(R"([{"name":"content-type","value":"text/plain"}])"));
  EXPECT_EQ(p["body_len"], 5);
  EXPECT_EQ(p["content_type"], "text/plain");
  EXPECT_EQ(p["decoded_len"], 5);
  EXPECT_EQ(p["body_sha256"], Sha256Hex("hello"));
  EXPECT_FALSE(p.contains("content_encoding"));
  for (const char* absent : {"error", "rst_error", "goaway", "upgraded", "push_promise"})
    EXPECT_FALSE(r.contains(absent)) << absent;
  h.End(6);
  EXPECT_EQ(R(h).size(), 1u);
}

TEST(AnalysisHttp2, DynamicTableReferences) {
  AnalysisHarness h(Kind::kHttp2);
  Encoder client, server;
  Fields req = Get("/a");
  req.push_back({"x-custom-header", "a rather long value that the table keeps"});
  std::string first = client.Encode(req), second = client.Encode(req);
  Fields resp = Status("200", {{"server", "example-server/1.0"}, {"x-trace", "abcdefghijkl"}});
  std::string r1 = server.Encode(resp), r2 = server.Encode(resp);
  // The second blocks refer to the table: one byte per field, but :path (never indexed).
  EXPECT_LT(second.size() * 4, first.size());
  EXPECT_LT(r2.size() * 4, r1.size());
  h.Data(0, kPreface + Settings() + Frame(kHeaders, kEndHeaders | kEndStream, 1, first), 1);
  h.Data(0, Frame(kHeaders, kEndHeaders | kEndStream, 3, second), 2);
  h.Data(1, Frame(kHeaders, kEndHeaders | kEndStream, 1, r1), 3);
  h.Data(1, Frame(kHeaders, kEndHeaders | kEndStream, 3, r2), 4);
  ASSERT_EQ(R(h).size(), 2u);
  EXPECT_EQ(R(h)[0]["stream_id"], 1);
  EXPECT_EQ(R(h)[1]["stream_id"], 3);
  EXPECT_EQ(R(h)[1]["request"], R(h)[0]["request"]);
  EXPECT_EQ(R(h)[1]["response"], R(h)[0]["response"]);
  EXPECT_EQ(R(h)[1]["request"]["headers"][2]["value"], "a rather long value that the table keeps");
  EXPECT_EQ(R(h)[1]["response"]["headers"][1]["value"], "abcdefghijkl");
  EXPECT_FALSE(R(h)[1].contains("error"));
}

// Two streams whose DATA frames alternate; a POST with a body; padded frames and a header
// block in three frames. Used whole and in one-byte pieces.
struct Interleaved {
  std::string client, server;
  Interleaved() {
    Conn c;
    Fields post = Get("/upload");
    post[0].second = "POST";
    post.push_back({"content-type", "application/json"});
    std::string first = c.Request(1, "/one");
    std::string block = c.client.Encode(post);
    client =
        J({kPreface, Settings(), first,
           // HEADERS + CONTINUATION + CONTINUATION
           Frame(kHeaders, 0, 3, block.substr(0, 3)), Frame(kCont, 0, 3, block.substr(3, 4)),
           Frame(kCont, kEndHeaders, 3, block.substr(7)), Data(3, "{\"a\":"), Data(3, "1}", true)});
    // Padded HEADERS with priority fields: pad length 4, dependency 0, weight 16.
    std::string resp1 = c.server.Encode(Status("200", {{"content-type", "text/html"}}));
    std::string padded_headers = std::string(1, '\4') + Be32(0) + '\x0f' + resp1 + "\0\0\0\0"s;
    server = J({Settings(), Frame(kHeaders, kEndHeaders | kPadded | kPriority, 1, padded_headers),
                c.Response(3, Status("201")), Data(1, "<html>"),
                // Padded DATA: pad length 3.
                Frame(kData, kPadded, 3, "\3created\0\0\0"s), Data(1, "</html>"),
                Frame(kData, kPadded | kEndStream, 3, "\2!\0\0"s), Data(1, "", true)});
  }
  static void Check(const std::vector<json>& r) {
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0]["stream_id"], 3);  // completed first
    EXPECT_EQ(r[0]["request"]["method"], "POST");
    EXPECT_EQ(r[0]["request"]["path"], "/upload");
    EXPECT_EQ(r[0]["request"]["content_type"], "application/json");
    EXPECT_EQ(r[0]["request"]["headers"].size(), 3u);
    EXPECT_EQ(r[0]["request"]["body_len"], 7);
    EXPECT_EQ(r[0]["request"]["body_sha256"], Sha256Hex("{\"a\":1}"));
    EXPECT_EQ(r[0]["response"]["status"], 201);
    EXPECT_EQ(r[0]["response"]["body_len"], 8);
    EXPECT_EQ(r[0]["response"]["body_sha256"], Sha256Hex("created!"));
    EXPECT_EQ(r[1]["stream_id"], 1);
    EXPECT_EQ(r[1]["request"]["path"], "/one");
    EXPECT_EQ(r[1]["response"]["status"], 200);
    EXPECT_EQ(r[1]["response"]["content_type"], "text/html");
    EXPECT_EQ(r[1]["response"]["body_len"], 13);
    EXPECT_EQ(r[1]["response"]["body_sha256"], Sha256Hex("<html></html>"));
    for (const json& x : r) EXPECT_FALSE(x.contains("error")) << x.dump();
  }
};

TEST(AnalysisHttp2, InterleavedStreamsContinuationAndPadding) {
  Interleaved x;
  AnalysisHarness h(Kind::kHttp2);
  h.Data(0, x.client, 1);
  h.Data(1, x.server, 2);
  ASSERT_NO_FATAL_FAILURE(Interleaved::Check(R(h)));
  EXPECT_EQ(R(h)[0]["first_frame"], 1);
  EXPECT_EQ(R(h)[0]["last_frame"], 2);
}

TEST(AnalysisHttp2, OneBytePiecesGiveTheSameRecords) {
  Interleaved x;
  AnalysisHarness whole(Kind::kHttp2), bytes(Kind::kHttp2);
  whole.Data(0, x.client, 1);
  whole.Data(1, x.server, 1);
  for (char c : x.client) bytes.Data(0, std::string_view(&c, 1), 1);
  for (char c : x.server) bytes.Data(1, std::string_view(&c, 1), 1);
  ASSERT_NO_FATAL_FAILURE(Interleaved::Check(bytes.records()));
  EXPECT_EQ(bytes.records(), whole.records());
}

TEST(AnalysisHttp2, GzipBodyDecodedAndStored) {
  const std::string text = "The quick brown fox jumps over the lazy dog, again and again.\n";
  std::string gz = Gzip(text);
  AnalysisHarness h(Kind::kHttp2, 80, true, true);
  Conn c;
  h.Data(0, kPreface + Settings() + c.Request(1, "/gz"), 1);
  h.Data(1, Settings() + c.Response(1, Status("200", {{"content-encoding", "gzip"}})), 2);
  h.Data(1, Data(1, gz.substr(0, 10)) + Data(1, gz.substr(10), true), 3);
  ASSERT_EQ(R(h).size(), 1u);
  json p = R(h)[0]["response"];
  EXPECT_EQ(p["content_encoding"], "gzip");
  EXPECT_EQ(p["body_len"], gz.size());
  EXPECT_EQ(p["decoded_len"], text.size());
  EXPECT_EQ(p["body_sha256"], Sha256Hex(text));
  EXPECT_EQ(p["body_file"], Sha256Hex(text));
  ASSERT_EQ(h.stored().count(Sha256Hex(text)), 1u);
  EXPECT_EQ(h.stored().at(Sha256Hex(text)), text);
}

TEST(AnalysisHttp2, InformationalAndTrailers) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  h.Data(0, kPreface + Settings() + c.Request(1, "/grpc"), 1);
  h.Data(1,
         J({c.Response(1, Status("103", {{"link", "</s.css>"}})), c.Response(1, Status("200")),
            Data(1, "x"), c.Response(1, {{"grpc-status", "0"}}, true)}),
         2);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["informational"], json::parse("[103]"));
  EXPECT_EQ(r["response"]["status"], 200);
  EXPECT_EQ(r["response"]["headers"], json::array());
  EXPECT_EQ(r["response"]["trailers"], json::parse(R"([{"name":"grpc-status","value":"0"}])"));
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex("x"));
}

// ---- How streams end other than whole.

TEST(AnalysisHttp2, RstStream) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  h.Data(0, J({kPreface, Settings(), c.Request(1, "/refused"), c.Request(3, "/cut")}), 1);
  h.Data(1, Frame(kRst, 0, 1, Be32(7)), 2);  // REFUSED_STREAM
  ASSERT_EQ(R(h).size(), 1u);
  EXPECT_EQ(R(h)[0]["stream_id"], 1);
  EXPECT_EQ(R(h)[0]["rst_error"], 7);
  EXPECT_FALSE(R(h)[0].contains("response"));
  h.Data(1, c.Response(3, Status("200")) + Data(3, "par"), 3);
  h.Data(0, Frame(kRst, 0, 3, Be32(8)), 4);  // the client CANCELs
  ASSERT_EQ(R(h).size(), 2u);
  json r = R(h)[1];
  EXPECT_EQ(r["stream_id"], 3);
  EXPECT_EQ(r["rst_error"], 8);
  EXPECT_EQ(r["last_frame"], 4);
  EXPECT_EQ(r["response"]["body_len"], 3);
  EXPECT_FALSE(r["response"].contains("body_sha256"));  // cut short
  h.Data(1, Data(3, "tial", true), 5);  // a stream already written is not made again
  h.End(6);
  EXPECT_EQ(R(h).size(), 2u);
}

TEST(AnalysisHttp2, GoAwayAndEndWritePendingStreams) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  h.Data(0, J({kPreface, Settings(), c.Request(1, "/1"), c.Request(3, "/3")}), 1);
  h.Data(1, c.Response(1, Status("204"), true), 2);
  ASSERT_EQ(R(h).size(), 1u);
  h.Data(1, Frame(kGoAway, 0, 0, Be32(1) + Be32(2)), 3);  // INTERNAL_ERROR
  h.Data(0, c.Request(5, "/5"), 4);
  h.End(5);
  ASSERT_EQ(R(h).size(), 3u);
  EXPECT_FALSE(R(h)[0].contains("goaway"));
  EXPECT_EQ(R(h)[1]["stream_id"], 3);
  EXPECT_EQ(R(h)[1]["goaway"], 2);
  EXPECT_FALSE(R(h)[1].contains("response"));
  EXPECT_EQ(R(h)[2]["stream_id"], 5);
  EXPECT_FALSE(R(h)[2].contains("goaway"));  // opened after it
}

TEST(AnalysisHttp2, PushPromise) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  h.Data(0, kPreface + Settings() + c.Request(1, "/"), 1);
  Fields promised = Get("/style.css");
  promised.resize(4);  // the pseudo-header fields only
  std::string push = Be32(2) + c.server.Encode(promised);
  h.Data(1,
         J({Settings(), Frame(kPush, kEndHeaders, 1, push), c.Response(1, Status("200")),
            Data(1, "page", true), c.Response(2, Status("200", {{"content-type", "text/css"}})),
            Data(2, "css", true)}),
         2);
  ASSERT_EQ(R(h).size(), 2u);
  EXPECT_EQ(R(h)[0]["stream_id"], 1);
  EXPECT_FALSE(R(h)[0].contains("push_promise"));
  json r = R(h)[1];
  EXPECT_EQ(r["stream_id"], 2);
  EXPECT_EQ(r["push_promise"], 1);
  EXPECT_EQ(r["request"]["path"], "/style.css");
  EXPECT_EQ(r["request"]["method"], "GET");
  EXPECT_EQ(r["request"]["headers"], json::array());
  EXPECT_EQ(r["response"]["content_type"], "text/css");
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex("css"));
}

// ---- Settings.

TEST(AnalysisHttp2, HeaderTableSizeFromThePeersSettings) {
  for (bool announced : {true, false}) {
    SCOPED_TRACE(announced);
    AnalysisHarness h(Kind::kHttp2);
    Conn c(65536);
    // The server's encoder takes the larger table the client allows: its first block
    // starts with a dynamic table size update to 65536 (RFC 7541 6.3).
    ASSERT_EQ(nghttp2_hd_deflate_change_table_size(c.server.get(), 65536), 0);
    std::string settings = announced ? Settings({{1, 65536}}) : Settings();
    h.Data(0, kPreface + settings + c.Request(1, "/"), 1);
    h.Data(1, Settings() + c.Response(1, Status("200"), true), 2);
    h.End(3);
    ASSERT_EQ(R(h).size(), 1u);
    if (announced) {
      EXPECT_EQ(R(h)[0]["response"]["status"], 200);
      EXPECT_FALSE(R(h)[0].contains("error"));
    } else {
      EXPECT_FALSE(R(h)[0].contains("response"));
      EXPECT_EQ(R(h)[0]["error"],
                "server: an HPACK block that does not decode (the dynamic table is lost)");
    }
  }
}

TEST(AnalysisHttp2, MaxFrameSizeFromThePeersSettings) {
  std::string big(20000, 'b');
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  h.Data(1, Settings({{5, 32768}}), 1);
  Fields post = Get("/big");
  post[0].second = "POST";
  h.Data(0, kPreface + Settings() + c.Headers(0, 1, post, false) + Data(1, big, true), 2);
  h.Data(1, c.Response(1, Status("200"), true), 3);
  ASSERT_EQ(R(h).size(), 1u);
  EXPECT_EQ(R(h)[0]["request"]["body_len"], 20000);
  EXPECT_EQ(R(h)[0]["request"]["body_sha256"], Sha256Hex(big));
  EXPECT_FALSE(R(h)[0].contains("error"));
}

// ---- Malformed input and holes.

TEST(AnalysisHttp2, OversizedFrameStopsItsDirection) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  Fields post = Get("/up");
  post[0].second = "POST";
  // A DATA frame of 1 MiB where the server allowed 16384 bytes.
  std::string header = Frame(kData, 0, 1, "").replace(0, 3, "\x10\0\0"s);
  h.Data(0, kPreface + Settings() + c.Headers(0, 1, post, false) + header, 1);
  for (int i = 0; i < 64; ++i) h.Data(0, std::string(16384, 'x'), 2);
  EXPECT_LT(h.analyser().held(), size_t(64) << 10);
  h.Data(1, Settings() + c.Response(1, Status("413"), true), 3);
  h.End(4);
  ASSERT_EQ(R(h).size(), 1u);
  json r = R(h)[0];
  EXPECT_EQ(r["error"], "client: a frame of 1048576 bytes, over the maximum frame size 16384");
  EXPECT_EQ(r["request"]["body_len"], 0);
  EXPECT_EQ(r["response"]["status"], 413);
  EXPECT_EQ(r["last_frame"], 3);
}

TEST(AnalysisHttp2, CorruptHpackBlock) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  // Index 0 is no field (RFC 7541 6.1); then a request the stopped direction never reads.
  h.Data(0,
         J({kPreface, Settings(), c.Request(1, "/ok"),
            Frame(kHeaders, kEndHeaders | kEndStream, 3, "\x80"), c.Request(5, "/lost")}),
         1);
  h.Data(1, Settings() + c.Response(1, Status("200"), true), 2);
  ASSERT_EQ(R(h).size(), 1u);
  EXPECT_EQ(R(h)[0]["stream_id"], 1);
  EXPECT_FALSE(R(h)[0].contains("error"));
  h.End(3);
  ASSERT_EQ(R(h).size(), 2u);
  json r = R(h)[1];
  EXPECT_EQ(r["stream_id"], 3);
  EXPECT_EQ(r["error"], "client: an HPACK block that does not decode (the dynamic table is lost)");
  EXPECT_FALSE(r.contains("request"));
}

TEST(AnalysisHttp2, NoPrefaceAndInterruptedHeaderBlock) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  h.Data(0, "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n" + c.Request(1, "/"), 1);
  h.Data(1, c.Response(1, Status("200"), true), 2);
  h.End(3);
  ASSERT_EQ(R(h).size(), 1u);  // the server's answer, on a stream the client never opened
  EXPECT_EQ(R(h)[0]["error"], "client: no connection preface");
  EXPECT_FALSE(R(h)[0].contains("request"));
  EXPECT_EQ(R(h)[0]["response"]["status"], 200);
  EXPECT_FALSE(R(h)[0].contains("upgraded"));

  AnalysisHarness g(Kind::kHttp2);
  Encoder fresh;
  std::string block = fresh.Encode(Get("/x"));
  g.Data(0, kPreface + Frame(kHeaders, kEndStream, 1, block.substr(0, 2)) + Data(1, "no"), 1);
  g.End(2);
  ASSERT_EQ(R(g).size(), 1u);
  EXPECT_EQ(R(g)[0]["error"], "client: a header block interrupted by another frame");

  AnalysisHarness e(Kind::kHttp2);
  e.Data(0, kPreface + Frame(kHeaders, kEndStream, 1, block.substr(0, 2)), 1);
  e.End(2);
  ASSERT_EQ(R(e).size(), 1u);
  EXPECT_EQ(R(e)[0]["error"], "client: a header block cut short by the connection's end");
}

TEST(AnalysisHttp2, GapStopsTheDirection) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  h.Data(0, J({kPreface, Settings(), c.Request(1, "/1"), c.Request(3, "/3")}), 1);
  h.Data(1, Settings() + c.Response(1, Status("200")) + Data(1, "abc"), 2);
  h.Gap(1, 100, 3);
  h.Data(1, Data(1, "def", true), 4);  // not read: the framing is lost
  h.End(5);
  ASSERT_EQ(R(h).size(), 2u);
  for (const json& r : R(h)) {
    SCOPED_TRACE(r.dump());
    EXPECT_EQ(r["error"], "server: 100 bytes not captured; the rest of this direction is not read");
    EXPECT_EQ(r["response"]["gaps"], 100);
    EXPECT_FALSE(r["response"].contains("body_sha256"));
  }
  EXPECT_EQ(R(h)[0]["response"]["body_len"], 3);
  EXPECT_EQ(R(h)[0]["last_frame"], 3);
  EXPECT_FALSE(R(h)[1]["response"].contains("status"));
}

TEST(AnalysisHttp2, ManyStreamsAreBounded) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  std::string client = kPreface + Settings();
  for (uint32_t id = 1; id <= 2 * 300; id += 2) {
    std::string path = "/";  // appended: GCC 12 warns wrongly on "/" + std::string
    client += c.Request(id, path.append(std::to_string(id)));
  }
  h.Data(0, client, 1);
  // 300 streams opened, none answered: past 256 the oldest are written as they are.
  ASSERT_EQ(R(h).size(), 300u - 256u);
  EXPECT_EQ(R(h)[0]["stream_id"], 1);
  EXPECT_EQ(R(h)[0]["request"]["path"], "/1");
  h.End(2);
  ASSERT_EQ(R(h).size(), 300u);
  EXPECT_EQ(R(h)[299]["stream_id"], 599);
}

// ---- Detection, and the h2c upgrade.

TEST(AnalysisHttp2, Detect) {
  const pcapkit::analysis::AnalyserInfo* info = nullptr;
  for (const auto& a : pcapkit::analysis::Analysers())
    if (a.kind == Kind::kHttp2) info = &a;
  ASSERT_NE(info, nullptr);
  EXPECT_STREQ(info->name, "http2");
  EXPECT_TRUE(info->tcp);
  EXPECT_FALSE(info->udp);
  EXPECT_EQ(info->ports, (std::array<uint16_t, 4>{}));
  auto detect = [&](int dir, std::string_view s) {
    return info->detect(dir, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  };
  EXPECT_TRUE(detect(0, kPreface.substr(0, 16)));
  EXPECT_TRUE(detect(0, kPreface + Settings()));
  EXPECT_FALSE(detect(0, kPreface.substr(0, 15)));
  EXPECT_FALSE(detect(0, "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n"));
  EXPECT_FALSE(detect(0, "GET / HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_FALSE(detect(1, kPreface));
}

TEST(AnalysisHttp2, H2cUpgradeHandedOverFromHttp1) {
  Conn c;
  AnalysisHarness h1(Kind::kHttp);
  h1.Data(0,
          "GET /page HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
          1);
  std::string client = kPreface + Settings() + Frame(kSettings, 1, 0, "");
  h1.Data(0, client, 2);
  std::string server = Settings() + c.Response(1, Status("200", {{"content-type", "text/plain"}})) +
                       Data(1, "upgraded body", true);
  h1.Data(1,
          "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n" +
              server.substr(0, 20),
          3);
  h1.Data(1, server.substr(20), 4);
  ASSERT_EQ(R(h1).size(), 1u);
  EXPECT_EQ(R(h1)[0]["upgrade"], "h2c");
  Handover ho;
  ASSERT_TRUE(h1.analyser().TakeHandover(&ho));
  EXPECT_EQ(ho.kind, Kind::kHttp2);
  EXPECT_EQ(std::string(ho.rest[0].begin(), ho.rest[0].end()), client);
  EXPECT_EQ(std::string(ho.rest[1].begin(), ho.rest[1].end()), server);
  EXPECT_EQ(ho.at[0].frame, 2u);
  EXPECT_EQ(ho.at[1].frame, 3u);

  AnalysisHarness h2(Kind::kHttp2);
  h2.Data(0, ho.rest[0], ho.at[0].frame);
  h2.Data(1, ho.rest[1], ho.at[1].frame);
  h2.Data(0, c.Request(3, "/next"), 5);
  h2.Data(1, c.Response(3, Status("404"), true), 6);
  ASSERT_EQ(R(h2).size(), 2u);
  json r = R(h2)[0];
  EXPECT_EQ(r["kind"], "http2");
  EXPECT_EQ(r["stream_id"], 1);
  EXPECT_EQ(r["upgraded"], true);
  EXPECT_FALSE(r.contains("request"));
  EXPECT_EQ(r["response"]["status"], 200);
  EXPECT_EQ(r["response"]["body_sha256"], Sha256Hex("upgraded body"));
  EXPECT_EQ(r["first_frame"], 3);
  EXPECT_EQ(R(h2)[1]["stream_id"], 3);
  EXPECT_EQ(R(h2)[1]["request"]["path"], "/next");
  EXPECT_FALSE(R(h2)[1].contains("upgraded"));
}

// The client opens stream 3 before the server answers stream 1: stream 1 is still the
// upgrade's.
TEST(AnalysisHttp2, UpgradedStreamAfterTheClientsNextStream) {
  AnalysisHarness h(Kind::kHttp2);
  Conn c;
  h.Data(0, kPreface + Settings() + c.Request(3, "/3"), 1);
  h.Data(1, J({Settings(), c.Response(1, Status("200"), true), c.Response(3, Status("200"), true)}),
         2);
  ASSERT_EQ(R(h).size(), 2u);
  EXPECT_EQ(R(h)[0]["stream_id"], 1);
  EXPECT_EQ(R(h)[0]["upgraded"], true);
  EXPECT_EQ(R(h)[1]["stream_id"], 3);
  EXPECT_EQ(R(h)[1]["request"]["path"], "/3");
}

}  // namespace
