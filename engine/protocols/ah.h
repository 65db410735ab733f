#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterAh(Registry& registry);
}  // namespace pcapkit::protocols
