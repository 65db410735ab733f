// A dissected frame: capture metadata, the frame's bytes and the chain of layers found in
// them. Layers are spans into the frame's bytes (no copy); typed views over them live in
// layers.h. A Frame handed out by the Extractor is valid until the next one is asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "pcapkit/errors.h"
#include "pcapkit/protocol_id.h"

namespace pcapkit {

// Capture time: `sec` since the epoch (UTC) plus `frac` in units of 10^-digits seconds.
// `digits` is the file's resolution (6 for µs pcap, 9 for ns, if_tsresol for pcapng).
struct Timestamp {
  int64_t sec = 0;
  uint64_t frac = 0;
  uint8_t digits = 6;
};

// What a pcapng interface description says of an interface (if_name, if_description);
// the reader keeps it as long as it lives.
struct InterfaceInfo {
  std::string name;
  std::string description;
};

// What the capture file says of a frame: its number, when and how much was captured, on
// which interface and link type; for pcapng also its section, its interface's names and
// its packet block's options.
struct FrameInfo {
  uint64_t number = 0;  // 1-based, in the file
  Timestamp time;
  uint32_t cap_len = 0;  // bytes captured
  uint32_t len = 0;      // bytes on the wire
  uint32_t interface = 0;
  uint32_t linktype = 0;
  uint32_t section = 0;                           // pcapng: 1-based section; 0 elsewhere
  const InterfaceInfo* interface_info = nullptr;  // pcapng, when the reader knows it
  // pcapng: the packet block's options (opt_comment, epb_flags, ...) as the file holds
  // them, `options_at` bytes after the frame's data, in the section's byte order.
  uint32_t options_at = 0, options_len = 0;
  bool options_big_endian = false;
  // With several inputs in one run: the capture the frame came from (empty otherwise).
  std::string_view file;
};

// One dissected layer: where it is in the frame and what it is. `length` covers the
// header and everything the layer carries; `hdr_len` just its own header.
struct LayerSpan {
  ProtocolId proto = ProtocolId::kNone;
  uint32_t offset = 0;
  uint32_t length = 0;
  uint32_t hdr_len = 0;
  uint32_t aux = 0;             // per-protocol detail found while dissecting
  const char* error = nullptr;  // set on `raw` layers that failed to parse (static text)
  ProtocolId attempted = ProtocolId::kNone;  // for a failed `raw`: the protocol tried
};

class Frame {
 public:
  static constexpr size_t kMaxLayers = 32;

  const FrameInfo& info() const { return info_; }
  uint64_t number() const { return info_.number; }
  const Timestamp& time() const { return info_.time; }
  uint32_t cap_len() const { return info_.cap_len; }
  uint32_t len() const { return info_.len; }
  uint32_t interface() const { return info_.interface; }
  uint32_t linktype() const { return info_.linktype; }
  std::span<const uint8_t> data() const { return {data_, info_.cap_len}; }
  // pcapng: the packet block's options, as the file holds them (empty elsewhere).
  std::span<const uint8_t> options() const { return {data_ + info_.options_at, info_.options_len}; }

  size_t layer_count() const { return layer_count_; }
  const LayerSpan& layer(size_t i) const { return layers_[i]; }

  bool has(ProtocolId id) const { return find(id) != nullptr; }
  // By display name or record key, any case: "IPv4", "ipv4", "TCP".
  bool has(std::string_view name) const;
  // "Ethernet:IPv4:TCP".
  std::string protocols() const;

  // The first layer of type View, or nullopt; nullopt too when the layer is shorter than
  // the view's fixed header (a TCP header the end of a first IP fragment cuts: its record
  // says `header_cut`), whose accessors would read past it.
  template <class View>
  std::optional<View> get() const {
    const LayerSpan* span = find(View::kId);
    if (span == nullptr) return std::nullopt;
    if constexpr (requires { View::kFixedHeader; })
      if (span->hdr_len < View::kFixedHeader) return std::nullopt;
    return View(data_ + span->offset, span->length, span->hdr_len);
  }
  // The first layer of type View; throws ProtocolNotFound when absent.
  template <class View>
  View at() const {
    if (auto view = get<View>()) return *view;
    throw ProtocolNotFound(std::string("frame has no ") + ProtocolName(View::kId) + " layer");
  }

  const LayerSpan* find(ProtocolId id) const {
    for (size_t i = 0; i < layer_count_; ++i)
      if (layers_[i].proto == id) return &layers_[i];
    return nullptr;
  }

 private:
  friend class Dissector;  // fills it
  FrameInfo info_;
  const uint8_t* data_ = nullptr;
  uint32_t layer_count_ = 0;
  LayerSpan layers_[kMaxLayers];
};

}  // namespace pcapkit
