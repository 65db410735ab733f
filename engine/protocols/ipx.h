#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterIpx(Registry& registry);
}  // namespace pcapkit::protocols
