// Capture readers: every pcap variant, pcapng structure, snoop, compression, and faults.
#include <gtest/gtest.h>

#include <cstring>

#include "pcapkit/ipsuite.h"
#include "testing/capture_files.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using namespace testutil;

namespace {

Bytes Frame(uint8_t fill, size_t n = 60) {
  return Bytes(n, fill);
}

// Fractions of 1, 999999 and 0 in the file's unit: `unit_ns` nanoseconds (1000 for a
// microsecond file).
std::vector<CapturedFrame> ThreeRecords(uint32_t unit_ns = 1000) {
  return {{.data = Frame(1), .sec = 1500000000, .nsec = 1 * unit_ns},
          {.data = Frame(2, 100), .sec = 1500000001, .nsec = 999999 * unit_ns},
          {.data = Frame(3, 14), .sec = 1600000000, .nsec = 0}};
}

struct PcapVariant {
  Endian endian;
  bool nanosecond;
  bool modified;
};

class PcapVariants : public ::testing::TestWithParam<PcapVariant> {};

TEST_P(PcapVariants, ReadsEveryRecordWithItsTimestampAndBytes) {
  RawPcapSpec spec;
  spec.endian = GetParam().endian;
  spec.nanosecond = GetParam().nanosecond;
  spec.modified = GetParam().modified;
  auto r = ReadAll(RawPcapFile(spec, ThreeRecords(spec.nanosecond ? 1 : 1000)));
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.frames.size(), 3u);
  EXPECT_EQ(r.frames[1].number, 2u);
  EXPECT_EQ(r.frames[1].time.sec, 1500000001);
  EXPECT_EQ(r.frames[1].time.frac, 999999u);
  EXPECT_EQ(r.frames[1].time.digits, spec.nanosecond ? 9 : 6);
  EXPECT_EQ(r.data[1], Frame(2, 100));
  EXPECT_EQ(r.data[2], Frame(3, 14));
  EXPECT_EQ(r.frames[2].linktype, 1u);
  ASSERT_EQ(r.metas.size(), 1u);
  EXPECT_EQ(r.metas[0].Title(), "Global Header");
}

INSTANTIATE_TEST_SUITE_P(AllMagics, PcapVariants,
                         ::testing::Values(PcapVariant{Endian::kLittle, false, false},
                                           PcapVariant{Endian::kBig, false, false},
                                           PcapVariant{Endian::kLittle, true, false},
                                           PcapVariant{Endian::kBig, true, false},
                                           PcapVariant{Endian::kLittle, false, true},
                                           PcapVariant{Endian::kBig, false, true}));

TEST(PcapReader, SnaplenTruncatedRecordKeepsBothLengths) {
  auto r = ReadAll(PcapFile({{.data = Frame(7, 64), .len = 1514}}));
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0].cap_len, 64u);
  EXPECT_EQ(r.frames[0].len, 1514u);
}

TEST(PcapReader, FractionOfOneSecondOrMoreCarriesIntoSeconds) {
  // 2,500,000 µs: a fraction no writer of ours would write.
  auto r = ReadAll(RawPcapFile({}, {{.data = Frame(1), .sec = 100, .nsec = 2500000000u}}));
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0].time.sec, 102);
  EXPECT_EQ(r.frames[0].time.frac, 500000u);
}

TEST(PcapReader, TinyBatchesGiveTheSameFramesAsLargeOnes) {
  std::vector<CapturedFrame> records;
  for (int i = 0; i < 50; ++i)
    records.push_back({.data = Frame(uint8_t(i), size_t(10 + i * 7)), .sec = i});
  Bytes file = PcapFile(records);
  auto big = ReadAll(file, 1 << 20);
  auto tiny = ReadAll(file, 64);  // smaller than most records: the reader grows, then carries
  ASSERT_FALSE(tiny.error);
  ASSERT_EQ(tiny.frames.size(), 50u);
  EXPECT_EQ(tiny.data, big.data);
}

TEST(PcapReader, HeaderOnlyFileHasNoFrames) {
  auto r = ReadAll(PcapFile({}));
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.frames.empty());
  EXPECT_EQ(r.metas.size(), 1u);
}

TEST(PcapReader, TruncatedRecordDataFailsAfterEarlierFrames) {
  Bytes file = PcapFile(ThreeRecords());
  file.resize(file.size() - 5);
  auto r = ReadAll(file);
  ASSERT_EQ(r.frames.size(), 2u);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error_frame, 3u);
  EXPECT_EQ(r.error_offset, 24u + 16 + 60 + 16 + 100);
  EXPECT_NE(r.error->find("truncated record"), std::string::npos) << *r.error;
  EXPECT_NE(r.error->find("frame 3, byte offset 216"), std::string::npos) << *r.error;
}

