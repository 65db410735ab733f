// The `tls` analyser driven by hand: hellos, certificates and records built byte by byte;
// the fingerprints checked against strings computed here from the values put in, and
// against FoxIO's published JA4 example.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <random>
#include <string>
#include <vector>

#include "testing/analysis_harness.h"

namespace {

using nlohmann::json;
using pcapkit::analysis::Kind;
using pcapkit::testing::AnalysisHarness;

std::string U8(uint8_t v) {
  return std::string(1, char(v));
}
std::string U16(uint16_t v) {
  return {char(v >> 8), char(v & 0xff)};
}
std::string U24(uint32_t v) {
  return {char(v >> 16), char(v >> 8), char(v)};
}
std::string Vec8(const std::string& b) {
  return U8(uint8_t(b.size())) + b;
}
std::string Vec16(const std::string& b) {
  return U16(uint16_t(b.size())) + b;
}
std::string Vec24(const std::string& b) {
  return U24(uint32_t(b.size())) + b;
}
std::string List16(const std::vector<uint16_t>& values) {
  std::string out;
  for (uint16_t v : values) out += U16(v);
  return out;
}
std::string Ext(uint16_t type, const std::string& data) {
  return U16(type) + Vec16(data);
}
std::string Handshake(uint8_t type, const std::string& body) {
  return U8(type) + Vec24(body);
}
std::string Record(uint8_t type, const std::string& body, uint16_t version = 0x0303) {
  return U8(type) + U16(version) + Vec16(body);
}
std::string Hex(const std::string& b) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) out += {digits[c >> 4], digits[c & 15]};
  return out;
}

std::string Sni(const std::string& host) {
  return Ext(0, Vec16(U8(0) + Vec16(host)));
}
std::string Alpn(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& n : names) list += Vec8(n);
  return Ext(16, Vec16(list));
}

std::string ClientHelloBody(const std::vector<uint16_t>& ciphers, const std::string& extensions) {
  return U16(0x0303) + std::string(32, '\x11') + Vec8(std::string(32, '\x22')) +
         Vec16(List16(ciphers)) + Vec8(std::string(1, '\0')) + Vec16(extensions);
}

// GREASE in the ciphers, the extensions, the versions and the groups.
std::string ClientHello() {
  std::string ext = Ext(0x1a1a, "") + Sni("example.com") + Alpn({"h2", "http/1.1"}) +
                    Ext(43, Vec8(List16({0x2a2a, 0x0304, 0x0303}))) +
                    Ext(10, Vec16(List16({0x3a3a, 29, 23}))) + Ext(11, Vec8(U8(0))) +
                    Ext(13, Vec16(List16({0x0403, 0x0804, 0x0401})));
  return Record(22, Handshake(1, ClientHelloBody({0x0a0a, 0x1301, 0x1302, 0xc02b}, ext)), 0x0301);
}

constexpr char kJa3[] = "771,4865-4866-49195,0-16-43-10-11-13,29-23,0";

void ExpectClientFields(const json& r) {
  EXPECT_EQ(r["server_name"], "example.com");
  EXPECT_EQ(r["alpn"], json::parse(R"(["h2","http/1.1"])"));
  EXPECT_EQ(r["client_versions"], json::parse(R"(["TLSv1.3","TLSv1.2"])"));
  EXPECT_EQ(r["cipher_suites"], json::parse("[2570,4865,4866,49195]"));  // as offered
  EXPECT_EQ(r["ja3_string"], kJa3);
  EXPECT_EQ(r["ja3"], "d94735a59b4dda9a784f0cd083c57221");  // md5 of kJa3
  // 3 ciphers and 6 extensions without GREASE; sha256("1301,1302,c02b") and
  // sha256("000a,000b,000d,002b_0403,0804,0401"), their first 12 hex digits.
  EXPECT_EQ(r["ja4"], "t13d0306h2_5559582ccdc4_0d385148b956");
}

