#include "ipsuite/frame_info.h"

#include <algorithm>

namespace pcapkit::ipsuite {

// The frame as the writers take it; `comments` become pcapng opt_comment options placed
// after the data, where a reader's frame keeps the options it read.
FrameInfo FrameInfoOf(const CapturedFrame& f, uint8_t digits, Bytes& data) {
  data = f.data;
  FrameInfo info;
  digits = std::min<uint8_t>(digits, 9);
  uint64_t frac = f.nsec;
  for (uint8_t d = 9; d > digits; --d) frac /= 10;
  info.time = {f.sec, frac, digits};
  info.cap_len = uint32_t(f.data.size());
  info.len = f.len ? *f.len : info.cap_len;
  info.interface = f.interface;
  if (f.comments.empty()) return info;
  info.options_at = info.cap_len;
  for (std::string_view c : f.comments) {
    c = c.substr(0, 0xfff0);  // what one option holds, as the writer cuts it too
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

}  // namespace pcapkit::ipsuite