TEST(PcapReader, TruncatedRecordHeaderFails) {
  Bytes file = PcapFile(ThreeRecords());
  file.resize(24 + 16 + 60 + 5);
  auto r = ReadAll(file);
  ASSERT_EQ(r.frames.size(), 1u);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error_frame, 2u);
  EXPECT_NE(r.error->find("truncated record header (5 of 16 bytes)"), std::string::npos)
      << *r.error;
}

TEST(PcapReader, TruncatedFileHeaderFails) {
  Bytes file = PcapFile({});
  file.resize(10);
  auto r = ReadAll(file);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error_frame, 0u);
  EXPECT_NE(r.error->find("truncated file header"), std::string::npos) << *r.error;
}

TEST(PcapReader, ImpossibleRecordLengthFailsAtOnce) {
  Bytes file = PcapFile(ThreeRecords());
  size_t second = 24 + 16 + 60;
  file[second + 8] = 0xff;
  file[second + 9] = 0xff;
  file[second + 10] = 0xff;
  file[second + 11] = 0x7f;
  auto r = ReadAll(file);
  ASSERT_EQ(r.frames.size(), 1u);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error_frame, 2u);
  EXPECT_EQ(r.error_offset, second + 8);
  EXPECT_NE(r.error->find("impossible record length"), std::string::npos);
}

TEST(Reader, UnknownMagicIsAnInputError) {
  Bytes junk{'n', 'o', 't', ' ', 'a', ' ', 'c', 'a', 'p'};
  EXPECT_THROW(ReadAll(junk), pcapkit::InputError);
  try {
    ReadAll(junk);
  } catch (const pcapkit::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown capture format (magic 0x6e6f7420)"),
              std::string::npos)
        << e.what();
  }
}

TEST(Reader, GzipAndZstdAreRecognisedByMagic) {
  Bytes file = PcapFile(ThreeRecords());
  for (const Bytes& packed : {Gzip(file), Zstd(file)}) {
    auto r = ReadAll(packed, 128);
    ASSERT_FALSE(r.error) << *r.error;
    ASSERT_EQ(r.frames.size(), 3u);
    EXPECT_EQ(r.data[1], Frame(2, 100));
  }
}

TEST(Reader, TruncatedGzipStreamIsAnInputError) {
  Bytes packed = Gzip(PcapFile(ThreeRecords()));
  packed.resize(packed.size() / 2);
  auto r = ReadAll(packed);
  ASSERT_TRUE(r.error);
}

// A compressed stream cut short: every record before the break is read, and the fault
// names the frame it cut (not the file header's 0) and where the stream broke.
TEST(Reader, BrokenCompressedStreamNamesTheFrameItCut) {
  std::vector<CapturedFrame> records;
  for (int i = 0; i < 3000; ++i) {  // several zstd blocks of 128 KiB
    Bytes data = Frame(uint8_t(i % 250 + 1), 200);
    for (size_t k = 20; k < data.size(); ++k) data[k] = uint8_t(k * 7 + i * 13);  // varied
    records.push_back({.data = data, .sec = 1500000000 + i});
  }
  Bytes file = PcapFile(records);
  for (Bytes packed : {Gzip(file), Zstd(file)}) {
    packed.resize(packed.size() * 3 / 5);
    auto r = ReadAll(packed, 4096);
    ASSERT_TRUE(r.error);
    EXPECT_GT(r.frames.size(), 600u);
    EXPECT_LT(r.frames.size(), 3000u);
    EXPECT_EQ(r.error_frame, r.frames.size() + 1) << *r.error;
    EXPECT_NE(r.error->find("truncated"), std::string::npos) << *r.error;
    EXPECT_GT(r.error_offset, 24u);
  }
  // Corrupt inside (not cut): what decodes before the fault is read whatever the batch
  // size (the decoder's output before a fault is not dropped).
  Bytes corrupt = Gzip(file);
  for (size_t i = corrupt.size() / 2; i < corrupt.size() / 2 + 64; ++i) corrupt[i] ^= 0x5a;
  auto small = ReadAll(corrupt, 256);
  auto large = ReadAll(corrupt, 1 << 16);
  ASSERT_TRUE(small.error && large.error);
  EXPECT_GT(small.frames.size(), 600u);
  EXPECT_EQ(small.frames.size(), large.frames.size());
  EXPECT_EQ(small.error_frame, large.error_frame);
}

