// pcapng (draft-ietf-opsawg-pcapng): sections in either byte order, interfaces with their
// own link type, resolution and offset; every block type is reported or skipped by its
// length, and only packet blocks (EPB, SPB, obsolete PB) become frames.
#include <cstdio>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/capture/format_parser.h"
#include "engine/capture/pcapng_options.h"
#include "engine/util/hex.h"
#include "engine/util/tlv.h"

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
  InterfaceInfo* info = nullptr;  // its names, for the frames' records (null past the budget)
};

// Interface names are kept for the frames as long as the reader lives (a frame points at
// its interface's): at most this many, so a file of endless interface blocks cannot grow
// the reader without bound; frames of later interfaces have no names.
constexpr size_t kMaxInterfaceInfos = 1 << 16;

// Packet data is padded to 4 bytes in its block; options follow.
uint32_t Pad4(uint32_t n) {
  return uint32_t((uint64_t(n) + 3) & ~uint64_t(3));
}

std::string Printable(const uint8_t* p, size_t n) {
  while (n > 0 && p[n - 1] == 0) --n;  // some writers count a trailing NUL
  return std::string(reinterpret_cast<const char*>(p), n);
}

class PcapngParser : public FormatParser {
 public:
  Status Parse(Batch& batch, size_t begin, size_t end, uint64_t stream_offset,
               size_t* consumed) override {
    size_t pos = begin;
    *consumed = 0;
    while (end - pos >= 12) {
      const uint8_t* b = batch.base + pos;
      uint64_t off = stream_offset + (pos - begin);
      uint32_t type = 0, len = 0;
      Status s = Framing(b, off, &type, &len);
      if (!s.ok()) return s;
      if (end - pos < len) break;  // wait for the rest of the block
      if (Load32(b + len - 4, big_) != len)
        return Fault("block length " + std::to_string(len) + " does not match its trailer " +
                         std::to_string(Load32(b + len - 4, big_)),
                     off + len - 4);
      s = Block(batch, {type, b + 8, len - 12u, pos, off});
      if (!s.ok()) return s;
      pos += len;
      *consumed = pos - begin;
    }
    return Status::Ok();
  }

  Status Truncated(const uint8_t* p, size_t remaining, uint64_t offset) override {
    if (remaining < 12)
      return Fault("truncated block header (" + std::to_string(remaining) + " of 12 bytes)",
                   offset);
    return Fault("truncated block: " + std::to_string(Load32(p + 4, big_)) + " bytes declared, " +
                     std::to_string(remaining) + " present",
                 offset);
  }

 private:
  // A block as the parser met it: its type, its body (between the length fields), where.
  struct BlockView {
    uint32_t type;
    const uint8_t* body;
    uint32_t body_len;
    size_t pos;    // of the block, from the batch's base
    uint64_t off;  // of the block, in the stream
  };

  Status Fault(std::string message, uint64_t offset) const {
    return Status::CorruptInput(std::move(message), next_number_, offset);
  }

  // The block header at `b`: its type (a section header also sets the byte order) and a
  // length that can be a block's.
  Status Framing(const uint8_t* b, uint64_t off, uint32_t* type, uint32_t* len) {
    *type = Load32(b, big_);
    if (*type == kSHB || Load32(b, false) == kSHB) {
      // A new section sets its own byte order from its byte-order magic.
      uint32_t bom = Load32(b + 8, false);
      if (bom != 0x1A2B3C4D && bom != 0x4D3C2B1A)
        return Fault("bad section header byte-order magic", off + 8);
      big_ = bom == 0x4D3C2B1A;
      *type = kSHB;
    } else if (!seen_shb_) {
      return Fault("pcapng file does not start with a section header", off);
    }
    *len = Load32(b + 4, big_);
    if (*len < 12 || *len % 4 != 0 || *len > max_record_bytes_ || (*type == kSHB && *len < 28))
      return Fault("impossible block length " + std::to_string(*len) + " (block type 0x" +
                       util::Hex(b, 4) + ")",
                   off + 4);
    return Status::Ok();
  }

