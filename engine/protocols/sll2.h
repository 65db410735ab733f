#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterSll2(Registry& registry);
}  // namespace pcapkit::protocols
