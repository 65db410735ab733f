#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterArp(Registry& registry);
}  // namespace pcapkit::protocols
