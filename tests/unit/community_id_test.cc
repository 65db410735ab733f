// Community ID v1 against the spec's published reference data. Every expected value
// below is copied from corelight/community-id-spec, never produced by pcapkit:
//   - baseline/README.md: the three "Sample results" tables (default settings, seed=1,
//     no base64), made by baseline/make-tables.py;
//   - baseline/baseline_deflt.json, baseline_seed1.json, baseline_nob64.json: the flows
//     of pcaps/combined.pcap.gz, made by baseline/make-json.sh.
// The remaining tests check the spec's rules (direction independence, ICMP pairing,
// one-way ICMP) as relations between IDs, without expected values of their own.
#include "engine/flows/community_id.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace {

using pcapkit::flows::CommunityId;
using pcapkit::flows::CommunityIdDigest;
using pcapkit::flows::CommunityIdHex;
using pcapkit::flows::CommunityIdInput;

// An address parsed with inet_pton, IPv4 or IPv6 by its text.
struct Addr {
  bool v6 = false;
  uint8_t bytes[16] = {};
};

Addr Parse(const std::string& text) {
  Addr a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes) == 1) return a;
  a.v6 = true;
  EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), a.bytes), 1) << text;
  return a;
}

// One flow tuple as a packet shows it. For ICMP/ICMPv6 `sport`/`dport` are the type
// and the code.
struct Tuple {
  uint8_t proto;
  std::string saddr, daddr;
  uint16_t sport, dport;
};

std::string Id(const Tuple& t, uint16_t seed = 0) {
  const Addr s = Parse(t.saddr), d = Parse(t.daddr);
  EXPECT_EQ(s.v6, d.v6) << t.saddr << " " << t.daddr;
  CommunityIdInput in;
  in.ipv6 = s.v6;
  in.src = s.bytes;
  in.dst = d.bytes;
  in.proto = t.proto;
  in.srcport = t.sport;
  in.dstport = t.dport;
  char out[31];
  std::memset(out, 'x', sizeof out);
  const size_t n = CommunityId(in, seed, out);
  EXPECT_EQ(n, 30u);
  EXPECT_EQ(out[30], '\0');
  return std::string(out, n);
}

std::string Hex(const Tuple& t, uint16_t seed = 0) {
  const Addr s = Parse(t.saddr), d = Parse(t.daddr);
  CommunityIdInput in{s.v6, s.bytes, d.bytes, t.proto, t.sport, t.dport};
  return CommunityIdHex(in, seed);
}

// A row of reference data: the tuple and its ID with seed 0 (base64), seed 1 (base64)
// and seed 0 without base64 (hex).
struct Vector {
  Tuple tuple;
  const char* deflt;
  const char* seed1;
  const char* hex;
};

void CheckAll(const std::vector<Vector>& vectors) {
  for (const Vector& v : vectors) {
    const Tuple& t = v.tuple;
    SCOPED_TRACE(std::to_string(t.proto) + " " + t.saddr + " " + std::to_string(t.sport) + " -> " +
                 t.daddr + " " + std::to_string(t.dport));
    EXPECT_EQ(Id(t, 0), v.deflt);
    EXPECT_EQ(Id(t, 1), v.seed1);
    EXPECT_EQ(Hex(t, 0), v.hex);
  }
}

const char kV4a[] = "1.2.3.4";
const char kV4b[] = "5.6.7.8";
const char kV6a[] = "fe80:0001:0203:0405:0607:0809:0A0B:0C0D";
const char kV6b[] = "fe80:1011:1213:1415:1617:1819:1A1B:1C1D";

