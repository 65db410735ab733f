#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterTcp(Registry& registry);
}  // namespace pcapkit::protocols
