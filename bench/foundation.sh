#!/usr/bin/env bash
# The targets of the foundation issue (streaming reads, seeking, cheap opening, report
# throughput, TUI replay, the cost of adding a report), each measured on this machine in one
# run and printed as a row beside its target.
#
#   bench/foundation.sh              # everything (about 5 minutes on 2 cores)
#   SCALE=0 bench/foundation.sh      # without the 128-CPU hour (the slowest part)
#   DAY=86400 bench/foundation.sh    # records in the "day" (default a full day at 1 s)
#
# Needs /usr/bin/time; sysstat for the sar row (skipped without it); tmux for the TUI row
# (bench/tui-memory.sh; skipped without it).
set -euo pipefail
cd "$(dirname "$0")/.."
DAY=${DAY:-86400}
SCALE=${SCALE:-1}
SADC=${SADC:-/usr/lib/sysstat/sadc}
SYNTH=${SYNTH:-bench/tools/sa-synth.py}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet --workspace
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC LC_ALL=C
rsar=target/release/rsar rsadc=target/release/rsadc

# peak RSS in MB, CPU seconds (user + system) and wall seconds of a command; stdout dropped.
measure() { # out-name, command...
  local name=$1; shift
  /usr/bin/time -f '%M %U %S %e' -o "$work/$name.t" "$@" >/dev/null
  awk '{printf "%.1f %.3f %.3f\n", $1/1024, $2+$3, $4}' "$work/$name.t" >"$work/$name.m"
}
row() { printf '%-52s %-40s %s\n' "$1" "$2" "$3"; }

day_start=1763683200 # 2025-11-21 00:00:00 UTC
echo "recording a day of $DAY 1-s samples of this machine (simulated clock) ..." >&2
mkdir -m 755 "$work/day" "$work/quarter"
$rsadc --fake-clock "$day_start" 1 "$DAY" "$work/day" 2>/dev/null
$rsadc --fake-clock "$day_start" 1 $((DAY / 4)) "$work/quarter" 2>/dev/null
log=$(ls "$work"/day/rsar*) quarter=$(ls "$work"/quarter/rsar*)

printf '%-52s %-40s %s\n' "what" "measured" "target"
measure full $rsar -A -f "$log"
measure quart $rsar -A -f "$quarter"
read -r full_mb full_cpu _ <"$work/full.m"
read -r quart_mb _ _ <"$work/quart.m"
row "peak RSS, rsar -A -f, a 1-s day ($(stat -c %s "$log") B)" "$full_mb MB" "<= 24 MB"
row "peak RSS, a quarter day / a full day" \
  "$(awk -v q="$quart_mb" -v f="$full_mb" 'BEGIN{printf "%.1f MB / %.1f MB = %.2f", q, f, q/f}')" \
  "quarter <= 1.3x full"

# The last ten minutes against the whole day, CPU time of each (the same report).
measure u_full $rsar -u -f "$log"
measure u_tail $rsar -u -s 23:50 -f "$log"
read -r _ uf _ <"$work/u_full.m"
read -r _ ut _ <"$work/u_tail.m"
row "rsar -u -s 23:50 -f DAY, share of a full -u read" \
  "$(awk -v a="$ut" -v b="$uf" 'BEGIN{printf "%.3f s of %.3f s = %.1f %%", a, b, (b>0?100*a/b:0)}')" "<= 10 %"

# Every cron run opens today's file: a full day.
mkdir -m 755 "$work/cron" && cp "$log" "$work/cron/$(basename "$log")"
# Half a second after the day's last sample, still on that day.
measure cron_run $rsadc --fake-clock "$((day_start + DAY - 1)).5" 1 1 "$work/cron" 2>/dev/null
read -r cron_mb _ cron_s <"$work/cron_run.m"
row "rsadc 1 1 appending to a full 1-s day" "$cron_mb MB, $(awk -v s="$cron_s" 'BEGIN{printf "%.0f ms", s*1000}') wall" "<= 8 MB, <= 20 ms"

# Records per second against sar: bench/report-throughput.sh, whose days make an interval
# of every record.
if command -v sar >/dev/null && [ -x "$SADC" ] && [ -f "$SYNTH" ]; then
  ratio=$(RUNS=3 ROUNDS=1 bench/report-throughput.sh 2>/dev/null | awk '/^rsar -A -f  / {print $(NF-3)}')
  row "records/s, -A -f on a 1-s day: rsar against sar" "${ratio:-not measured}" ">= 50x"
else
  row "records/s, -A -f on a 1-s day: rsar against sar" "skipped: needs sysstat and $SYNTH" ">= 50x"
fi

if command -v tmux >/dev/null; then
  tui=$(SKIP_HOST=1 bench/tui-memory.sh 2>/dev/null | sed -n 's/.*peak RSS *\([0-9.]*\) MB.*/\1/p' | head -1)
  row "peak RSS, rsar tui replaying a 1-s day" "${tui:-not measured} MB" "<= 32 MB"
else
  row "peak RSS, rsar tui replaying a 1-s day" "skipped: needs tmux" "<= 32 MB"
fi

if [ "$SCALE" = 1 ]; then
  scale=$(bench/synth-scale.sh 3600 2>/dev/null | sed -n 's/.* \([0-9.]*\) MB peak RSS.*/\1/p')
  row "peak RSS, rsar -A -f, 128-CPU host, an hour at 1 s" "$scale MB" "<= 48 MB"
else
  row "peak RSS, rsar -A -f, 128-CPU host, an hour at 1 s" "skipped (SCALE=0)" "<= 48 MB"
fi

# Adding a report: the source files that name -n EDEV (catalogue entry and columns, the
# Table and Selection names, the statistics and their export, the flag's help).
files=$(git grep -l -E 'EDEV|NetErrors|NetEdev|net_edev' -- src collector/src | wc -l)
row "source files that -n EDEV needed" "$files ($(git grep -l -E 'EDEV|NetErrors|NetEdev|net_edev' -- src collector/src | tr '\n' ' '))" "<= 5"
