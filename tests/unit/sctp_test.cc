// SCTP (IP protocol 132) packets built chunk by chunk: the common header, every chunk type
// dissected, and the malformed ones (a cut header, chunk lengths below 4 or past the packet,
// counts and parameters that run past their chunk).
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

void Pad(Bytes& b) {
  while (b.size() % 4) b.push_back(0);
}

// A chunk or parameter: its header (the length counts it and the value), the value,
// padding to 4 bytes.
Bytes Chunk(uint8_t type, uint8_t flags, const Bytes& value) {
  Bytes b{type, flags};
  Put16(b, uint16_t(4 + value.size()));
  PutBytes(b, value);
  Pad(b);
  return b;
}

Bytes Param(uint16_t type, const Bytes& value) {
  Bytes b;
  Put16(b, type);
  Put16(b, uint16_t(4 + value.size()));
  PutBytes(b, value);
  Pad(b);
  return b;
}

Bytes Sctp(const std::vector<Bytes>& chunks) {
  Bytes b;
  Put16(b, 5000);
  Put16(b, 38412);
  Put32(b, 0x11223344);
  Put32(b, 0xa1b2c3d4);
  for (const Bytes& c : chunks) PutBytes(b, c);
  return b;
}

json Dissect(const Bytes& sctp, bool payload = false) {
  pcapkit::ExtractOptions o;
  o.payload = payload;
  return testutil::DissectFrame((Ethernet{} / Ipv4{.protocol = 132} / sctp).Build(), 1, o);
}

json SctpOf(const Bytes& sctp, bool payload = false) {
  json r = Dissect(sctp, payload);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:SCTP");
  return r["ethernet"]["ipv4"]["sctp"];
}

Bytes DataValue(uint32_t tsn, uint16_t sid, uint16_t ssn, uint32_t ppid, const Bytes& data) {
  Bytes v;
  Put32(v, tsn);
  Put16(v, sid);
  Put16(v, ssn);
  Put32(v, ppid);
  PutBytes(v, data);
  return v;
}

TEST(Sctp, CommonHeaderAndInitWithParameters) {
  Bytes v;
  Put32(v, 0xdeadbeef);
  Put32(v, 65536);
  Put16(v, 10);
  Put16(v, 11);
  Put32(v, 1000);
  PutBytes(v, Param(5, {10, 0, 0, 1}));
  PutBytes(v, Param(0xc000, {}));
  PutBytes(v, Param(0x8008, {0x00, 0x40, 0xc1}));
  json s = SctpOf(Sctp({Chunk(1, 0, v)}));
  EXPECT_EQ(s["srcport"], 5000);
  EXPECT_EQ(s["dstport"], 38412);
  EXPECT_EQ(s["verification_tag"], 0x11223344);
  EXPECT_EQ(s["checksum"], 0xa1b2c3d4);
  json c = s["chunks"][0];
  EXPECT_EQ(c["type"], 1);
  EXPECT_EQ(c["length"], 4 + 16 + 8 + 4 + 8);  // the last parameter padded in the value
  EXPECT_EQ(c["initiate_tag"], 0xdeadbeef);
  EXPECT_EQ(c["a_rwnd"], 65536);
  EXPECT_EQ(c["outbound_streams"], 10);
  EXPECT_EQ(c["inbound_streams"], 11);
  EXPECT_EQ(c["initial_tsn"], 1000);
  ASSERT_EQ(c["params"].size(), 3u);
  EXPECT_EQ(c["params"][0]["type"], 5);
  EXPECT_EQ(c["params"][0]["value"], "0a000001");
  EXPECT_EQ(c["params"][1]["length"], 4);
  EXPECT_EQ(c["params"][2]["length"], 7);  // padded to 8 on the wire
  EXPECT_EQ(c["params"][2]["value"], "0040c1");
}

