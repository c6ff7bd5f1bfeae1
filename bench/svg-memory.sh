#!/usr/bin/env bash
# Peak RSS of the renderers that read a whole day: --format svg (which must keep only a
# bounded number of columns, not every interval) and rsar vmstat, on synthetic 1-s and
# 10-s days and a quarter of the 1-s day. Needs GNU time (/usr/bin/time). Usage:
#   bench/svg-memory.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
cargo build --release --quiet --bin rsar --example synth_day
rsar=target/release/rsar
[ -f "$out/day1s" ] || target/release/examples/synth_day "$out/day1s" 1
[ -f "$out/day10s" ] || target/release/examples/synth_day "$out/day10s" 10
measure() {
  local what=$1; shift
  /usr/bin/time -f "%M KB peak RSS, %e s  $what" "$rsar" "$@" >/dev/null 2>"$out/err" ||
    { cat "$out/err" >&2; exit 1; }
  tail -n1 "$out/err"
}
for day in day1s day10s; do
  measure "$day -A --format svg" -A --format svg -f "$out/$day"
  measure "$day -u -q -r -d -n DEV --format svg" -u -q -r -d -n DEV --format svg -f "$out/$day"
  measure "$day -A (table, for reference)" -A -f "$out/$day"
  measure "$day vmstat" vmstat -f "$out/$day"
done
measure "day1s until 06:00 -A --format svg" -A --format svg -f "$out/day1s" -e 06:00:00
measure "day1s until 06:00 vmstat" vmstat -f "$out/day1s" -e 06:00:00
