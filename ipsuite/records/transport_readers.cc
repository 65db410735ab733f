// Transport-layer records back to layers: TCP with its options, UDP.
#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {
namespace {

// Multipath TCP's value from its subtype's members (engine/protocols/tcp.cc's WriteMptcp).
// The low nibble of the first byte is kept for MP_CAPABLE (the version) only: the record
// has it nowhere else, so it is 0 elsewhere.
Bytes MptcpValue(FieldReader& o) {
  Bytes v;
  uint8_t subtype = uint8_t(o.Uint("subtype", 15));
  if (subtype == 0) {
    Put8(v, uint8_t(subtype << 4 | o.Uint("version", 15)));
    if (o.Has("flags")) Put8(v, o.U8("flags"));
    if (o.Has("sender_key")) PutBytes(v, o.Hex("sender_key"));
    if (o.Has("receiver_key")) PutBytes(v, o.Hex("receiver_key"));
  } else if (subtype == 2 && o.Has("flags")) {
    Put8(v, uint8_t(subtype << 4));
    Put8(v, o.U8("flags"));
    PutBytes(v, o.Hex("data"));
  } else if (subtype == 4) {
    Put8(v, uint8_t(subtype << 4));
    o.EachUint("address_ids", [&](uint64_t id) { Put8(v, uint8_t(id)); });
  } else {
    Put8(v, uint8_t(subtype << 4));
    PutBytes(v, o.Hex("data"));
  }
  return v;
}

// A TCP option's data from the members its kind decodes into (the inverse of
// engine/protocols/tcp.cc); `data` where the record kept the bytes.
Bytes TcpOptionValue(uint8_t kind, FieldReader& o) {
  Bytes v;
  if (kind == 30 && o.Has("subtype")) {
    v = MptcpValue(o);
  } else if (o.Has("data")) {
    v = o.Hex("data");
  } else if (kind == 2) {
    Put16(v, o.U16("mss"));
  } else if (kind == 3) {
    Put8(v, o.U8("shift"));
  } else if (kind == 5) {
    o.EachObject("blocks", [&](FieldReader& b) {
      Put32(v, b.U32("left"));
      Put32(v, b.U32("right"));
    });
  } else if (kind == 8) {
    Put32(v, o.U32("tsval"));
    Put32(v, o.U32("tsecr"));
  } else if (kind == 28) {
    Put16(v, uint16_t((o.Bool("granularity") ? 0x8000 : 0) | o.Uint("timeout", 0x7fff)));
  } else if (kind == 19) {
    v = o.Hex("signature");
  } else if (kind == 29) {
    Put8(v, o.U8("key_id"));
    Put8(v, o.U8("rnext_key_id"));
    PutBytes(v, o.Hex("mac"));
  } else if (kind == 34 && o.Has("cookie")) {
    v = o.Hex("cookie");
  }
  return v;
}

void ReadTcp(FieldReader& f, Packet& p) {
  FieldReader flags = f.Object("flags");
  uint8_t bits = 0;
  const char* names[] = {"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr"};
  for (int i = 0; i < 8; ++i)
    if (flags.Bool(names[i])) bits |= uint8_t(1 << i);
  Tcp tcp{.srcport = f.U16("srcport"),
          .dstport = f.U16("dstport"),
          .seq = f.U32("seq"),
          .ack = f.U32("ack"),
          .flags = bits,
          .window_size = f.U16("window_size"),
          .urgent_pointer = f.U16("urgent_pointer")};
  if (f.Has("options")) tcp.options = ReadKindLengthOptions(f, "kind", TcpOptionValue);
  tcp.hdr_len = uint8_t(f.Uint("hdr_len", 60));
  tcp.checksum = f.U16("checksum");
  p.Append(std::move(tcp));
}

void ReadUdp(FieldReader& f, Packet& p) {
  p.Append(Udp{.srcport = f.U16("srcport"),
               .dstport = f.U16("dstport"),
               .len = f.U16("len"),
               .checksum = f.U16("checksum")});
}

constexpr LayerReader kReaders[] = {
    {"tcp", ReadTcp},
    {"udp", ReadUdp},
};

}  // namespace

std::span<const LayerReader> TransportReaders() {
  return kReaders;
}

}  // namespace pcapkit::ipsuite::records
