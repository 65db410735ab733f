#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterHttp(Registry& registry);
}  // namespace pcapkit::protocols
