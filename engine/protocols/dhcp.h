#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterDhcp(Registry& registry);
}  // namespace pcapkit::protocols
