#!/usr/bin/env bash
# Records per second of `rsar -A -f` beside `sar -A -f` on a day of 1-s samples, in one run
# on this machine (DESIGN.md §7: target >= 50x sar's records/s). Needs sysstat (apt-get
# install sysstat); uses perf's task-clock when perf works here, else GNU time.
#
#   bench/report-throughput.sh              # 10 s of this machine's sadc, cycled to a day
#   bench/report-throughput.sh SA_FILE      # a sadc file of this machine to cycle instead
#   RUNS=3 ROUNDS=2 bench/report-throughput.sh
#   DAY=8640 bench/report-throughput.sh     # a quicker check: a tenth of a day for sar
#   BEFORE=/tmp/old bench/report-throughput.sh  # also the rsar of another checkout (its
#                                           # target/release/rsar and examples/synth_day,
#                                           # built there), on its own day, in the same run
#
# Records per second of each is its day's records over its CPU time; by default both days
# hold 86400 records, one a second:
# - sar's: a sadc file of this machine (`sadc -S DISK`), its records cycled to DAY records
#   by bench/tools/sa-synth.py (every record a full sample of every activity sadc keeps);
# - rsar's: examples/synth_day, a 1-s day written through the store API (4 CPUs, a disk,
#   two interfaces, PSI, a reboot at noon): every record makes an interval, so every
#   record is decoded, paired and printed. (A day from `rsadc --fake-clock` is not used:
#   its samples come faster than /proc's uptime ticks, so most pairs make no interval and
#   are never printed, which would flatter rsar.)
# Times are CPU time (user + system) of the report to /dev/null: the machine may be shared,
# and CPU time is what a busy neighbour disturbs least. sar runs once per round (it takes
# tens of seconds), rsar RUNS times per round; each figure is the median of its runs.
set -euo pipefail
cd "$(dirname "$0")/.."
DAY=${DAY:-86400}
RUNS=${RUNS:-3}
ROUNDS=${ROUNDS:-1}
SADC=${SADC:-/usr/lib/sysstat/sadc}
SYNTH=${SYNTH:-bench/tools/sa-synth.py}
command -v sar >/dev/null && [ -x "$SADC" ] || { echo "sysstat not found: apt-get install sysstat" >&2; exit 1; }
cargo build --release --quiet --bin rsar --example synth_day
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ $# -ge 1 ]; then
  cp "$1" "$work/sa"
else
  echo "== 10 s of this machine's activity: $SADC -S DISK 1 10"
  "$SADC" -S DISK 1 10 "$work/sa"
fi
python3 "$SYNTH" "$work/sa" "$work/sa_day" "$DAY" >/dev/null
# synth_day writes a whole day: 86400 samples at 1 s.
target/release/examples/synth_day "$work/rsar_day" 1 2025-11-21 >/dev/null
if [ -n "${BEFORE:-}" ]; then
  "$BEFORE/target/release/examples/synth_day" "$work/before_day" 1 2025-11-21 >/dev/null
fi
rsar_records=86400
intervals=$(target/release/rsar -A -f "$work/rsar_day" --format jsonl 2>/dev/null | grep -c '"type":"interval"' || true)

use_perf=false
perf stat -e task-clock -x, -o "$work/probe" true 2>/dev/null && use_perf=true
# CPU milliseconds of a command, its output thrown away; peak RSS (kB) in $work/rss.
cpu_ms() {
  if $use_perf; then
    perf stat -e task-clock -x, -o "$work/ps" /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>/dev/null
    awk -F, '/task-clock/ {print $1}' "$work/ps"
  else
    /usr/bin/time -f '%U %S %M' -o "$work/t" "$@" >/dev/null 2>/dev/null
    awk '{print ($1+$2)*1000}' "$work/t"; awk '{print $3}' "$work/t" > "$work/rss"
  fi
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$work/sar"; : > "$work/table"; : > "$work/json"; : > "$work/rss_all"; : > "$work/before"
for round in $(seq "$ROUNDS"); do
  LC_ALL=C cpu_ms sar -A -f "$work/sa_day" >> "$work/sar"
  for i in $(seq "$RUNS"); do
    cpu_ms target/release/rsar -A -f "$work/rsar_day" >> "$work/table"; cat "$work/rss" >> "$work/rss_all"
    cpu_ms target/release/rsar -A -f "$work/rsar_day" --format json >> "$work/json"; cat "$work/rss" >> "$work/rss_all"
    if [ -n "${BEFORE:-}" ]; then
      cpu_ms "$BEFORE/target/release/rsar" -A -f "$work/before_day" >> "$work/before"
    fi
  done
done
sar_ms=$(median < "$work/sar"); table_ms=$(median < "$work/table"); json_ms=$(median < "$work/json")
rss=$(sort -n "$work/rss_all" | tail -1)
before_ms=$( [ -s "$work/before" ] && median < "$work/before" || echo 0)
python3 - "$DAY" "$rsar_records" "$sar_ms" "$table_ms" "$json_ms" "$rss" "$intervals" "$before_ms" <<'PY'
import sys
n_sar, n_rsar = int(sys.argv[1]), int(sys.argv[2])
sar, table, js = map(float, sys.argv[3:6]); rss = int(sys.argv[6]); intervals = sys.argv[7]
before = float(sys.argv[8])
sar_rate = n_sar / (sar / 1000)
print(f"== records at 1 s: sar's day {n_sar}, rsar's day {n_rsar} ({intervals} intervals printed);"
      " CPU time, medians")
print(f"{'':26}{'records/s':>10}{'CPU':>9}{'vs sar':>9}")
print(f"{'sar -A -f':26}{sar_rate:10.0f}{sar/1000:8.2f}s")
rows = [("rsar -A -f", table, "   (target >= 50x)"), ("rsar -A -f --format json", js, "")]
if before:
    rows.insert(1, ("rsar -A -f (BEFORE)", before, ""))
for name, ms, target in rows:
    rate = n_rsar / (ms / 1000)
    print(f"{name:26}{rate:10.0f}{ms/1000:8.2f}s{rate/sar_rate:8.1f}x{target}")
print(f"rsar peak RSS {rss/1024:.1f} MB (target <= 24 MB)")
PY
