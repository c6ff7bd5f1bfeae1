#!/usr/bin/env bash
# A year of history on this VM's default collection (DESIGN.md §7, issue 29: <= 200 MB):
# 28 raw days at 10 s + a year of 1-minute + a year of 1-hour roll-ups, extrapolated from
# measured days; and `rsar -u --since '30 days ago'` from the hour tier (<= 1 s).
#
#   bench/rollup-budget.sh                          # release build, 60 s of this machine
#   COUNT=120 bench/rollup-budget.sh                # a longer real recording
#   BIN=target/debug bench/rollup-budget.sh         # no release build
#   INTERVAL=10 COUNT=360 bench/rollup-budget.sh    # an hour of the real thing at 10 s
#   REAL=DIR bench/rollup-budget.sh                 # a day rsadc already recorded in DIR
#                                                   # (written again in this build's format)
#
# - Synthetic: examples/synth_day (4 CPUs, a working day, a reboot at noon) at 10 s with
#   PROCS processes per sample (default 150) in SERVICES cgroups (default 20) whose
#   counters every sample holds, and 8 kernel workers renaming themselves (as this VM's
#   do, 2 renames a sample), compressed as rsadc compresses a closed day, rolled up by
#   `rsadc --rollup`: the bytes of a raw day and of its two tiers; and the same day
#   without processes and cgroups, whose tiers' bytes subtracted are what they (each
#   interval's top 10 processes per resource and `(others)`; its top 10 cgroups per
#   resource, their ancestors and `(others)`) add to each tier.
# - Real: rsadc's default collection of this machine (processes and cgroups included) for
#   COUNT samples at INTERVAL s (default 1; 10 is the default collection's, whose process
#   deltas are larger), or the day rsadc recorded in REAL=DIR: it and its first half in
#   time rolled up and compressed, the bytes the second half added per second, times a
#   day, are a real raw day and its 1-minute tier (steady state: the first full tables are
#   in both halves); the hour tier likewise when the first half holds an hour (a
#   recording of 2 h or more), else bounded by its first hours. They give a second year
#   figure beside the synthetic day's.
# - Time: 30 synthetic days (no processes) rolled up, raw days removed, `rsar -u --tier 1h
#   --since '30 days ago'` timed (best of 3).
#
# Measured 2026-12-07 on the quiet VM, release build (9bca1fc):
#   REAL=DIR, DIR holding this VM's default collection by rsadc at 10 s, 13:06-13:56 UTC
#   (300 samples; processes and cgroups; nothing but benches and a tmux look running):
#   raw day 1,557,787 B (18 B/s: 180 B a sample), its 1-minute tier 480,715 B a day (334 B
#   a minute), its hour tier at most 101,712 B a day; a year 256.2 MB (raw 43.6, 1m 175.5,
#   1h at most 37.1) against the synthetic day's 103.1 MB (raw 30.0, 1m 70.9, 1h 2.1).
#   Over the 200 MB target, by the minute tier: per minute (zstd -19 of each record kind
#   alone, over the recording) its sample 160 B, its process table 181 B, its levels 129 B.
#   This VM's raw process records show 1.8 new processes a sample, mostly kworkers that
#   renamed themselves (a rename is a new process to the table); the synthetic day's 150
#   processes keep their names. The VM has 3 cgroups (the root, process_api, its child).
# After MIN_CPU_SHARE (a process ranks by CPU in a tier interval only with 0.5 % of a
# CPU), the same day: minute tier 416,379 B a day, hour tier at most 96,936 B, a year
# 231.0 MB (raw 43.6, 1m 152.0, 1h at most 35.4): still over, the hour tier's figure a
# bound only (50 minutes recorded).
# Format 5 (a renamed process said in place), tier frames of 256 kB, frame starts counted
# (e9b9987), 16:14 UTC: REAL=DIR, DIR holding this VM's default collection by a format-5
# rsadc at 10 s, 15:36-16:14 UTC (230 samples; the VM quiet, a second rsadc running):
# raw day 1,615,196 B (18.7 B/s, 58 frames a day), minute tier 461,036 B a day (5.2 B/s,
# 5 frames a day, 2,379 B each), hour tier at most 106,032 B a day; a year 252.2 MB (raw
# 45.2, 1m 168.3, 1h at most 38.7). The 13:06-13:56 day above, counted the same way: a
# year 235.4 MB (raw 44.3, 1m 155.8, 1h at most 35.2). That day's raw log as format 5
# (its header's version set to 5, packed and compressed by rsadc): 67,877 B against
# 70,684 B (-4.0 %). Where the bytes go, quiet VM (each record kind or group compressed
# alone): raw samples 105 B a sample (cgroups 31, memory 17), process tables 97 B; the
# minute tier's samples 160 B a minute (cgroups 48), process tables about 130 B, levels
# 130 B (cgroups 40, memory 48). The 3 cgroups' memory.current, file and file_dirty move
# at nearly every sample, by some pages, stored as bytes. The synthetic day with 150
# processes in 20 services: a year 350.1 MB (raw 80.4, 1m 259.8, 1h 9.9).
# Format 6 (memory in pages; the recordings written again by this build, examples/recode),
# 19:30 UTC: REAL=DIR holding this VM's default collection at 10 s, 18:31-19:30 UTC (354
# samples; the VM idle but a second rsadc): raw day 1,436,937 B (16.5 B/s), minute tier
# 367,308 B a day (4.1 B/s), hour tier at most 130,368 B a day (its first hour); a year
# 221.9 MB (raw 40.2, 1m 134.1, 1h at most 47.6). The hour tier measured, from a 2-h
# recording (17:21-19:29 UTC, halves cut at 18:25, its first hour busy with builds and
# tests): 15,406 B a day, 5.6 MB a year; with it the idle hour's year is 179.9 MB. The
# 15:36-16:14 recording in format 6: raw 1,585,751 B a day (-1.8 % against format 5), minute
# tier 434,630 (-5.7 %), both halved by bytes as before; halved by time, 1,608,768 and
# 430,726: a year 207.8 MB with the measured hour tier. The synthetic day with 20
# services: a year 345.6 MB.
# Format 7 (each frame's samples in columns), 23:01 UTC: REAL=DIR holding this VM's
# default collection at 10 s by a format-6 rsadc, 20:42-23:01 UTC (halves cut at 21:52;
# the first half busy with builds and tests, the second quiet: nothing but the rsadc
# after a test run that ended at 21:54), measured by this build and by 73c511c (format 6)
# side by side: raw day 1,203,263 B (13.4 B/s) against 1,458,044 (-17.5 %), minute tier
# 365,227 B a day against 421,679 (-13.4 %), hour tier 24,641 against 25,980 (-5.2 %); a
# year 176.0 MB (raw 33.7, 1m 133.3, 1h 9.0) against 204.2 MB. The synthetic day with 20
# services: 315.1 MB against 345.6 (raw 72.4, 1m 233.5, 1h 9.1).
# Cgroups cut to each interval's top (2ce2461), 2026-12-08 01:00 UTC, side by side with
# 95bddf2 (every cgroup kept) on one recording (REAL=DIR, this VM at 10 s, 00:22-00:53 UTC,
# a full test run in it): the synthetic day's minute tier 509,349 B against 641,914 (-21 %),
# hour tier 17,982 against 25,038 (-28 %), its year 263.5 MB against 314.5; this VM's
# minute tier 713,889 B a day against 709,255 (+0.7 %: the VM has 3 cgroups, all kept;
# `(others)` rows under the root for the tests' short-lived cgroups).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-60}
INTERVAL=${INTERVAL:-1}
PROCS=${PROCS:-150}
SERVICES=${SERVICES:-20}
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet -p rsadc -p rsar --bins --examples
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

