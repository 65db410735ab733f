#!/usr/bin/env bash
# The first README command: install what is missing, build, make the bundled sample
# capture and extract it — JSON report to sample/out.json, NDJSON records on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p sample
python3 examples/make_sample.py sample/sample.pcap
./build/pcapkit extract sample/sample.pcap -o sample/out.json -v
echo "--- NDJSON of the same capture:"
./build/pcapkit extract sample/sample.pcap -f ndjson -o -
