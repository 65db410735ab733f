// Capture output: the selected frames written back as pcap or pcapng, frame bytes and
// timestamps unchanged. Both writers stay stateless like every report writer: the pcap
// file header comes from the input's first header record (its `Global Header`, or a
// pcapng's first interface); pcapng sections and interfaces mirror the input's, each
// interface declared with the decimal resolution its frames' timestamps carry (power-of-2
// resolutions were read as nanoseconds), so a frame is encoded from its own timestamp.
#include <algorithm>
#include <cassert>
#include <cstring>

#include "engine/capture/pcapng_options.h"
#include "formats/report_writer.h"

namespace pcapkit::formats {
namespace {

using Kind = capture::MetaRecord::Kind;

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

}  // namespace

void AppendPcapHeader(const CaptureOptions& o, uint32_t linktype, uint32_t snaplen,
                      OutBuffer& out) {
  Bytes b(out, o.big_endian);
  b.U32(o.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
  b.U16(2);
  b.U16(4);
  b.U32(0);
  b.U32(0);
  b.U32(snaplen);
  b.U32(linktype);
}

void AppendPcapRecord(const CaptureOptions& o, const FrameInfo& f, const uint8_t* data,
                      OutBuffer& out) {
  Bytes b(out, o.big_endian);
  // pcap keeps 32-bit seconds: later times wrap, as every pcap writer's do.
  b.U32(uint32_t(f.time.sec));
  b.U32(uint32_t(Fraction(f.time, o.nanosecond ? 9 : 6)));
  b.U32(f.cap_len);
  b.U32(f.len);
  b.Raw(data, f.cap_len);
}

void AppendPcapngSection(const CaptureOptions& o, OutBuffer& out) {
  Bytes b(out, o.big_endian);
  b.U32(0x0A0D0D0A);
  b.U32(28);
  b.U32(0x1A2B3C4D);
  b.U16(1);
  b.U16(0);
  b.U32(0xffffffff);  // section length unknown
  b.U32(0xffffffff);
  b.U32(28);
}

// An option's length field is 16 bits: longer text is cut to what one option holds.
constexpr size_t kMaxComment = 0xfff0;

void AppendPcapngInterface(const CaptureOptions& o, uint16_t linktype, uint32_t snaplen,
                           uint8_t digits, OutBuffer& out, std::string_view name,
                           std::string_view description) {
  name = name.substr(0, kMaxComment);
  description = description.substr(0, kMaxComment);
  auto option_size = [](std::string_view v) {
    return v.empty() ? 0u : 4 + ((uint32_t(v.size()) + 3) & ~3u);
  };
  uint32_t len = 32 + option_size(name) + option_size(description);
  Bytes b(out, o.big_endian);
  b.U32(1);
  b.U32(len);
  b.U16(linktype);
  b.U16(0);
  b.U32(snaplen);
  for (auto [code, v] : {std::pair<uint16_t, std::string_view>{2, name}, {3, description}}) {
    if (v.empty()) continue;  // if_name, if_description
    b.U16(code);
    b.U16(uint16_t(v.size()));
    b.Raw(reinterpret_cast<const uint8_t*>(v.data()), v.size());
    b.Pad4(v.size());
  }
  b.U16(9);  // if_tsresol: 10^-digits
  b.U16(1);
  const uint8_t resolution[4] = {digits, 0, 0, 0};
  b.Raw(resolution, 4);
  b.U32(0);  // opt_endofopt
  b.U32(len);
}

// The packet's comments (opt_comment) as options: their bytes, counted first (the block
// length comes before them), then written in the output's byte order with the end of
// options; nothing for a packet without comments. Other packet options (flags, hashes,
// drop counts) are not copied.
uint32_t CommentOptionsSize(const FrameInfo& f, const uint8_t* data) {
  uint32_t size = 0;
  capture::ForEachComment(data + f.options_at, f.options_len, f.options_big_endian,
                          [&](std::string_view c) {
                            size += 4 + ((uint32_t(std::min(c.size(), kMaxComment)) + 3) & ~3u);
                          });
  return size == 0 ? 0 : size + 4;
}

void AppendCommentOptions(Bytes& b, const FrameInfo& f, const uint8_t* data) {
  capture::ForEachComment(data + f.options_at, f.options_len, f.options_big_endian,
                          [&](std::string_view comment) {
                            size_t n = std::min(comment.size(), kMaxComment);
                            b.U16(capture::kOptComment);
                            b.U16(uint16_t(n));
                            b.Raw(reinterpret_cast<const uint8_t*>(comment.data()), n);
                            b.Pad4(n);
                          });
  b.U32(0);  // opt_endofopt
}

void AppendPcapngPacket(const CaptureOptions& o, const FrameInfo& f, uint32_t interface,
                        const uint8_t* data, OutBuffer& out) {
  uint32_t options = f.options_len == 0 ? 0 : CommentOptionsSize(f, data);
  Bytes b(out, o.big_endian);
  uint32_t len = 32 + ((f.cap_len + 3) & ~3u) + options;
  const Timestamp& t = f.time;
  uint8_t digits = t.digits > 9 ? 9 : t.digits;
  uint64_t ticks = uint64_t(t.sec) * kPow10[digits] + Fraction(t, digits);
  b.U32(6);
  b.U32(len);
  b.U32(interface);
  b.U32(uint32_t(ticks >> 32));
  b.U32(uint32_t(ticks));
  b.U32(f.cap_len);
  b.U32(f.len);
  b.Raw(data, f.cap_len);
  b.Pad4(f.cap_len);
  if (options != 0) AppendCommentOptions(b, f, data);
  b.U32(len);
}

namespace {

// A text member of a file record ("" when it has none).
std::string_view TextOf(const capture::MetaRecord& meta, std::string_view key) {
  for (const capture::MetaField& f : meta.fields)
    if (f.kind == capture::MetaField::kText && f.key == key) return f.text;
  return {};
}

class PcapWriter : public ReportWriter {
 public:
  explicit PcapWriter(const CaptureOptions& o) : o_(o) {}
  void Begin(OutBuffer&) const override {}
  void Meta(const capture::MetaRecord& meta, bool, OutBuffer& out) const override {
    // The file header comes from the input's first header: pcap's or snoop's Global
    // Header, or the first interface of a pcapng. Later pcapng interfaces add nothing;
    // their frames must share the link type (the sink checks), as must the frames of a
    // run's later inputs.
    if (meta.later_input) return;
    if (meta.kind == Kind::kGlobalHeader ||
        (meta.kind == Kind::kInterfaceDescription && meta.ordinal == 1))
      AppendPcapHeader(o_, meta.linktype, meta.snaplen ? meta.snaplen : kDefaultSnaplen, out);
  }
  void Frame(const pcapkit::Frame& frame, bool, OutBuffer& out, SplicePoints*) const override {
    AppendPcapRecord(o_, frame.info(), frame.data().data(), out);
  }
  // Never called: other records go to text reports only (ResolveOutput refuses a capture
  // format for them before anything runs).
  void Record(std::string_view, const Body&, bool, OutBuffer&) const override {
    assert(!"a capture format holds frames only");
  }
  void End(bool, OutBuffer&) const override {}
  bool MetaDocument(const capture::MetaRecord&, OutBuffer&) const override { return false; }
  bool FrameDocument(const pcapkit::Frame& frame, OutBuffer& out, SplicePoints*) const override {
    AppendPcapHeader(o_, frame.linktype(), kDefaultSnaplen, out);
    Frame(frame, true, out, nullptr);
    return true;
  }
  bool SingleLinkType() const override { return true; }

 private:
  CaptureOptions o_;
};

class PcapngWriter : public ReportWriter {
 public:
  explicit PcapngWriter(const CaptureOptions& o) : o_(o) {}
  void Begin(OutBuffer&) const override {}
  void Meta(const capture::MetaRecord& meta, bool, OutBuffer& out) const override {
    switch (meta.kind) {
      case Kind::kGlobalHeader:  // pcap or snoop input: one section, one interface
        AppendPcapngSection(o_, out);
        AppendPcapngInterface(o_, uint16_t(meta.linktype), meta.snaplen, meta.ts_digits, out);
        break;
      case Kind::kSectionHeader:
        AppendPcapngSection(o_, out);
        break;
      case Kind::kInterfaceDescription:
        // Declared with the digits the reader gave this interface's timestamps, and its
        // names kept.
        AppendPcapngInterface(o_, uint16_t(meta.linktype), meta.snaplen, meta.ts_digits, out,
                              TextOf(meta, "if_name"), TextOf(meta, "if_description"));
        break;
      default:
        break;
    }
    // Name resolution, statistics, secrets and custom blocks are not copied.
  }
  void Frame(const pcapkit::Frame& frame, bool, OutBuffer& out, SplicePoints*) const override {
    AppendPcapngPacket(o_, frame.info(), frame.interface(), frame.data().data(), out);
  }
  // Never called: other records go to text reports only (ResolveOutput refuses a capture
  // format for them before anything runs).
  void Record(std::string_view, const Body&, bool, OutBuffer&) const override {
    assert(!"a capture format holds frames only");
  }
  void End(bool, OutBuffer&) const override {}
  bool MetaDocument(const capture::MetaRecord&, OutBuffer&) const override { return false; }
  bool FrameDocument(const pcapkit::Frame& frame, OutBuffer& out, SplicePoints*) const override {
    AppendPcapngSection(o_, out);
    AppendPcapngInterface(o_, uint16_t(frame.linktype()), 0, frame.time().digits, out);
    AppendPcapngPacket(o_, frame.info(), 0, frame.data().data(), out);
    return true;
  }

 private:
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
