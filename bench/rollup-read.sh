#!/usr/bin/env bash
# Reading a month from its roll-ups (issue 29: `rsar -u --since 30d` from the hour tier
# <= 1 s), side by side in one run: the hour tier, the minute tier and the raw days, over
# 7 and 30 days, each the best of RUNS runs of release binaries: wall and CPU seconds and
# peak RSS (which must not grow with the range's length).
#
#   bench/rollup-read.sh                   # release build, 30 synthetic days
#   RUNS=5 PROCS=150 bench/rollup-read.sh  # more runs; processes in the raw days
#   BIN=target/debug bench/rollup-read.sh  # no release build (debug numbers)
#
# The days are examples/synth_day's (4 CPUs, a working day, a reboot at noon) at 10 s,
# for the 30 days before today, rolled up by `rsadc --rollup`; the tiers are then read
# from a directory of their own (no raw day in it), the raw days from theirs.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
PROCS=${PROCS:-0}
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet -p rsadc -p rsar --bins --examples
  BIN=target/release
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC LC_ALL=C
mkdir -p "$work/raw" "$work/tiers"
for i in $(seq 1 30); do
  di=$(date -u -d "$i days ago" +%Y-%m-%d)
  "$BIN/examples/synth_day" "$work/raw/rsar${di//-/}" 10 "$di" "$PROCS"
done
"$BIN/rsadc" --rollup "$work/raw" 2>/dev/null
mv "$work"/raw/*.1m.zst "$work"/raw/*.1h.zst "$work/tiers/"
printf '%s: %s raw, %s tiers (30 days)\n' "$(basename "$BIN")" \
  "$(du -sh "$work/raw" | cut -f1)" "$(du -sh "$work/tiers" | cut -f1)"

# The best (least wall) of RUNS runs of rsar with these arguments: wall s, CPU s, peak KB.
best() {
  local b=
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$BIN/rsar" "$@" >"$work/out" 2>/dev/null
    read -r wall user sys rss <"$work/t"
    line=$(awk -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
      'BEGIN { printf "%8.3f %8.3f %10d", w, u + s, r }')
    if [ -z "$b" ] || awk -v a="$wall" -v c="${b%% *}" 'BEGIN { exit !(a < c) }'; then
      b="$wall $line $(grep -c . "$work/out")"
    fi
  done
  echo "${b#* }"
}

printf '%-26s %8s %8s %10s %7s\n' "rsar -u, best of $RUNS" "wall s" "CPU s" "peak KB" "lines"
for span in 7d 30d; do
  printf '%-26s %s\n' "hour tier, --since $span" \
    "$(best -u --log-dir "$work/tiers" --tier 1h --since "$span")"
  printf '%-26s %s\n' "minute tier, --since $span" \
    "$(best -u --log-dir "$work/tiers" --tier 1m --since "$span")"
  printf '%-26s %s\n' "raw days, --since $span" \
    "$(best -u --log-dir "$work/raw" --since "$span")"
done
echo "target: the hour tier over 30 days <= 1 s; peak RSS the same for 7 and 30 days"
