#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterChdlc(Registry& registry);
}  // namespace pcapkit::protocols
