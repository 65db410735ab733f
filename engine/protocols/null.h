#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterNull(Registry& registry);
}  // namespace pcapkit::protocols
