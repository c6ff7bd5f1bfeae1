#!/usr/bin/env bash
# DESIGN.md §7's scale target: "a 128-CPU, 96-disk, 400-interface host (synthetic tree) ...
# an hour at 1 s reports in <= 48 MB". Generates STEPS snapshots of that host with
# examples/synth_host.rs, records each with rsadc (one run per step on a simulated clock,
# as cron would), then runs `rsar -A -f` on the log and prints its wall time and peak RSS,
# and the log's bytes per sample.
# Usage: bench/synth-scale.sh [STEPS]    (default 3600: an hour at 1 s; needs /usr/bin/time)
# Env: CPUS, DISKS, IFACES change the host; KEEP=1 keeps the temporary directory.
# Recording is one rsadc process per step; since format 2 each run reads only a bounded
# tail of the day file, so recording time grows linearly with STEPS.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-3600}
cpus=${CPUS:-128} disks=${DISKS:-96} ifaces=${IFACES:-400}
start=1763719200 # 2025-11-21 10:00:00 UTC: what the generator's btime assumes
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet --workspace --bins --example synth_host
tmp=$(mktemp -d)
if [ "${KEEP:-}" = 1 ]; then echo "keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
export TZ=UTC LC_ALL=C

t0=$(date +%s.%N)
target/release/examples/synth_host --cpus "$cpus" --disks "$disks" --ifaces "$ifaces" \
  --steps "$steps" "$tmp/trees" 2>/dev/null
t1=$(date +%s.%N)
width=$(( ${#steps} > 4 ? ${#steps} : 4 ))
step_dir() { printf "%s/trees/t%0${width}d" "$tmp" "$1"; }
proc_bytes=$(du -sb "$(step_dir 0)/proc" | cut -f1)
sys_bytes=$(du -sb "$(step_dir 0)/sys" | cut -f1)

for ((i = 0; i < steps; i++)); do
  t=$(step_dir "$i")
  target/release/rsadc --proc-root "$t/proc" --sys-root "$t/sys" --fake-clock $((start + i)) \
    1 1 "$tmp/log/" 2>>"$tmp/rsadc.err" || { cat "$tmp/rsadc.err" >&2; exit 1; }
  if (( (i + 1) % 300 == 0 )); then echo "recorded $((i + 1))/$steps" >&2; fi
done
t2=$(date +%s.%N)
logs=("$tmp"/log/rsar*)
[ ${#logs[@]} -eq 1 ] || echo "note: the steps span ${#logs[@]} days; reporting the first" >&2
log=${logs[0]}
log_bytes=$(stat -c %s "$log")

/usr/bin/time -f '%e %M' -o "$tmp/time" target/release/rsar -A -f "$log" >"$tmp/A.txt"
read -r rsar_s rsar_kb <"$tmp/time"
lines=$(wc -l <"$tmp/A.txt")

echo "host: $cpus CPUs, $disks disks, $ifaces interfaces; $steps steps at 1 s"
awk -v g="$t0" -v g1="$t1" -v p="$proc_bytes" -v s="$sys_bytes" -v n="$steps" 'BEGIN {
  printf "generate:   %.1f s; %.0f kB of /proc per step (+ %.0f kB of /sys once)\n", g1 - g, p / 1000, s / 1000 }'
awk -v a="$t1" -v b="$t2" -v n="$steps" 'BEGIN {
  printf "record:     %.1f s (%.1f ms per rsadc run)\n", b - a, (b - a) * 1000 / n }'
awk -v b="$log_bytes" -v n="$steps" 'BEGIN {
  printf "log:        %d bytes, %.0f bytes per sample\n", b, b / n }'
awk -v t="$rsar_s" -v m="$rsar_kb" -v l="$lines" 'BEGIN {
  printf "rsar -A -f: %.2f s wall, %.1f MB peak RSS, %d lines\n", t, m / 1024, l }'
