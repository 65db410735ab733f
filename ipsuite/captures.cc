// Built frames as capture files, through the writers `extract -f pcap|pcapng` uses.
#include <algorithm>
#include <fstream>

#include "formats/report_writer.h"
#include "ipsuite/wire.h"

namespace pcapkit::ipsuite {
namespace {

Bytes BytesOf(const formats::OutBuffer& out) {
  return Bytes(out.data(), out.data() + out.size());
}

// The frame as the writers take it; `comments` become pcapng opt_comment options placed
// after the data, where a reader's frame keeps the options it read.
FrameInfo InfoOf(const CapturedFrame& f, uint8_t digits, Bytes& data) {
  data = f.data;
  FrameInfo info;
  info.time = {f.sec, digits == 6 ? f.nsec / 1000 : f.nsec, digits};  // 6 or 9 digits
  info.cap_len = uint32_t(f.data.size());
  info.len = f.len ? *f.len : info.cap_len;
  info.interface = f.interface;
  if (f.comments.empty()) return info;
  info.options_at = info.cap_len;
  for (const std::string& c : f.comments) {
    if (c.size() > 0xffff) throw BuildError("ipsuite: a pcapng comment longer than 65535 bytes");
    // Little-endian, as `options_big_endian` below tells the writer.
    data.push_back(uint8_t(1));
    data.push_back(0);
    data.push_back(uint8_t(c.size()));
    data.push_back(uint8_t(c.size() >> 8));
    PutText(data, c);
    data.resize((data.size() + 3) / 4 * 4, 0);
  }
  data.insert(data.end(), 4, 0);  // opt_endofopt
  info.options_len = uint32_t(data.size() - info.options_at);
  info.options_big_endian = false;
  return info;
}

}  // namespace

Bytes PcapFile(const std::vector<CapturedFrame>& frames, const PcapOptions& options) {
  formats::CaptureOptions o;
  o.big_endian = options.big_endian;
  o.nanosecond = options.nanosecond;
  formats::OutBuffer out;
  formats::AppendPcapHeader(o, options.linktype, options.snaplen, out);
  Bytes data;
  for (const CapturedFrame& f : frames) {
    FrameInfo info = InfoOf(f, options.nanosecond ? 9 : 6, data);
    formats::AppendPcapRecord(o, info, data.data(), out);
  }
  return BytesOf(out);
}

Bytes PcapngFile(const std::vector<CapturedFrame>& frames, const PcapngOptions& options) {
  formats::CaptureOptions o;
  o.big_endian = options.big_endian;
  formats::OutBuffer out;
  formats::AppendPcapngSection(o, out);
  for (const PcapngInterface& i : options.interfaces)
    formats::AppendPcapngInterface(o, i.linktype, i.snaplen, i.digits, out, i.name, i.description);
  Bytes data;
  for (const CapturedFrame& f : frames) {
    if (f.interface >= options.interfaces.size())
      throw BuildError("ipsuite: a frame names an interface the pcapng file does not declare");
    // The interface's resolution is the one the packet block's ticks count in.
    FrameInfo info = InfoOf(f, 9, data);
    uint8_t digits = std::min<uint8_t>(options.interfaces[f.interface].digits, 9);
    for (uint8_t d = 9; d > digits; --d) info.time.frac /= 10;
    info.time.digits = digits;
    formats::AppendPcapngPacket(o, info, f.interface, data.data(), out);
  }
  return BytesOf(out);
}

void WriteFile(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out.flush()) throw OutputError("ipsuite: cannot write " + path);
}

}  // namespace pcapkit::ipsuite