TEST(AnalysisTlsClientHello, FieldsAndFingerprints) {
  AnalysisHarness h(Kind::kTls, 443);
  h.Data(0, ClientHello(), 1);
  EXPECT_TRUE(h.records().empty());
  h.End(2);
  ASSERT_EQ(h.records().size(), 1u);
  const json& r = h.records()[0];
  EXPECT_EQ(r["kind"], "tls");
  ExpectClientFields(r);
  EXPECT_EQ(r["established"], false);
  EXPECT_EQ(r["first_frame"], 1);
  EXPECT_EQ(r["last_frame"], 2);
  for (const char* absent : {"version", "cipher_suite", "ja3s", "certificates", "error"})
    EXPECT_FALSE(r.contains(absent)) << absent;
}

TEST(AnalysisTlsClientHello, SplitOverThreeSegments) {
  const std::string hello = ClientHello();
  AnalysisHarness h(Kind::kTls, 443);
  h.Data(0, hello.substr(0, 3), 1);   // inside the record header
  h.Data(0, hello.substr(3, 60), 2);  // inside the cipher suites
  h.Data(0, hello.substr(63), 3);
  h.End(4);
  ASSERT_EQ(h.records().size(), 1u);
  ExpectClientFields(h.records()[0]);
  EXPECT_EQ(h.records()[0]["first_frame"], 1);
  EXPECT_FALSE(h.records()[0].contains("error"));
}

TEST(AnalysisTlsClientHello, SpanningTwoRecords) {
  // The handshake message cut between two TLS records, as a record layer may.
  const std::string message = ClientHello().substr(5);
  AnalysisHarness h(Kind::kTls, 443);
  h.Data(0, Record(22, message.substr(0, 30)) + Record(22, message.substr(30)), 1);
  h.End(2);
  ASSERT_EQ(h.records().size(), 1u);
  ExpectClientFields(h.records()[0]);
}

// FoxIO's example (technical_details/JA4.md and the Rust implementation's test): its 15
// ciphers, 16 extensions and 8 signature algorithms, with GREASE added that must not count.
TEST(AnalysisTlsClientHello, PublishedJa4Example) {
  const std::vector<uint16_t> ciphers = {0x5a5a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
                                         0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
                                         0x009c, 0x009d, 0x002f, 0x0035};
  std::string ext;
  for (uint16_t type : {0x4a4a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d,
                        0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015}) {
    if (type == 0x0000)
      ext += Sni("example.com");
    else if (type == 0x0010)
      ext += Alpn({"h2", "http/1.1"});
    else if (type == 0x000d)
      ext +=
          Ext(13, Vec16(List16({0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601})));
    else if (type == 0x002b)
      ext += Ext(43, Vec8(List16({0x0304, 0x0303})));
    else
      ext += Ext(type, "");
  }
  AnalysisHarness h(Kind::kTls, 443);
  h.Data(0, Record(22, Handshake(1, ClientHelloBody(ciphers, ext)), 0x0301), 1);
  h.End(2);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["ja4"], "t13d1516h2_8daaf6152771_e5627efa2ab1");
}

TEST(AnalysisTlsClientHello, Ja4WithoutSniAlpnOrVersions) {
  // TLS 1.2 by legacy_version, "i" without SNI, "00" without ALPN; one extension
  // (ec_point_formats) and no signature algorithms: JA4_c hashes "000b" alone, no '_'.
  AnalysisHarness h(Kind::kTls, 443);
  h.Data(0, Record(22, Handshake(1, ClientHelloBody({0x002f}, Ext(11, Vec8(U8(0)))))), 1);
  h.End(2);
  ASSERT_EQ(h.records().size(), 1u);
  const json& r = h.records()[0];
  // sha256("002f") and sha256("000b"), their first 12 hex digits.
  EXPECT_EQ(r["ja4"], "t12i010100_ba72b8082249_bcb145a8c2a7");
  EXPECT_EQ(r["ja3_string"], "771,47,11,,0");
  EXPECT_EQ(r["client_versions"], json::parse(R"(["TLSv1.2"])"));
  EXPECT_FALSE(r.contains("server_name"));
  EXPECT_FALSE(r.contains("alpn"));
}

