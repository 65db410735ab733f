// pcapng (draft-ietf-opsawg-pcapng): sections in either byte order, interfaces with their
// own link type, resolution and offset; every block type is reported or skipped by its
// length, and only packet blocks (EPB, SPB, obsolete PB) become frames.
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/capture/format_parser.h"
#include "engine/util/hex.h"

namespace pcapkit::capture {
namespace {

constexpr uint32_t kSHB = 0x0A0D0D0A, kIDB = 1, kPB = 2, kSPB = 3, kNRB = 4, kISB = 5, kEPB = 6,
                   kJournal = 9, kDSB = 0x0A, kCB = 0x00000BAD, kDCB = 0x40000BAD;

struct Interface {
  uint32_t linktype = 0;
  uint32_t snaplen = 0;
  bool pow2 = false;     // if_tsresol high bit: units of 2^-exp seconds
  uint8_t exp = 6;       // resolution exponent
  int64_t tsoffset = 0;  // seconds added to every timestamp
  // A repeated if_tsresol or if_tsoffset is shown but ignored: the first one, the one the
  // record names plainly, is the one the timestamps use.
  bool have_tsresol = false, have_tsoffset = false;
};

// Walks an option list: code, length, value padded to 4 bytes, ended by code 0 or the
// end of the block. Returns false when an option overruns the block.
template <class Fn>
bool ForEachOption(const uint8_t* p, size_t n, bool big, Fn&& fn) {
  size_t pos = 0;
  while (pos + 4 <= n) {
    uint16_t code = Load16(p + pos, big), len = Load16(p + pos + 2, big);
    if (code == 0) return true;
    if (pos + 4 + len > n) return false;
    fn(code, p + pos + 4, len);
    pos += 4 + ((len + 3u) & ~3u);
  }
  return true;
}

std::string Printable(const uint8_t* p, size_t n) {
  while (n > 0 && p[n - 1] == 0) --n;  // some writers count a trailing NUL
  return std::string(reinterpret_cast<const char*>(p), n);
}

class PcapngParser : public FormatParser {
 public:
  size_t Parse(Batch& batch, size_t begin, size_t end, uint64_t stream_offset,
               Fault& fault) override {
    const uint8_t* base = batch.bytes.data();
    size_t pos = begin;
    while (end - pos >= 12) {
      const uint8_t* b = base + pos;
      uint64_t off = stream_offset + (pos - begin);
      uint32_t type = Load32(b, big_);
      if (type == kSHB || Load32(b, false) == kSHB) {
        // A new section sets its own byte order from its byte-order magic.
        uint32_t bom = Load32(b + 8, false);
        if (bom == 0x1A2B3C4D) {
          big_ = false;
        } else if (bom == 0x4D3C2B1A) {
          big_ = true;
        } else {
          fault.Set("bad section header byte-order magic", off + 8, next_number_);
          return pos - begin;
        }
        type = kSHB;
      } else if (!seen_shb_) {
        fault.Set("pcapng file does not start with a section header", off, next_number_);
        return pos - begin;
      }
      uint32_t len = Load32(b + 4, big_);
      if (len < 12 || len % 4 != 0 || len > max_record_bytes_ || (type == kSHB && len < 28)) {
        fault.Set("impossible block length " + std::to_string(len) + " (block type 0x" +
                      util::Hex(b, 4) + ")",
                  off + 4, next_number_);
        return pos - begin;
      }
      if (end - pos < len) break;  // wait for the rest of the block
      if (Load32(b + len - 4, big_) != len) {
        fault.Set("block length " + std::to_string(len) + " does not match its trailer " +
                      std::to_string(Load32(b + len - 4, big_)),
                  off + len - 4, next_number_);
        return pos - begin;
      }
      if (!Block(batch, type, b, len, pos, off, fault)) return pos - begin;
      pos += len;
    }
    return pos - begin;
  }

  void Truncated(const uint8_t* p, size_t remaining, uint64_t offset, Fault& fault) override {
    if (remaining < 12) {
      fault.Set("truncated block header (" + std::to_string(remaining) + " of 12 bytes)", offset,
                next_number_);
    } else {
      fault.Set("truncated block: " + std::to_string(Load32(p + 4, big_)) + " bytes declared, " +
                    std::to_string(remaining) + " present",
                offset, next_number_);
    }
  }

