// The version `pcapkit --version` prints and `pcapkit bench` puts in its header.
#pragma once

namespace pcapkit::cli {

inline constexpr const char* kVersion = "pcapkit 0.1.0";

}  // namespace pcapkit::cli
