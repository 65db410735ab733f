#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterGeneve(Registry& registry);
}  // namespace pcapkit::protocols
