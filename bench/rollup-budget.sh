#!/usr/bin/env bash
# A year of history on this VM's default collection (DESIGN.md §7, issue 29: <= 200 MB):
# 28 raw days at 10 s + a year of 1-minute + a year of 1-hour roll-ups, extrapolated from
# measured days; and `rsar -u --since '30 days ago'` from the hour tier (<= 1 s).
#
#   bench/rollup-budget.sh                          # release build, 60 s of this machine
#   COUNT=120 bench/rollup-budget.sh                # a longer real recording
#   BIN=target/debug bench/rollup-budget.sh         # no release build
#
# - Synthetic: examples/synth_day (4 CPUs, a working day, a reboot at noon) at 10 s with
#   PROCS processes per sample (default 150), compressed as rsadc compresses a closed day,
#   rolled up by `rsadc --rollup`: the bytes of a raw day and of its two tiers; and the
#   same day without processes, whose tiers' bytes subtracted are what the processes
#   (each interval's top 10 per resource and `(others)`) add to each tier.
# - Real: rsadc's default collection of this machine (processes and cgroups included) for
#   COUNT samples at 1 s: its compressed bytes per sample, times 8,640 samples, is a real
#   raw day at 10 s. The roll-ups' bytes per day come from the synthetic day, whose
#   groups are this size of machine's.
# - Time: 30 synthetic days (no processes) rolled up, raw days removed, `rsar -u --tier 1h
#   --since '30 days ago'` timed (best of 3).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-60}
PROCS=${PROCS:-150}
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet -p rsadc -p rsar --examples
  BIN=target/release
fi
SYNTH=$BIN/examples/synth_day
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC LC_ALL=C
size() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }

# A closed date recent enough that every tier is built (retention counts from today).
day=$(date -u -d '2 days ago' +%Y-%m-%d)
d8=${day//-/}

echo "== synthetic day at 10 s, $PROCS processes per sample ($day)"
mkdir -p "$work/syn"
"$SYNTH" "$work/syn/rsar$d8" 10 "$day" "$PROCS"
"$BIN/rsadc" --rollup "$work/syn" 2>/dev/null
"$BIN/rsadc" --housekeeping --retain-days 400 --compress-after-days 0 "$work/syn" 2>/dev/null
raw_syn=$(size "$work/syn/rsar$d8.zst")
m1=$(size "$work/syn/rsar$d8.1m.zst")
h1=$(size "$work/syn/rsar$d8.1h.zst")
mkdir -p "$work/bare"
"$SYNTH" "$work/bare/rsar$d8" 10 "$day" 0
"$BIN/rsadc" --rollup "$work/bare" 2>/dev/null
m1_bare=$(size "$work/bare/rsar$d8.1m.zst")
h1_bare=$(size "$work/bare/rsar$d8.1h.zst")
printf '%-34s %10s bytes\n' "raw day, compressed" "$raw_syn" "1-minute roll-up" "$m1" "1-hour roll-up" "$h1"
printf '%-34s %10s bytes\n' "processes in the 1-minute roll-up" "$((m1 - m1_bare))" \
  "processes in the 1-hour roll-up" "$((h1 - h1_bare))"

echo "== this machine, default collection, $COUNT samples at 1 s"
mkdir -p "$work/real"
"$BIN/rsadc" 1 "$COUNT" "$work/real" 2>/dev/null
"$BIN/rsadc" --housekeeping --retain-days 400 --compress-after-days 0 \
  --fake-clock "$(date -d tomorrow +%s)" "$work/real" 2>/dev/null
real_zst=$(ls "$work"/real/rsar*.zst)
per_sample=$(( $(size "$real_zst") / COUNT ))
raw_real=$(( per_sample * 8640 ))
printf '%-34s %10s bytes (%s bytes per sample)\n' "raw day at 10 s, compressed" "$raw_real" "$per_sample"

year() { echo $(( 28 * $1 + 365 * m1 + 365 * h1 )); }
echo "== a year: 28 raw days + 365 days of each tier"
printf '%-34s %s (raw %s, 1m %s, 1h %s)\n' "from the synthetic day" "$(mb "$(year "$raw_syn")")" \
  "$(mb $((28 * raw_syn)))" "$(mb $((365 * m1)))" "$(mb $((365 * h1)))"
printf '%-34s %s (raw %s)\n' "with this machine's raw days" "$(mb "$(year "$raw_real")")" \
  "$(mb $((28 * raw_real)))"
printf '%-34s %s (1m %s, 1h %s)\n' "of which processes in the tiers" \
  "$(mb $((365 * (m1 - m1_bare + h1 - h1_bare))))" "$(mb $((365 * (m1 - m1_bare))))" \
  "$(mb $((365 * (h1 - h1_bare))))"
echo "target: <= 200 MB (processes included, in the raw days and in the tiers)"

echo "== rsar -u --tier 1h --since '30 days ago' over 30 rolled-up days"
mkdir -p "$work/month"
for i in $(seq 1 30); do
  di=$(date -u -d "$i days ago" +%Y-%m-%d)
  "$SYNTH" "$work/month/rsar${di//-/}" 10 "$di" 0
done
"$BIN/rsadc" --rollup "$work/month" 2>/dev/null
rm -f "$work"/month/rsar????????
best=
for _ in 1 2 3; do
  s=$(date +%s.%N)
  "$BIN/rsar" -u --log-dir "$work/month" --tier 1h --since '30 days ago' >/dev/null 2>&1
  e=$(date +%s.%N)
  t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
  if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
done
printf '%-34s %s s (target <= 1 s)\n' "hour tier, 30 days, best of 3" "$best"
best=
for _ in 1 2 3; do
  s=$(date +%s.%N)
  "$BIN/rsar" -u --log-dir "$work/month" --since '30 days ago' >/dev/null 2>&1
  e=$(date +%s.%N)
  t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
  if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
done
printf '%-34s %s s\n' "minute tier (raw gone), best of 3" "$best"
