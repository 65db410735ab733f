#include "formats/record.h"

#include <algorithm>
#include <iterator>

#include "engine/capture/pcapng_options.h"
#include "engine/packet/dissector.h"
#include "engine/protocols/ethernet.h"
#include "engine/util/time_format.h"

namespace pcapkit::formats {

using capture::MetaField;

namespace {

// Display names are plain ASCII: the chain is built in a stack buffer when it fits.
void WriteProtocolChain(const Frame& frame, const protocols::Registry& registry, Emitter& out) {
  char chain[512];
  size_t at = 0;
  for (size_t i = 0; i < frame.layer_count(); ++i) {
    std::string_view name = registry.Info(frame.layer(i).proto).name;
    if (at + name.size() + 1 >= sizeof chain) {
      std::string s;
      AppendProtocolChain(frame, registry, s);
      out.Plain("protocols", s);
      return;
    }
    if (i) chain[at++] = ':';
    name.copy(chain + at, name.size());
    at += name.size();
  }
  out.Plain("protocols", std::string_view(chain, at));
}

// The time as whole seconds and nanoseconds (struct timespec's split: the nanoseconds
// are never negative), whatever the file's resolution; finer than ns is cut. A fraction
// of a second or more (invalid, seen in the wild) is carried, as time_epoch carries it.
void WriteSplitTime(const Timestamp& t, Emitter& out) {
  uint64_t ns = t.frac;
  for (unsigned d = t.digits; d < 9; ++d) ns *= 10;
  for (unsigned d = t.digits; d > 9; --d) ns /= 10;
  out.Int("time_sec", t.sec + int64_t(ns / 1000000000));
  out.Uint("time_nsec", ns % 1000000000);
}

using namespace protocols;  // FieldType bits
constexpr FieldSpec kFrameFields[] = {
    {"file", kText, "with several inputs in one run: the capture the frame came from"},
    {"number", kInt, "1-based frame number in its file", "frame.number"},
    {"time", kText, "capture time, ISO-8601 UTC, the file's resolution"},
    {"time_epoch", kNumber, "seconds since the epoch, the file's decimals", "frame.time_epoch"},
    {"time_sec", kInt, "whole seconds since the epoch (time_epoch's integer part)"},
    {"time_nsec", kInt, "nanoseconds past time_sec (0 to 999999999)"},
    {"cap_len", kInt, "bytes captured", "frame.cap_len"},
    {"len", kInt, "bytes on the wire", "frame.len"},
    {"interface", kInt, "pcapng interface id (0 for pcap and snoop)", "frame.interface_id"},
    {"linktype", kInt, "LINKTYPE_* of the frame's interface"},
    {"section", kInt, "pcapng: 1-based number of the section holding the frame",
     "frame.section_number"},
    {"interface_name", kText, "pcapng: the interface's if_name", "frame.interface_name"},
    {"interface_description", kText, "pcapng: the interface's if_description",
     "frame.interface_description"},
    {"comment", kList, "pcapng: the packet block's comments (opt_comment), in order"},
    {"comment[]", kText, "a comment", "frame.comment"},
    {"protocols", kText, "display names of the layers joined by ':'"},
};

// kFrameFields' entries by index: the bits of WriteFrameMembers' `members`.
enum FrameMember : unsigned {
  kFile,
  kNumber,
  kTime,
  kTimeEpoch,
  kTimeSec,
  kTimeNsec,
  kCapLen,
  kLen,
  kInterface,
  kLinktype,
  kSection,
  kInterfaceName,
  kInterfaceDescription,
  kComment,
  kCommentItem,
  kProtocols,
  kFrameMemberCount
};
static_assert(std::size(kFrameFields) == kFrameMemberCount);
static_assert(std::string_view(kFrameFields[kTimeEpoch].path) == "time_epoch");
static_assert(std::string_view(kFrameFields[kLinktype].path) == "linktype");
static_assert(std::string_view(kFrameFields[kComment].path) == "comment");
static_assert(std::string_view(kFrameFields[kProtocols].path) == "protocols");

constexpr bool Has(uint64_t members, FrameMember m) {
  return (members >> m & 1) != 0;
}

// pcapng's context of a frame: its section, its interface's names, its comments.
void WritePcapngContext(const Frame& frame, uint64_t members, Emitter& out) {
  const FrameInfo& info = frame.info();
  if (Has(members, kSection)) out.Uint("section", info.section);
  if (const InterfaceInfo* itf = info.interface_info) {
    if (Has(members, kInterfaceName) && !itf->name.empty()) out.Text("interface_name", itf->name);
    if (Has(members, kInterfaceDescription) && !itf->description.empty())
      out.Text("interface_description", itf->description);
  }
  std::span<const uint8_t> options = frame.options();
  if (options.empty() || !Has(members, kComment) || !out.Wants("comment")) return;
  bool any = false;
  capture::ForEachComment(options.data(), options.size(), info.options_big_endian,
                          [&](std::string_view comment) {
                            if (!any) out.BeginArray("comment");
                            any = true;
                            out.Text({}, comment);
                          });
  if (any) out.EndArray();
}

// Bytes the parent of layer `index` (the frame, for the first) carries after the layer's
// own length (a UDP length shorter than its IP payload, an IPX packet's even-length byte,
// what an ICMP error quotes past the datagram's length, an 802.11 FCS): 0 when none, or
// when they are a padded ancestor's padding and trailer (ethernet.h), which it writes.
uint32_t TrailingBytes(const Frame& frame, size_t index, const protocols::Registry& registry) {
  const LayerSpan& l = frame.layer(index);
  uint32_t end = l.offset + l.length, parent_end = frame.cap_len();
  if (index > 0) parent_end = frame.layer(index - 1).offset + frame.layer(index - 1).length;
  // A padded ancestor's padding and trailer start where its payload's bytes end: up to
  // there only (an IPX packet's even-length byte inside a padded 802.3 frame), or nothing.
  for (size_t k = 0; k < index; ++k) {
    const LayerSpan& a = frame.layer(k);
    if (!registry.Info(a.proto).pads) continue;
    uint32_t used_end = a.offset + (a.aux & protocols::kEthernetUsedMask);
    parent_end = std::min(parent_end, used_end);
  }
  return end < parent_end ? parent_end - end : 0;
}

constexpr FieldSpec kLayerFields[] = {
    {"after", kObject,
     "bytes the parent layer carries after this layer's own length (absent when none): a UDP "
     "length shorter than its IP payload, an IPX packet's even-length byte, what an ICMP "
     "error quotes past the datagram's length, an 802.11 FCS inside its radio header"},
    {"after.len", kInt, "their number (as captured)"},
    {"after.data", kHex, "the bytes, only with `--payload`"},
};

}  // namespace

std::span<const protocols::FieldSpec> LayerFields() {
  return kLayerFields;
}

std::span<const protocols::FieldSpec> FrameFields() {
  return kFrameFields;
}

void WriteFrameRecord(const Frame& frame, const protocols::Registry& registry,
                      const RecordOptions& options, std::string_view key, Emitter& out) {
  out.BeginObject(key);
  WriteFrameMembers(frame, registry, out);
  out.Splice();
  WriteLayers(frame, registry, options, out);
  out.EndObject();
}

void WriteFrameMembers(const Frame& frame, const protocols::Registry& registry, Emitter& out,
                       uint64_t members) {
  char buf[48];
  if (Has(members, kFile) && !frame.info().file.empty()) out.Text("file", frame.info().file);
  if (Has(members, kNumber)) out.Uint("number", frame.number());
  if (Has(members, kTime) && out.Wants("time"))
    out.Plain("time", std::string_view(buf, size_t(util::WriteIsoTime(buf, frame.time()) - buf)));
  if (Has(members, kTimeEpoch) && out.Wants("time_epoch"))
    out.Number("time_epoch",
               std::string_view(buf, size_t(util::WriteEpoch(buf, frame.time()) - buf)));
  if (Has(members, kTimeSec) || Has(members, kTimeNsec)) WriteSplitTime(frame.time(), out);
  if (Has(members, kCapLen)) out.Uint("cap_len", frame.cap_len());
  if (Has(members, kLen)) out.Uint("len", frame.len());
  if (Has(members, kInterface)) out.Uint("interface", frame.interface());
  if (Has(members, kLinktype)) out.Uint("linktype", frame.linktype());
  if (frame.info().section != 0) WritePcapngContext(frame, members, out);
  if (Has(members, kProtocols) && out.Wants("protocols")) WriteProtocolChain(frame, registry, out);
}

void WriteLayers(const Frame& frame, const protocols::Registry& registry,
                 const RecordOptions& options, Emitter& out) {
  out.set_names(options.names);
  out.set_payload(options.payload);
  for (size_t i = 0; i < frame.layer_count(); ++i) {
    out.BeginObject(registry.Info(frame.layer(i).proto).key);
    WriteLayer(frame, i, registry, options, out);
  }
  for (size_t i = 0; i < frame.layer_count(); ++i) out.EndObject();
}

void WriteLayer(const Frame& frame, size_t index, const protocols::Registry& registry,
                const RecordOptions& options, Emitter& out) {
  const uint8_t* data = frame.data().data();
  const LayerSpan& l = frame.layer(index);
  if (l.proto == ProtocolId::kRaw) {
    out.Uint("len", l.length);
    if (l.error) out.Plain("error", l.error);
    if (options.payload) out.Hex("data", data + l.offset, l.length);
    return;
  }
  registry.Info(l.proto).write({data + l.offset, l.length, l.hdr_len, l.aux}, out);
  if (uint32_t n = TrailingBytes(frame, index, registry)) {
    out.BeginObject("after");
    out.Uint("len", n);
    if (options.payload) out.Hex("data", data + l.offset + l.length, n);
    out.EndObject();
  }
}

void WriteMetaRecord(const capture::MetaRecord& meta, std::string_view key, Emitter& out) {
  out.BeginObject(key);
  if (!meta.file.empty()) out.Text("file", meta.file);
  for (const MetaField& f : meta.fields) {
    switch (f.kind) {
      case MetaField::kUint:
        out.Uint(f.key, f.u);
        break;
      case MetaField::kInt:
        out.Int(f.key, f.i);
        break;
      case MetaField::kBool:
        out.Bool(f.key, f.u != 0);
        break;
      case MetaField::kText:
        out.Text(f.key, f.text);
        break;
      case MetaField::kHex:
        out.Plain(f.key, f.text);
        break;
      case MetaField::kTextList:
        out.BeginArray(f.key);
        for (const std::string& s : f.list) out.Text({}, s);
        out.EndArray();
        break;
    }
  }
  out.EndObject();
}

void WriteAddress(Emitter& out, std::string_view key, bool ipv6, const uint8_t* p) {
  if (ipv6)
    out.Ipv6(key, p);
  else
    out.Ipv4(key, p);
}

}  // namespace pcapkit::formats
