#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterIpv6Route(Registry& registry);
}  // namespace pcapkit::protocols
