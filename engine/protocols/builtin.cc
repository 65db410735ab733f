#include "engine/protocols/builtin.h"

#include "engine/protocols/ah.h"
#include "engine/protocols/arp.h"
#include "engine/protocols/chdlc.h"
#include "engine/protocols/fddi.h"
#include "engine/protocols/dhcp.h"
#include "engine/protocols/dhcpv6.h"
#include "engine/protocols/dns.h"
#include "engine/protocols/esp.h"
#include "engine/protocols/ethernet.h"
#include "engine/protocols/ftp.h"
#include "engine/protocols/geneve.h"
#include "engine/protocols/gre.h"
#include "engine/protocols/hip.h"
#include "engine/protocols/hopopt.h"
#include "engine/protocols/http.h"
#include "engine/protocols/http2.h"
#include "engine/protocols/icmp.h"
#include "engine/protocols/icmpv6.h"
#include "engine/protocols/ipv4.h"
#include "engine/protocols/ipv6.h"
#include "engine/protocols/ipv6_frag.h"
#include "engine/protocols/ipv6_opts.h"
#include "engine/protocols/ipv6_route.h"
#include "engine/protocols/ipx.h"
#include "engine/protocols/l2tp.h"
#include "engine/protocols/llc.h"
#include "engine/protocols/mh.h"
#include "engine/protocols/mpls.h"
#include "engine/protocols/null.h"
#include "engine/protocols/ospf.h"
#include "engine/protocols/ppp.h"
#include "engine/protocols/pppoe.h"
#include "engine/protocols/raw.h"
#include "engine/protocols/raw_ip.h"
#include "engine/protocols/sll.h"
#include "engine/protocols/sll2.h"
#include "engine/protocols/tcp.h"
#include "engine/protocols/tls.h"
#include "engine/protocols/udp.h"
#include "engine/protocols/vlan.h"
#include "engine/protocols/vxlan.h"

namespace pcapkit::protocols {

void RegisterBuiltinProtocols(Registry& r) {
  RegisterRaw(r);
  RegisterEthernet(r);
  RegisterLlc(r);
  RegisterVlan(r);
  RegisterArp(r);
  RegisterSll(r);
  RegisterSll2(r);
  RegisterNull(r);
  RegisterRawIp(r);
  RegisterIpv4(r);
  RegisterIpv6(r);
  RegisterHopopt(r);
  RegisterIpv6Opts(r);
  RegisterIpv6Route(r);
  RegisterIpv6Frag(r);
  RegisterAh(r);
  RegisterEsp(r);
  RegisterIcmp(r);
  RegisterIcmpv6(r);
  RegisterTcp(r);
  RegisterUdp(r);
  RegisterGre(r);
  RegisterMpls(r);
  RegisterPppoe(r);
  RegisterPpp(r);
  RegisterChdlc(r);
  RegisterFddi(r);
  RegisterVxlan(r);
  RegisterGeneve(r);
  RegisterDns(r);
  RegisterHttp(r);
  RegisterTls(r);
  RegisterHttp2(r);  // after HTTP/1.x and TLS: its chain test is the loosest
  RegisterDhcp(r);
  RegisterFtp(r);
  RegisterL2tp(r);
  RegisterOspf(r);
  RegisterIpx(r);
  RegisterHip(r);
  RegisterMh(r);
  RegisterDhcpv6(r);
}

}  // namespace pcapkit::protocols
