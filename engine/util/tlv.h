// One bounds-checked walker for type-length-value lists: IP and TCP options, IPv6 and
// mobility options, Neighbor Discovery options, DHCP and DHCPv6 options, HIP parameters,
// TLS extensions, L2TP AVPs, pcapng options and name records. Each describes its layout
// once (a TlvLayout); the cursor does every overrun check, so a dissector's loop holds
// only what the entries mean.
//
//   TlvCursor options(p, n, kLayout);
//   TlvEntry o;
//   while (options.Next(o)) {
//     if (o.error != TlvError::kNone) { ...report o.type...; break; }
//     ...o.type, o.value, o.value_len...
//   }
//
// Header-only and allocation-free: it sits in every dissector's per-packet path.
#pragma once

#include <cstdint>

namespace pcapkit::util {

// What a layout's length field counts.
enum class TlvLength : uint8_t {
  kValue,         // the value's bytes (IPv6 options, DHCP, HIP, TLS, pcapng)
  kEntry,         // the whole entry's bytes, header included (IPv4/TCP options, L2TP AVPs)
  kEntry8Octets,  // the whole entry in 8-byte units (Neighbor Discovery options)
};

constexpr int16_t kNoTlvType = -1;

struct TlvLayout {
  uint8_t type_at = 0;    // offset of the type in the entry
  uint8_t type_size = 1;  // 0 (a list of length-value entries: type reads 0), 1 or 2
  uint8_t length_at = 1;
  uint8_t length_size = 1;        // 1 or 2
  uint16_t length_mask = 0xffff;  // L2TP keeps flags above its 10-bit length
  TlvLength length_counts = TlvLength::kValue;
  uint8_t align = 1;  // every entry is padded to a multiple of this (HIP 8, pcapng 4)
  bool big_endian = true;
  // Types that are one byte alone, with no length (Pad1, NOP, End-of-List, DHCP's Pad
  // and End); kNoTlvType where a layout has fewer than two.
  int16_t single_byte_types[2] = {kNoTlvType, kNoTlvType};
  // The type that ends the list (End-of-List, DHCP's End, pcapng's end of options): it
  // is yielded, then the list is over. Unless it is a single byte it is its header
  // alone: its length is not read, since nothing after it is the list's.
  int16_t end_type = kNoTlvType;
  // A header cut by the list's end is an error entry (true), or trailing bytes that are
  // no entry (false: the list simply ends).
  bool cut_header_is_error = false;

  // Bytes before the value: the type and length fields and whatever lies between them.
  constexpr uint32_t header_size() const {
    uint32_t type_end = type_at + type_size, length_end = length_at + length_size;
    return type_end > length_end ? type_end : length_end;
  }
};

enum class TlvError : uint8_t {
  kNone,
  kHeaderCut,  // the header runs past the list (only when cut_header_is_error)
  kBadLength,  // the length is below the header's own size: the list cannot advance
  kOverrun,    // the entry runs past the list
};

// One entry of the list. An entry whose `error` is set is the list's last: its type,
// offset and header are valid (as far as the list holds them), its value is empty.
struct TlvEntry {
  uint32_t type = 0;
  uint32_t offset = 0;              // of the entry, from the start of the list
  const uint8_t* header = nullptr;  // the entry's first byte
  const uint8_t* value = nullptr;
  uint32_t value_len = 0;
  uint32_t size = 0;  // header and value, padding not included
  TlvError error = TlvError::kNone;
};

class TlvCursor {
 public:
  TlvCursor(const uint8_t* list, uint32_t len, const TlvLayout& layout)
      : list_(list), len_(len), layout_(layout) {}

  // Fills `entry` with the next entry and returns true; false when the list is over (its
  // end, its end marker, or an entry that carried an error).
  bool Next(TlvEntry& entry) {
    if (done_ || pos_ >= len_ || len_ - pos_ < uint32_t(layout_.type_at + layout_.type_size))
      return Stop();
    entry = TlvEntry{.type = Load(list_ + pos_ + layout_.type_at, layout_.type_size),
                     .offset = pos_,
                     .header = list_ + pos_};
    if (IsSingleByte(entry.type)) return Yield(entry, 1, 0);
    uint32_t header = layout_.header_size(), left = len_ - pos_;
    if (left < header)
      return layout_.cut_header_is_error ? Fail(entry, TlvError::kHeaderCut) : Stop();
    if (entry.type == uint32_t(layout_.end_type)) return Yield(entry, header, 0);
    uint64_t size = EntrySize(Load(entry.header + layout_.length_at, layout_.length_size));
    if (size < header) return Fail(entry, TlvError::kBadLength);
    if (size > left) return Fail(entry, TlvError::kOverrun);
    return Yield(entry, uint32_t(size), uint32_t(size) - header);
  }

  // Why the list stopped early; kNone while it is sound.
  TlvError error() const { return error_; }
  // Where the next entry would start: past the last one yielded (an end marker, the
  // padding of the last entry), at most the list's length.
  uint32_t offset() const { return pos_; }

 private:
  uint32_t Load(const uint8_t* p, uint8_t size) const {
    if (size == 0) return 0;
    if (size == 1) return p[0];
    return layout_.big_endian ? uint32_t(p[0]) << 8 | p[1] : uint32_t(p[1]) << 8 | p[0];
  }
  bool IsSingleByte(uint32_t type) const {
    return layout_.type_size == 1 && (type == uint32_t(layout_.single_byte_types[0]) ||
                                      type == uint32_t(layout_.single_byte_types[1]));
  }
  uint64_t EntrySize(uint32_t length) const {
    length &= layout_.length_mask;
    switch (layout_.length_counts) {
      case TlvLength::kValue:
        return uint64_t(layout_.header_size()) + length;
      case TlvLength::kEntry:
        return length;
      case TlvLength::kEntry8Octets:
        return uint64_t(length) * 8;
    }
    return 0;
  }
  bool Yield(TlvEntry& entry, uint32_t size, uint32_t value_len) {
    entry.size = size;
    entry.value = entry.header + (size - value_len);
    entry.value_len = value_len;
    uint64_t next = uint64_t(pos_) + (size + layout_.align - 1) / layout_.align * layout_.align;
    pos_ = next < len_ ? uint32_t(next) : len_;  // the last entry's padding may be cut
    done_ = entry.type == uint32_t(layout_.end_type);
    return true;
  }
  bool Fail(TlvEntry& entry, TlvError error) {
    entry.error = error_ = error;
    entry.value = entry.header;
    done_ = true;
    return true;
  }
  bool Stop() {
    done_ = true;
    return false;
  }

  const uint8_t* list_;
  uint32_t len_;
  TlvLayout layout_;
  uint32_t pos_ = 0;
  bool done_ = false;
  TlvError error_ = TlvError::kNone;
};

}  // namespace pcapkit::util
