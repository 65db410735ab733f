// The TLV cursor every option walker uses (engine/util/tlv.h): each layout's shape, and
// the ways a list goes wrong — an entry past the end, a length that cannot advance, a
// header cut short, padding cut by the end, end markers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/util/tlv.h"

namespace {

using pcapkit::util::TlvCursor;
using pcapkit::util::TlvEntry;
using pcapkit::util::TlvError;
using pcapkit::util::TlvLayout;
using pcapkit::util::TlvLength;
using Bytes = std::vector<uint8_t>;

// IPv4 and TCP options: EOL (0) and NOP (1) single bytes, EOL ends; the length counts
// the whole entry; a cut header is an error.
constexpr TlvLayout kKindLength = {.length_counts = TlvLength::kEntry,
                                   .single_byte_types = {0, 1},
                                   .end_type = 0,
                                   .cut_header_is_error = true};
// IPv6 options: Pad1 a single byte, the length counts the value.
constexpr TlvLayout kIpv6Options = {.single_byte_types = {0, pcapkit::util::kNoTlvType},
                                    .cut_header_is_error = true};
// Neighbor Discovery: the whole entry in 8-byte units.
constexpr TlvLayout kNeighborDiscovery = {.length_counts = TlvLength::kEntry8Octets};
// DHCP: Pad (0) and End (255) single bytes.
constexpr TlvLayout kDhcp = {
    .single_byte_types = {0, 255}, .end_type = 255, .cut_header_is_error = true};
// HIP parameters: 2-byte type and length, padded to 8.
constexpr TlvLayout kHip = {.type_size = 2, .length_at = 2, .length_size = 2, .align = 8};
// pcapng options, little-endian section: padded to 4, ended by code 0.
constexpr TlvLayout kPcapngLittle = {.type_size = 2,
                                     .length_at = 2,
                                     .length_size = 2,
                                     .align = 4,
                                     .big_endian = false,
                                     .end_type = 0};
// L2TP AVPs: flags and a 10-bit length of the whole entry, vendor, then the type.
constexpr TlvLayout kL2tp = {.type_at = 4,
                             .type_size = 2,
                             .length_at = 0,
                             .length_size = 2,
                             .length_mask = 0x03ff,
                             .length_counts = TlvLength::kEntry};
// TLS ALPN names: a length and the value, no type.
constexpr TlvLayout kLengthValue = {.type_size = 0, .length_at = 0};

// Every entry of the list, as "type:offset:value_len", and the error it stopped on.
struct Walk {
  std::vector<std::string> entries;
  TlvError error = TlvError::kNone;
  uint32_t offset = 0;
};

Walk WalkList(const Bytes& list, const TlvLayout& layout) {
  Walk walk;
  TlvCursor cursor(list.data(), uint32_t(list.size()), layout);
  TlvEntry e;
  while (cursor.Next(e)) {
    std::string s =
        std::to_string(e.type) + ":" + std::to_string(e.offset) + ":" + std::to_string(e.value_len);
    if (e.error != TlvError::kNone) s += "!";
    walk.entries.push_back(s);
    if (e.error == TlvError::kNone) {
      EXPECT_EQ(e.header, list.data() + e.offset);
      EXPECT_EQ(e.value + e.value_len, e.header + e.size);
      EXPECT_LE(e.offset + e.size, list.size());
    }
  }
  walk.error = cursor.error();
  walk.offset = cursor.offset();
  EXPECT_FALSE(cursor.Next(e)) << "a finished cursor stays finished";
  return walk;
}

using Entries = std::vector<std::string>;

TEST(TlvCursor, KindLengthOptionsCountTheWholeEntry) {
  // NOP, MSS 1460, NOP, WS 7, EOL, then bytes after the end.
  Walk w = WalkList({1, 2, 4, 0x05, 0xb4, 1, 3, 3, 7, 0, 0xff, 0xff}, kKindLength);
  EXPECT_EQ(w.entries, (Entries{"1:0:0", "2:1:2", "1:5:0", "3:6:1", "0:9:0"}));
  EXPECT_EQ(w.error, TlvError::kNone);
  EXPECT_EQ(w.offset, 10u);  // just past End-of-List
}

TEST(TlvCursor, KindLengthBelowTheHeaderCannotAdvance) {
  Walk w = WalkList({1, 8, 1, 0, 0}, kKindLength);
  EXPECT_EQ(w.entries, (Entries{"1:0:0", "8:1:0!"}));
  EXPECT_EQ(w.error, TlvError::kBadLength);
  EXPECT_EQ(WalkList({8, 0}, kKindLength).error, TlvError::kBadLength);
}

TEST(TlvCursor, KindLengthOverrunAndCutHeaderAreErrors) {
  Walk overrun = WalkList({2, 4, 0x05}, kKindLength);
  EXPECT_EQ(overrun.entries, (Entries{"2:0:0!"}));
  EXPECT_EQ(overrun.error, TlvError::kOverrun);
  Walk cut = WalkList({1, 2}, kKindLength);  // MSS's kind, then the list ends
  EXPECT_EQ(cut.entries, (Entries{"1:0:0", "2:1:0!"}));
  EXPECT_EQ(cut.error, TlvError::kHeaderCut);
}

TEST(TlvCursor, Ipv6OptionsCountTheValue) {
  // Pad1, PadN of 2, Router Alert 0x0000, Pad1.
  Walk w = WalkList({0, 1, 2, 0, 0, 5, 2, 0, 0, 0}, kIpv6Options);
  EXPECT_EQ(w.entries, (Entries{"0:0:0", "1:1:2", "5:5:2", "0:9:0"}));
  EXPECT_EQ(w.error, TlvError::kNone);
  // A zero length is an empty value, not an error.
  EXPECT_EQ(WalkList({1, 0, 1, 0}, kIpv6Options).entries, (Entries{"1:0:0", "1:2:0"}));
  EXPECT_EQ(WalkList({5, 3, 0, 0}, kIpv6Options).error, TlvError::kOverrun);
}

TEST(TlvCursor, NeighborDiscoveryCountsEightOctetUnits) {
  Bytes list = {1, 1, 0, 1, 2, 3, 4, 5, 3, 0};  // a link-layer address, then length 0
  Walk w = WalkList(list, kNeighborDiscovery);
  EXPECT_EQ(w.entries, (Entries{"1:0:6", "3:8:0!"}));
  EXPECT_EQ(w.error, TlvError::kBadLength);
  // A lone trailing byte is no entry: the list just ends (the layout's choice).
  EXPECT_EQ(WalkList({1, 1, 0, 1, 2, 3, 4, 5, 9}, kNeighborDiscovery).entries, (Entries{"1:0:6"}));
  EXPECT_EQ(WalkList({1, 2, 0, 0, 0, 0, 0, 0}, kNeighborDiscovery).error, TlvError::kOverrun);
}

TEST(TlvCursor, DhcpPadAndEnd) {
  Walk w = WalkList({0, 0, 53, 1, 5, 0, 255, 53, 1, 1}, kDhcp);
  EXPECT_EQ(w.entries, (Entries{"0:0:0", "0:1:0", "53:2:1", "0:5:0", "255:6:0"}));
  EXPECT_EQ(w.error, TlvError::kNone);
  EXPECT_EQ(WalkList({53}, kDhcp).entries, (Entries{"53:0:0!"}));
}

TEST(TlvCursor, HipParametersArePaddedToEight) {
  Bytes list = {0x02, 0x01, 0, 3, 'a', 'b', 'c', 0,  // 7 bytes, padded to 8
                0x02, 0x41, 0, 0};                   // empty, its padding cut by the end
  Walk w = WalkList(list, kHip);
  EXPECT_EQ(w.entries, (Entries{"513:0:3", "577:8:0"}));
  EXPECT_EQ(w.error, TlvError::kNone);
  EXPECT_EQ(w.offset, list.size());  // cut padding ends the list, without error
  EXPECT_EQ(WalkList({0, 1, 0, 5, 0, 0, 0, 0}, kHip).error, TlvError::kOverrun);
  EXPECT_EQ(WalkList({0, 1, 0}, kHip).entries, Entries{});  // a cut header just ends
}

TEST(TlvCursor, PcapngOptionsInTheSectionsByteOrderEndAtCodeZero) {
  // if_name "eth0" (code 2, little-endian), a 1-byte option padded to 4, end of options
  // (its length not read), then bytes that are no longer the list's.
  Bytes list = {2, 0, 4, 0, 'e', 't', 'h',  '0',  9, 0, 1,    0,
                6, 0, 0, 0, 0,   0,   0xff, 0xff, 1, 0, 0xff, 0};
  Walk w = WalkList(list, kPcapngLittle);
  EXPECT_EQ(w.entries, (Entries{"2:0:4", "9:8:1", "0:16:0"}));
  EXPECT_EQ(w.error, TlvError::kNone);
  EXPECT_EQ(w.offset, 20u);  // past the end marker's header: pcapng's records use it
  TlvLayout big = kPcapngLittle;
  big.big_endian = true;
  EXPECT_EQ(WalkList({0, 2, 0, 1, 'x', 0, 0, 0}, big).entries, (Entries{"2:0:1"}));
  EXPECT_EQ(WalkList({2, 0, 9, 0, 'x'}, kPcapngLittle).error, TlvError::kOverrun);
}

TEST(TlvCursor, L2tpAvpLengthIsTenBitsOfTheWholeEntry) {
  // Mandatory bit set, length 8: vendor 0, type 0, a 2-byte value; then length 5.
  Walk w = WalkList({0x80, 8, 0, 0, 0, 0, 0, 1, 0xc0, 5, 0, 0, 0, 7}, kL2tp);
  EXPECT_EQ(w.entries, (Entries{"0:0:2", "7:8:0!"}));
  EXPECT_EQ(w.error, TlvError::kBadLength);
  EXPECT_EQ(WalkList({0x43, 0xff, 0, 0, 0, 1}, kL2tp).error, TlvError::kOverrun);  // 1023
}

TEST(TlvCursor, LengthValueListsHaveNoType) {
  Walk w = WalkList({2, 'h', '2', 0, 8, 'h', 't'}, kLengthValue);
  EXPECT_EQ(w.entries, (Entries{"0:0:2", "0:3:0", "0:4:0!"}));
  EXPECT_EQ(w.error, TlvError::kOverrun);
}

TEST(TlvCursor, EmptyListHasNoEntries) {
  for (const TlvLayout& layout : {kKindLength, kIpv6Options, kDhcp, kHip, kPcapngLittle, kL2tp}) {
    Walk w = WalkList({}, layout);
    EXPECT_TRUE(w.entries.empty());
    EXPECT_EQ(w.error, TlvError::kNone);
  }
}

TEST(TlvCursor, LongestLengthsNeverWrap) {
  // 65535 eight-octet units in a short list: an overrun, not a wrapped size.
  TlvLayout wide = kNeighborDiscovery;
  wide.length_size = 2;
  EXPECT_EQ(WalkList({1, 0xff, 0xff, 0, 0, 0, 0, 0}, wide).error, TlvError::kOverrun);
  Bytes hip = {0, 1, 0xff, 0xff, 0, 0, 0, 0};
  EXPECT_EQ(WalkList(hip, kHip).error, TlvError::kOverrun);
}

}  // namespace
