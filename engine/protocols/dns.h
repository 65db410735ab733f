#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterDns(Registry& registry);
}  // namespace pcapkit::protocols
