#!/usr/bin/env bash
# End-to-end throughput of `pcapkit extract` on the generated mixed capture, for each
# strategy: packets/s, MB/s (capture bytes) and peak RSS, median of RUNS runs, page cache
# warm. THREADS (default: the core count) sets --threads of server and pipeline.
#   bench/e2e.sh [PACKETS]   (default 1000000; the capture is made once in $BENCH_DIR)
# PCAPKIT_BIN picks the binary (default build/pcapkit), e.g. an older build measured in the
# same sitting. TRACE_DIR (default $BENCH_DIR/trace) is where the trace rows write; file
# creation costs differ much between file systems (try /dev/shm). The read(2) floor (a loop that only reads the records) is measured first
# when the shared bench folder has it: `extract --nofile` is compared with it.
set -euo pipefail
cd "$(dirname "$0")/.."
packets=${1:-1000000}
runs=${RUNS:-5}
dir=${BENCH_DIR:-/tmp/pcapkit-bench}
gen=../shared/bench/gen_capture.py
bin=${PCAPKIT_BIN:-./build/pcapkit}
mkdir -p "$dir"
cap="$dir/mix-$packets.pcap"
if [ ! -f "$cap" ]; then
  [ -f "$gen" ] || { echo "SKIP: $gen not found"; exit 0; }
  python3 "$gen" --packets "$packets" --seed 1 --out "$cap"
fi
bytes=$(stat -c %s "$cap")
cat "$cap" > /dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "capture: $cap ($packets packets, $bytes bytes)"
printf '%-48s %12s %10s %10s\n' "command" "packets/s" "MB/s" "peak RSS"
measure() {
  local label=$1
  shift
  local times=()
  local rss=0
  for _ in $(seq "$runs"); do
    [ -z "${BEFORE:-}" ] || eval "$BEFORE"  # untimed set-up (a fresh trace folder)
    local out
    out=$( { /usr/bin/time -f '%e %M' "$@" > /dev/null; } 2>&1 | tail -1)
    times+=("${out% *}")
    rss=${out#* }
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  python3 - "$label" "$median" "$packets" "$bytes" "$rss" <<'PY'
import sys
label, t, n, b, rss = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
t = max(t, 1e-3)
print(f"{label:<48} {n / t / 1e6:>10.2f} M {b / t / 1e6:>10.0f} {rss / 1024:>7.1f} MiB")
PY
}
threads=${THREADS:-$(nproc)}
if [ -f ../shared/bench/floor.c ]; then
  cc -O2 -o "$dir/floor" ../shared/bench/floor.c
  measure "read(2) floor (reads every record, no parsing)" "$dir/floor" read "$cap"
fi
measure "extract --nofile" $bin extract "$cap" --nofile
measure "extract --nofile -E pipeline --threads $threads" $bin extract "$cap" --nofile -E pipeline --threads "$threads"
measure "extract -f ndjson -o /dev/null" $bin extract "$cap" -f ndjson -o /dev/null
measure "  ... -E server --threads $threads" $bin extract "$cap" -f ndjson -o /dev/null -E server --threads "$threads"
measure "  ... -E pipeline --threads $threads" $bin extract "$cap" -f ndjson -o /dev/null -E pipeline --threads "$threads"
csv=(-f csv -e number -e time_epoch -e ipv4.src -e ipv4.dst -e tcp.srcport -e tcp.dstport -o /dev/null)
measure "extract -f csv -e (6 fields) -o /dev/null" $bin extract "$cap" "${csv[@]}"
measure "  ... -E pipeline --threads $threads" $bin extract "$cap" "${csv[@]}" -E pipeline --threads "$threads"
measure "extract -f json -o /dev/null -E pipeline" $bin extract "$cap" -f json -o /dev/null -E pipeline --threads "$threads"
measure "extract --nofile --reassemble ipv4,ipv6,tcp" $bin extract "$cap" --nofile --reassemble ipv4,ipv6,tcp
measure "  ... -E pipeline --threads $threads" $bin extract "$cap" --nofile --reassemble ipv4,ipv6,tcp -E pipeline --threads "$threads"
measure "  ... -E server --threads $threads" $bin extract "$cap" --nofile --reassemble ipv4,ipv6,tcp -E server --threads "$threads"
measure "flows -f ndjson -o /dev/null" $bin flows "$cap" -q -f ndjson -o /dev/null
measure "  ... -E pipeline --threads $threads" $bin flows "$cap" -q -f ndjson -o /dev/null -E pipeline --threads "$threads"
measure "extract --flow-id -f ndjson -o /dev/null" $bin extract "$cap" --flow-id -f ndjson -o /dev/null
measure "  ... -E pipeline --threads $threads" $bin extract "$cap" --flow-id -f ndjson -o /dev/null -E pipeline --threads "$threads"
measure "analyse -f ndjson -o /dev/null" $bin analyse "$cap" -q -f ndjson -o /dev/null
measure "  ... -E pipeline --threads $threads" $bin analyse "$cap" -q -f ndjson -o /dev/null -E pipeline --threads "$threads"
trace=${TRACE_DIR:-$dir/trace}
BEFORE="rm -rf '$trace'" measure "trace -f pcap (into $trace)" $bin trace "$cap" -q -o "$trace"
BEFORE="rm -rf '$trace'" measure "  ... -E pipeline --threads $threads" $bin trace "$cap" -q -o "$trace" -E pipeline --threads "$threads"
rm -rf "$trace"
measure "reassemble -f ndjson -o /dev/null -E pipeline" $bin reassemble "$cap" -q -f ndjson -o /dev/null -E pipeline --threads "$threads"
