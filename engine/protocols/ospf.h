#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterOspf(Registry& registry);
}  // namespace pcapkit::protocols
