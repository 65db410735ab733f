#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterRawIp(Registry& registry);
}  // namespace pcapkit::protocols