 private:
  MetaRecord& Meta(Batch& batch, const char* kind, uint64_t& counter) {
    MetaRecord& m = batch.metas.emplace_back();
    m.title = std::string(kind) + " " + std::to_string(++counter);
    m.before_frame = uint32_t(batch.frames.size());
    m.Uint("section", sections_);
    return m;
  }

  void CommonOption(MetaRecord& m, uint16_t code, const uint8_t* v, uint16_t len,
                    std::vector<std::string>& comments) {
    if (code == 1) {
      comments.push_back(Printable(v, len));
    } else {
      m.Hex("option_" + std::to_string(code), v, len);
    }
  }

  void Options(MetaRecord& m, const uint8_t* p, size_t n,
               bool (PcapngParser::*known)(MetaRecord&, uint16_t, const uint8_t*, uint16_t)) {
    std::vector<std::string> comments;
    size_t first = m.fields.size();
    bool ok = ForEachOption(p, n, big_, [&](uint16_t code, const uint8_t* v, uint16_t len) {
      if (known == nullptr || !(this->*known)(m, code, v, len))
        CommonOption(m, code, v, len, comments);
    });
    if (!comments.empty()) m.TextList("comment", std::move(comments));
    if (!ok) m.Text("options_error", "option overruns the block");
    NumberRepeats(m, first);
  }

  // A record names each member once (readers of its JSON keep only one of a repeated
  // key). Options that may repeat, or repeat against the format's rules, keep their
  // first name; later ones are `name_2`, `name_3`... in file order. Option codes are
  // numbers, so these names cannot collide with another option's.
  static void NumberRepeats(MetaRecord& m, size_t first) {
    std::unordered_map<std::string, unsigned> seen;
    for (size_t i = first; i < m.fields.size(); ++i) {
      unsigned n = ++seen[m.fields[i].key];
      if (n > 1) {
        m.fields[i].key.push_back('_');  // (not "_" + ...: GCC 12 warns falsely there)
        m.fields[i].key += std::to_string(n);
      }
    }
  }

  bool ShbOption(MetaRecord& m, uint16_t code, const uint8_t* v, uint16_t len) {
    switch (code) {
      case 2:
        m.Text("shb_hardware", Printable(v, len));
        return true;
      case 3:
        m.Text("shb_os", Printable(v, len));
        return true;
      case 4:
        m.Text("shb_userappl", Printable(v, len));
        return true;
    }
    return false;
  }

  bool IdbOption(MetaRecord& m, uint16_t code, const uint8_t* v, uint16_t len) {
    Interface& itf = interfaces_.back();
    switch (code) {
      case 2:
        m.Text("if_name", Printable(v, len));
        return true;
      case 3:
        m.Text("if_description", Printable(v, len));
        return true;
      case 8:
        if (len != 8) return false;
        m.Uint("if_speed", Load64(v, big_));
        return true;
      case 9:
        if (len != 1) return false;
        if (!itf.have_tsresol) {
          itf.have_tsresol = true;
          itf.pow2 = (v[0] & 0x80) != 0;
          itf.exp = v[0] & 0x7f;
        }
        m.Uint("if_tsresol", v[0]);
        return true;
      case 11:
        m.Hex("if_filter", v, len);
        return true;
      case 12:
        m.Text("if_os", Printable(v, len));
        return true;
      case 13:
        if (len != 1) return false;
        m.Uint("if_fcslen", v[0]);
        return true;
      case 14:
        if (len != 8) return false;
        if (!itf.have_tsoffset) {
          itf.have_tsoffset = true;
          itf.tsoffset = int64_t(Load64(v, big_));
        }
        m.Int("if_tsoffset", int64_t(Load64(v, big_)));
        return true;
      case 15:
        m.Text("if_hardware", Printable(v, len));
        return true;
    }
    return false;
  }

  bool IsbOption(MetaRecord& m, uint16_t code, const uint8_t* v, uint16_t len) {
    static const char* const kNames[] = {
        nullptr,       nullptr,      "isb_starttime",    "isb_endtime",
        "isb_ifrecv",  "isb_ifdrop", "isb_filteraccept", "isb_osdrop",
        "isb_usrdeliv"};
    if (code < 2 || code > 8 || len != 8) return false;
    uint64_t value =
        code <= 3 ? uint64_t(Load32(v, big_)) << 32 | Load32(v + 4, big_) : Load64(v, big_);
    m.Uint(kNames[code], value);
    return true;
  }

