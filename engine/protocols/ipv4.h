#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterIpv4(Registry& registry);
}  // namespace pcapkit::protocols
