#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterTls(Registry& registry);
}  // namespace pcapkit::protocols
