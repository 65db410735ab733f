#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterIpv6Frag(Registry& registry);
}  // namespace pcapkit::protocols
