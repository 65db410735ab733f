#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterFtp(Registry& registry);
}  // namespace pcapkit::protocols
