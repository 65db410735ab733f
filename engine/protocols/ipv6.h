#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterIpv6(Registry& registry);
}  // namespace pcapkit::protocols
