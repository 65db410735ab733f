#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterIcmp(Registry& registry);
}  // namespace pcapkit::protocols
