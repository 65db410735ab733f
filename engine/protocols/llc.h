#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterLlc(Registry& registry);
}  // namespace pcapkit::protocols
