#!/usr/bin/env bash
# Install everything pcapkit needs to build, test and benchmark on Debian 12.
# Idempotent: prints nothing and touches nothing when every package is already there.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config python3 clang-tidy time
  libtbb-dev libboost-dev libspdlog-dev nlohmann-json3-dev libpugixml-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpcap-dev zlib1g-dev libzstd-dev libbrotli-dev libnghttp2-dev libssl-dev libsimdjson-dev
  tshark help2man python3-jsonschema python3-dpkt python3-scapy jq
  pybind11-dev python3-dev python3-pytest python3-numpy python3-pandas python3-dask
  python3-distributed
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture; answer once, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
