// The list of protocols compiled into pcapkit. Each protocol lives in its own file pair
// and binds itself into the registry's tables; adding one adds a line here and touches no
// other protocol.
#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterBuiltinProtocols(Registry& registry);
}  // namespace pcapkit::protocols
