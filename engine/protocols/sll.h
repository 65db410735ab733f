#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterSll(Registry& registry);
}  // namespace pcapkit::protocols
