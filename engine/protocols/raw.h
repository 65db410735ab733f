#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterRaw(Registry& registry);
}  // namespace pcapkit::protocols