echo "== synthetic day at 10 s, $PROCS processes per sample, $SERVICES services ($day)"
mkdir -p "$work/syn"
"$SYNTH" "$work/syn/rsar$d8" 10 "$day" "$PROCS" 0 "$SERVICES"
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
printf '%-34s %10s bytes\n' "processes, cgroups in 1-minute" "$((m1 - m1_bare))" \
  "processes, cgroups in 1-hour" "$((h1 - h1_bare))"

mkdir -p "$work/real"
if [ -n "${REAL:-}" ]; then
  # Written again as this build writes it (examples/recode): a day recorded by an older
  # rsadc is measured in this build's format.
  echo "== this machine, default collection, the day recorded in $REAL (in this build's format)"
  for f in "$REAL"/rsar????????; do
    "$BIN/examples/recode" "$f" "$work/real/${f##*/}"
  done
else
  echo "== this machine, default collection, $COUNT samples at $INTERVAL s"
  "$BIN/rsadc" "$INTERVAL" "$COUNT" "$work/real" 2>/dev/null
fi
# The recording and its first half (the records up to the middle of its time span,
# examples/recode), each rolled up and compressed as rsadc leaves a closed day. What the second
# half added, per second, is the steady cost: the first samples' full tables and keys are
# in both. A compressed file is frames (64 kB of records in a raw day, 256 kB in a tier),
# each starting with every group and the process table keyed; a recording holds fewer
# frame starts than its day will (a 2-h minute tier is one frame, its day six), so each
# frame start the day has beyond those the second half had is added at what a frame start
# costs in the recording (examples/frame_cost: compressed in frames of that size, or of a
# quarter of the recording when it is shorter, less compressed as one frame, per start;
# it says the frame size too).
tomorrow=$(date -d tomorrow +%s)
mkdir -p "$work/half"
f=$(ls "$work"/real/rsar????????)
rows=$("$BIN/rsar" -u --format csv -f "$f" 2>/dev/null | grep -v '^timestamp')
t0=$(date -d "$(head -1 <<<"$rows" | cut -d, -f1)" +%s)
t1=$(date -d "$(tail -1 <<<"$rows" | cut -d, -f1)" +%s)
"$BIN/examples/recode" "$f" "$work/half/${f##*/}" $(( (t0 + t1) / 2 ))
zinfo() { # FILE -> "compressed uncompressed frames"
  echo "$(size "$1") $(zstd -dc "$1" | wc -c)" \
    "$(zstd -lv "$1" 2>/dev/null | awk '/# Zstandard Frames:/ { print $4 }')"
}
measure() { # DIR -> "span raw(z u n) 1m(z u n) 1h(z u n)" (span: s from the first interval's start)
  "$BIN/rsadc" --rollup --fake-clock "$tomorrow" "$1" 2>/dev/null
  "$BIN/rsadc" --housekeeping --retain-days 400 --compress-after-days 0 \
    --fake-clock "$tomorrow" "$1" 2>/dev/null
  local z rows first last
  z=$(ls "$1"/rsar????????.zst)
  rows=$("$BIN/rsar" -u --format csv -f "$z" 2>/dev/null | grep -v '^timestamp')
  first=$(head -1 <<<"$rows") last=$(tail -1 <<<"$rows")
  echo "$(( $(date -d "${last%%,*}" +%s) - $(date -d "${first%%,*}" +%s) + $(printf %.0f "$(cut -d, -f2 <<<"$first")") ))" \
    "$(zinfo "$z") $(zinfo "$1"/rsar*.1m.zst) $(zinfo "$1"/rsar*.1h.zst)"
}
read -r span_f raw_zf raw_uf raw_nf m1_zf m1_uf m1_nf h1_zf h1_uf h1_nf < <(measure "$work/real")
read -r span_h raw_zh raw_uh raw_nh m1_zh m1_uh m1_nh h1_zh h1_uh h1_nh < <(measure "$work/half")
per_day() { # zf uf nf zh uh nh FILE day|tier -> "bytes-a-day B/s frames-a-day added restart"
  local cost frame
  # A packed day (in columns) is measured plain, written again (examples/recode).
  rm -f "$work/plain"
  "$BIN/examples/recode" "$7" "$work/plain"
  read -r cost frame < <("$BIN/examples/frame_cost" "$work/plain" "$8")
  awk -v zf="$1" -v uf="$2" -v nf="$3" -v zh="$4" -v uh="$5" -v nh="$6" -v frame="$frame" \
    -v cost="$cost" -v sf="$span_f" -v sh="$span_h" 'BEGIN {
    d = sf - sh; rz = (zf - zh) / d; ru = (uf - uh) / d
    frames = int(ru * 86400 / frame) + 1
    added = frames - (nf - nh) * 86400 / d; if (added < 0) added = 0
    printf "%d %.1f %d %.1f %d\n", rz * 86400 + added * cost, rz, frames, added, cost }'
}
read -r raw_real raw_rate raw_frames raw_added raw_cost < <(per_day "$raw_zf" "$raw_uf" \
  "$raw_nf" "$raw_zh" "$raw_uh" "$raw_nh" "$work"/real/rsar????????.zst day)