TEST(AnalysisTlsClientHello, Ja4AlpnNotAlphanumeric) {
  // The spec's own examples: 0xAB 0xCD gives "ad", "0" 0xAB gives "3b".
  for (const auto& [alpn, expected] : std::vector<std::pair<std::string, std::string>>{
           {"\xab\xcd", "ad"}, {"0\xab", "3b"}, {"x", "xx"}}) {
    AnalysisHarness h(Kind::kTls, 443);
    h.Data(0, Record(22, Handshake(1, ClientHelloBody({0x002f}, Alpn({alpn})))), 1);
    h.End(2);
    ASSERT_EQ(h.records().size(), 1u);
    EXPECT_EQ(h.records()[0]["ja4"].get<std::string>().substr(0, 10), "t12i0101" + expected);
  }
}

std::string ServerHello(uint16_t cipher, const std::string& extensions) {
  return Handshake(2, U16(0x0303) + std::string(32, '\x33') + Vec8(std::string(32, '\x44')) +
                          U16(cipher) + U8(0) + Vec16(extensions));
}

TEST(AnalysisTlsServerHello, Tls12HandshakeEstablished) {
  AnalysisHarness h(Kind::kTls, 443);
  h.Data(0, ClientHello(), 1);
  const std::string ext = Ext(0xff01, U8(0)) + Ext(0, "") + Alpn({"h2"}) + Ext(11, Vec8(U8(0)));
  h.Data(1, Record(22, ServerHello(0xc02f, ext) + Handshake(14, "")), 2);
  h.Data(0, Record(22, Handshake(16, Vec8("key"))) + Record(20, U8(1)), 3);
  h.Data(0, Record(22, std::string(40, '\x99')), 4);  // the encrypted Finished
  EXPECT_TRUE(h.records().empty());
  h.Data(1, Record(20, U8(1)) + Record(22, std::string(40, '\x98')), 5);
  ASSERT_EQ(h.records().size(), 1u);  // both Finished seen: written without waiting for End
  const json& r = h.records()[0];
  EXPECT_EQ(r["established"], true);
  EXPECT_EQ(r["version"], "TLSv1.2");
  EXPECT_EQ(r["cipher_suite"], 0xc02f);
  EXPECT_EQ(r["alpn_chosen"], "h2");
  EXPECT_EQ(r["ja3s_string"], "771,49199,65281-0-16-11");
  EXPECT_EQ(r["ja3s"], "673d9e3a3d636167965beda377536bd7");  // md5 of the string
  EXPECT_EQ(r["last_frame"], 5);
  ExpectClientFields(r);
  h.Data(0, Record(23, "data"), 6);
  h.End(7);
  EXPECT_EQ(h.records().size(), 1u);
}

TEST(AnalysisTlsServerHello, Tls13EncryptsAfterServerHello) {
  AnalysisHarness h(Kind::kTls, 443);
  h.Data(0, ClientHello(), 1);
  h.Data(1, Record(22, ServerHello(0x1301, Ext(43, U16(0x0304)) + Ext(51, "keyshare"))), 2);
  // The server's encrypted extensions, certificate and Finished; then the client's.
  h.Data(1, Record(20, U8(1)) + Record(23, std::string(100, '\x55')), 3);
  EXPECT_TRUE(h.records().empty());
  h.Data(0, Record(20, U8(1)) + Record(23, std::string(50, '\x66')), 4);
  ASSERT_EQ(h.records().size(), 1u);
  const json& r = h.records()[0];
  EXPECT_EQ(r["version"], "TLSv1.3");
  EXPECT_EQ(r["cipher_suite"], 0x1301);
  EXPECT_EQ(r["ja3s_string"], "771,4865,43-51");
  EXPECT_EQ(r["established"], true);
  EXPECT_FALSE(r.contains("certificates"));
}

