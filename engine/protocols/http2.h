#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterHttp2(Registry& registry);
}  // namespace pcapkit::protocols