  MetaRecord& Meta(Batch& batch, MetaRecord::Kind kind) {
    MetaRecord& m = batch.metas.emplace_back();
    m.kind = kind;
    m.ordinal = ++counts_[size_t(kind)];
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
    util::TlvCursor options(p, uint32_t(n), TlvLayoutOf(big_));
    util::TlvEntry o;
    while (options.Next(o) && o.error == util::TlvError::kNone && o.type != kEndOfList) {
      uint16_t code = uint16_t(o.type), len = uint16_t(o.value_len);
      if (known == nullptr || !(this->*known)(m, code, o.value, len))
        CommonOption(m, code, o.value, len, comments);
    }
    bool ok = options.error() == util::TlvError::kNone;
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
        if (itf.info != nullptr) itf.info->name = Printable(v, len);
        m.Text("if_name", Printable(v, len));
        return true;
      case 3:
        if (itf.info != nullptr) itf.info->description = Printable(v, len);
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

  // `options_len`: the packet block's option bytes after the padded data (EPB, PB).
  void AddFrame(Batch& batch, uint32_t if_id, uint64_t ticks, uint32_t cap_len, uint32_t len,
                size_t data_pos, uint32_t options_len = 0) {
    const Interface& itf = interfaces_[if_id];
    FrameRecord& f = batch.frames.emplace_back();
    f.number = next_number_++;
    f.time = Time(itf, ticks);
    f.cap_len = cap_len;
    f.len = len;
    f.interface = if_id;
    f.linktype = itf.linktype;
    f.data_offset = uint32_t(data_pos);
    f.section = uint32_t(sections_);
    f.interface_info = itf.info;
    f.options_at = Pad4(cap_len);
    f.options_len = options_len;
    f.options_big_endian = big_;
  }

  Status Block(Batch& batch, const BlockView& b) {
    switch (b.type) {
      case kSHB:
        SectionHeader(batch, b);
        return Status::Ok();
      case kIDB:
        return InterfaceDescription(batch, b);
      case kEPB:
      case kPB:
        return Packet(batch, b);
      case kSPB:
        return SimplePacket(batch, b);
      case kNRB:
        NameResolution(batch, b);
        return Status::Ok();
      case kISB:
        return InterfaceStatistics(batch, b);
      case kDSB:
        return DecryptionSecrets(batch, b);
      case kCB:
      case kDCB: {
        MetaRecord& m = Meta(batch, MetaRecord::Kind::kCustom);
        m.Bool("copyable", b.type == kCB);
        if (b.body_len >= 4) m.Uint("pen", Load32(b.body, big_));
        m.Uint("data_len", b.body_len >= 4 ? b.body_len - 4 : 0);
        return Status::Ok();
      }
      case kJournal:
        Meta(batch, MetaRecord::Kind::kJournalExport).Uint("entry_len", b.body_len);
        return Status::Ok();
      default: {
        MetaRecord& m = Meta(batch, MetaRecord::Kind::kUnknown);
        m.Uint("block_type", b.type);
        m.Uint("block_len", b.body_len + 12u);
        return Status::Ok();
      }
    }
  }

  void SectionHeader(Batch& batch, const BlockView& b) {
    seen_shb_ = true;
    ++sections_;
    interfaces_.clear();
    MetaRecord& m = Meta(batch, MetaRecord::Kind::kSectionHeader);
    m.Text("byteorder", big_ ? "big" : "little");
    m.Uint("version_major", Load16(b.body + 4, big_));
    m.Uint("version_minor", Load16(b.body + 6, big_));
    m.Int("section_length", int64_t(Load64(b.body + 8, big_)));
    Options(m, b.body + 16, b.body_len - 16, &PcapngParser::ShbOption);
  }

  Status InterfaceDescription(Batch& batch, const BlockView& b) {
    if (b.body_len < 8) return Short("interface description", b.off);
    Interface& itf = interfaces_.emplace_back();
    if (infos_.size() < kMaxInterfaceInfos) itf.info = &infos_.emplace_back();
    itf.linktype = Load16(b.body, big_);
    itf.snaplen = Load32(b.body + 4, big_);
    MetaRecord& m = Meta(batch, MetaRecord::Kind::kInterfaceDescription);
    m.Uint("interface", interfaces_.size() - 1);
    m.Uint("linktype", itf.linktype);
    m.Uint("snaplen", itf.snaplen);
    Options(m, b.body + 8, b.body_len - 8, &PcapngParser::IdbOption);
    m.linktype = itf.linktype;
    m.snaplen = itf.snaplen;
    m.ts_digits = Time(itf, 0).digits;
    return Status::Ok();
  }

  // Enhanced and obsolete packet blocks.
  Status Packet(Batch& batch, const BlockView& b) {
    if (b.body_len < 20) return Short("packet", b.off);
    uint32_t if_id = b.type == kEPB ? Load32(b.body, big_) : Load16(b.body, big_);
    uint64_t ticks = uint64_t(Load32(b.body + 4, big_)) << 32 | Load32(b.body + 8, big_);
    uint32_t cap_len = Load32(b.body + 12, big_), wire_len = Load32(b.body + 16, big_);
    if (if_id >= interfaces_.size())
      return Fault("packet block names interface " + std::to_string(if_id) +
                       " but the section has " + std::to_string(interfaces_.size()),
                   b.off + 8);
    if (cap_len > b.body_len - 20)
      return Fault("captured length " + std::to_string(cap_len) + " exceeds its block", b.off + 20);
    uint32_t padded = Pad4(cap_len);
    uint32_t options = b.body_len - 20 > padded ? b.body_len - 20 - padded : 0;
    AddFrame(batch, if_id, ticks, cap_len, wire_len, b.pos + 28, options);
    return Status::Ok();
  }

  Status SimplePacket(Batch& batch, const BlockView& b) {
    if (b.body_len < 4) return Short("simple packet", b.off);
    if (interfaces_.empty())
      return Fault("simple packet block in a section without interfaces", b.off);
    uint32_t wire_len = Load32(b.body, big_);
    uint32_t cap_len = std::min<uint32_t>(wire_len, b.body_len - 4);
    if (interfaces_[0].snaplen != 0) cap_len = std::min(cap_len, interfaces_[0].snaplen);
    // No timestamp on the wire: the frame shows the epoch.
    AddFrame(batch, 0, 0, cap_len, wire_len, b.pos + 12);
    return Status::Ok();
  }

  void NameResolution(Batch& batch, const BlockView& b) {
    MetaRecord& m = Meta(batch, MetaRecord::Kind::kNameResolution);
    std::vector<std::string> records;
    util::TlvCursor cursor(b.body, b.body_len, TlvLayoutOf(big_));
    util::TlvEntry r;
    while (cursor.Next(r) && r.type != kEndOfList) {
      if (r.error != util::TlvError::kNone) {
        m.Text("records_error", "record overruns the block");
        break;
      }
      records.push_back(NameRecord(uint16_t(r.type), r.value, uint16_t(r.value_len)));
    }
    m.TextList("records", std::move(records));
    // Options follow the records' end marker (none after a record that overran).
    if (cursor.error() == util::TlvError::kNone && cursor.offset() < b.body_len)
      Options(m, b.body + cursor.offset(), b.body_len - cursor.offset(), nullptr);
  }

  // "address name..." for an IPv4 or IPv6 record; "type N hex" for any other.
  static std::string NameRecord(uint16_t rtype, const uint8_t* v, uint16_t rlen) {
    size_t alen = rtype == 1 ? 4 : rtype == 2 ? 16 : 0;
    if (alen == 0 || rlen <= alen)
      return "type " + std::to_string(rtype) + " " + util::Hex(v, rlen);
    char addr[48];
    char* e = alen == 4 ? util::WriteIpv4(addr, v) : util::WriteIpv6(addr, v);
    std::string entry(addr, e);
    // Names follow the address, each NUL-terminated.
    for (size_t q = alen; q < rlen;) {
      size_t z = q;
      while (z < rlen && v[z] != 0) ++z;
      if (z > q) {
        entry.push_back(' ');
        entry.append(reinterpret_cast<const char*>(v + q), z - q);
      }
      q = z + 1;
    }
    return entry;
  }

  Status InterfaceStatistics(Batch& batch, const BlockView& b) {
    if (b.body_len < 12) return Short("interface statistics", b.off);
    MetaRecord& m = Meta(batch, MetaRecord::Kind::kInterfaceStatistics);
    uint32_t if_id = Load32(b.body, big_);
    m.Uint("interface", if_id);
    if (if_id < interfaces_.size()) {
      Timestamp t = Time(interfaces_[if_id],
                         uint64_t(Load32(b.body + 4, big_)) << 32 | Load32(b.body + 8, big_));
      m.Int("timestamp_sec", t.sec);
      m.Uint("timestamp_frac", t.frac);
    }
    Options(m, b.body + 12, b.body_len - 12, &PcapngParser::IsbOption);
    return Status::Ok();
  }

  Status DecryptionSecrets(Batch& batch, const BlockView& b) {
    if (b.body_len < 8) return Short("decryption secrets", b.off);
    MetaRecord& m = Meta(batch, MetaRecord::Kind::kDecryptionSecrets);
    uint32_t stype = Load32(b.body, big_), slen = Load32(b.body + 4, big_);
    m.Uint("secrets_type", stype);
    m.Uint("secrets_len", slen);
    size_t padded = (size_t(slen) + 3u) & ~size_t(3);
    if (slen <= b.body_len - 8)
      Options(m, b.body + 8 + padded, b.body_len - 8 - std::min<size_t>(b.body_len - 8, padded),
              nullptr);
    return Status::Ok();
  }

  Status Short(const char* what, uint64_t off) const {
    return Fault(std::string(what) + " block too short for its fixed fields", off + 4);
  }

  bool big_ = false;
  bool seen_shb_ = false;
  uint64_t sections_ = 0;
  std::vector<Interface> interfaces_;
  std::deque<InterfaceInfo> infos_;  // every interface's names, at stable addresses
  uint64_t counts_[size_t(MetaRecord::Kind::kUnknown) + 1] = {};  // records per kind
};

}  // namespace

std::unique_ptr<FormatParser> MakePcapngParser() {
  return std::make_unique<PcapngParser>();
}

}  // namespace pcapkit::capture
