#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterUdp(Registry& registry);
}  // namespace pcapkit::protocols
