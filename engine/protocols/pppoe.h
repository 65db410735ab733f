#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterPppoe(Registry& registry);
}  // namespace pcapkit::protocols