TEST(Sctp, DataChunksFlagsAndUserData) {
  Bytes hello{'h', 'e', 'l', 'l', 'o'};
  json s = SctpOf(Sctp({Chunk(0, 0x03, DataValue(1000, 1, 7, 46, hello)),
                        Chunk(0, 0x0e, DataValue(1001, 2, 0, 0, Bytes(8, 'x')))}),
                  true);
  json d = s["chunks"][0];
  EXPECT_EQ(d["length"], 21);
  EXPECT_EQ(d["tsn"], 1000);
  EXPECT_EQ(d["stream_id"], 1);
  EXPECT_EQ(d["stream_seq"], 7);
  EXPECT_EQ(d["ppid"], 46);
  EXPECT_EQ(d["b"], true);
  EXPECT_EQ(d["e"], true);
  EXPECT_EQ(d["u"], false);
  EXPECT_EQ(d["data_len"], 5);
  EXPECT_EQ(d["data"], "68656c6c6f");
  json d2 = s["chunks"][1];
  EXPECT_EQ(d2["tsn"], 1001);
  EXPECT_EQ(d2["i"], true);
  EXPECT_EQ(d2["u"], true);
  EXPECT_EQ(d2["e"], false);
  // Without --payload the data is only counted.
  EXPECT_FALSE(
      SctpOf(Sctp({Chunk(0, 3, DataValue(1, 1, 1, 0, hello))}))["chunks"][0].contains("data"));
}

TEST(Sctp, IDataCarriesMidAndPpidOrFsn) {
  Bytes first, later;
  for (Bytes* b : {&first, &later}) {
    Put32(*b, 3000);
    Put16(*b, 1);
    Put16(*b, 0);
    Put32(*b, 10);
    Put32(*b, b == &first ? 51 : 4);
    PutBytes(*b, {'a', 'b'});
  }
  json s = SctpOf(Sctp({Chunk(64, 0x02, first), Chunk(64, 0x01, later)}));
  EXPECT_EQ(s["chunks"][0]["mid"], 10);
  EXPECT_EQ(s["chunks"][0]["ppid"], 51);
  EXPECT_FALSE(s["chunks"][0].contains("fsn"));
  EXPECT_EQ(s["chunks"][1]["fsn"], 4);
  EXPECT_EQ(s["chunks"][1]["data_len"], 2);
}

TEST(Sctp, SackGapBlocksAndDuplicates) {
  Bytes v;
  Put32(v, 1001);
  Put32(v, 60000);
  Put16(v, 2);
  Put16(v, 1);
  for (uint16_t x : {2, 3, 5, 6}) Put16(v, x);
  Put32(v, 999);
  json c = SctpOf(Sctp({Chunk(3, 0, v)}))["chunks"][0];
  EXPECT_EQ(c["cum_tsn_ack"], 1001);
  EXPECT_EQ(c["a_rwnd"], 60000);
  EXPECT_EQ(c["num_gap_blocks"], 2);
  EXPECT_EQ(c["gap_blocks"][1]["start"], 5);
  EXPECT_EQ(c["gap_blocks"][1]["end"], 6);
  EXPECT_EQ(c["dup_tsns"], json::array({999}));
  EXPECT_FALSE(c.contains("value"));
}

TEST(Sctp, ControlChunks) {
  Bytes cum, fwd, auth;
  Put32(cum, 1234);
  Put32(fwd, 5000);
  for (uint16_t x : {1, 2, 3, 4}) Put16(fwd, x);
  Put16(auth, 1);
  Put16(auth, 1);
  PutBytes(auth, Bytes(20, 0xaa));
  json s = SctpOf(
      Sctp({Chunk(4, 0, Param(1, Bytes(8, 'h'))), Chunk(7, 0, cum), Chunk(8, 0, {}),
            Chunk(14, 1, {}), Chunk(6, 1, Param(12, {'b', 'y', 'e'})),
            Chunk(9, 0, Param(1, {0, 7, 0, 0})), Chunk(10, 0, Bytes(6, 'C')), Chunk(11, 0, {}),
            Chunk(192, 0, fwd), Chunk(15, 0, auth), Chunk(200, 5, {1, 2, 3})}));
  json c = s["chunks"];
  ASSERT_EQ(c.size(), 11u);
  EXPECT_EQ(c[0]["params"][0]["type"], 1);
  EXPECT_EQ(c[1]["cum_tsn_ack"], 1234);
  EXPECT_EQ(c[2]["length"], 4);
  EXPECT_EQ(c[3]["t"], true);
  EXPECT_EQ(c[4]["t"], true);
  EXPECT_EQ(c[4]["causes"][0]["code"], 12);
  EXPECT_EQ(c[4]["causes"][0]["value"], "627965");
  EXPECT_EQ(c[5]["causes"][0]["code"], 1);
  EXPECT_EQ(c[6]["cookie"], "434343434343");
  EXPECT_EQ(c[8]["new_cum_tsn"], 5000);
  EXPECT_EQ(c[8]["streams"][1]["stream_id"], 3);
  EXPECT_EQ(c[8]["streams"][1]["stream_seq"], 4);
  EXPECT_EQ(c[9]["hmac_id"], 1);
  EXPECT_EQ(c[9]["hmac"].get<std::string>().size(), 40u);
  EXPECT_EQ(c[10]["type"], 200);
  EXPECT_EQ(c[10]["flags"], 5);
  EXPECT_EQ(c[10]["value"], "010203");
}

