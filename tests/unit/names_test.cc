// --names: enumerations also by name beside their numbers (`protocol_name: "TCP"`), the tree
// format's `6 (TCP)`, and the name tables themselves.
#include "engine/protocols/names.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "pcapkit/ipsuite.h"
#include "pcapkit/options.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using namespace testutil;
using nlohmann::json;
using testutil::DissectFrame;
namespace names = pcapkit::protocols;

namespace {

pcapkit::ExtractOptions WithNames() {
  pcapkit::ExtractOptions o;
  o.names = true;
  return o;
}

// A DNS response: AAAA? for a name that does not exist (rcode 3).
Bytes NxdomainResponse() {
  Bytes m;
  Put16(m, 0x1234);
  Put16(m, 0x8183);  // response, RD, RA, NXDOMAIN
  Put16(m, 1);
  Put16(m, 0);
  Put16(m, 0);
  Put16(m, 0);
  PutBytes(m, {1, 'x', 0});
  Put16(m, 28);  // AAAA
  Put16(m, 1);   // IN
  return (Ethernet{} / Ipv4{} / Udp{.srcport = 53, .dstport = 40000} / m).Build();
}

// A ClientHello offering TLS_AES_128_GCM_SHA256, a GREASE value and a suite no one knows.
Bytes ClientHello() {
  Bytes body;
  Put16(body, 0x0303);
  PutBytes(body, Bytes(32, 0xaa));
  Put8(body, 0);
  Put16(body, 6);
  Put16(body, 0x1301);
  Put16(body, 0x3a3a);
  Put16(body, 0xfefe);
  PutBytes(body, {1, 0});
  Bytes ext;
  Put16(ext, 43);  // supported_versions: TLS 1.3, GREASE
  Put16(ext, 5);
  PutBytes(ext, {4, 0x03, 0x04, 0x7a, 0x7a});
  Put16(body, uint16_t(ext.size()));
  PutBytes(body, ext);
  Bytes rec = TlsHandshakeRecord(1, body);
  return (Ethernet{} / Ipv4{} / Tcp{.dstport = 443, .flags = kAck | kPsh} / rec).Build();
}

// Every member whose key ends in "_name" or "_names", wherever it is.
int CountNames(const json& j) {
  int n = 0;
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      bool named = key.size() > 5 && (key.ends_with("_name") || key.ends_with("_names"));
      n += (named ? 1 : 0) + CountNames(value);
    }
  } else if (j.is_array()) {
    for (const json& item : j) n += CountNames(item);
  }
  return n;
}

TEST(Names, TheTablesNameWhatTheyKnowAndNothingElse) {
  EXPECT_STREQ(names::EtherTypeName(0x86dd), "IPv6");
  EXPECT_EQ(names::EtherTypeName(1500), nullptr) << "an 802.3 length, not an EtherType";
  EXPECT_STREQ(names::IpProtocolName(17), "UDP");
  EXPECT_STREQ(names::DnsTypeName(28), "AAAA");
  EXPECT_EQ(names::DnsTypeName(4242), nullptr);
  EXPECT_STREQ(names::DnsRcodeName(3), "NXDOMAIN");
  EXPECT_STREQ(names::TlsVersionName(0x0303), "TLS 1.2");
  EXPECT_STREQ(names::TlsVersionName(0xdada), "GREASE");
  EXPECT_EQ(names::TlsVersionName(0xdadb), nullptr);
  EXPECT_STREQ(names::TlsCipherSuiteName(0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_STREQ(names::TlsCipherSuiteName(0x1303), "TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(names::TlsCipherSuiteName(0xfefe), nullptr);
  EXPECT_EQ(names::TlsCipherSuiteName(0x1c02f), nullptr);
  EXPECT_STREQ(names::Icmpv6TypeName(135), "Neighbor Solicitation");
  EXPECT_STREQ(names::ArpOperationName(2), "reply");
}

TEST(Names, EnumerationsCarryTheirNamesOnlyWhenAskedFor) {
  json plain = DissectFrame(NxdomainResponse());
  EXPECT_EQ(CountNames(plain), 0) << plain.dump();
  json named = DissectFrame(NxdomainResponse(), 1, WithNames());
  EXPECT_EQ(named["ethernet"]["type_name"], "IPv4");
  const json& ip = named["ethernet"]["ipv4"];
  EXPECT_EQ(ip["protocol"], 17);
  EXPECT_EQ(ip["protocol_name"], "UDP");
  const json& dns = ip["udp"]["dns"];
  EXPECT_EQ(dns["rcode_name"], "NXDOMAIN");
  EXPECT_EQ(dns["opcode_name"], "QUERY");
  EXPECT_EQ(dns["questions"][0]["type"], 28);
  EXPECT_EQ(dns["questions"][0]["type_name"], "AAAA");
  EXPECT_EQ(dns["questions"][0]["class_name"], "IN");
}

TEST(Names, TlsVersionsAndCipherSuites) {
  json r = DissectFrame(ClientHello(), 1, WithNames());
  const json& record = r["ethernet"]["ipv4"]["tcp"]["tls"]["records"][0];
  EXPECT_EQ(record["content_type_name"], "handshake");
  EXPECT_EQ(record["version_name"], "TLS 1.0");
  const json& hello = record["handshake"];
  EXPECT_EQ(hello["type_name"], "client_hello");
  EXPECT_EQ(hello["version_name"], "TLS 1.2");
  EXPECT_EQ(hello["cipher_suites"], json::array({0x1301, 0x3a3a, 0xfefe}));
  EXPECT_EQ(hello["cipher_suite_names"], json::array({"TLS_AES_128_GCM_SHA256", "GREASE"}))
      << "an unknown suite has no name: the lists differ in length";
  const json& versions = hello["extensions"][0];
  EXPECT_EQ(versions["type_name"], "supported_versions");
  EXPECT_EQ(versions["versions"], json::array({0x0304, 0x7a7a}));
  EXPECT_EQ(versions["version_names"], json::array({"TLS 1.3", "GREASE"}));
}

TEST(Names, TheTreeShowsTheNameBesideTheNumber) {
  std::string in = WriteTemp(PcapFile({{.data = NxdomainResponse()}}), ".pcap");
  auto plain = testutil::RunCli({"extract", in, "-f", "tree", "-o", "-"});
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_NE(plain.out.find("|-- protocol -> 17\n"), std::string::npos) << plain.out;
  auto named = testutil::RunCli({"extract", in, "-f", "tree", "--names", "-o", "-"});
  ASSERT_EQ(named.status, 0) << named.err;
  EXPECT_NE(named.out.find("|-- protocol -> 17 (UDP)\n"), std::string::npos) << named.out;
  EXPECT_NE(named.out.find("|-- rcode -> 3 (NXDOMAIN)\n"), std::string::npos) << named.out;
  EXPECT_EQ(named.out.find("_name"), std::string::npos) << "the tree has no name members";
}

TEST(Names, AFieldSelectionTakesNamesWithoutTheFlag) {
  std::string in = WriteTemp(PcapFile({{.data = NxdomainResponse()}}), ".pcap");
  auto r = testutil::RunCli({"extract", in, "-f", "csv", "-e", "ipv4.protocol_name", "-e",
                             "dns.questions.type_name", "-e", "dns.rcode", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ipv4.protocol_name,dns.questions.type_name,dns.rcode\nUDP,AAAA,3\n");
}

}  // namespace
