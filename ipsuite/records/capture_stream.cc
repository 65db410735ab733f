#include "ipsuite/records/capture_stream.h"

#include "formats/report_writer.h"
#include "ipsuite/frame_info.h"

namespace pcapkit::ipsuite::records {
namespace {

constexpr uint32_t kSnaplen = 262144;
constexpr uint32_t kEthernet = 1;  // LINKTYPE_ETHERNET
constexpr size_t kFlushAt = 1 << 20;

}  // namespace

Status CaptureStream::Add(const BuiltFrame& f) {
  if (!pcapng_) {
    if (Status s = AddToPcap(f); !s.ok()) return s;
  } else {
    AddToPcapng(f);
  }
  return FlushIfFull();
}

Status CaptureStream::AddToPcap(const BuiltFrame& f) {
  formats::CaptureOptions o;
  if (!started_) {
    started_ = true;
    linktype_ = f.linktype;
    nanosecond_ = f.digits > 6;
    o.nanosecond = nanosecond_;
    formats::AppendPcapHeader(o, linktype_, kSnaplen, buffer_);
  }
  if (f.linktype != linktype_)
    return Status::InvalidArgument("link type " + std::to_string(f.linktype) +
                                   " after frames of link type " + std::to_string(linktype_) +
                                   ": a pcap file holds one (-f pcapng holds several)");
  o.nanosecond = nanosecond_;
  FrameInfo info = FrameInfoOf(f.frame, nanosecond_ ? 9 : 6, data_);
  formats::AppendPcapRecord(o, info, data_.data(), buffer_);
  return Status::Ok();
}

// Interfaces are numbered as declared: one a frame names beyond the last declared is
// declared now, with the ones before it that no frame named yet (with its link type).
void CaptureStream::AddToPcapng(const BuiltFrame& f) {
  formats::CaptureOptions o;
  if (!started_) {
    started_ = true;
    formats::AppendPcapngSection(o, buffer_);
  }
  while (interface_digits_.size() <= f.frame.interface) {
    uint8_t digits = f.digits == 0 ? 6 : std::min<uint8_t>(f.digits, 9);
    bool named = interface_digits_.size() == f.frame.interface;
    formats::AppendPcapngInterface(o, uint16_t(f.linktype), 0, digits, buffer_,
                                   named ? f.interface_name : "",
                                   named ? f.interface_description : "");
    interface_digits_.push_back(digits);
  }
  FrameInfo info = FrameInfoOf(f.frame, interface_digits_[f.frame.interface], data_);
  formats::AppendPcapngPacket(o, info, f.frame.interface, data_.data(), buffer_);
}

Status CaptureStream::FlushIfFull() {
  if (buffer_.size() < kFlushAt) return Status::Ok();
  Status s = out_->Write(buffer_.view());
  buffer_.clear();
  return s;
}

Status CaptureStream::Close() {
  // No frame at all (an empty input, or every record left out): still a capture that
  // readers open, its header alone (pcap: Ethernet, as no frame said otherwise).
  if (!started_) {
    started_ = true;
    formats::CaptureOptions o;
    if (pcapng_)
      formats::AppendPcapngSection(o, buffer_);
    else
      formats::AppendPcapHeader(o, kEthernet, kSnaplen, buffer_);
  }
  if (!buffer_.empty()) {
    if (Status s = out_->Write(buffer_.view()); !s.ok()) return s;
    buffer_.clear();
  }
  return out_->Close();
}

}  // namespace pcapkit::ipsuite::records