TEST(Sctp, AsconfAndReconfigParameters) {
  Bytes asconf;
  Put32(asconf, 7);
  PutBytes(asconf, Param(0xc001, {0, 0, 0, 1}));
  json c = SctpOf(Sctp({Chunk(193, 0, asconf), Chunk(130, 0, Param(13, Bytes(12, 1)))}))["chunks"];
  EXPECT_EQ(c[0]["serial"], 7);
  EXPECT_EQ(c[0]["params"][0]["type"], 0xc001);
  EXPECT_EQ(c[1]["params"][0]["type"], 13);
  EXPECT_EQ(c[1]["params"][0]["length"], 16);
}

TEST(Sctp, HeaderTruncated) {
  json r = Dissect(Bytes(11, 0));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["raw"]["error"], "SCTP: common header truncated");
  EXPECT_EQ(SctpOf(Sctp({}))["chunks"], json::array());
}

TEST(Sctp, BadChunkLengthsEndTheList) {
  Bytes short_len{0, 3, 0, 2, 0, 0, 0, 0};
  json c = SctpOf(Sctp({Chunk(11, 0, {}), short_len, Chunk(11, 0, {})}))["chunks"];
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1]["error"], "chunk length below 4");
  Bytes past{0, 3, 0, 100, 0, 0, 0, 0};
  c = SctpOf(Sctp({past}))["chunks"];
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]["length"], 100);
  EXPECT_EQ(c[0]["error"], "chunk runs past the packet");
  c = SctpOf(Sctp({Chunk(11, 0, {}), Bytes{1, 2}}))["chunks"];
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1]["error"], "chunk header runs past the packet");
  EXPECT_FALSE(c[1].contains("length"));
}

TEST(Sctp, ContentsThatRunPastTheirChunk) {
  // A SACK counting 5 gap blocks and 3 duplicates, holding one block.
  Bytes sack;
  Put32(sack, 1);
  Put32(sack, 2);
  Put16(sack, 5);
  Put16(sack, 3);
  Put16(sack, 2);
  Put16(sack, 3);
  json c = SctpOf(Sctp({Chunk(3, 0, sack)}))["chunks"][0];
  ASSERT_EQ(c["gap_blocks"].size(), 2u);
  EXPECT_EQ(c["gap_blocks"][1]["error"], "gap block runs past the chunk");
  EXPECT_EQ(c["dup_tsns_error"], "duplicate TSNs run past the chunk");
  // An INIT parameter whose length runs past the chunk.
  Bytes init(16, 0);
  PutBytes(init, {0, 5, 0, 40, 0, 0, 0, 0});
  c = SctpOf(Sctp({Chunk(1, 0, init)}))["chunks"][0];
  EXPECT_EQ(c["params"][0]["error"], "runs past its list");
  // A DATA chunk shorter than its fixed fields is its value in hex.
  c = SctpOf(Sctp({Chunk(0, 3, {0, 1})}))["chunks"][0];
  EXPECT_EQ(c["value"], "0001");
  EXPECT_FALSE(c.contains("tsn"));
  // A SHUTDOWN with more than its TSN keeps the whole value.
  c = SctpOf(Sctp({Chunk(7, 0, {0, 0, 0, 9, 1, 2, 3, 4})}))["chunks"][0];
  EXPECT_EQ(c["cum_tsn_ack"], 9);
  EXPECT_EQ(c["value"], "0000000901020304");
}

}  // namespace
