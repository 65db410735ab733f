#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterHopopt(Registry& registry);
}  // namespace pcapkit::protocols