// corelight/community-id-spec baseline/README.md, "Sample results": the "Default
// settings", "A custom seed=1 value" and "No base64-encoding" tables, row by row. The
// RSVP rows have no ports ("-"): 0 here, which the ID ignores for protocol 46.
const std::vector<Vector> kReadmeTables = {
    {{6, kV4a, kV4b, 1122, 3344},
     "1:wCb3OG7yAFWelaUydu0D+125CLM=",
     "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=",
     "1:c026f7386ef200559e95a53276ed03fb5db908b3"},
    {{6, kV4b, kV4a, 3344, 1122},
     "1:wCb3OG7yAFWelaUydu0D+125CLM=",
     "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=",
     "1:c026f7386ef200559e95a53276ed03fb5db908b3"},
    {{17, kV4a, kV4b, 1122, 3344},
     "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
     "1:OShq+iKDAMVouh/4bMxB9Sz4amw=",
     "1:d0cbbd227431eb3e1988264cffb1d78b658c84e8"},
    {{17, kV4b, kV4a, 3344, 1122},
     "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
     "1:OShq+iKDAMVouh/4bMxB9Sz4amw=",
     "1:d0cbbd227431eb3e1988264cffb1d78b658c84e8"},
    {{132, kV4a, kV4b, 1122, 3344},
     "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=",
     "1:uitchpn5MMGAQKBJh7bIr/bAr7s=",
     "1:10ab7832cc6ec9a13a98bfa19ab12443d72c0c3f"},
    {{132, kV4b, kV4a, 3344, 1122},
     "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=",
     "1:uitchpn5MMGAQKBJh7bIr/bAr7s=",
     "1:10ab7832cc6ec9a13a98bfa19ab12443d72c0c3f"},
    {{1, kV4a, kV4b, 8, 0},
     "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=",
     "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=",
     "1:72ba1d4472f6144b078dbbf752446b7dbb386d9d"},
    {{1, kV4b, kV4a, 0, 0},
     "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=",
     "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=",
     "1:72ba1d4472f6144b078dbbf752446b7dbb386d9d"},
    {{1, kV4a, kV4b, 11, 0},
     "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=",
     "1:1DD7cWGC/Yg91YGsQeni8du3pIA=",
     "1:7ff6224b25aa733ad381f5026650549ef1d170f9"},
    {{58, kV6a, kV6b, 128, 0},
     "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=",
     "1:IO27GQzPuCtNnwFvjWALMHu5tJE=",
     "1:d1b7fb872309530b777cc103ef3f0b21f46905ea"},
    {{58, kV6b, kV6a, 129, 0},
     "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=",
     "1:IO27GQzPuCtNnwFvjWALMHu5tJE=",
     "1:d1b7fb872309530b777cc103ef3f0b21f46905ea"},
    {{58, kV6a, kV6b, 146, 0},
     "1:fYC8+pz24E+EhANP1EZhpX0Dw10=",
     "1:Cv4IKJe56BNkF0MBW2YxQ3Nwc3s=",
     "1:7d80bcfa9cf6e04f8484034fd44661a57d03c35d"},
    {{46, kV4a, kV4b, 0, 0},
     "1:ikv3kmf89luf73WPz1jOs49S768=",
     "1:/buhqeOmaRCopOZFy9HnoJd5XW8=",
     "1:8a4bf79267fcf65b9fef758fcf58ceb38f52efaf"},
    {{46, kV4b, kV4a, 0, 0},
     "1:ikv3kmf89luf73WPz1jOs49S768=",
     "1:/buhqeOmaRCopOZFy9HnoJd5XW8=",
     "1:8a4bf79267fcf65b9fef758fcf58ceb38f52efaf"},
    {{46, kV6a, kV6b, 0, 0},
     "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=",
     "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=",
     "1:c10ff69b0ae75cfe259897077462f978f8d1f9ed"},
    {{46, kV6b, kV6a, 0, 0},
     "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=",
     "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=",
     "1:c10ff69b0ae75cfe259897077462f978f8d1f9ed"},
};

