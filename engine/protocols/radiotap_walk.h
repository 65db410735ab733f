// The walk over a radiotap header's present words and the fields they name, shared by the
// dissector (engine/protocols/radiotap.cc) and the record reader that rebuilds the header
// (ipsuite/records/wifi_readers.cc): each field is placed by its alignment, counted from
// the header's start, after the one before it. Bit 31 of a word: another word follows;
// bit 29: the next word names radiotap fields anew (another antenna's); bit 30: the next
// word is a vendor's, whose 6-byte header (OUI, sub-namespace, skip length) sits where
// the walk has got to and whose fields, `skip length` bytes, are skipped whole. A word
// with neither continues its namespace at bit + 32. The skip length is read only when the
// vendor namespace ends, so a rebuilder may fill the vendor header when it is yielded.
#pragma once

#include <cstdint>
#include <iterator>

#include "engine/protocols/wifi.h"

namespace pcapkit::protocols::radiotap {

constexpr uint32_t kFixedHeader = 8;
constexpr uint32_t kExtBit = 1u << 31, kVendorBit = 1u << 30, kRadiotapBit = 1u << 29;
constexpr uint32_t kTlvField = 28;

// Alignment and size of each field of the radiotap namespace, by bit (radiotap.org).
struct FieldShape {
  uint8_t align, size;
};
constexpr FieldShape kShapes[] = {
    {8, 8}, {1, 1},  {1, 1},  {2, 4},  {2, 2},  {1, 1}, {1, 1}, {2, 2}, {2, 2}, {2, 2},
    {1, 1}, {1, 1},  {1, 1},  {1, 1},  {2, 2},  {2, 2}, {1, 1}, {1, 1}, {4, 8}, {1, 3},
    {4, 8}, {2, 12}, {8, 12}, {2, 12}, {2, 12}, {2, 6}, {1, 1}, {2, 4},
};

// What the walk yields next.
struct Item {
  enum Kind { kField, kVendor, kUnknown, kPastHeader, kBadNamespace } kind;
  uint32_t bit;     // kField, kUnknown: the field's bit in the radiotap namespace
  uint32_t offset;  // kField: where the field starts; kVendor: its namespace header;
                    // kUnknown: where the walk stopped
};

// The number of present words, or 0 when the chain runs past the header p[0, hdr_len).
inline uint32_t PresentWords(const uint8_t* p, uint32_t hdr_len) {
  for (uint32_t at = 4;; at += 4) {
    if (at + 4 > hdr_len) return 0;
    if (!(Le32(p + at) & kExtBit)) return at / 4;
  }
}

// The fields of a header whose present chain (`words` words) lies within p[0, hdr_len).
class FieldWalk {
 public:
  FieldWalk(const uint8_t* p, uint32_t hdr_len, uint32_t words)
      : p_(p), hdr_len_(hdr_len), words_(words), offset_(4 + 4 * words) {}

  // False when there is nothing more; an item other than a field or a vendor namespace
  // is the last.
  bool Next(Item& item) {
    while (!done_ && word_ < words_) {
      uint32_t present = Le32(p_ + 4 + 4 * word_);
      if (bit_ < 29) {
        if (NextBit(present, item)) return true;
        continue;
      }
      ++word_;
      bit_ = 0;
      if (SwitchNamespace(present, word_ < words_, item)) return true;
    }
    return false;
  }

 private:
  static uint32_t Align(uint32_t at, uint32_t align) { return (at + align - 1) & ~(align - 1); }

  // The next set bit of `present` below 29 in this word; false when the word has no more.
  bool NextBit(uint32_t present, Item& item) {
    while (bit_ < 29) {
      uint32_t bit = bit_++;
      if (!(present & (1u << bit)) || in_vendor_) continue;
      uint32_t index = base_ + bit;
      if (index >= std::size(kShapes) || index == kTlvField)
        return Stop(Item::kUnknown, index, item);
      uint32_t at = Align(offset_, kShapes[index].align);
      if (at + kShapes[index].size > hdr_len_) return Stop(Item::kPastHeader, index, item);
      item = {Item::kField, index, at};
      offset_ = at + kShapes[index].size;
      return true;
    }
    return false;
  }

  // Leaving a vendor namespace: the walk goes on after its skipped fields.
  bool LeaveVendor(Item& item) {
    in_vendor_ = false;
    uint32_t end = vendor_at_ + 6 + Le16(p_ + vendor_at_ + 4);
    if (end > hdr_len_) return Stop(Item::kPastHeader, 0, item);
    offset_ = end;
    return false;
  }

  // After a word's fields: bits 29 and 30 say which namespace the next word names; after
  // the last word, a vendor namespace still open ends.
  bool SwitchNamespace(uint32_t present, bool more, Item& item) {
    bool radiotap = more && (present & kRadiotapBit), vendor = more && (present & kVendorBit);
    if (!radiotap && !vendor) {
      base_ += 32;
      return !more && in_vendor_ && LeaveVendor(item);
    }
    if (radiotap && vendor) return Stop(Item::kBadNamespace, 0, item);
    if (in_vendor_ && LeaveVendor(item)) return true;
    base_ = 0;
    if (!vendor) return false;
    uint32_t at = Align(offset_, 2);
    if (at + 6 > hdr_len_) return Stop(Item::kPastHeader, 0, item);
    in_vendor_ = true;
    vendor_at_ = at;
    offset_ = at + 6;
    item = {Item::kVendor, 0, at};
    return true;
  }

  bool Stop(Item::Kind kind, uint32_t bit, Item& item) {
    item = {kind, bit, offset_};
    done_ = true;
    return true;
  }

  const uint8_t* p_;
  uint32_t hdr_len_, words_, offset_;
  uint32_t word_ = 0, bit_ = 0, base_ = 0, vendor_at_ = 0;
  bool in_vendor_ = false, done_ = false;
};

// The bytes that align each decoded field after the one before it (the header's gaps),
// in walk order: what the writer keeps as `align_pad` when one is not zero and the
// rebuilder puts back. After a vendor namespace (whose bytes are its own) the next field
// starts a new count.
class AlignmentGaps {
 public:
  static constexpr size_t kMaxBytes = 64;  // more are not kept (a header has few)
  explicit AlignmentGaps(uint32_t first) : cursor_(first) {}
  struct Gap {
    uint32_t from, to;  // the offsets [from, to)
  };
  // The gap before `item` (a field or a vendor namespace's header).
  Gap Before(const Item& item) {
    if (item.kind == Item::kVendor) {
      known_ = false;
      return {0, 0};
    }
    Gap gap{known_ ? cursor_ : item.offset, item.offset};
    known_ = true;
    cursor_ = item.offset + kShapes[item.bit].size;
    return gap;
  }

 private:
  uint32_t cursor_;
  bool known_ = true;
};

}  // namespace pcapkit::protocols::radiotap