read -r m1_real m1_rate m1_frames m1_added m1_cost < <(per_day "$m1_zf" "$m1_uf" "$m1_nf" \
  "$m1_zh" "$m1_uh" "$m1_nh" "$work"/real/rsar*.1m.zst tier)
# The hour tier the same way once both halves hold hours (a recording of 2 h or more);
# before, its first hours' bytes (keys and all) as if every hour cost as much, an upper
# bound.
hours=$(( (span_f + 3599) / 3600 ))
if [ "$span_h" -ge 3600 ]; then
  read -r h1_real h1_rate h1_frames h1_added h1_cost < <(per_day "$h1_zf" "$h1_uf" "$h1_nf" \
    "$h1_zh" "$h1_uh" "$h1_nh" "$work"/real/rsar*.1h.zst tier)
  h1_how="$h1_rate B/s, $h1_frames frames a day, $h1_added added at $h1_cost B; the whole: $h1_zf B"
else
  h1_real=$(( h1_zf * 24 / hours ))
  h1_how="at most: $h1_zf B in its first $hours h"
fi
echo "(second half: from $span_h s to $span_f s)"
printf '%-34s %10s bytes (%s B/s, %s frames a day, %s added at %s B; the whole: %s B)\n' \
  "raw day at 10 s, compressed" "$raw_real" "$raw_rate" "$raw_frames" "$raw_added" \
  "$raw_cost" "$raw_zf" \
  "its 1-minute tier, a day" "$m1_real" "$m1_rate" "$m1_frames" "$m1_added" "$m1_cost" "$m1_zf"
printf '%-34s %10s bytes (%s)\n' "its 1-hour tier, a day" "$h1_real" "$h1_how"

year() { echo $(( 28 * $1 + 365 * m1 + 365 * h1 )); }
echo "== a year: 28 raw days + 365 days of each tier"
printf '%-34s %s (raw %s, 1m %s, 1h %s)\n' "from the synthetic day" "$(mb "$(year "$raw_syn")")" \
  "$(mb $((28 * raw_syn)))" "$(mb $((365 * m1)))" "$(mb $((365 * h1)))"
printf '%-34s %s (raw %s)\n' "with this machine's raw days" "$(mb "$(year "$raw_real")")" \
  "$(mb $((28 * raw_real)))"
printf '%-34s %s (raw %s, 1m %s, 1h %s)\n' "with this machine's days and tiers" \
  "$(mb $((28 * raw_real + 365 * m1_real + 365 * h1_real)))" "$(mb $((28 * raw_real)))" \
  "$(mb $((365 * m1_real)))" "$(mb $((365 * h1_real)))"
printf '%-34s %s (1m %s, 1h %s)\n' "of which processes, cgroups in tiers" \
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