TEST(AnalysisTlsServerHello, PlaintextAlert) {
  AnalysisHarness h(Kind::kTls, 443);
  h.Data(0, ClientHello(), 1);
  h.Data(1, Record(21, U8(2) + U8(40)), 2);
  h.End(3);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["alert"], json::parse(R"({"level":2,"description":40})"));
  EXPECT_EQ(h.records()[0]["established"], false);
}

// A self-signed certificate made here: its DER and the fields it must show.
std::string MakeCertificate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 123456);  // 0x01e240
  ASN1_TIME_set_string(X509_getm_notBefore(x), "20240102030405Z");
  ASN1_TIME_set_string(X509_getm_notAfter(x), "20340102030405Z");
  X509_NAME* name = X509_get_subject_name(x);
  auto add = [name](const char* field, const char* value) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(value), -1, -1, 0);
  };
  add("C", "US");
  add("O", "Test Org");
  add("CN", "example.com");
  X509_set_issuer_name(x, name);
  X509_set_pubkey(x, key);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(
      nullptr, &ctx, NID_subject_alt_name,
      "DNS:example.com,DNS:www.example.com,IP:192.0.2.1,IP:2001:db8::1,email:a@example.com");
  X509_add_ext(x, san, -1);
  X509_EXTENSION_free(san);
  X509_sign(x, key, EVP_sha256());
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  std::string out(reinterpret_cast<char*>(der), size_t(len > 0 ? len : 0));
  OPENSSL_free(der);
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

