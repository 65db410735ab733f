#pragma once

namespace pcapkit::protocols {
class Registry;
void RegisterIpv6Opts(Registry& registry);
}  // namespace pcapkit::protocols
