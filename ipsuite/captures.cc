// Built frames as capture files, through the writers `extract -f pcap|pcapng` uses.
#include <algorithm>
#include <fstream>

#include "formats/report_writer.h"
#include "ipsuite/frame_info.h"
#include "ipsuite/wire.h"

namespace pcapkit::ipsuite {
namespace {

Bytes BytesOf(const formats::OutBuffer& out) {
  return Bytes(out.data(), out.data() + out.size());
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
    FrameInfo info = FrameInfoOf(f, options.nanosecond ? 9 : 6, data);
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
    FrameInfo info = FrameInfoOf(f, options.interfaces[f.interface].digits, data);
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
