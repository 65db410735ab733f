#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterEthernet(Registry& registry);
}  // namespace pcapkit::protocols
