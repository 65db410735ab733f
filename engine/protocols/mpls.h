#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterMpls(Registry& registry);
}  // namespace pcapkit::protocols