  Timestamp Time(const Interface& itf, uint64_t ticks) const {
    if (itf.pow2) {
      uint8_t e = itf.exp > 63 ? 63 : itf.exp;
      uint64_t sec = ticks >> e;
      __extension__ using U128 = unsigned __int128;
      U128 rest = ticks & ((uint64_t(1) << e) - 1);
      uint64_t ns = uint64_t((rest * 1000000000u) >> e);
      return MakeTimestamp(int64_t(sec) + itf.tsoffset, ns, 9);
    }
    uint8_t e = itf.exp;
    uint64_t unit = 1;
    for (uint8_t i = 0; i < e && i < 19; ++i) unit *= 10;
    uint64_t frac = ticks % unit;
    // Finer than a nanosecond: keep nanoseconds (the record's decimals stop at 9).
    uint8_t digits = e;
    for (; digits > 9; --digits) frac /= 10;
    return MakeTimestamp(int64_t(ticks / unit) + itf.tsoffset, frac, digits);
  }

  bool AddFrame(Batch& batch, uint32_t if_id, uint64_t ticks, uint32_t cap_len, uint32_t len,
                size_t data_pos) {
    const Interface& itf = interfaces_[if_id];
    FrameRecord& f = batch.frames.emplace_back();
    f.number = next_number_++;
    f.time = Time(itf, ticks);
    f.cap_len = cap_len;
    f.len = len;
    f.interface = if_id;
    f.linktype = itf.linktype;
    f.data_offset = uint32_t(data_pos);
    return true;
  }

