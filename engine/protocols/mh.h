#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterMh(Registry& registry);
}  // namespace pcapkit::protocols
