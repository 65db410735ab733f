#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterIcmpv6(Registry& registry);
}  // namespace pcapkit::protocols