  bool Block(Batch& batch, uint32_t type, const uint8_t* b, uint32_t len, size_t pos, uint64_t off,
             Fault& fault) {
    const uint8_t* body = b + 8;
    size_t body_len = len - 12;
    switch (type) {
      case kSHB: {
        seen_shb_ = true;
        ++sections_;
        interfaces_.clear();
        MetaRecord& m = Meta(batch, "Section Header", shb_count_);
        m.Text("byteorder", big_ ? "big" : "little");
        m.Uint("version_major", Load16(body + 4, big_));
        m.Uint("version_minor", Load16(body + 6, big_));
        m.Int("section_length", int64_t(Load64(body + 8, big_)));
        Options(m, body + 16, body_len - 16, &PcapngParser::ShbOption);
        return true;
      }
      case kIDB: {
        if (body_len < 8) return Short(fault, "interface description", off);
        Interface& itf = interfaces_.emplace_back();
        itf.linktype = Load16(body, big_);
        itf.snaplen = Load32(body + 4, big_);
        MetaRecord& m = Meta(batch, "Interface Description", idb_count_);
        m.Uint("interface", interfaces_.size() - 1);
        m.Uint("linktype", itf.linktype);
        m.Uint("snaplen", itf.snaplen);
        Options(m, body + 8, body_len - 8, &PcapngParser::IdbOption);
        return true;
      }
      case kEPB:
      case kPB: {
        if (body_len < 20) return Short(fault, "packet", off);
        uint32_t if_id = type == kEPB ? Load32(body, big_) : Load16(body, big_);
        uint64_t ticks = uint64_t(Load32(body + 4, big_)) << 32 | Load32(body + 8, big_);
        uint32_t cap_len = Load32(body + 12, big_), wire_len = Load32(body + 16, big_);
        if (if_id >= interfaces_.size()) {
          fault.Set("packet block names interface " + std::to_string(if_id) +
                        " but the section has " + std::to_string(interfaces_.size()),
                    off + 8, next_number_);
          return false;
        }
        if (cap_len > body_len - 20) {
          fault.Set("captured length " + std::to_string(cap_len) + " exceeds its block", off + 20,
                    next_number_);
          return false;
        }
        return AddFrame(batch, if_id, ticks, cap_len, wire_len, pos + 28);
      }
      case kSPB: {
        if (body_len < 4) return Short(fault, "simple packet", off);
        if (interfaces_.empty()) {
          fault.Set("simple packet block in a section without interfaces", off, next_number_);
          return false;
        }
        uint32_t wire_len = Load32(body, big_);
        uint32_t cap_len = std::min<uint32_t>(wire_len, uint32_t(body_len - 4));
        if (interfaces_[0].snaplen != 0) cap_len = std::min(cap_len, interfaces_[0].snaplen);
        // No timestamp on the wire: the frame shows the epoch.
        return AddFrame(batch, 0, 0, cap_len, wire_len, pos + 12);
      }
      case kNRB: {
        MetaRecord& m = Meta(batch, "Name Resolution", nrb_count_);
        std::vector<std::string> records;
        size_t p = 0;
        while (p + 4 <= body_len) {
          uint16_t rtype = Load16(body + p, big_), rlen = Load16(body + p + 2, big_);
          if (rtype == 0) {
            p += 4;
            break;
          }
          if (p + 4 + rlen > body_len) {
            m.Text("records_error", "record overruns the block");
            p = body_len;
            break;
          }
          const uint8_t* v = body + p + 4;
          size_t alen = rtype == 1 ? 4 : rtype == 2 ? 16 : 0;
          if (alen != 0 && rlen > alen) {
            char addr[48];
            char* e = alen == 4 ? util::WriteIpv4(addr, v) : util::WriteIpv6(addr, v);
            std::string entry(addr, e);
            // Names follow the address, each NUL-terminated.
            size_t q = alen;
            while (q < rlen) {
              size_t z = q;
              while (z < rlen && v[z] != 0) ++z;
              if (z > q) {
                entry.push_back(' ');
                entry.append(reinterpret_cast<const char*>(v + q), z - q);
              }
              q = z + 1;
            }
            records.push_back(std::move(entry));
          } else {
            records.push_back("type " + std::to_string(rtype) + " " + util::Hex(v, rlen));
          }
          p += 4 + ((rlen + 3u) & ~3u);
        }
        m.TextList("records", std::move(records));
        if (p < body_len) Options(m, body + p, body_len - p, nullptr);
        return true;
      }
      case kISB: {
        if (body_len < 12) return Short(fault, "interface statistics", off);
        MetaRecord& m = Meta(batch, "Interface Statistics", isb_count_);
        uint32_t if_id = Load32(body, big_);
        m.Uint("interface", if_id);
        if (if_id < interfaces_.size()) {
          Timestamp t = Time(interfaces_[if_id],
                             uint64_t(Load32(body + 4, big_)) << 32 | Load32(body + 8, big_));
          m.Int("timestamp_sec", t.sec);
          m.Uint("timestamp_frac", t.frac);
        }
        Options(m, body + 12, body_len - 12, &PcapngParser::IsbOption);
        return true;
      }
      case kDSB: {
        if (body_len < 8) return Short(fault, "decryption secrets", off);
        MetaRecord& m = Meta(batch, "Decryption Secrets", dsb_count_);
        uint32_t stype = Load32(body, big_), slen = Load32(body + 4, big_);
        m.Uint("secrets_type", stype);
        m.Uint("secrets_len", slen);
        if (slen <= body_len - 8)
          Options(m, body + 8 + ((slen + 3u) & ~3u),
                  body_len - 8 - std::min<size_t>(body_len - 8, (slen + 3u) & ~3u), nullptr);
        return true;
      }
      case kCB:
      case kDCB: {
        MetaRecord& m = Meta(batch, "Custom", cb_count_);
        m.Bool("copyable", type == kCB);
        if (body_len >= 4) m.Uint("pen", Load32(body, big_));
        m.Uint("data_len", body_len >= 4 ? body_len - 4 : 0);
        return true;
      }
      case kJournal: {
        MetaRecord& m = Meta(batch, "systemd Journal Export", journal_count_);
        m.Uint("entry_len", body_len);
        return true;
      }
      default: {
        MetaRecord& m = Meta(batch, "Unknown", unknown_count_);
        m.Uint("block_type", type);
        m.Uint("block_len", len);
        return true;
      }
    }
  }

  bool Short(Fault& fault, const char* what, uint64_t off) {
    fault.Set(std::string(what) + " block too short for its fixed fields", off + 4, next_number_);
    return false;
  }

  bool big_ = false;
  bool seen_shb_ = false;
  uint64_t sections_ = 0;
  std::vector<Interface> interfaces_;
  uint64_t next_number_ = 1;
  uint64_t shb_count_ = 0, idb_count_ = 0, nrb_count_ = 0, isb_count_ = 0, dsb_count_ = 0,
           cb_count_ = 0, journal_count_ = 0, unknown_count_ = 0;
};

}  // namespace

std::unique_ptr<FormatParser> MakePcapngParser() {
  return std::make_unique<PcapngParser>();
}

}  // namespace pcapkit::capture
