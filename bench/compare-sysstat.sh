#!/usr/bin/env bash
# rsadc and rsar beside sysstat's sadc and sar, on this machine, in one run, as ratios
# (DESIGN.md §6). Needs sysstat (apt-get install sysstat) and, for CPU time, perf
# (apt-get install linux-perf) or GNU time.
#
#   bench/compare-sysstat.sh            # 60 samples side by side, then a day-long report
#   N=300 DAY=86400 bench/compare-sysstat.sh
#
# 1. Collectors: `sadc -S DISK 1 N` and `rsadc 1 N` run at the same time, each into its
#    own file: CPU time per sample, bytes per sample, peak RSS.
# 2. Closed day: both files of step 1 compressed (sysstat: xz; rsar: the zstd rsadc uses).
# 3. Reports: `sar -A -f` on a day-long sadc file (made with bench/tools/sa-synth.py from
#    the file of step 1) against `rsar -A -f` on a synthetic 1-s day: records per second,
#    by bench/report-throughput.sh (see there). Then the sizes of a day: a day-long rsar
#    file of this machine (rsadc with a simulated clock, DAY real samples, no waiting).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-60}
DAY=${DAY:-86400}
SADC=${SADC:-/usr/lib/sysstat/sadc}
SYNTH=${SYNTH:-bench/tools/sa-synth.py}
command -v sar >/dev/null && [ -x "$SADC" ] || { echo "sysstat not found: apt-get install sysstat" >&2; exit 1; }
cargo build --release --quiet --workspace
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -m 755 "$work/rsar"

# CPU milliseconds of a command: perf's task-clock when perf works here, else GNU time.
measure() { # name, command...
  local name=$1; shift
  if perf stat -e task-clock -x, -o "$work/$name.perf" true 2>/dev/null; then
    # perf counts the command and GNU time around it (a fraction of a millisecond).
    perf stat -e task-clock -x, -o "$work/$name.perf" /usr/bin/time -f '%M' -o "$work/$name.rss" "$@" 2>/dev/null
    awk -F, '/task-clock/ {print $1}' "$work/$name.perf" > "$work/$name.ms"
  else
    /usr/bin/time -f '%e %U %S %M' -o "$work/$name.t" "$@" 2>/dev/null
    awk '{print ($2+$3)*1000}' "$work/$name.t" > "$work/$name.ms"
    awk '{print $4}' "$work/$name.t" > "$work/$name.rss"
  fi
}

echo "== collectors: $N samples at 1 s, side by side"
measure sadc "$SADC" -S DISK 1 "$N" "$work/sa" &
measure rsadc target/release/rsadc 1 "$N" "$work/rsar/" &
wait
rfile=$(ls "$work"/rsar/rsar*)
sadc_ms=$(cat "$work/sadc.ms"); rsadc_ms=$(cat "$work/rsadc.ms")
sadc_b=$(stat -c %s "$work/sa"); rsadc_b=$(stat -c %s "$rfile")
sadc_rss=$(cat "$work/sadc.rss"); rsadc_rss=$(cat "$work/rsadc.rss")
python3 - "$N" "$sadc_ms" "$rsadc_ms" "$sadc_b" "$rsadc_b" "$sadc_rss" "$rsadc_rss" <<'PY'
import sys
n, sm, rm, sb, rb, sr, rr = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"CPU per sample    sadc {sm/n*1000:8.0f} us   rsadc {rm/n*1000:8.0f} us   ratio {rm/sm:.3f}  (target <= 0.2)")
print(f"bytes per sample  sadc {sb/n:8.0f} B    rsadc {rb/n:8.0f} B    ratio {rb/sb:.3f}  (target <= 0.2)")
print(f"peak RSS          sadc {sr/1024:8.1f} MB   rsadc {rr/1024:8.1f} MB   (target <= 4 MB)")
PY

echo "== the same $N samples, reported: Average lines of sar -u -q -r -b -f and rsar -u -q -r -b -f"
LC_ALL=C sar -u -q -r -b -f "$work/sa" | grep '^Average:' | sed 's/^/sar   /'
LC_ALL=C target/release/rsar -u -q -r -b -f "$rfile" | grep '^Average:' | sed 's/^/rsar  /'

echo "== the same $N samples, closed and compressed: sysstat with xz -9, rsar as its housekeeping does"
xz -9 -k -c "$work/sa" > "$work/sa.xz"
# rsar's own compression of a closed day (steps, then zstd -19), through its housekeeping.
mkdir -m 755 "$work/hk" && cp "$rfile" "$work/hk/rsar20000101"
target/release/rsadc --housekeeping --retain-days 100000 --compress-after-days 0 "$work/hk/" 2>/dev/null
cp "$work/hk/rsar20000101.zst" "$work/r.zst"
echo "xz(sadc) $(stat -c %s "$work/sa.xz") B   rsar $(stat -c %s "$work/r.zst") B   ratio $(python3 -c "print(round($(stat -c %s "$work/r.zst")/$(stat -c %s "$work/sa.xz"),3))")  (target < 1)"

echo "== reports: records per second, side by side"
DAY=$DAY SADC=$SADC SYNTH=$SYNTH bench/report-throughput.sh "$work/sa"
python3 "$SYNTH" "$work/sa" "$work/sa_day" "$DAY" >/dev/null
day_start=$(( ($(date +%s) / 86400) * 86400 ))
TZ=UTC target/release/rsadc --fake-clock "$day_start" 1 "$DAY" --file "$work/rday" 2>/dev/null
echo "rsar day file: $(stat -c %s "$work/rday") B for $DAY samples; sadc day file: $(stat -c %s "$work/sa_day") B"
xz -9 -T1 -c "$work/sa_day" > "$work/sa_day.xz"
cp "$work/rday" "$work/hk/rsar20000102"
target/release/rsadc --housekeeping --retain-days 100000 --compress-after-days 0 "$work/hk/" 2>/dev/null
echo "a day compressed (different data: sadc's is 60 real records cycled): xz(sadc) $(stat -c %s "$work/sa_day.xz") B   rsar $(stat -c %s "$work/hk/rsar20000102.zst") B"