// corelight/community-id-spec baseline/baseline_deflt.json, baseline_seed1.json and
// baseline_nob64.json, entry by entry (the three files list the same flows in the same
// order). Their ICMP "sport"/"dport" are pycommunityid's port equivalents: the type and
// the counterpart type for a request/response type, whose code the ID ignores, and the
// type and the code otherwise; passed here as type and code. The RSVP entries have null
// ports.
const std::vector<Vector> kBaselineJson = {
    {{58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136},
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
     "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=",
     "1:7461f21af8cc7e58e0e81a69c26ddb8342cef136"},
    {{58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135},
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
     "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=",
     "1:7461f21af8cc7e58e0e81a69c26ddb8342cef136"},
    {{58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136},
     "1:zavyT/cezQr1fmImYCwYnMXbgck=",
     "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=",
     "1:cdabf24ff71ecd0af57e6226602c189cc5db81c9"},
    {{58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135},
     "1:zavyT/cezQr1fmImYCwYnMXbgck=",
     "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=",
     "1:cdabf24ff71ecd0af57e6226602c189cc5db81c9"},
    {{58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0},
     "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=",
     "1:lVEtCZpYu84Xqaa++3lXFyuu2n4=",
     "1:d8e6d5060227dbca19be26d866164c06087b59d4"},
    {{58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4},
     "1:hLZd0XGWojozrvxqE0dWB1iM6R0=",
     "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8=",
     "1:84b65dd17196a23a33aefc6a13475607588ce91d"},
    {{58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129},
     "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=",
     "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=",
     "1:f935be1ed2c7bd5d719c6855d65bfb5e826ba908"},
    {{58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128},
     "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=",
     "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=",
     "1:f935be1ed2c7bd5d719c6855d65bfb5e826ba908"},
    {{58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134},
     "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=",
     "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8=",
     "1:84efac3781fe306e4c63ff2122b5cfa9ce19433d"},
    {{58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133},
     "1:pkvHqCL88/tg1k4cPigmZXUtL00=",
     "1:K/ee5UCqAMAQXDorP5nSa2CGLjc=",
     "1:a64bc7a822fcf3fb60d64e1c3e282665752d2f4d"},
    {{1, "192.168.0.89", "192.168.0.1", 8, 0},
     "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
     "1:03g6IloqVBdcZlPyX8r0hgoE7kA=",
     "1:5f4b27617a60c22bfd4d9b6a83ae2c833527e839"},
    {{1, "192.168.0.1", "192.168.0.89", 0, 8},
     "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
     "1:03g6IloqVBdcZlPyX8r0hgoE7kA=",
     "1:5f4b27617a60c22bfd4d9b6a83ae2c833527e839"},
    {{1, "10.0.0.1", "10.0.0.2", 11, 0},
     "1:YHxtAirCG//0OzkcVAukqKQN9xM=",
     "1:XjUibYHaafLQ3pxQeiMI8g25q20=",
     "1:607c6d022ac21bfff43b391c540ba4a8a40df713"},
    {{6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25},
     "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=",
     "1:eJYTW6AOzFLlSUoESovMjnu7rMw=",
     "1:fea15a78047e8057b52988cccd50ec32ffb0814e"},
    {{6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943},
     "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=",
     "1:eJYTW6AOzFLlSUoESovMjnu7rMw=",
     "1:fea15a78047e8057b52988cccd50ec32ffb0814e"},
    {{132, "192.168.170.8", "192.168.170.56", 7, 7},
     "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
     "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=",
     "1:30fd84b5108050866f4f0e8cc491cb57b37b243b"},
    {{132, "192.168.170.56", "192.168.170.8", 7, 7},
     "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
     "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=",
     "1:30fd84b5108050866f4f0e8cc491cb57b37b243b"},
    {{6, "128.232.110.120", "66.35.250.204", 34855, 80},
     "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
     "1:3V71V58M3Ksw/yuFALMcW0LAHvc=",
     "1:2d053da9994af81e45dca0e67afea6e4f3226eb8"},
    {{6, "66.35.250.204", "128.232.110.120", 80, 34855},
     "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
     "1:3V71V58M3Ksw/yuFALMcW0LAHvc=",
     "1:2d053da9994af81e45dca0e67afea6e4f3226eb8"},
    {{17, "192.168.1.52", "8.8.8.8", 54585, 53},
     "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
     "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=",
     "1:77f14fe445b7c22635bc29dd87095e451287a304"},
    {{17, "8.8.8.8", "192.168.1.52", 53, 54585},
     "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
     "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=",
     "1:77f14fe445b7c22635bc29dd87095e451287a304"},
    {{46, "10.1.12.1", "10.1.12.2", 0, 0},
     "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=",
     "1:rYir8gphR31noO9iDRQmF/BteEI=",
     "1:28794b920a095bb89f513c934a0c957e4147ccac"},
    {{46, "10.1.12.2", "10.1.12.1", 0, 0},
     "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=",
     "1:rYir8gphR31noO9iDRQmF/BteEI=",
     "1:28794b920a095bb89f513c934a0c957e4147ccac"},
};