TEST(PcapngReader, BothByteOrdersEveryPacketBlockKind) {
  for (Endian e : {Endian::kLittle, Endian::kBig}) {
    PcapngBlocks w(e);
    w.Section(e, {{4, {'t', 'e', 's', 't'}}})
        .Interface(1, 0, -1, 0, "eth0")
        .Enhanced(0, 1500000000123456ull, Frame(1))
        .Simple(Frame(2, 30))
        .ObsoletePacket(0, 1500000001000000ull, Frame(3, 40));
    auto r = ReadAll(w.bytes());
    ASSERT_FALSE(r.error) << *r.error;
    ASSERT_EQ(r.frames.size(), 3u);
    EXPECT_EQ(r.frames[0].time.sec, 1500000000);
    EXPECT_EQ(r.frames[0].time.frac, 123456u);
    EXPECT_EQ(r.data[1], Frame(2, 30));
    EXPECT_EQ(r.frames[2].time.sec, 1500000001);
    ASSERT_EQ(r.metas.size(), 2u);
    EXPECT_EQ(r.metas[0].Title(), "Section Header 1");
    EXPECT_EQ(r.metas[1].Title(), "Interface Description 1");
  }
}

TEST(PcapngReader, InterfacesKeepTheirOwnLinkTypeResolutionAndOffset) {
  PcapngBlocks w;
  w.Section(Endian::kLittle)
      .Interface(1)                  // µs
      .Interface(113, 0, 9)          // ns, Linux SLL
      .Interface(0, 0, 3, 1000)      // ms, +1000 s
      .Interface(101, 0, 0x80 | 20)  // 2^-20 s
      .Enhanced(0, 2000001, Frame(1))
      .Enhanced(1, 3000000123ull, Frame(2))
      .Enhanced(2, 5250, Frame(3))
      .Enhanced(3, (uint64_t(7) << 20) | (1 << 19), Frame(4));
  auto r = ReadAll(w.bytes());
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.frames.size(), 4u);
  EXPECT_EQ(r.frames[0].linktype, 1u);
  EXPECT_EQ(r.frames[0].time.sec, 2);
  EXPECT_EQ(r.frames[0].time.frac, 1u);
  EXPECT_EQ(r.frames[1].linktype, 113u);
  EXPECT_EQ(r.frames[1].interface, 1u);
  EXPECT_EQ(r.frames[1].time.sec, 3);
  EXPECT_EQ(r.frames[1].time.frac, 123u);
  EXPECT_EQ(r.frames[1].time.digits, 9);
  EXPECT_EQ(r.frames[2].time.sec, 1005);
  EXPECT_EQ(r.frames[2].time.frac, 250u);
  EXPECT_EQ(r.frames[2].time.digits, 3);
  EXPECT_EQ(r.frames[3].time.sec, 7);
  EXPECT_EQ(r.frames[3].time.frac, 500000000u);
  EXPECT_EQ(r.frames[3].time.digits, 9);
}

TEST(PcapngReader, NonPacketBlocksAreRecordsNeverFrames) {
  PcapngBlocks w;
  w.Section(Endian::kLittle)
      .Custom(32473, {1, 2, 3})
      .Interface(1)
      .NameResolution("10.0.0.1", "host.example")
      .Enhanced(0, 1, Frame(1))
      .Statistics(0, 42)
      .DecryptionSecrets(0x544c534b, {'k', 'e', 'y'})
      .Custom(32473, {4}, false)
      .Block(0x12345678, {9, 9, 9, 9})
      .Enhanced(0, 2, Frame(2));
  auto r = ReadAll(w.bytes());
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(r.frames[1].number, 2u);
  std::vector<std::string> titles;
  for (const auto& m : r.metas) titles.push_back(m.Title());
  EXPECT_EQ(titles,
            (std::vector<std::string>{"Section Header 1", "Custom 1", "Interface Description 1",
                                      "Name Resolution 1", "Interface Statistics 1",
                                      "Decryption Secrets 1", "Custom 2", "Unknown 1"}));
  const auto& nrb = r.metas[3];
  ASSERT_EQ(nrb.fields.back().list.size(), 1u);
  EXPECT_EQ(nrb.fields.back().list[0], "10.0.0.1 host.example");
  bool found = false;
  for (const auto& f : r.metas[4].fields)
    if (f.key == "isb_ifrecv") found = f.u == 42;
  EXPECT_TRUE(found);
}

