#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterPpp(Registry& registry);
}  // namespace pcapkit::protocols
