#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterL2tp(Registry& registry);
}  // namespace pcapkit::protocols