// Found by capture_fuzz's duplicate-key oracle: options the format allows once, given
// twice, named the same member twice in the JSON record.
TEST(PcapngReader, RepeatedOptionsAreNumberedAndTheFirstOneCounts) {
  auto text = [](const char* s) { return Bytes(s, s + std::strlen(s)); };
  // An IDB by hand: Ethernet, if_tsresol 9 (ns) then 3 (ms), if_name twice.
  Bytes idb{1, 0, 0, 0, 0, 0, 0, 0};
  PutBytes(idb, {9, 0, 1, 0, 9, 0, 0, 0, 9, 0, 1, 0, 3, 0, 0, 0});
  PutBytes(idb, {2, 0, 3, 0, 'e', 't', 'h', 0, 2, 0, 2, 0, 'l', 'o', 0, 0, 0, 0, 0, 0});
  PcapngBlocks w;
  w.Section(
       Endian::kLittle,
       {{2, text("one")}, {1, text("c1")}, {2, text("two")}, {1, text("c2")}, {2, text("three")}})
      .Block(1, idb)
      .Enhanced(0, 1500000001ull, Frame(1));
  auto r = ReadAll(w.bytes());
  ASSERT_FALSE(r.error) << *r.error;
  auto fields = [](const pcapkit::capture::MetaRecord& m) {
    std::vector<std::string> out;
    for (const auto& f : m.fields)
      out.push_back(f.key + "=" + (f.kind == f.kUint ? std::to_string(f.u) : f.text));
    return out;
  };
  EXPECT_EQ(fields(r.metas[0]),
            (std::vector<std::string>{"section=1", "byteorder=little", "version_major=1",
                                      "version_minor=0", "section_length=", "shb_hardware=one",
                                      "shb_hardware_2=two", "shb_hardware_3=three", "comment="}));
  EXPECT_EQ(r.metas[0].fields.back().list, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(
      fields(r.metas[1]),
      (std::vector<std::string>{"section=1", "interface=0", "linktype=1", "snaplen=0",
                                "if_tsresol=9", "if_tsresol_2=3", "if_name=eth", "if_name_2=lo"}));
  // The timestamp follows the if_tsresol the record names plainly.
  EXPECT_EQ(r.frames[0].time.sec, 1);
  EXPECT_EQ(r.frames[0].time.frac, 500000001u);
  EXPECT_EQ(r.frames[0].time.digits, 9);
  EXPECT_NO_THROW(testutil::JsonReport(w.bytes(), pcapkit::OutputFormat::kJson));
}

TEST(PcapngReader, SectionsOfDifferentByteOrderResetInterfaces) {
  PcapngBlocks w;
  w.Section(Endian::kLittle).Interface(1).Enhanced(0, 1, Frame(1));
  w.Section(Endian::kBig).Interface(101).Enhanced(0, 2, Frame(0x45, 20));
  auto r = ReadAll(w.bytes());
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(r.frames[0].linktype, 1u);
  EXPECT_EQ(r.frames[1].linktype, 101u);
  EXPECT_EQ(r.frames[1].number, 2u);
}

TEST(PcapngReader, GarbageBlockLengthFailsWithOffset) {
  PcapngBlocks w;
  w.Section(Endian::kLittle).Interface(1).Enhanced(0, 1, Frame(1));
  Bytes file = w.bytes();
  size_t second_epb = file.size();
  w.Enhanced(0, 2, Frame(2));
  file = w.bytes();
  file[second_epb + 4] = 7;  // length 7: not a multiple of 4
  auto r = ReadAll(file);
  ASSERT_EQ(r.frames.size(), 1u);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error_frame, 2u);
  EXPECT_EQ(r.error_offset, second_epb + 4);
  EXPECT_NE(r.error->find("impossible block length"), std::string::npos) << *r.error;
}

TEST(PcapngReader, PacketOnUnknownInterfaceFails) {
  PcapngBlocks w;
  w.Section(Endian::kLittle).Interface(1).Enhanced(3, 1, Frame(1));
  auto r = ReadAll(w.bytes());
  EXPECT_TRUE(r.frames.empty());
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->find("interface 3"), std::string::npos) << *r.error;
}

TEST(PcapngReader, TruncatedBlockFails) {
  PcapngBlocks w;
  w.Section(Endian::kLittle).Interface(1).Enhanced(0, 1, Frame(1)).Enhanced(0, 2, Frame(2));
  Bytes file = w.bytes();
  file.resize(file.size() - 10);
  auto r = ReadAll(file);
  ASSERT_EQ(r.frames.size(), 1u);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->find("truncated block"), std::string::npos) << *r.error;
}

TEST(SnoopReader, ReadsRecordsAndMapsEthernet) {
  auto r = ReadAll(SnoopFile({{.data = Frame(1, 61), .sec = 1000, .nsec = 5000},
                              {.data = Frame(2, 64), .sec = 1001, .nsec = 6000}}));
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(r.frames[0].linktype, 1u);
  EXPECT_EQ(r.data[0], Frame(1, 61));
  EXPECT_EQ(r.frames[1].time.sec, 1001);
  EXPECT_EQ(r.frames[1].time.frac, 6u);
}

}  // namespace