TEST(CommunityIdBaseline, ReadmeSampleTables) {
  ASSERT_EQ(kReadmeTables.size(), 16u);
  CheckAll(kReadmeTables);
}

TEST(CommunityIdBaseline, CombinedPcapJson) {
  ASSERT_EQ(kBaselineJson.size(), 23u);
  CheckAll(kBaselineJson);
}

// The hex form and the base64 form render the same 20-byte digest.
TEST(CommunityId, HexAndBase64ShowTheDigest) {
  const Addr s = Parse(kV4a), d = Parse(kV4b);
  CommunityIdInput in{false, s.bytes, d.bytes, 6, 1122, 3344};
  uint8_t digest[20];
  CommunityIdDigest(in, 0, digest);
  std::string hex;
  for (uint8_t b : digest) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  // baseline/README.md, "No base64-encoding", first TCP row.
  EXPECT_EQ("1:" + hex, "1:c026f7386ef200559e95a53276ed03fb5db908b3");
  EXPECT_EQ(CommunityIdHex(in, 0).size(), 42u);
}

// A protocol without ports is keyed by addresses and protocol alone: whatever is in the
// port fields does not change the spec's RSVP values.
TEST(CommunityId, PortlessProtocolsIgnoreThePortFields) {
  EXPECT_EQ(Id({46, kV4a, kV4b, 1122, 3344}), "1:ikv3kmf89luf73WPz1jOs49S768=");
  EXPECT_EQ(Id({46, kV6b, kV6a, 8, 0}), "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=");
  EXPECT_EQ(Id({46, kV4b, kV4a, 7, 9}, 1), "1:/buhqeOmaRCopOZFy9HnoJd5XW8=");
}

// The spec's own example: both directions order into 10.0.0.1, 127.0.0.1, 1234, 80.
// And every port-carrying or port-less protocol gives one ID per flow, either way.
TEST(CommunityId, SameFlowBothDirectionsSameId) {
  EXPECT_EQ(Id({6, "10.0.0.1", "127.0.0.1", 1234, 80}), Id({6, "127.0.0.1", "10.0.0.1", 80, 1234}));
  for (uint8_t proto : {0, 6, 17, 47, 89, 132}) {
    for (uint16_t seed : {0, 1, 0xffff}) {
      SCOPED_TRACE(std::to_string(proto) + " seed " + std::to_string(seed));
      EXPECT_EQ(Id({proto, "192.0.2.9", "192.0.2.1", 5000, 53}, seed),
                Id({proto, "192.0.2.1", "192.0.2.9", 53, 5000}, seed));
      EXPECT_EQ(Id({proto, "2001:db8::9", "2001:db8::1", 5000, 53}, seed),
                Id({proto, "2001:db8::1", "2001:db8::9", 53, 5000}, seed));
    }
  }
  // The protocol and the seed are part of the hash.
  EXPECT_NE(Id({47, kV4a, kV4b, 0, 0}), Id({89, kV4a, kV4b, 0, 0}));
  EXPECT_NE(Id({47, kV4a, kV4b, 0, 0}), Id({0, kV4a, kV4b, 0, 0}));
  EXPECT_NE(Id({47, kV4a, kV4b, 0, 0}, 0), Id({47, kV4a, kV4b, 0, 0}, 1));
}

