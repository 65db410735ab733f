// Capture output: the selected frames written back as pcap or pcapng, frame bytes and
// timestamps unchanged. Both writers stay stateless like every report writer: the pcap
// file header comes from the input's first header record (its `Global Header`, or a
// pcapng's first interface); pcapng sections and interfaces mirror the input's, each
// interface declared with the decimal resolution its frames' timestamps carry (power-of-2
// resolutions were read as nanoseconds), so a frame is encoded from its own timestamp.
#include <algorithm>
#include <cstring>

#include "formats/report_writer.h"
#include "pcapkit/errors.h"

namespace pcapkit::formats {
namespace {

const capture::MetaField* Field(const capture::MetaRecord& m, std::string_view key) {
  for (const auto& f : m.fields)
    if (f.key == key) return &f;
  return nullptr;
}
uint64_t FieldUint(const capture::MetaRecord& m, std::string_view key, uint64_t fallback) {
  const capture::MetaField* f = Field(m, key);
  return f ? f->u : fallback;
}

constexpr uint64_t kPow10[] = {1,      10,      100,      1000,      10000,
                               100000, 1000000, 10000000, 100000000, 1000000000};

// The fraction of `t` in units of 10^-digits seconds (truncating finer ones).
uint64_t Fraction(const Timestamp& t, uint8_t digits) {
  uint8_t d = t.digits > 9 ? 9 : t.digits;
  return d <= digits ? t.frac * kPow10[digits - d] : t.frac / kPow10[d - digits];
}

class Bytes {
 public:
  Bytes(OutBuffer& out, bool big) : out_(out), big_(big) {}
  void U16(uint16_t v) {
    char b[2];
    if (big_) {
      b[0] = char(v >> 8), b[1] = char(v);
    } else {
      b[0] = char(v), b[1] = char(v >> 8);
    }
    out_.Append({b, 2});
  }
  void U32(uint32_t v) {
    if (big_) {
      U16(uint16_t(v >> 16));
      U16(uint16_t(v));
    } else {
      U16(uint16_t(v));
      U16(uint16_t(v >> 16));
    }
  }
  void Raw(const uint8_t* p, size_t n) { out_.Append({reinterpret_cast<const char*>(p), n}); }
  void Pad4(size_t n) {
    static const char kZero[4] = {};
    out_.Append({kZero, (4 - n % 4) % 4});
  }

 private:
  OutBuffer& out_;
  bool big_;
};

constexpr uint32_t kDefaultSnaplen = 262144;

class PcapWriter : public ReportWriter {
 public:
  explicit PcapWriter(const CaptureOptions& o) : o_(o) {}
  void Begin(OutBuffer&) const override {}
  void Meta(const capture::MetaRecord& meta, bool, OutBuffer& out) const override {
    // The file header comes from the input's first header: pcap's or snoop's Global
    // Header, or the first interface of a pcapng. Later pcapng interfaces add nothing;
    // their frames must share the link type (the sink checks).
    if (meta.title == "Global Header" || meta.title == "Interface Description 1") {
      uint64_t snaplen = FieldUint(meta, "snaplen", kDefaultSnaplen);
      Header(uint32_t(FieldUint(meta, "linktype", 1)),
             snaplen ? uint32_t(snaplen) : kDefaultSnaplen, out);
    }
  }
  void Frame(const pcapkit::Frame& frame, bool, OutBuffer& out) const override {
    Bytes b(out, o_.big_endian);
    // pcap keeps 32-bit seconds: later times wrap, as every pcap writer's do.
    b.U32(uint32_t(frame.time().sec));
    b.U32(uint32_t(Fraction(frame.time(), o_.nanosecond ? 9 : 6)));
    b.U32(frame.cap_len());
    b.U32(frame.len());
    b.Raw(frame.data().data(), frame.cap_len());
  }
  void Record(std::string_view, const Body&, bool, OutBuffer&) const override {
    throw FormatError(
        "a capture format holds frames only: write reassembly records as "
        "json, ndjson, plist or tree");
  }
  void End(bool, OutBuffer&) const override {}
  bool MetaDocument(const capture::MetaRecord&, OutBuffer&) const override { return false; }
  bool FrameDocument(const pcapkit::Frame& frame, OutBuffer& out) const override {
    Header(frame.linktype(), kDefaultSnaplen, out);
    Frame(frame, true, out);
    return true;
  }
  bool SingleLinkType() const override { return true; }

