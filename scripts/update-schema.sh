#!/usr/bin/env bash
# Regenerates docs/schema.md's protocol sections from the protocols' field tables (each
# protocol's source file in engine/protocols), after building pcapkit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
python3 tests/docs/schema_doc.py --pcapkit build/pcapkit --doc docs/schema.md --write
