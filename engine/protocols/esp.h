#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterEsp(Registry& registry);
}  // namespace pcapkit::protocols