 private:
  void Header(uint32_t linktype, uint32_t snaplen, OutBuffer& out) const {
    Bytes b(out, o_.big_endian);
    b.U32(o_.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
    b.U16(2);
    b.U16(4);
    b.U32(0);
    b.U32(0);
    b.U32(snaplen);
    b.U32(linktype);
  }
  CaptureOptions o_;
};

class PcapngWriter : public ReportWriter {
 public:
  explicit PcapngWriter(const CaptureOptions& o) : o_(o) {}
  void Begin(OutBuffer&) const override {}
  void Meta(const capture::MetaRecord& meta, bool, OutBuffer& out) const override {
    if (meta.title == "Global Header") {  // pcap or snoop input: one section, one interface
      Section(out);
      const capture::MetaField* ns = Field(meta, "nanosecond");
      Interface(uint16_t(FieldUint(meta, "linktype", 1)), uint32_t(FieldUint(meta, "snaplen", 0)),
                ns && ns->u ? 9 : 6, out);
    } else if (meta.title.rfind("Section Header ", 0) == 0) {
      Section(out);
    } else if (meta.title.rfind("Interface Description ", 0) == 0) {
      // The digits the reader gave this interface's timestamps (capture/pcapng_parser.cc).
      uint64_t tsresol = FieldUint(meta, "if_tsresol", 6);
      uint8_t digits = (tsresol & 0x80) ? 9 : uint8_t(std::min<uint64_t>(tsresol, 9));
      Interface(uint16_t(FieldUint(meta, "linktype", 1)), uint32_t(FieldUint(meta, "snaplen", 0)),
                digits, out);
    }
    // Name resolution, statistics, secrets and custom blocks are not copied.
  }
  void Frame(const pcapkit::Frame& frame, bool, OutBuffer& out) const override {
    EnhancedPacket(frame, frame.interface(), out);
  }
  void Record(std::string_view, const Body&, bool, OutBuffer&) const override {
    throw FormatError(
        "a capture format holds frames only: write reassembly records as "
        "json, ndjson, plist or tree");
  }
  void End(bool, OutBuffer&) const override {}
  bool MetaDocument(const capture::MetaRecord&, OutBuffer&) const override { return false; }
  bool FrameDocument(const pcapkit::Frame& frame, OutBuffer& out) const override {
    Section(out);
    Interface(uint16_t(frame.linktype()), 0, frame.time().digits, out);
    EnhancedPacket(frame, 0, out);
    return true;
  }

 private:
  void Section(OutBuffer& out) const {
    Bytes b(out, o_.big_endian);
    b.U32(0x0A0D0D0A);
    b.U32(28);
    b.U32(0x1A2B3C4D);
    b.U16(1);
    b.U16(0);
    b.U32(0xffffffff);  // section length unknown
    b.U32(0xffffffff);
    b.U32(28);
  }
  void Interface(uint16_t linktype, uint32_t snaplen, uint8_t digits, OutBuffer& out) const {
    Bytes b(out, o_.big_endian);
    b.U32(1);
    b.U32(32);
    b.U16(linktype);
    b.U16(0);
    b.U32(snaplen);
    b.U16(9);  // if_tsresol: 10^-digits
    b.U16(1);
    const uint8_t resolution[4] = {digits, 0, 0, 0};
    b.Raw(resolution, 4);
    b.U32(0);  // opt_endofopt
    b.U32(32);
  }
  void EnhancedPacket(const pcapkit::Frame& frame, uint32_t interface, OutBuffer& out) const {
    Bytes b(out, o_.big_endian);
    uint32_t len = 32 + ((frame.cap_len() + 3) & ~3u);
    const Timestamp& t = frame.time();
    uint8_t digits = t.digits > 9 ? 9 : t.digits;
    uint64_t ticks = uint64_t(t.sec) * kPow10[digits] + Fraction(t, digits);
    b.U32(6);
    b.U32(len);
    b.U32(interface);
    b.U32(uint32_t(ticks >> 32));
    b.U32(uint32_t(ticks));
    b.U32(frame.cap_len());
    b.U32(frame.len());
    b.Raw(frame.data().data(), frame.cap_len());
    b.Pad4(frame.cap_len());
    b.U32(len);
  }
  CaptureOptions o_;
};

}  // namespace

std::unique_ptr<ReportWriter> MakePcapWriter(const CaptureOptions& options) {
  return std::make_unique<PcapWriter>(options);
}
std::unique_ptr<ReportWriter> MakePcapngWriter(const CaptureOptions& options) {
  return std::make_unique<PcapngWriter>(options);
}

}  // namespace pcapkit::formats
