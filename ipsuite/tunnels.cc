// Tunnel encoders carried by UDP: VXLAN (RFC 7348) and Geneve (RFC 8926).
#include "ipsuite/wire.h"

namespace pcapkit::ipsuite::wire {

Bytes Encode(const Vxlan& v, const Context&) {
  if (v.vni > 0xffffff) throw BuildError("ipsuite: VXLAN: vni above 24 bits");
  Bytes b;
  Put8(b, v.flags);
  Put8(b, 0);
  Put16(b, 0);
  Put32(b, v.vni << 8);
  return b;
}

Bytes Encode(const Geneve& g, const Context& c) {
  if (g.vni > 0xffffff) throw BuildError("ipsuite: Geneve: vni above 24 bits");
  if (g.options.size() % 4 != 0 || g.options.size() > 252)
    throw BuildError("ipsuite: Geneve: options are not a multiple of 4 bytes up to 252");
  Bytes b;
  Put8(b, uint8_t(g.version << 6 | (g.opt_len ? *g.opt_len : g.options.size()) / 4));
  Put8(b, uint8_t((g.oam ? 0x80 : 0) | (g.critical ? 0x40 : 0)));
  Put16(b, g.protocol ? *g.protocol : EtherTypeOf(c, "Geneve"));
  Put32(b, g.vni << 8);
  PutBytes(b, g.options);
  return b;
}

}  // namespace pcapkit::ipsuite::wire
