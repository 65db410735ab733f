#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterHip(Registry& registry);
}  // namespace pcapkit::protocols
