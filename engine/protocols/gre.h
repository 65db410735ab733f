#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterGre(Registry& registry);
}  // namespace pcapkit::protocols