TEST(AnalysisTlsCertificates, ChainParsed) {
  const std::string der = MakeCertificate();
  ASSERT_GT(der.size(), 100u);
  unsigned char digest[32];
  SHA256(reinterpret_cast<const unsigned char*>(der.data()), der.size(), digest);
  const std::string garbage = "not a certificate";
  AnalysisHarness h(Kind::kTls, 443);
  h.Data(0, ClientHello(), 1);
  const std::string certificate = Handshake(11, Vec24(Vec24(der) + Vec24(garbage)));
  const std::string flight = ServerHello(0xc02f, "") + certificate + Handshake(14, "");
  // The flight over records of at most 100 bytes, and segments cut elsewhere.
  std::string records;
  for (size_t i = 0; i < flight.size(); i += 100) records += Record(22, flight.substr(i, 100));
  for (size_t i = 0; i < records.size(); i += 77) h.Data(1, records.substr(i, 77), 2 + i / 77);
  h.End(50);
  ASSERT_EQ(h.records().size(), 1u);
  const json& r = h.records()[0];
  ASSERT_TRUE(r.contains("certificates")) << r.dump();
  ASSERT_EQ(r["certificates"].size(), 2u);
  const json& c = r["certificates"][0];
  EXPECT_EQ(c["subject"], "CN=example.com,O=Test Org,C=US");
  EXPECT_EQ(c["issuer"], "CN=example.com,O=Test Org,C=US");
  EXPECT_EQ(c["not_before"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(c["not_after"], "2034-01-02T03:04:05Z");
  EXPECT_EQ(c["serial"], "01e240");
  EXPECT_EQ(c["sans"],
            json::parse(R"(["example.com","www.example.com","192.0.2.1","2001:db8::1"])"));
  EXPECT_EQ(c["sha256"], Hex(std::string(reinterpret_cast<char*>(digest), 32)));
  EXPECT_FALSE(c.contains("error"));
  unsigned char garbage_digest[32];
  SHA256(reinterpret_cast<const unsigned char*>(garbage.data()), garbage.size(), garbage_digest);
  EXPECT_EQ(r["certificates"][1],
            json({{"sha256", Hex(std::string(reinterpret_cast<char*>(garbage_digest), 32))},
                  {"error", "not a DER X.509 certificate"}}));
  EXPECT_EQ(r["version"], "TLSv1.2");
  EXPECT_FALSE(r.contains("error"));
}

TEST(AnalysisTlsMalformed, GarbageStream) {
  AnalysisHarness h(Kind::kTls, 443);
  h.Data(0, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", 1);
  h.Data(1, std::string(3000, '\xff'), 2);
  h.Data(0, std::string(10, '\0'), 3);
  h.End(4);
  ASSERT_EQ(h.records().size(), 1u);
  const json& r = h.records()[0];
  EXPECT_EQ(r["error"], "client: not a TLS record header");
  EXPECT_EQ(r["established"], false);
  EXPECT_FALSE(r.contains("ja3"));
}

TEST(AnalysisTlsMalformed, HugeHandshakeIsBounded) {
  AnalysisHarness h(Kind::kTls, 443);
  // A ClientHello claiming 16 MiB, then records that would continue it.
  h.Data(0, Record(22, "\x01\xff\xff\xff" + std::string(16000, 'x')), 1);
  for (int i = 0; i < 20; ++i) h.Data(0, Record(22, std::string(16000, 'y')), 2 + i);
  EXPECT_LT(h.analyser().held(), 4096u);
  h.End(30);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["error"], "client: a handshake message of 16777215 bytes (over 65536)");
  EXPECT_EQ(h.records()[0]["established"], false);
  EXPECT_FALSE(h.records()[0].contains("ja3"));
}

TEST(AnalysisTlsMalformed, CutClientHello) {
  AnalysisHarness h(Kind::kTls, 443);
  const std::string body = ClientHelloBody({0x1301}, "").substr(0, 40);
  h.Data(0, Record(22, Handshake(1, body)), 1);
  h.End(2);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["error"], "client: ClientHello cut short");
  // A fingerprint of part of a hello would be no client's: none is written.
  EXPECT_FALSE(h.records()[0].contains("ja3"));
  EXPECT_FALSE(h.records()[0].contains("ja3_string"));
  EXPECT_FALSE(h.records()[0].contains("ja4"));
  EXPECT_TRUE(h.records()[0].contains("cipher_suites"));
}

TEST(AnalysisTlsMalformed, GapStopsTheDirection) {
  AnalysisHarness h(Kind::kTls, 443);
  const std::string hello = ClientHello();
  h.Data(0, hello.substr(0, 50), 1);
  h.Gap(0, 20, 2);
  h.Data(0, hello.substr(70), 3);
  h.End(4);
  ASSERT_EQ(h.records().size(), 1u);
  const json& r = h.records()[0];
  EXPECT_EQ(r["gaps"], 20);
  EXPECT_EQ(r["established"], false);
  EXPECT_FALSE(r.contains("ja3"));
  EXPECT_FALSE(r.contains("error"));
  EXPECT_EQ(r["last_frame"], 4);
}

TEST(AnalysisTlsDetect, HandshakeRecordHeader) {
  for (const auto& info : pcapkit::analysis::Analysers()) {
    if (info.kind != Kind::kTls) continue;
    ASSERT_NE(info.detect, nullptr);
    auto detect = [&info](const std::string& s) {
      return info.detect(0, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
    };
    EXPECT_TRUE(detect(ClientHello()));
    EXPECT_TRUE(detect(ClientHello().substr(0, 3)));
    EXPECT_FALSE(detect(Record(23, "data")));
    EXPECT_FALSE(detect("GET / HTTP/1.1\r\n"));
    EXPECT_FALSE(detect(std::string("\x16\x03\x05\x00\x10", 5)));
    return;
  }
  FAIL() << "tls is not registered";
}

TEST(AnalysisTlsMalformed, RandomRecordsNeverCrash) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    AnalysisHarness h(Kind::kTls, 443);
    for (int i = 0; i < 12; ++i) {
      std::string body(rng() % 200, '\0');
      for (char& c : body) c = char(rng() % 4 ? rng() % 24 : rng());
      // Mostly plausible records, so the handshake parsing is reached.
      h.Data(int(rng() % 2), Record(uint8_t(20 + rng() % 4), U8(uint8_t(rng() % 12)) + body), i);
      EXPECT_LT(h.analyser().held(), 100000u);
    }
    h.End(20);
    EXPECT_EQ(h.records().size(), 1u);
  }
}

}  // namespace
