// Solaris snoop (RFC 1761): big-endian, 16-byte file header, records padded to rec_len.
#include <cstring>
#include <string>

#include "engine/capture/format_parser.h"

namespace pcapkit::capture {
namespace {

constexpr size_t kFileHeader = 16, kRecordHeader = 24;

// snoop datalink codes → LINKTYPE values (RFC 1761 and Wireshark's table).
uint32_t LinkTypeOf(uint32_t datalink) {
  switch (datalink) {
    case 0:
      return 1;  // IEEE 802.3: Ethernet framing
    case 2:
      return 6;  // IEEE 802.5 token ring
    case 4:
      return 1;  // Ethernet
    case 8:
      return 10;  // FDDI
    default:
      return 0xffff;
  }
}

class SnoopParser : public FormatParser {
 public:
  size_t Parse(Batch& batch, size_t begin, size_t end, uint64_t stream_offset,
               Fault& fault) override {
    const uint8_t* base = batch.bytes.data();
    size_t pos = begin;
    if (!header_done_) {
      if (end - pos < kFileHeader) return 0;
      const uint8_t* h = base + pos;
      uint32_t datalink = Load32(h + 12, true);
      linktype_ = LinkTypeOf(datalink);
      MetaRecord& m = batch.metas.emplace_back();
      m.title = "Global Header";
      m.before_frame = uint32_t(batch.frames.size());
      m.Text("format", "snoop");
      m.Uint("version", Load32(h + 8, true));
      m.Uint("datalink", datalink);
      m.Uint("linktype", linktype_);
      pos += kFileHeader;
      header_done_ = true;
    }
    while (end - pos >= kRecordHeader) {
      const uint8_t* h = base + pos;
      uint32_t wire_len = Load32(h, true), cap_len = Load32(h + 4, true);
      uint32_t rec_len = Load32(h + 8, true);
      uint64_t off = stream_offset + (pos - begin);
      if (rec_len > max_record_bytes_ || rec_len < kRecordHeader + uint64_t(cap_len)) {
        fault.Set("impossible record length " + std::to_string(rec_len) + " for " +
                      std::to_string(cap_len) + " captured bytes",
                  off + 8, next_number_);
        return pos - begin;
      }
      if (end - pos < rec_len) break;
      FrameRecord& f = batch.frames.emplace_back();
      f.number = next_number_++;
      f.time = MakeTimestamp(Load32(h + 16, true), Load32(h + 20, true), 6);
      f.cap_len = cap_len;
      f.len = wire_len;
      f.linktype = linktype_;
      f.data_offset = uint32_t(pos + kRecordHeader);
      pos += rec_len;
    }
    return pos - begin;
  }

  void Truncated(const uint8_t*, size_t remaining, uint64_t offset, Fault& fault) override {
    fault.Set(std::string(header_done_ ? "truncated record" : "truncated file header") + " (" +
                  std::to_string(remaining) + " bytes left)",
              offset, header_done_ ? next_number_ : 0);
  }

 private:
  bool header_done_ = false;
  uint32_t linktype_ = 1;
  uint64_t next_number_ = 1;
};

}  // namespace

std::unique_ptr<FormatParser> MakeSnoopParser() {
  return std::make_unique<SnoopParser>();
}

std::unique_ptr<FormatParser> MakeParser(const uint8_t* head, size_t n) {
  if (n >= 8 && std::memcmp(head, "snoop\0\0\0", 8) == 0) return MakeSnoopParser();
  if (n >= 4) {
    uint32_t magic = Load32(head, false);
    switch (magic) {
      case 0xa1b2c3d4:
      case 0xd4c3b2a1:
      case 0xa1b23c4d:
      case 0x4d3cb2a1:
      case 0xa1b2cd34:
      case 0x34cdb2a1:
        return MakePcapParser();
      case 0x0A0D0D0A:
        return MakePcapngParser();
    }
  }
  return nullptr;
}

Timestamp MakeTimestamp(int64_t sec, uint64_t frac, uint8_t digits) {
  static constexpr uint64_t kPow10[] = {1,      10,      100,      1000,      10000,
                                        100000, 1000000, 10000000, 100000000, 1000000000};
  uint64_t unit = kPow10[digits > 9 ? 9 : digits];
  Timestamp t;
  t.sec = sec + int64_t(frac / unit);
  t.frac = frac % unit;
  t.digits = digits;
  return t;
}

void MetaRecord::Hex(std::string key, const uint8_t* p, size_t n) {
  MetaField f{MetaField::kHex, std::move(key)};
  static constexpr char kDigits[] = "0123456789abcdef";
  f.text.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    f.text.push_back(kDigits[p[i] >> 4]);
    f.text.push_back(kDigits[p[i] & 15]);
  }
  fields.push_back(std::move(f));
}

}  // namespace pcapkit::capture
