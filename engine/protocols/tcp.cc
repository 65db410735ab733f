// TCP (RFC 9293) with its options decoded by kind. The payload goes to the port table,
// lower port first (PyPCAPKit's rule); with nothing bound it stays `raw`. A malformed
// option ends the option list with an `error` entry but keeps the TCP layer: the fixed
// header is still sound.
#include "engine/protocols/common.h"
#include "engine/protocols/kind_length_options.h"

namespace pcapkit::protocols {
namespace {

// The layer's aux: it lies in the first fragment of a fragmented datagram, and that
// fragment ends inside its header.
constexpr uint32_t kInFirstFragment = 1, kHeaderCut = 2;

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  // A first fragment may end inside the header (tiny fragments put 8 bytes in it): the
  // next fragment holds the rest, so the layer stays as far as this one goes, its fields
  // from the ports on (tshark does the same).
  uint32_t hdr = len >= 13 ? uint32_t(p[12] >> 4) * 4 : 0;
  bool cut = len >= 4 && (len < 13 || (hdr >= 20 && hdr > len));
  if (out.within_first_fragment && cut) {
    Carry(out, len, len, Table::kNone, 0);
    out.aux = kInFirstFragment | kHeaderCut;
    return;
  }
  if (len < 20) {
    out.error = "TCP: header truncated";
    return;
  }
  if (hdr < 20) {
    out.error = "TCP: data offset below 20 bytes";
    return;
  }
  if (hdr > len) {
    out.error = "TCP: header length exceeds the captured bytes";
    return;
  }
  uint16_t sport = Be16(p), dport = Be16(p + 2);
  Carry(out, hdr, len, Table::kTcpPort, sport < dport ? sport : dport);
  out.next_key2 = sport < dport ? dport : sport;
  out.has_key2 = true;
  out.aux = out.within_first_fragment ? kInFirstFragment : 0;
}

const char* OptionName(uint8_t kind) {
  switch (kind) {
    case 0:
      return "EOL";
    case 1:
      return "NOP";
    case 2:
      return "MSS";
    case 3:
      return "WS";
    case 4:
      return "SACK_PERM";
    case 5:
      return "SACK";
    case 8:
      return "TS";
    case 19:
      return "MD5";
    case 28:
      return "UTO";
    case 29:
      return "AO";
    case 30:
      return "MPTCP";
    case 34:
      return "TFO";
    case 253:
    case 254:
      return "EXP";
    default:
      return "unknown";
  }
}

// Multipath TCP (RFC 8684): the subtype, and the fields of those decoded.
void WriteMptcp(const uint8_t* v, uint32_t vlen, Emitter& out) {
  static const char* const kSubtypes[] = {"MP_CAPABLE", "MP_JOIN",      "DSS",
                                          "ADD_ADDR",   "REMOVE_ADDR",  "MP_PRIO",
                                          "MP_FAIL",    "MP_FASTCLOSE", "MP_TCPRST"};
  uint8_t subtype = v[0] >> 4;
  out.Uint("subtype", subtype);
  if (subtype < 9) out.Plain("subtype_name", kSubtypes[subtype]);
  if (subtype == 0) {
    out.Uint("version", v[0] & 15);
    if (vlen >= 2) out.Uint("flags", v[1]);
    if (vlen >= 10) out.Hex("sender_key", v + 2, 8);
    if (vlen >= 18) out.Hex("receiver_key", v + 10, 8);
    // Version 1's data-level length and checksum, or whatever follows the keys.
    uint32_t used = vlen >= 18 ? 18 : vlen >= 10 ? 10 : vlen >= 2 ? 2 : 1;
    if (vlen > used) out.Hex("data", v + used, vlen - used);
    return;
  }
  if (v[0] & 15) out.Uint("subtype_bits", v[0] & 15);
  if (subtype == 2 && vlen >= 2) {
    out.Uint("flags", v[1]);
    out.Hex("data", v + 2, vlen - 2);
  } else if (subtype == 4) {
    out.BeginArray("address_ids");
    for (uint32_t i = 1; i < vlen; ++i) out.Uint({}, v[i]);
    out.EndArray();
  } else {
    out.Hex("data", v + 1, vlen - 1);
  }
}

void WriteOptionValue(uint8_t kind, const uint8_t* v, uint32_t vlen, Emitter& out) {
  if (kind == 2 && vlen == 2) {
    out.Uint("mss", Be16(v));
  } else if (kind == 3 && vlen == 1) {
    out.Uint("shift", v[0]);
  } else if (kind == 5 && vlen % 8 == 0) {
    out.BeginArray("blocks");
    for (uint32_t i = 0; i < vlen; i += 8) {
      out.BeginObject();
      out.Uint("left", Be32(v + i));
      out.Uint("right", Be32(v + i + 4));
      out.EndObject();
    }
    out.EndArray();
  } else if (kind == 8 && vlen == 8) {
    out.Uint("tsval", Be32(v));
    out.Uint("tsecr", Be32(v + 4));
  } else if (kind == 28 && vlen == 2) {
    out.Bool("granularity", (v[0] & 0x80) != 0);
    out.Uint("timeout", Be16(v) & 0x7fff);
  } else if (kind == 19 && vlen == 16) {
    out.Hex("signature", v, 16);
  } else if (kind == 29 && vlen >= 2) {  // TCP-AO (RFC 5925)
    out.Uint("key_id", v[0]);
    out.Uint("rnext_key_id", v[1]);
    out.Hex("mac", v + 2, vlen - 2);
  } else if (kind == 30 && vlen >= 1) {
    WriteMptcp(v, vlen, out);
  } else if (kind == 34) {  // TCP Fast Open cookie (RFC 7413)
    out.Hex("cookie", v, vlen);
  } else if (kind != 4 || vlen != 0) {
    out.Hex("data", v, vlen);
  }
}

void WriteFlags(const Tcp& tcp, Emitter& out) {
  out.BeginObject("flags");
  out.Bool("cwr", tcp.cwr());
  out.Bool("ece", tcp.ece());
  out.Bool("urg", tcp.urg());
  out.Bool("ack", tcp.ack_flag());
  out.Bool("psh", tcp.psh());
  out.Bool("rst", tcp.rst());
  out.Bool("syn", tcp.syn());
  out.Bool("fin", tcp.fin());
  out.EndObject();
}

Tcp View(const LayerContext& l) {
  return Tcp(l.p, l.length, l.hdr_len);
}

// Whether the layer holds the header's first `bytes`: always, but in a first fragment that
// ends inside the fixed header.
bool Holds(const LayerContext& l, uint32_t bytes) {
  return l.hdr_len >= bytes;
}

constexpr FieldSpec kFields[] = {
    {"srcport", kInt, "source port", "tcp.srcport",
     [](const LayerContext& l, Emitter& out) {
       if (Holds(l, 2)) out.Uint("srcport", View(l).srcport());
     }},
    {"dstport", kInt, "destination port", "tcp.dstport",
     [](const LayerContext& l, Emitter& out) {
       if (Holds(l, 4)) out.Uint("dstport", View(l).dstport());
     }},
    {"seq", kInt, "raw sequence number", "tcp.seq_raw",
     [](const LayerContext& l, Emitter& out) {
       if (Holds(l, 8)) out.Uint("seq", View(l).seq());
     }},
    {"ack", kInt, "raw acknowledgement number", "tcp.ack_raw",
     [](const LayerContext& l, Emitter& out) {
       if (Holds(l, 12)) out.Uint("ack", View(l).ack());
     }},
    {"hdr_len", kInt, "header length in bytes (data offset × 4)", "tcp.hdr_len",
     [](const LayerContext& l, Emitter& out) {
       if (Holds(l, 13)) out.Uint("hdr_len", View(l).hdr_len());
     }},
    {"flags", kObject, "the control bits", nullptr,
     [](const LayerContext& l, Emitter& out) {
       if (Holds(l, 14)) WriteFlags(View(l), out);
     }},
    {"flags.cwr", kBool, "congestion window reduced", "tcp.flags.cwr"},
    {"flags.ece", kBool, "ECN echo", "tcp.flags.ece"},
    {"flags.urg", kBool, "urgent pointer significant", "tcp.flags.urg"},
    {"flags.ack", kBool, "acknowledgement significant", "tcp.flags.ack"},
    {"flags.psh", kBool, "push", "tcp.flags.push"},
    {"flags.rst", kBool, "reset", "tcp.flags.reset"},
    {"flags.syn", kBool, "synchronize", "tcp.flags.syn"},
    {"flags.fin", kBool, "no more data", "tcp.flags.fin"},
    {"reserved", kInt,
     "the 4 bits between the data offset and the flags (AccECN's AE is the lowest); absent when "
     "0",
     nullptr,
     [](const LayerContext& l, Emitter& out) {
       if (uint8_t bits = Holds(l, 13) ? l.p[12] & 15 : 0) out.Uint("reserved", bits);
     }},
    {"window_size", kInt, "raw window field (not scaled)", "tcp.window_size_value",
     [](const LayerContext& l, Emitter& out) {
       if (Holds(l, 16)) out.Uint("window_size", View(l).window_size());
     }},
    {"checksum", kInt, "as on the wire", "tcp.checksum",
     [](const LayerContext& l, Emitter& out) {
       if (Holds(l, 18)) out.Uint("checksum", View(l).checksum());
     }},
    {"urgent_pointer", kInt, "urgent pointer, as on the wire", "tcp.urgent_pointer",
     [](const LayerContext& l, Emitter& out) {
       if (Holds(l, 20)) out.Uint("urgent_pointer", View(l).urgent_pointer());
     }},
    {"options", kList, "when the header has options: one entry per option", nullptr,
     [](const LayerContext& l, Emitter& out) {
       if (l.hdr_len > 20)
         WriteKindLengthOptions(l.p + 20, l.hdr_len - 20, "kind", OptionName, WriteOptionValue,
                                out);
     }},
    {"options[].kind", kInt, "option kind", "tcp.option_kind"},
    {"options[].name", kText,
     "EOL, NOP, MSS, WS, SACK_PERM, SACK, TS, MD5, UTO, AO, MPTCP, TFO, EXP (253, 254) or unknown",
     nullptr},
    {"options[].error", kText, "a bad option length: the list's last entry", nullptr},
    {"options[].rest", kHex,
     "with `error`: the option bytes from this entry to the end of the header", nullptr},
    {"options[].len", kInt, "bytes of the option, kind and length included (not for EOL, NOP)",
     "tcp.option_len"},
    {"options[].mss", kInt, "MSS: maximum segment size", "tcp.options.mss_val"},
    {"options[].shift", kInt, "WS: window scale shift count", "tcp.options.wscale.shift"},
    {"options[].blocks", kList, "SACK: the blocks", nullptr},
    {"options[].blocks[].left", kInt, "SACK: left edge", "tcp.options.sack_le"},
    {"options[].blocks[].right", kInt, "SACK: right edge", "tcp.options.sack_re"},
    {"options[].tsval", kInt, "TS: timestamp value", "tcp.options.timestamp.tsval"},
    {"options[].tsecr", kInt, "TS: timestamp echo reply", "tcp.options.timestamp.tsecr"},
    {"options[].granularity", kBool, "UTO: the timeout is in minutes (else seconds)",
     "tcp.options.user_to_granularity"},
    {"options[].timeout", kInt, "UTO: user timeout", "tcp.options.user_to_val"},
    {"options[].signature", kHex, "MD5: the signature", nullptr},
    {"options[].key_id", kInt, "AO: key id", nullptr},
    {"options[].rnext_key_id", kInt, "AO: receive-next key id", nullptr},
    {"options[].mac", kHex, "AO: message authentication code", nullptr},
    {"options[].subtype", kInt, "MPTCP: subtype", "tcp.options.mptcp.subtype"},
    {"options[].subtype_name", kText,
     "MPTCP: MP_CAPABLE, MP_JOIN, DSS, ADD_ADDR, REMOVE_ADDR, "
     "MP_PRIO, MP_FAIL, MP_FASTCLOSE or MP_TCPRST",
     nullptr},
    {"options[].subtype_bits", kInt,
     "MPTCP other than MP_CAPABLE: the low 4 bits of the first byte, absent when 0", nullptr},
    {"options[].version", kInt, "MPTCP MP_CAPABLE: version", "tcp.options.mptcp.version"},
    {"options[].flags", kInt, "MPTCP MP_CAPABLE, DSS: flags", "tcp.options.mptcp.flags"},
    {"options[].sender_key", kHex, "MPTCP MP_CAPABLE: sender's key", nullptr},
    {"options[].receiver_key", kHex, "MPTCP MP_CAPABLE: receiver's key", nullptr},
    {"options[].data", kHex,
     "the value of MPTCP DSS and other subtypes, MP_CAPABLE's bytes after its keys, and of "
     "unknown kinds (EXP for 253/254)",
     nullptr},
    {"options[].address_ids", kList, "MPTCP REMOVE_ADDR: the address ids", nullptr},
    {"options[].address_ids[]", kInt, "an address id", nullptr},
    {"options[].cookie", kHex, "TFO: the Fast Open cookie", nullptr},
    {"fragment", kBool,
     "present (true) when the segment lies in the first fragment of a fragmented IP datagram: "
     "the rest of its payload is in the later fragments",
     nullptr,
     [](const LayerContext& l, Emitter& out) {
       if (l.aux & kInFirstFragment) out.Bool("fragment", true);
     }},
    {"header_cut", kBool,
     "present (true) when that first fragment ends inside the header: the fields within it "
     "are written (from `srcport` on), `options` holds the options within it (the last may "
     "end in an `error` entry)",
     nullptr,
     [](const LayerContext& l, Emitter& out) {
       if (l.aux & kHeaderCut) out.Bool("header_cut", true);
     }},
};

void Write(const LayerContext& l, Emitter& out) {
  WriteMembers(kFields, l, out);
}

}  // namespace

const Registration kRegistration("tcp", [](Registry& r) {
  r.Add({.id = ProtocolId::kTcp,
         .name = "TCP",
         .key = "tcp",
         .layer = LayerLevel::kTransport,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "A malformed option ends `options` with an entry carrying `error`; the TCP "
                    "layer itself stays, its fixed header being sound. The payload is looked up "
                    "by port, lower port first (PyPCAPKit's rule); when no port names a "
                    "protocol, content detection tries HTTP/1.x, TLS and HTTP/2 in turn; what is "
                    "left is `raw`. In the first fragment of a fragmented datagram the segment "
                    "is marked `fragment`; when that fragment ends inside the header (4 bytes or "
                    "more), the fields and options within it are written (`header_cut`), not "
                    "`raw`."},
        {{Table::kIpProto, 6}});
});

}  // namespace pcapkit::protocols
