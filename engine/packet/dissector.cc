#include "engine/packet/dissector.h"

#include <algorithm>
#include <cstring>

#include "engine/protocols/ethernet.h"

namespace pcapkit {

using protocols::DissectResult;
using protocols::ProtocolInfo;
using protocols::Table;

namespace {
uint32_t End(const LayerSpan& l) {
  return l.offset + l.length;
}
}  // namespace

Status MakeDissectOptions(const protocols::Registry& registry, const ExtractOptions& options,
                          DissectOptions* out) {
  out->stop_layer = options.stop_layer;
  out->max_layers = options.max_layers;
  out->stop_protocol = ProtocolId::kNone;
  if (!options.stop_protocol.empty()) {
    out->stop_protocol = registry.Find(options.stop_protocol);
    if (out->stop_protocol == ProtocolId::kNone)
      return Status::InvalidArgument("unknown protocol '" + options.stop_protocol +
                                     "' (see `pcapkit protocols`)");
  }
  return Status::Ok();
}

Dissector::Dissector(const protocols::Registry& registry, const DissectOptions& options)
    : registry_(registry),
      stop_layer_(options.stop_layer),
      max_layers_(std::clamp<uint32_t>(options.max_layers, 2, Frame::kMaxLayers)),
      stop_protocol_(options.stop_protocol) {}

void Dissector::PushRaw(Frame& out, uint32_t offset, uint32_t length, const char* error,
                        ProtocolId tried) {
  LayerSpan& l = out.layers_[out.layer_count_++];
  l = LayerSpan{};
  l.proto = ProtocolId::kRaw;
  l.offset = offset;
  l.length = length;
  l.error = error;
  l.attempted = tried;
}

void Dissector::Dissect(const capture::FrameRecord& record, const uint8_t* data, Frame& out) const {
  DissectPayload(record, data, Table::kLinkType, record.linktype, 0, false, out);
}

void Dissector::DissectPayload(const capture::FrameRecord& record, const uint8_t* data, Table table,
                               uint32_t key, uint32_t key2, bool has_key2, Frame& out) const {
  out.info_ = record;
  out.data_ = data;
  out.layer_count_ = 0;
  Walk(data, record.cap_len, table, key, key2, has_key2, out);
  for (uint32_t i = 0; i < out.layer_count_; ++i)
    if (registry_.Info(out.layers_[i].proto).pads) FindTrailingBytes(out, i);
}

// A padded layer's (Ethernet's; ProtocolInfo::pads) padding (to the 60-byte minimum) and
// trailer follow whatever its payload actually used, which only the layers below it know: IPv4's
// total length, ARP's fixed size, IPX's length, or the frame's own 802.3 length. So once the whole
// stack is dissected, the first layer under the frame that bounds itself marks the end of the used
// bytes. Link-level layers that take all they are given (VLAN tags, MPLS labels) are
// looked through; a layer above the link level that takes everything, or a `raw` one,
// leaves nothing trailing. The Ethernet layer is then widened to the end of its frame, and
// its aux says where the used bytes end (ethernet.cc writes the rest).
void Dissector::FindTrailingBytes(Frame& out, uint32_t index) const {
  LayerSpan& eth = out.layers_[index];
  // The frame's bytes: to the end of its parent, or of the capture.
  uint32_t frame_end = index == 0 ? out.info_.cap_len : End(out.layers_[index - 1]);
  uint32_t used_end = End(eth);
  // An 802.3 length field alone bounds the payload.
  bool bounded = (eth.aux & protocols::kEthernetLengthField) != 0;
  for (uint32_t j = index + 1; !bounded && used_end == frame_end && j < out.layer_count_; ++j) {
    const LayerSpan& l = out.layers_[j];
    // A padded layer inside (Ethernet in GRE or a pseudowire) owns what follows its payload.
    if (l.proto == ProtocolId::kRaw || registry_.Info(l.proto).pads) break;
    if (End(l) < End(out.layers_[j - 1])) {
      used_end = End(l);
    } else if (registry_.Info(l.proto).layer != LayerLevel::kLink) {
      break;
    }
  }
  // A frame that was shorter than the minimum on the wire was not padded (tshark's rule):
  // what follows its payload is all trailer.
  uint32_t wire_len = frame_end - eth.offset;
  if (frame_end == out.info_.cap_len && out.info_.len > out.info_.cap_len)
    wire_len += out.info_.len - out.info_.cap_len;
  eth.length = frame_end - eth.offset;
  eth.aux = (used_end - eth.offset) | (eth.aux & protocols::kEthernetLengthField) |
            (wire_len < protocols::kEthernetMinFrame ? protocols::kEthernetUnpadded : 0);
}

void Dissector::Walk(const uint8_t* data, uint32_t avail, Table table, uint32_t key, uint32_t key2,
                     bool has_key2, Frame& out) const {
  uint32_t offset = 0;
  bool within_first_fragment = false;  // sticky: a tunnel inside a fragment is cut too

  while (avail > 0) {
    if (out.layer_count_ + 1 >= max_layers_) {
      PushRaw(out, offset, avail, "too many nested layers", ProtocolId::kNone);
      return;
    }
    ProtocolId id = table == Table::kNone ? ProtocolId::kNone : registry_.Lookup(table, key);
    if (id == ProtocolId::kNone && has_key2) id = registry_.Lookup(table, key2);
    if (id == ProtocolId::kNone && table != Table::kNone) {
      for (ProtocolId h : registry_.Heuristics(table)) {
        if (registry_.Info(h).detect(data + offset, avail)) {
          id = h;
          break;
        }
      }
    }
    if (id == ProtocolId::kNone) {
      PushRaw(out, offset, avail, nullptr, ProtocolId::kNone);
      return;
    }
    const ProtocolInfo& info = registry_.Info(id);
    // -L: a protocol above the requested layer is not dissected.
    if (stop_layer_ != LayerLevel::kNone && info.layer > stop_layer_) {
      PushRaw(out, offset, avail, nullptr, ProtocolId::kNone);
      return;
    }
    DissectResult r;
    r.within_first_fragment = within_first_fragment;
    info.dissect(data + offset, avail, r);
    if (r.error != nullptr) {
      PushRaw(out, offset, avail, r.error, id);
      return;
    }
    if (!info.transparent) {
      LayerSpan& l = out.layers_[out.layer_count_++];
      l = LayerSpan{};
      l.proto = id;
      l.offset = offset;
      l.length = r.hdr_len + r.payload_len;
      l.hdr_len = r.hdr_len;
      l.aux = r.aux;
    }
    offset += r.hdr_len;
    avail = r.payload_len;
    within_first_fragment = within_first_fragment || r.payload_is_first_fragment;
    // -P: what follows the named protocol is left undissected.
    // (By key: a protocol may have several registry entries, DNS over UDP and over TCP.)
    if (stop_protocol_ != ProtocolId::kNone &&
        std::strcmp(info.key, registry_.Info(stop_protocol_).key) == 0)
      table = Table::kNone;
    else
      table = r.next_table;
    key = r.next_key;
    key2 = r.next_key2;
    has_key2 = r.has_key2;
  }
}

}  // namespace pcapkit
