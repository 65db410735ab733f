// What every dissector file includes: the registry, the emitter and big-endian loads.
#pragma once

#include "engine/protocols/names.h"
#include "engine/protocols/registry.h"
#include "pcapkit/emitter.h"
#include "pcapkit/layers.h"

namespace pcapkit::protocols {
using wire::Be16;
using wire::Be32;

// Linux's ETH_P_802_3 and ETH_P_802_2: the EtherType-table keys for frames whose type
// field is a length (Novell raw 802.3 and LLC). SLL uses the same numbers on the wire.
constexpr uint32_t kEtherKeyNovellRaw = 0x0001;
constexpr uint32_t kEtherKeyLlc = 0x0004;

// Fills `out` for a payload carried after `hdr_len` bytes of `len`.
inline void Carry(DissectResult& out, uint32_t hdr_len, uint32_t len, Table table, uint32_t key) {
  out.hdr_len = hdr_len;
  out.payload_len = len - hdr_len;
  out.next_table = table;
  out.next_key = key;
}
}  // namespace pcapkit::protocols
