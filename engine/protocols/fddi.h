#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterFddi(Registry& registry);
}  // namespace pcapkit::protocols
