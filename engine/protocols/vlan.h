#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterVlan(Registry& registry);
}  // namespace pcapkit::protocols
