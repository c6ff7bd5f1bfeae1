#!/usr/bin/env bash
# The exporter beside node_exporter, in one run: CPU per scrape (from each process's
# utime+stime in /proc/PID/stat over N scrapes), peak RSS with the listener, and
# `rsar export`'s bytes per sample and speed on a recorded day.
#
#   bench/scrape-cost.sh            # N=300 scrapes each, a 1-s day of 86400 samples
#   N=100 DAY=3600 bench/scrape-cost.sh
#
# node_exporter comes from Debian's prometheus-node-exporter package, unpacked without a
# service (apt-get download + dpkg -x); without it only rsadc is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-300}
DAY=${DAY:-86400}
cargo build --release --quiet --workspace
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export TZ=UTC LC_ALL=C

ne=""
if (cd "$work" && apt-get download prometheus-node-exporter >/dev/null 2>&1 &&
    dpkg -x prometheus-node-exporter_*.deb ne); then
  ne="$work/ne/usr/bin/prometheus-node-exporter"
fi

# CPU ms (utime+stime) of a pid.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

# measure NAME PID URL: N scrapes, each a fresh reading (rsadc shares readings under
# 0.5 s, so they are spaced past that), then CPU per scrape, peak RSS and bytes.
measure() {
  local name=$1 pid=$2 url=$3
  local before after
  before=$(cpu_ms "$pid")
  for ((i = 0; i < N; i++)); do
    curl -s -o /dev/null "$url"
    sleep 0.55
  done
  after=$(cpu_ms "$pid")
  bytes=$(curl -s "$url" | wc -c)
  awk -v n="$N" -v a="$before" -v b="$after" -v name="$name" -v rss="$(hwm_kb "$pid")" -v bytes="$bytes" \
    'BEGIN { printf "%-14s %6.2f ms CPU per scrape   peak RSS %5.1f MB   %6d bytes per scrape\n", name, (b - a) / n, rss / 1024, bytes }'
}

target/release/rsadc --listen 127.0.0.1:19811 2>/dev/null &
rsadc_pid=$!
sleep 0.5
echo "$N scrapes each, 0.55 s apart (a fresh reading every time)"
measure rsadc "$rsadc_pid" http://127.0.0.1:19811/metrics
if [ -n "$ne" ]; then
  "$ne" --web.listen-address=127.0.0.1:19812 >/dev/null 2>&1 &
  ne_pid=$!
  sleep 1
  measure node_exporter "$ne_pid" http://127.0.0.1:19812/metrics
else
  echo "node_exporter: not measured (apt-get download prometheus-node-exporter failed)"
fi

echo "rsadc recording every second and listening, after the scrapes above:"
mkdir -m 755 "$work/log"
target/release/rsadc --listen 127.0.0.1:19813 1 5 "$work/log" 2>/dev/null &
both=$!
sleep 3
echo "  peak RSS $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' /proc/$both/status)"
wait "$both"

echo "rsar export of a day of $DAY 1-s samples:"
mkdir -m 755 "$work/day"
target/release/rsadc --fake-clock 1763683200 1 "$DAY" "$work/day" 2>/dev/null
log=$(ls "$work"/day/rsar*)
/usr/bin/time -f '%e %M' -o "$work/t" target/release/rsar export -f "$log" >"$work/day.om"
read -r secs kb <"$work/t"
awk -v b="$(stat -c %s "$work/day.om")" -v n="$DAY" -v s="$secs" -v kb="$kb" -v lb="$(stat -c %s "$log")" \
  'BEGIN { printf "  %.0f bytes of OpenMetrics per sample (log: %.0f), %.0f samples/s, peak RSS %.1f MB\n", b / n, lb / n, n / s, kb / 1024 }'
