#!/usr/bin/env bash
# Issue 27's budget for `rsar explain`: an hour of 1-s data with processes against the
# hour before (target <= 1 s on the project's VM, memory flat in the window's length),
# and a whole day against the day before. Two synthetic days at 1 s with about 200
# processes each (examples/synth_day.rs), then each case run RUNS times: the median wall
# and user time, and the largest peak RSS (/usr/bin/time). With CALLGRIND=1, the hour's
# instructions too (valgrind --tool=callgrind: repeatable on a noisy machine).
# Usage: bench/explain-speed.sh [RUNS]   (default 5; needs /usr/bin/time)
# Env: DIR keeps the generated days there (default: a temporary directory); BASE=path of
# another rsar (e.g. main's target/release/rsar) runs every case with it too, side by side.
#
# Measured 2026-12-07 on the shared 2-CPU VM while other helpers built and tested (load
# 9-11, so wall time is mostly waiting for a CPU; user time is the work):
#   DIR=/tmp/ef/speeddays BASE=<main's target/release/rsar> CALLGRIND=1 bench/explain-speed.sh 5
#   case                           rsar   wall     user     peak RSS
#   10 min vs the 10 min before    this   0.72 s   0.05 s   12.7 MB
#                                  main   1.03 s   0.09 s   12.8 MB
#   1 h vs the hour before         this   1.76 s   0.19 s   12.7 MB
#                                  main   2.86 s   0.38 s   12.9 MB
#   1 h at the day's end           this   1.80 s   0.20 s   12.6 MB
#                                  main   3.91 s   0.49 s   13.0 MB
#   8 h vs the 8 h before          this  14.92 s   1.63 s   13.8 MB
#                                  main  26.45 s   3.45 s   12.6 MB
#   a day vs the day before        this  30.72 s   4.06 s   16.1 MB
#                                  main  51.16 s   9.01 s   16.2 MB
#   1 h vs the hour before: 1.27 G instructions (main: 2.34 G)
# At load 7 the hour took 0.46-0.63 s wall (0.17 s user). Peak RSS follows the processes
# seen (the synthetic day starts one every 10 s), not the window's length.
# On the quiet VM at c7f0556 (after the ranking and nice changes), `bench/explain-speed.sh 3`:
#   10 min vs the 10 min before    wall 0.07 s  user 0.04 s  peak RSS 13.3 MB
#   1 h vs the hour before         wall 0.17 s  user 0.15 s  peak RSS 13.5 MB
#   1 h at the day's end           wall 0.19 s  user 0.15 s  peak RSS 13.4 MB
#   8 h vs the 8 h before          wall 1.45 s  user 1.11 s  peak RSS 14.4 MB
#   a day vs the day before        wall 3.30 s  user 3.14 s  peak RSS 17.8 MB
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet --bin rsar --example synth_day
if [ -n "${DIR:-}" ]; then days=$DIR; mkdir -p "$days"; else
  days=$(mktemp -d); trap 'rm -rf "$days"' EXIT; fi
export TZ=UTC LC_ALL=C
for d in 20 21; do
  [ -f "$days/rsar202511$d" ] ||
    target/release/examples/synth_day "$days/rsar202511$d" 1 "2025-11-$d" 200 >/dev/null
done
rsar=target/release/rsar
day="$days/rsar20251121"

# case NAME ARGS...: RUNS runs of `rsar explain ARGS`, medians and the largest RSS; with
# BASE, then the same with it.
case_() {
  case1 "$rsar" "$@"
  [ -z "${BASE:-}" ] || case1 "$BASE" "$@"
}
case1() {
  local rsar=$1 name=$2; shift 2
  local walls=() users=() rss=0
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %U %M' -o "$days/time" "$rsar" explain "$@" >/dev/null
    read -r w u m <"$days/time"
    walls+=("$w"); users+=("$u"); (( m > rss )) && rss=$m
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  printf '%-30s %-12s wall %5.2f s  user %5.2f s  peak RSS %5.1f MB\n' "$name" \
    "$([ "$rsar" = target/release/rsar ] && echo this || echo BASE)" \
    "$(median "${walls[@]}")" "$(median "${users[@]}")" "$(echo "$rss" | awk '{print $1/1024}')"
}

echo "rsar explain on $(basename "$day") (1 s, ~200 processes), $runs runs each, medians:"
case_ "10 min vs the 10 min before" -f "$day" -s 14:00 -e 14:10
case_ "1 h vs the hour before" -f "$day" -s 14:00 -e 15:00
case_ "1 h at the day's end" -f "$day" -s 22:00 -e 23:00
case_ "8 h vs the 8 h before" -f "$day" -s 16:00 -e 23:59:59
case_ "a day vs the day before" --log-dir "$days" --since 2025-11-21T00:00:00Z \
  --until 2025-11-21T23:59:59Z --baseline yesterday
if [ "${CALLGRIND:-}" = 1 ]; then
  valgrind --tool=callgrind --callgrind-out-file="$days/cg" "$rsar" explain -f "$day" \
    -s 14:00 -e 15:00 2>&1 >/dev/null | awk '/refs:/ {print "1 h vs the hour before: " $NF " instructions (callgrind)"}'
fi
