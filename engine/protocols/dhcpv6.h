#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterDhcpv6(Registry& registry);
}  // namespace pcapkit::protocols
