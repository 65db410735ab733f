#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterVxlan(Registry& registry);
}  // namespace pcapkit::protocols
