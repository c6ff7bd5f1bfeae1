#!/usr/bin/env bash
# The size and time of `rsar report --html` on a synthetic day at 10 s with a process table
# of PROCS processes in every sample (issue's budget: <= 2 MB and <= 2 s). Needs GNU time.
# Usage: bench/report-html.sh [OUT_DIR] [PROCS]     (default PROCS 300)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
procs=${2:-300}
mkdir -p "$out"
cargo build --release --quiet --bin rsar --example synth_day
[ -f "$out/day10s-p$procs" ] || target/release/examples/synth_day "$out/day10s-p$procs" 10 2025-11-21 "$procs"
for _ in 1 2 3; do
  /usr/bin/time -f "%e s, %M KB peak RSS" target/release/rsar report --html \
    -f "$out/day10s-p$procs" -o "$out/day.html"
done
echo "$(stat -c %s "$out/day.html") bytes: $out/day.html"