// With equal addresses the ports decide the order, so both directions still agree, and
// the two port orders of one address pair are not confused with a different flow.
TEST(CommunityId, EqualAddressesLetThePortsDecide) {
  EXPECT_EQ(Id({6, "127.0.0.1", "127.0.0.1", 1234, 80}),
            Id({6, "127.0.0.1", "127.0.0.1", 80, 1234}));
  EXPECT_EQ(Id({17, "::1", "::1", 9, 7}), Id({17, "::1", "::1", 7, 9}));
  EXPECT_NE(Id({6, "127.0.0.1", "127.0.0.1", 1234, 80}),
            Id({6, "127.0.0.1", "127.0.0.1", 1234, 81}));
}

// Request and response of every paired ICMP type share the ID (Zeek's counterpart
// tables, which the spec adopts); the code of a paired type does not matter.
TEST(CommunityId, IcmpRequestAndResponseShareTheId) {
  // Echo request and reply: the spec's README table rows.
  EXPECT_EQ(Id({1, kV4a, kV4b, 8, 0}), Id({1, kV4b, kV4a, 0, 0}));
  EXPECT_EQ(Id({1, kV4a, kV4b, 8, 3}), "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
  EXPECT_EQ(Id({58, kV6a, kV6b, 128, 0}), Id({58, kV6b, kV6a, 129, 0}));
  const std::vector<std::pair<uint16_t, uint16_t>> v4 = {
      {8, 0}, {13, 14}, {15, 16}, {10, 9}, {17, 18}};
  for (auto [req, resp] : v4) {
    SCOPED_TRACE("icmp " + std::to_string(req));
    EXPECT_EQ(Id({1, "198.51.100.7", "192.0.2.1", req, 0}),
              Id({1, "192.0.2.1", "198.51.100.7", resp, 0}));
  }
  const std::vector<std::pair<uint16_t, uint16_t>> v6 = {{128, 129}, {130, 131}, {133, 134},
                                                         {135, 136}, {139, 140}, {144, 145}};
  for (auto [req, resp] : v6) {
    SCOPED_TRACE("icmp6 " + std::to_string(req));
    EXPECT_EQ(Id({58, "2001:db8::7", "2001:db8::1", req, 0}),
              Id({58, "2001:db8::1", "2001:db8::7", resp, 0}));
  }
}

// A one-way type (no counterpart) is keyed by type and code as sent and never flipped:
// the same message in the other direction is another flow. baseline_deflt.json shows
// the same for neighbor solicitations sent each way (two different IDs).
TEST(CommunityId, OneWayIcmpIsNotFlipped) {
  EXPECT_NE(Id({1, kV4a, kV4b, 11, 0}), Id({1, kV4b, kV4a, 11, 0}));
  EXPECT_NE(Id({1, kV4b, kV4a, 3, 3}), Id({1, kV4a, kV4b, 3, 3}));
  EXPECT_NE(Id({58, kV6a, kV6b, 146, 0}), Id({58, kV6b, kV6a, 146, 0}));
  EXPECT_NE(Id({58, kV6a, kV6b, 1, 4}), Id({58, kV6a, kV6b, 1, 3}));  // the code counts
  EXPECT_NE(Id({58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 0}),
            Id({58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 0}));
  // An unpaired ICMPv4 type is one-way even though the same number is paired in ICMPv6
  // (and vice versa): the table follows the protocol.
  EXPECT_NE(Id({1, kV4b, kV4a, 128, 0}), Id({1, kV4a, kV4b, 129, 0}));
  EXPECT_NE(Id({58, kV6b, kV6a, 8, 0}), Id({58, kV6a, kV6b, 0, 0}));
}

}  // namespace
