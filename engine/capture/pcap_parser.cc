// Classic libpcap files: the four magics (µs/ns × byte order) and Kuznetzov's modified
// format, whose records carry 8 extra bytes (ifindex, protocol, packet type).
#include <cstdio>
#include <string>

#include "engine/capture/format_parser.h"
#include "engine/util/hex.h"

namespace pcapkit::capture {
namespace {

constexpr size_t kFileHeader = 24;

class PcapParser : public FormatParser {
 public:
  Status Parse(Batch& batch, size_t begin, size_t end, uint64_t stream_offset,
               size_t* consumed) override {
    const uint8_t* base = batch.base;
    size_t pos = begin;
    *consumed = 0;
    if (!header_done_) {
      if (end - pos < kFileHeader) return Status::Ok();
      ParseHeader(base + pos, batch);
      pos += kFileHeader;
      header_done_ = true;
    }
    while (end - pos >= record_header_) {
      const uint8_t* h = base + pos;
      uint32_t sec = Load32(h, big_), frac = Load32(h + 4, big_);
      uint32_t cap_len = Load32(h + 8, big_), len = Load32(h + 12, big_);
      uint64_t number = next_number_;
      if (cap_len > max_record_bytes_) {
        *consumed = pos - begin;
        return Status::CorruptInput("impossible record length " + std::to_string(cap_len) +
                                        " bytes (file snaplen " + std::to_string(snaplen_) + ")",
                                    number, stream_offset + (pos - begin) + 8);
      }
      if (end - pos < record_header_ + cap_len) break;  // wait for the rest
      FrameRecord& f = batch.frames.emplace_back();
      f.number = number;
      f.time = MakeTimestamp(sec, frac, digits_);
      f.cap_len = cap_len;
      f.len = len;
      f.interface = 0;
      f.linktype = linktype_;
      f.data_offset = uint32_t(pos + record_header_);
      ++next_number_;
      pos += record_header_ + cap_len;
    }
    *consumed = pos - begin;
    return Status::Ok();
  }

  Status Truncated(const uint8_t* p, size_t remaining, uint64_t offset) override {
    if (!header_done_)
      return Status::CorruptInput(
          "truncated file header (" + std::to_string(remaining) + " of 24 bytes)", 0, offset);
    if (remaining < record_header_)
      return Status::CorruptInput("truncated record header (" + std::to_string(remaining) + " of " +
                                      std::to_string(record_header_) + " bytes)",
                                  next_number_, offset);
    uint32_t cap_len = Load32(p + 8, big_);
    return Status::CorruptInput("truncated record: " + std::to_string(cap_len) +
                                    " bytes of data declared, " +
                                    std::to_string(remaining - record_header_) + " present",
                                next_number_, offset);
  }

 private:
  void ParseHeader(const uint8_t* h, Batch& batch) {
    uint32_t magic = Load32(h, false);
    bool modified = false;
    switch (magic) {
      case 0xa1b2c3d4:
        break;
      case 0xd4c3b2a1:
        big_ = true;
        break;
      case 0xa1b23c4d:
        digits_ = 9;
        break;
      case 0x4d3cb2a1:
        big_ = true;
        digits_ = 9;
        break;
      case 0xa1b2cd34:
        modified = true;
        break;
      case 0x34cdb2a1:
        big_ = true;
        modified = true;
        break;
    }
    if (modified) record_header_ = 24;
    snaplen_ = Load32(h + 16, big_);
    uint32_t network = Load32(h + 20, big_);
    // The upper bits may hold an FCS length (bits 28-31, flag bit 26); the link type is the
    // low 16 bits.
    linktype_ = network & 0xffff;

    MetaRecord& m = batch.metas.emplace_back();
    m.kind = MetaRecord::Kind::kGlobalHeader;
    m.linktype = linktype_;
    m.snaplen = snaplen_;
    m.ts_digits = digits_;
    m.before_frame = uint32_t(batch.frames.size());
    char magic_hex[9];
    std::snprintf(magic_hex, sizeof magic_hex, "%08x", uint32_t(Load32(h, true)));
    m.Text("format", "pcap");
    m.Text("magic_number", magic_hex);
    m.Text("byteorder", big_ ? "big" : "little");
    m.Bool("nanosecond", digits_ == 9);
    m.Bool("modified", modified);
    m.Uint("version_major", Load16(h + 4, big_));
    m.Uint("version_minor", Load16(h + 6, big_));
    m.Int("thiszone", int32_t(Load32(h + 8, big_)));
    m.Uint("sigfigs", Load32(h + 12, big_));
    m.Uint("snaplen", snaplen_);
    m.Uint("network", network);
    m.Uint("linktype", linktype_);
    if (network >> 26 & 1) m.Uint("fcs_len", (network >> 28) * 2);
  }

  bool header_done_ = false;
  bool big_ = false;
  uint8_t digits_ = 6;
  size_t record_header_ = 16;
  uint32_t snaplen_ = 0;
  uint32_t linktype_ = 0;
};

}  // namespace

std::unique_ptr<FormatParser> MakePcapParser() {
  return std::make_unique<PcapParser>();
}

}  // namespace pcapkit::capture
