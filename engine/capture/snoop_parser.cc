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
  Status Parse(Batch& batch, size_t begin, size_t end, uint64_t stream_offset,
               size_t* consumed) override {
    const uint8_t* base = batch.base;
    size_t pos = begin;
    *consumed = 0;
    if (!header_done_) {
      if (end - pos < kFileHeader) return Status::Ok();
      const uint8_t* h = base + pos;
      uint32_t datalink = Load32(h + 12, true);
      linktype_ = LinkTypeOf(datalink);
      MetaRecord& m = batch.metas.emplace_back();
      m.kind = MetaRecord::Kind::kGlobalHeader;
      m.linktype = linktype_;
      m.ts_digits = 6;
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
        *consumed = pos - begin;
        return Status::CorruptInput("impossible record length " + std::to_string(rec_len) +
                                        " for " + std::to_string(cap_len) + " captured bytes",
                                    next_number_, off + 8);
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
    *consumed = pos - begin;
    return Status::Ok();
  }

  Status Truncated(const uint8_t*, size_t remaining, uint64_t offset) override {
    return Status::CorruptInput(
        std::string(header_done_ ? "truncated record" : "truncated file header") + " (" +
            std::to_string(remaining) + " bytes left)",
        header_done_ ? next_number_ : 0, offset);
  }

 private:
  bool header_done_ = false;
  uint32_t linktype_ = 1;
};

}  // namespace

std::unique_ptr<FormatParser> MakeSnoopParser() {
  return std::make_unique<SnoopParser>();
}

}  // namespace pcapkit::capture
